package org.opsledger.cli.vault;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.opsledger.cli.CliException;
import org.opsledger.cli.Stdout;
import org.opsledger.cli.TerminalText;
import org.opsledger.vault.IoReason;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.restorer.Dumper;
import org.opsledger.vault.snapshot.FileNames;
import org.opsledger.vault.snapshot.NodeType;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.SnapshotPaths;
import org.opsledger.vault.snapshot.SnapshotRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "dump", mixinStandardHelpOptions = true,
        description = {"Write one path of a snapshot to stdout (or --output FILE): a file's bytes, a directory as a tar archive.",
                "Every block is checked against its ID as it is read; a damaged repository stops the dump with an error. Examples:",
                "  vault dump latest app.sql | psql app",
                "  vault dump latest srv/www | ssh web-2 tar -x -C /"})
final class DumpCommand implements Callable<Integer> {

    @Mixin
    RepoOptions repo;

    @Mixin
    SnapshotFilterOptions select;

    @Parameters(index = "0", paramLabel = "SNAPSHOT", description = "Snapshot ID, unique prefix, or 'latest' (with a stream's name for PATH, the latest of that stream).")
    String snapshot;

    @Parameters(index = "1", paramLabel = "PATH", description = "A path as `vault ls` shows it (like srv/www/index.html); / for the whole snapshot.")
    String path;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to this new file instead of stdout (never overwritten; mode 0600; removed if the dump fails or is stopped);"
            + " '-' is stdout, as tar and curl take it (./- names a file).")
    Path output;

    @Override
    public Integer call() throws Exception {
        RepoOptions.checkNotEmpty("PATH", path);
        RepoOptions.checkNotEmpty("--output", output == null ? null : output.toString()); // said "--output  already exists"
        if (output != null && output.toString().equals("-")) { // stdout: `-o -` wrote a file named "-", and the pipe got "dumped … to -" (a tester's)
            output = null;
        }
        if (output == null && repo.json) {
            throw new CliException("--json needs --output: the dump itself goes to stdout", 2);
        }
        if (output == null && Output.onTerminal()) {
            throw new CliException("stdout is a terminal: send the dump to a file or a pipe (vault dump … > FILE, or --output FILE)", 2);
        }
        if (output != null) { // refused before the repository opens, as a bad command line is: it left a failed entry (h1's repro-8)
            if (Files.exists(output, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw exists(output);
            }
            Path dir = output.toAbsolutePath().getParent();
            if (dir != null && !Files.isDirectory(dir)) {
                throw noDirectory(output);
            }
        }
        try (Repository r = repo.open()) {
            List<String> what = List.of(path);
            SnapshotRef s;
            Dumper.Dumped d;
            String summary;
            try (Journaling journal = new Journaling(r, JournalEntry.Operation.DUMP, what, new java.util.ArrayList<>())) {
                s = journal.find(() -> chosen(r), SnapshotRef::id);
                SnapshotRef chosen = s; // said on stderr (stdout is the data) as the dump begins: not before a refusal of the path or --output
                Runnable begins = () -> SnapshotsCommand.sayWhichWhenChosen(snapshot, chosen);
                try {
                    d = output == null ? new Dumper(r).dump(s, path, new BufferedOutputStream(stdout(), 1 << 16), begins)
                            : toFile(new Dumper(r), s, output, begins);
                } catch (Exception e) {
                    throw journal.failed(e);
                }
                summary = "dumped " + path + " of snapshot " + s.shortId() + " to " + (output == null ? "stdout" : FileNames.exactOf(output)) + ": "
                        + (d.type() == NodeType.FILE ? "" : "a tar archive of " + d.entries() + " entries, ") + Output.bytes(d.bytes());
                journal.ended(JournalEntry.Outcome.OK, what, List.of(s.id()), false, 0, summary);
            }
            if (output != null && repo.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("snapshot", s.id().hex());
                m.put("path", path);
                m.put("type", d.type().json());
                m.put("bytes", d.bytes());
                m.put("entries", d.entries());
                m.put("output", FileNames.exactOf(output));
                Output.json(m);
            } else if (output != null) {
                Output.out().println(TerminalText.escape(summary));
            }
        }
        return 0;
    }

    /**
     * The snapshot SNAPSHOT names; 'latest' with a stream's name for PATH and no --path, the latest snapshot of that stream
     * (among those --host and --tag select): `vault dump latest app.sql | psql app`, the restore of a database's dump,
     * failed "no path app.sql in snapshot …" once another database's dump had run after it, the latest of all (a tester's).
     * Refused when the latest of all, not that stream's, holds PATH too: which one is meant, the command does not say.
     */
    private SnapshotRef chosen(Repository r) {
        if (!"latest".equals(snapshot) || !select.paths.isEmpty()) {
            return select.find(r, snapshot);
        }
        return select.find(() -> {
            Repository.SnapshotListing listing = r.listSnapshots();
            SnapshotRef latest = listing.find(snapshot, select.filter());
            List<SnapshotRef> ofStream = select.filter().select(listing.readable()).stream()
                    .filter(ref -> ref.snapshot().kind() == Snapshot.Kind.STDIN && List.of(path).equals(ref.snapshot().paths())).toList();
            if (ofStream.isEmpty() || ofStream.getLast().id().equals(latest.id())
                    || !SnapshotPaths.holds(latest, SnapshotPaths.relative(path), r::loadTree)) {
                return ofStream.isEmpty() ? latest : ofStream.getLast();
            }
            // both the stream's and a path of the latest (a stream named srv, then a backup of /srv): each pipe takes the
            // other's bytes without a word, the tar's a database's dump; which one is the operator's to say
            throw new CliException(TerminalText.escape(path) + " names both a stream (its latest is snapshot " + ofStream.getLast().shortId()
                    + ") and a path of the latest snapshot (" + latest.shortId() + "): `vault dump latest " + TerminalText.escape(path)
                    + " --path " + TerminalText.escape(path) + "` dumps the stream's, `vault dump " + latest.shortId() + " "
                    + TerminalText.escape(path) + "` that path", 1);
        });
    }

    /** System.out as a stream that fails once its reader has gone (`| head`): a PrintStream would go on silently. */
    private static OutputStream stdout() {
        PrintStream ps = System.out;
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ps.write(b, off, len);
                check();
            }

            @Override
            public void flush() throws IOException {
                ps.flush();
                check();
            }

            private void check() throws IOException {
                if (ps.checkError()) {
                    throw new IOException(Stdout.whyClosed("dump"));
                }
            }
        };
    }

    /** {@code out} whose failures name the file and say that it is gone: a full disk said only "No space left on device". */
    private static OutputStream naming(OutputStream out, Path file) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    out.write(b, off, len);
                } catch (IOException e) {
                    throw failed(e);
                }
            }

            @Override
            public void close() throws IOException {
                try {
                    out.close();
                } catch (IOException e) {
                    throw failed(e);
                }
            }

            private IOException failed(IOException e) {
                return new IOException("cannot write --output " + file + ": " + IoReason.of(e) + "; the partial file was removed", e);
            }
        };
    }

    private static CliException exists(Path file) {
        return new CliException("--output " + TerminalText.path(file) + " already exists; the dump never overwrites", 2);
    }

    private static CliException noDirectory(Path file) {
        return new CliException("--output " + TerminalText.path(file) + ": its directory does not exist", 2);
    }

    /**
     * Into a new file, removed again if the dump fails or a signal stops it: nothing half-written is left to be mistaken
     * for the data. The file is its owner's alone (0600, whatever the umask): it holds files whose own modes it does not
     * keep, and a dump of a 0600 key came out 0644, left so after a SIGTERM too (a helper's).
     */
    private Dumper.Dumped toFile(Dumper dumper, SnapshotRef s, Path file, Runnable begins) throws IOException {
        OutputStream out;
        try {
            out = java.nio.channels.Channels.newOutputStream(Files.newByteChannel(file, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"))));
        } catch (FileAlreadyExistsException e) { // made since the check before the repository opened
            throw exists(file);
        } catch (NoSuchFileException e) {
            throw noDirectory(file);
        } catch (IOException e) {
            throw new CliException("cannot create --output " + TerminalText.path(file) + ": " + IoReason.of(e), 2);
        }
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread removeUnfinished = new Thread(() -> { // SIGTERM or Ctrl-C ends the JVM through its hooks, not the finally below
            if (!done.get()) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // what a removal that fails leaves is named by the journal's "stopped by" entry
                }
            }
        }, "remove-unfinished-dump");
        Runtime.getRuntime().addShutdownHook(removeUnfinished);
        try (OutputStream o = new BufferedOutputStream(naming(out, file), 1 << 16)) {
            Dumper.Dumped d = dumper.dump(s, path, o, begins);
            done.set(true);
            return d;
        } finally {
            if (!done.get()) {
                Files.deleteIfExists(file);
            }
            try {
                Runtime.getRuntime().removeShutdownHook(removeUnfinished);
            } catch (IllegalStateException ending) {
                // the JVM is going down: the hook removes the file
            }
        }
    }
}
