package org.opsledger.cli.vault;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.opsledger.cli.CliException;
import org.opsledger.cli.TerminalText;
import org.opsledger.vault.Globs;
import org.opsledger.vault.crypto.Sealing;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.restorer.RestoreResult;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.FileNames;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.SnapshotRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Restore a snapshot under --target; --verify re-reads every restored file and proves it (IS.012 6.6.4).",
                "Exit code 3: the target's filesystem would not take everything (owners on an NFS export that squashes root; links, modes,",
                "exact times and some names on exFAT or FAT; xattrs on many mounts), or a set-user-ID or set-group-ID bit was cleared on",
                "a file not given its recorded owner or group (a restore as a user other than root): each kind is listed as a warning,",
                "the rest restored.",
                "Done means on the disk: each file, its directories and the target's unfinished marker are fsynced (its removal last),",
                "so a power cut after a restore leaves it whole, or marked partial; the writeback is part of the restore's time."})
final class RestoreCommand implements Callable<Integer> {

    @Mixin
    RepoOptions repo;

    @Mixin
    SnapshotFilterOptions select;

    @Parameters(paramLabel = "SNAPSHOT", description = "Snapshot ID, unique prefix, or 'latest'.")
    String snapshot;

    @Option(names = "--target", required = true, description = "Directory to restore into (created 0700 if missing): nothing in it is"
            + " overwritten, and one another user could change is refused.")
    Path target;

    @Option(names = "--include", paramLabel = "PATH", description = "Restore only this path of the snapshot (like data/docs), with all it"
            + " holds, or what a pattern holding * ? or [ matches as --exclude's do ('*.txt', 'app/uploads/*.txt'); repeatable.")
    List<String> includes = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "GLOB", description = "Leave out what matches a name anywhere ('*.log'), a whole"
            + " path as `vault ls` shows it ('/data/cache') or a path's end ('data/cache'), with all it holds; repeatable.")
    List<String> excludes = new ArrayList<>();

    @Option(names = "--verify", description = "After restoring, re-read every file and compare it with the snapshot.")
    boolean verify;

    @Option(names = "--threads", description = "Packs read, decrypted and written at once (default: number of CPUs, at least 2).")
    Integer threads;

    /** "restored 3 files", or of paths --include chose, "restored 1 of 3 files (--include /src/readme)". */
    private String restoredFiles(RestoreResult res, SnapshotRef s) {
        return includes.isEmpty() ? "restored " + res.files() + " files" : JournalEntry.restoredChosen(res.files(), filesIn(s, res), includes);
    }

    /**
     * The files the backup recorded in the snapshot (a rewrite's removals among them), or null where its record keeps no
     * count, or one below those restored (a recover's snapshot records none).
     */
    private static Long filesIn(SnapshotRef s, RestoreResult res) {
        Snapshot.Summary summary = s.snapshot().summary();
        return summary == null || summary.files() < res.files() ? null : summary.files();
    }

    @Override
    public Integer call() throws Exception {
        RepoOptions.checkThreads(threads);
        includes.forEach(i -> RepoOptions.checkNotEmpty("--include", i));
        RepoOptions.checkPatterns("--include", includes.stream().filter(Globs::isPattern).toList()); // a glob, as --exclude
        RepoOptions.checkPatterns("--exclude", excludes); // before the repository opens: exit 2, no entry
        if (target.toString().isEmpty()) { // an unset variable: never the working directory
            throw new CliException("--target is empty: name the directory to restore into", 2);
        }
        long start = System.nanoTime();
        Sealing.warmUp(false); // on the spare core while the password unlocks the repository, as check does
        RestoreResult res;
        SnapshotRef s;
        String summary;
        CliException failure;
        Path into = Restorer.realPath(target); // as the restore resolves it: what the messages and the journal name
        List<String> where = List.of(FileNames.exactOf(into)); // its bytes: a target not UTF-8 was kept with U+FFFD
        try (Repository r = repo.open()) {
            try (Journaling journal = new Journaling(r, JournalEntry.Operation.RESTORE, where, new java.util.ArrayList<>())) {
                s = journal.find(() -> select.find(() -> SnapshotsCommand.find(r, snapshot, select.filter())), SnapshotRef::id);
                Restorer restorer = new Restorer(r, threads == null ? Math.max(2, Runtime.getRuntime().availableProcessors()) : threads)
                        .excluding(excludes).resolvedAs(into);
                Supplier<String> partial = () -> restorer.intoLiveTree() ? madeInALiveTree(into, restorer)
                        : TerminalText.path(into) + " holds a partial restore (" + Output.bytes(restorer.bytesWritten.get()) + " written); restore never"
                        + " overwrites: remove it before restoring there again, or restore into another directory";
                // stopped before it began to write: no "remove it" of an /srv that was there (a helper's); it may begin as the
                // JVM goes down, which its marker then says (a re-tester's)
                Supplier<String> stopped = () -> restorer.begun.get() ? partial.get() : "stopped as it began; " + TerminalText.path(into) + " holds a partial"
                        + " restore only if it holds " + Restorer.UNFINISHED;
                try (AutoCloseable bar = Output.progress(repo.json, () -> Output.bytes(restorer.bytesWritten.get()) + " restored");
                     AutoCloseable told = Output.whenStopped(() -> "opsledger: restore interrupted: " + stopped.get())) {
                    // still the path resolved above (resolvedAs): a link planted while the repository opened moved the
                    // restore elsewhere and the output and journal named the first (a re-tester's)
                    res = restorer.restore(s, target, includes, verify);
                } catch (Exception e) {
                    // a disk that filled halfway: say what is left in the target, as an interrupted restore does
                    throw journal.failed(restorer.begun.get() && org.opsledger.cli.Ending.of(e).isEmpty()
                            ? new CliException(TerminalText.escape(String.valueOf(e.getMessage())) + "; " + partial.get()) : e); // out of memory: its own line, exit 4
                }
                // which snapshot: `latest` in a repository two hosts write may be the other host's (summary, journal, --json)
                // what --include chose is named, with how many files of the snapshot's: one file of three was "restored 1 files"
                summary = String.format(java.util.Locale.ROOT, "%s, %d dirs, %d symlinks%s, %s of %s to %s in %.2f s%s%s", restoredFiles(res, s), res.dirs(),
                        res.symlinks(), res.specials() > 0 ? ", " + res.specials() + " FIFO(s) or device node(s)" : "",
                        Output.bytes(res.bytes()), SnapshotsCommand.named(s), FileNames.exactOf(into), (System.nanoTime() - start) / 1e9,
                        res.excluded() > 0 ? "; " + res.excluded() + " path(s) left out by --exclude" : "",
                        !verify ? "" : res.verified() ? "; verified" : res.verifyFailures().isEmpty() ? "; nothing restored, nothing verified" : "");
                failure = failure(res, into);
                if (failure != null) {
                    journal.failed(failure);
                } else {
                    boolean whole = res.unapplied().isEmpty(); // IS.012 6.6.4: a verified restore is a tested one
                    journal.ended(whole ? JournalEntry.Outcome.OK : JournalEntry.Outcome.INCOMPLETE, where, List.of(s.id()), res.verified(),
                            whole ? 0 : BackupCommand.INCOMPLETE, summary);
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (repo.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("snapshot", s.id().hex()); // as dump's --json names it
            m.put("hostname", s.snapshot().hostname());
            m.put("time", s.snapshot().time());
            m.put("result", res);
            if (!includes.isEmpty()) {
                m.put("include", includes);
                m.put("snapshotFiles", filesIn(s, res));
            }
            m.put("seconds", seconds);
            Output.json(m);
        } else {
            Output.out().println(TerminalText.escape(summary)); // said as the journal keeps it, its target's bytes escaped
            res.refused().forEach(n -> Output.out().println("refused unsafe name: " + TerminalText.escape(n)));
            res.verifyFailures().forEach(f -> Output.out().println("verify: " + TerminalText.escape(f)));
            for (RestoreResult.Unapplied u : res.unapplied()) {
                Output.err().printf(java.util.Locale.ROOT, "warning: %s %s on %d path(s): %s (first: %s)%n", u.what(), u.outcome(), u.count(), TerminalText.escape(u.reason()),
                        TerminalText.escape(String.join(", ", u.first())));
            }
            if (!res.unapplied().isEmpty()) {
                Output.out().println("incomplete restore: not everything the snapshot holds could be restored as it is"
                        + " (listed on stderr); the rest is restored" + (verify && res.verifyFailures().isEmpty() ? " and verified" : ""));
            }
        }
        if (failure != null) {
            throw failure;
        }
        return res.unapplied().isEmpty() ? 0 : BackupCommand.INCOMPLETE;
    }

    /**
     * What to delete of a restore into a target that held other files (a live tree) that did not end: the paths it made and its
     * marker, never the target. A restore of one file into /srv/app stopped by Ctrl-C said to remove /srv/app, and named not
     * the file it left cut short under its real name (h3's repro-2).
     */
    private static String madeInALiveTree(Path into, Restorer restorer) {
        String marker = TerminalText.path(into.resolve(Restorer.UNFINISHED));
        String at = TerminalText.path(into);
        List<Path> made = restorer.made();
        if (made.isEmpty()) {
            return at + " holds nothing this restore made, only its marker " + marker + ": delete that before restoring there again";
        }
        int shown = Math.min(3, made.size());
        String paths = String.join(", ", made.subList(0, shown).stream().map(TerminalText::path).toList())
                + (made.size() > shown ? " and " + (made.size() - shown) + " more listed in the marker" : "");
        return at + " holds a partial restore (" + Output.bytes(restorer.bytesWritten.get()) + " written) in what it made there, "
                + paths + ": delete " + (made.size() == 1 ? "that" : "those") + " and its marker " + marker + " before restoring there"
                + " again, not the rest of " + at;
    }

    /** Why a restore that ran to its end failed: unsafe names refused, or differences --verify found; null when it did not. */
    private static CliException failure(RestoreResult res, Path into) {
        if (!res.refused().isEmpty()) {
            return new CliException("refused " + res.refused().size() + " unsafe name(s) in the snapshot; nothing was written outside "
                    + TerminalText.path(into));
        }
        if (!res.verifyFailures().isEmpty()) {
            return new CliException("verify found " + res.verifyFailures().size() + " difference(s) between the restore and the snapshot");
        }
        return null;
    }
}
