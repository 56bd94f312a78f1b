package org.opsledger.cli.vault;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.opsledger.cli.CliException;
import org.opsledger.cli.TerminalText;
import org.opsledger.vault.IoReason;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.archiver.Archiver;
import org.opsledger.vault.archiver.BackupOptions;
import org.opsledger.vault.archiver.BackupProgress;
import org.opsledger.vault.backend.ThrottledBackend;
import org.opsledger.vault.crypto.Keys;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.FileNames;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.SnapshotRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Back up paths, or a stream with --stdin or --stdin-from-command -- CMD ARGS….",
                "Incremental by default: files unchanged since the parent snapshot (size, mtime, ctime, inode) are not re-read;",
                "--full re-reads everything. A command that exits non-zero leaves no snapshot.",
                "Exit code 3: the snapshot was written, but paths that vanished or could not be read were left out, or files changed",
                "while they were read (listed as warnings).",
                "Options may come from @FILE (blank-separated, '#' starting a comment line only), before -- alone: the command's",
                "arguments after it are passed as given (-d @query.json stays so)."})
final class BackupCommand implements Callable<Integer> {

    /**
     * Exit code of a backup that wrote its snapshot but left out paths it could not read (restic uses 3
     * too); also of a listing that skipped unreadable snapshots and of a restore whose target would not
     * take some metadata.
     */
    static final int INCOMPLETE = 3;

    /** How file contents are opened; the CLI tests replace it to make a file vanish mid-backup. */
    static Archiver.FileOpener opener = Archiver.FileOpener.DIRECT;

    @Mixin
    RepoOptions repo;

    @Mixin
    RecordOptions record;

    @Option(names = "--tag", paramLabel = "K=V", description = "Tag stored with the snapshot; repeatable.")
    List<String> tags = new ArrayList<>();

    @Parameters(paramLabel = "PATH", description = "Paths to back up; with --stdin-from-command, the command and its arguments.")
    List<String> args = new ArrayList<>();

    @Option(names = "--full", description = "Re-read and re-hash every byte (IS.012 6.6.1.1 weekly full).")
    boolean full;

    @Option(names = "--exclude", paramLabel = "PATTERN", description = "Leave out what this glob matches: a name anywhere ('*.log', 'node_modules'), a whole absolute path"
            + " ('/srv/data/cache', '/srv/*/tmp') or a path's end ('data/cache'); repeatable. A backup path it matches itself is refused.")
    List<String> excludes = new ArrayList<>();

    @Option(names = "--exclude-if-present", paramLabel = "NAME[:HEADER]",
            description = "Leave out every directory holding a file of this name (that begins with HEADER, when given); repeatable.")
    List<String> excludeIfPresent = new ArrayList<>();

    @Option(names = "--exclude-caches",
            description = "Leave out cache directories marked with a CACHEDIR.TAG file (bford.info/cachedir) whole, as borg does (restic keeps the directory and its tag file).")
    boolean excludeCaches;

    @Option(names = "--exclude-file", paramLabel = "FILE", description = "Read --exclude patterns from FILE, one per line (blanks around a pattern, blank lines and lines starting with # skipped); repeatable.")
    List<Path> excludeFiles = new ArrayList<>();

    @Option(names = "--files-from", paramLabel = "FILE", description = "Back up the paths listed in FILE too, one per line (blank lines and lines starting with # skipped); repeatable.")
    List<Path> filesFrom = new ArrayList<>();

    @Option(names = "--stdin", description = "Back up standard input as one file named by --stdin-name.")
    boolean stdin;

    @Option(names = "--stdin-name", description = "File name for --stdin or --stdin-from-command (default: stdin for --stdin; for --stdin-from-command,"
            + " the program's base name and its arguments that are plain identifiers, as in docs/operations.md: each stream needs"
            + " a name of its own).")
    String stdinName;

    @Option(names = "--stdin-from-command", description = "Run the command after -- and back up its standard output.")
    boolean fromCommand;

    @Option(names = "--allow-same-device", description = "Allow the repository on the same filesystem as a backed-up path (IS.012 6.6.6 forbids it).")
    boolean allowSameDevice;

    @Option(names = {"-x", "--one-file-system"},
            description = "Do not cross into other filesystems (NFS shares, container volumes mounted below a path): their mount points are kept as empty directories.")
    boolean oneFileSystem;

    @Option(names = "--threads", description = "Worker threads (default: number of CPUs, at least 2).")
    Integer threads;

    @Override
    public Integer call() {
        LocalDate until = record.retainUntil();
        String cls = record.classification();
        String owner = record.owner();
        Map<String, String> tagged = RecordOptions.byHand(RecordOptions.tags("--tag", tags), "--tag");
        RepoOptions.checkThreads(threads);
        if (stdin || fromCommand) {
            refuseWalkOptions(); // before a --files-from or --exclude-file is read
        }
        RepoOptions.checkPatterns("--exclude", excludes); // an --exclude-file's, each as it is read, naming its line
        args.addAll(lines(filesFrom, "--files-from"));
        excludes.addAll(lines(excludeFiles, "--exclude-file"));
        if (excludeCaches) {
            excludeIfPresent.add(BackupOptions.CACHE_TAG);
        }
        for (String tag : excludeIfPresent) {
            String name = tag.split(":", 2)[0];
            if (!Node.isSafeName(name)) {
                throw new CliException("--exclude-if-present " + TerminalText.escape(tag) + ": the file name must be a plain name (no '/')", 2);
            }
        }
        if (stdin && fromCommand) {
            throw new CliException("use either --stdin or --stdin-from-command", 2);
        }
        if (!fromCommand && args.stream().anyMatch(String::isEmpty)) { // `backup "$SRC"` with SRC unset would back up the working directory
            throw new CliException("a PATH is empty (an unset variable?): name what to back up", 2);
        } // the words after -- are the command's, passed as given: `printf '%s|' a '' b`, `sh -c '…' "$OPTIONAL"` (a tester's)
        if (fromCommand && !args.isEmpty() && args.getFirst().isEmpty()) {
            throw new CliException("the command after -- is empty (an unset variable?): name the program to run", 2);
        }
        // `-- PGPASSWORD=S3cret pg_dump hr`, a shell's habit, failed "cannot run PGPASSWORD=S3cret", and the password was in
        // the append-only journal, the stream's name and `due` (a tester's): refused before anything runs or is recorded,
        // its words not repeated
        if (fromCommand && !args.isEmpty() && args.getFirst().contains("=")) {
            throw new CliException("the program after -- holds '=': a leading NAME=value is the shell's assignment, not a program, and it"
                    + " is neither run nor shown (it may hold a password); use -- env NAME=value CMD …, or better keep the password"
                    + " out of the command line (~/.pgpass, --defaults-extra-file)", 2);
        }
        if (!stdin && !fromCommand && stdinName != null) { // taken and ignored: `backup /srv --stdin-name db.sql` saved /srv
            throw new CliException("--stdin-name names a stream: give --stdin or --stdin-from-command with it, or leave it out", 2);
        }
        if ((stdin || fromCommand) && stdinName != null) {
            try {
                Archiver.checkStreamName(stdinName);
            } catch (VaultException e) {
                throw new CliException(e.getMessage(), 2);
            }
        }
        if (!stdin && !fromCommand && args.isEmpty()) {
            throw new CliException("nothing to back up: name at least one PATH, or use --stdin", 2);
        }
        if (stdin && !args.isEmpty()) {
            throw new CliException("--stdin takes no paths", 2);
        }
        if (fromCommand && args.isEmpty()) {
            throw new CliException("--stdin-from-command needs a command after --", 2); // none after it (commandNotAfterDashes)
        }
        // "x/" kept as x/.: a symlink given so is followed (Archiver#walked), and Path drops a trailing slash
        BackupOptions options = new BackupOptions(args.stream().map(a -> a.length() > 1 && a.endsWith("/") ? FileNames.pathOf(a).resolve(".")
                : FileNames.pathOf(a)).toList(), full, excludes, excludeIfPresent, tagged, owner, cls, until,
                allowSameDevice, oneFileSystem, threads == null ? BackupOptions.defaultThreads() : threads);
        BackupProgress progress = new BackupProgress();
        long start = System.nanoTime();
        SnapshotRef snap;
        String summary;
        List<String> warnings;
        List<String> damage; // of the repository, met on the way: the snapshot is whole
        List<String> sources;
        try { // refused before the repository opens: a command line no backup could take is not a failed backup
            sources = stdin || fromCommand ? List.of() : Archiver.sourcePaths(options).stream().map(FileNames::exactOf).toList();
        } catch (VaultException e) {
            throw new CliException(e.getMessage(), 2);
        }
        java.time.ZoneId zone = LocalZone.forCountingDays("backup"); // the offset it records is the one forget counts days in
        try (Repository r = repo.open();
             Journaling journal = new Journaling(r, JournalEntry.Operation.BACKUP, stdin || fromCommand ? List.of(streamName(r)) : sources,
                     List.of());
             AutoCloseable bar = Output.progress(repo.json, () -> progress.files.get() + " files, " + progress.dirs.get() + " dirs, "
                     + Output.bytes(progress.bytesReading.get()) + " read, " + progress.filesUnchanged.get() + " unchanged");
             AutoCloseable told = Output.whenStopped(() -> "opsledger: backup stopped by " + Output.stoppedBy()
                     + " before it ended: no snapshot was written")) {
            // what is left then is the commit's end, the journal entry and the summary: said at once, the record's write at full
            // speed (its one write took 55 s for 2,000 paths at --limit-upload 1, and a Ctrl-C there said nothing: a re-tester's)
            StopSignal.holdOnceSaved(progress::isCommitting, signal -> Output.say("opsledger: " + StopSignal.describe(signal)
                    + " came as the snapshot is being saved: the backup ends as saved once its record is written"
                    + (ThrottledBackend.lift(r.backend()) ? " (the upload limit lifted for it)" : "") + ", recorded in the journal"));
            try {
                Archiver archiver = new Archiver(r, progress, opener).inZone(zone);
                if (stdin) {
                    snap = archiver.backupStream(System.in, stdinName, options, () -> { });
                } else if (fromCommand) {
                    snap = fromCommand(archiver, options, journal);
                } else {
                    snap = archiver.backup(options);
                }
            } catch (Exception e) { // IS.012 6.6.5: a failed backup is recorded too
                // a library that did not load as stderr says it, not "backup failed: java.lang.ExceptionInInitializerError" (a tester's)
                OutOfMemoryError heap = org.opsledger.cli.Ending.outOfMemoryIn(e);
                if (heap != null) { // a worker's, wrapped: journalled as out of heap, and ended as one (exit 4: the launcher runs it again)
                    journal.failed(e);
                    throw heap;
                }
                String cannotLoad = org.opsledger.cli.OneLineErrors.cannotLoadIn(e);
                throw journal.failed(cannotLoad != null ? new CliException(cannotLoad) : e instanceof VaultException || e instanceof CliException
                        ? (RuntimeException) e : new CliException("backup failed: " + TerminalText.escape(String.valueOf(e.getMessage()))));
            }
            warnings = progress.warnings();
            damage = progress.repositoryDamage();
            summary = summary(snap, progress, (System.nanoTime() - start) / 1e9);
            boolean whole = warnings.isEmpty() && damage.isEmpty();
            journal.ended(whole ? JournalEntry.Outcome.OK : JournalEntry.Outcome.INCOMPLETE, snap.snapshot().paths(), List.of(snap.id()),
                    false, whole ? 0 : INCOMPLETE, summary + damage.stream().map(d -> "; warning: " + d).collect(Collectors.joining()));
        } catch (VaultException | CliException e) {
            throw e;
        } catch (Exception e) {
            throw new CliException("backup failed: " + TerminalText.escape(String.valueOf(e.getMessage())));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (repo.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("snapshot", snap.id().hex());
            m.put("seconds", seconds);
            m.put("record", snap.snapshot());
            m.put("specials", progress.specials.get());
            m.put("socketsSkipped", progress.socketsSkipped.get());
            m.put("mountPointsNotCrossed", progress.mountPointsNotCrossed.get());
            m.put("directoriesExcludedByTag", progress.excludedByTag.get());
            m.put("repositoryLeftOut", progress.repositoryLeftOut() == null ? null : progress.repositoryLeftOut().toString());
            m.put("warnings", warnings);
            m.put("notKeptOnThisJvm", progress.notKeptOnThisJvm());
            m.put("noChangeTime", progress.noChangeTime());
            m.put("repositoryDamage", damage);
            m.put("recordLacks", snap.snapshot().recordLacks());
            Output.json(m);
        } else {
            warnings.forEach(w -> Output.err().println("warning: " + TerminalText.escape(w)));
            if (progress.notKeptOnThisJvm() != null) { // no file's: the exit code stays (docs/operations.md, "What a backup does not keep")
                Output.err().println("warning: " + progress.notKeptOnThisJvm());
            }
            damage.forEach(d -> Output.err().println("warning: " + TerminalText.escape(d)));
            // no file's: the exit code stays (docs/operations.md, "An incremental reads again only …")
            progress.noChangeTime().forEach(p -> Output.err().println("notice: " + TerminalText.escape(p) + ": a file rewritten there at"
                    + " its size with its mtime put back is missed until --full"));
            Output.out().println(summary);
            if (progress.repositoryLeftOut() != null) {
                Output.out().println("the repository " + TerminalText.escape(progress.repositoryLeftOut().toString()) + " lies inside a backed-up path and was left out");
            }
            if (progress.excludedByTag.get() > 0) {
                Output.out().println(progress.excludedByTag.get() + " directory(ies) left out for the file they hold"
                        + " (--exclude-if-present, --exclude-caches)");
            }
            if (progress.mountPointsNotCrossed.get() > 0) {
                Output.out().println(progress.mountPointsNotCrossed.get()
                        + " mount point(s) of other filesystems kept as empty directories (--one-file-system)");
            }
            if (progress.socketsSkipped.get() > 0) {
                Output.out().println(progress.socketsSkipped.get() + " socket(s) left out (the program that listens on one makes it again)");
            }
            if (!warnings.isEmpty()) {
                Output.out().println("incomplete snapshot: " + warnings.size() + " path(s) vanished, could not be read, changed while read,"
                        + " have a time the tree cannot keep or an extended attribute left out (listed on stderr)");
            }
            RecordOptions.warnIfLacking(snap, "give --owner, --classification and --retain-until, or ");
        }
        StopSignal.held().ifPresent(signal -> Output.err().println("opsledger: " + StopSignal.describe(signal) + " came after snapshot "
                + snap.shortId() + " was saved: the backup ended as saved, recorded in the journal"));
        return warnings.isEmpty() && damage.isEmpty() ? 0 : INCOMPLETE;
    }

    /**
     * A stream's name, its source: --stdin-name, else `stdin` or its command's ({@link #streamNameOf}), named once the
     * repository is open, whose key its digest is under.
     */
    private String streamName(Repository r) {
        if (stdinName == null) {
            stdinName = fromCommand ? streamNameOf(args, r.keys()) : "stdin";
        }
        return stdinName;
    }

    /**
     * Refuses, exit 2, the first option given that tells the walk of backup paths what to read, with a stream: a stream is
     * one file, read as it comes, so each was taken and ignored (a tester's `--exclude` that left nothing out). --full is
     * taken: it asks for what a stream always is, a backup read whole with no parent (`due` counts it full).
     */
    private void refuseWalkOptions() {
        String stream = stdin ? "--stdin" : "--stdin-from-command";
        String oneFile = "a stream is one file, read as it comes, with nothing in it to leave out";
        Map<String, String> given = new LinkedHashMap<>();
        if (!excludes.isEmpty()) {
            given.put("--exclude", oneFile);
        }
        if (!excludeFiles.isEmpty()) {
            given.put("--exclude-file", oneFile);
        }
        if (!excludeIfPresent.isEmpty()) {
            given.put("--exclude-if-present", "a stream has no directories to leave out");
        }
        if (excludeCaches) {
            given.put("--exclude-caches", "a stream has no directories to leave out");
        }
        if (!filesFrom.isEmpty()) {
            given.put("--files-from", "it names paths, and " + stream + " backs up " + (stdin ? "standard input" : "a command's output"));
        }
        if (oneFileSystem) {
            given.put("-x/--one-file-system", "a stream is read from a pipe, not from a filesystem");
        }
        if (allowSameDevice) {
            given.put("--allow-same-device", "it lifts the rule that a backed-up path is not on the repository's device (IS.012 6.6.6),"
                    + " and a stream has no path");
        }
        if (!given.isEmpty()) {
            List<String> names = List.copyOf(given.keySet());
            throw new CliException(names.getFirst() + " means nothing with " + stream + ": " + given.get(names.getFirst()) + "; leave it out"
                    + (names.size() == 1 ? "" : " (and " + String.join(", ", names.subList(1, names.size())) + ")"), 2);
        }
    }

    /** The backup's line: the snapshot, what it holds, what it added (the journal keeps it too). */
    private static String summary(SnapshotRef snap, BackupProgress progress, double seconds) {
        var s = snap.snapshot().summary();
        long specials = progress.specials.get();
        return JournalEntry.backupSaved(snap.shortId(), snap.snapshot().kind()) // the kind, for `due --since` once the snapshot has left
                + String.format(java.util.Locale.ROOT, ": %d files (%d unchanged), %d dirs%s, %s read, %s added to the repository in %.2f s",
                s.files(), s.filesUnchanged(), s.dirs(),
                specials > 0 ? ", " + specials + " FIFO(s) or device node(s)" : "", Output.bytes(s.bytesRead()),
                Output.bytes(s.bytesAdded()), seconds);
    }

    /** The longest line of a --files-from or --exclude-file list, in bytes: a path is at most 4,096 (PATH_MAX). */
    static final int MAX_LINE = 65_536;

    /**
     * The lines of each file, as restic reads --files-from: a leading byte order mark, blank lines and lines starting
     * with # left out; an --exclude-file's stripped. A line is bytes, as a name is: one that is not UTF-8 names the file
     * of those bytes, each such byte carried as its escape as a name given on the command line is ({@link FileNames}):
     * `find /srv > list` with one Latin-1 name in it was refused whole, "not UTF-8 text", every night, and a secret's
     * name in an --exclude-file could not be left out (a re-tester's). A file that is no list is refused naming the
     * line: one holding a NUL byte (a binary file, `find -print0`), one in UTF-16, and a line that is not UTF-8 and holds
     * a control character (a binary file without NUL; no name of a Latin-1 host holds one).
     */
    private static List<String> lines(List<Path> files, String option) {
        List<String> out = new ArrayList<>();
        for (Path f : files) {
            // read a line at a time, each bounded: --files-from /dev/zero is one endless line, not a list
            try (InputStream in = new java.io.BufferedInputStream(org.opsledger.cli.InputFile.open(f, option))) {
                in.mark(2);
                int first = in.read();
                int second = in.read();
                if (first == 0xFF && second == 0xFE || first == 0xFE && second == 0xFF) { // its byte order mark
                    throw new CliException(option + " " + TerminalText.path(f) + " is UTF-16 text (Windows PowerShell's > writes it): save it as"
                            + " UTF-8 (Out-File -Encoding utf8)", 2);
                }
                in.reset();
                java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
                int c;
                int number = 1;
                do {
                    c = in.read();
                    if (c == 0) { // no path or pattern holds NUL: a binary file, or a list `find -print0` made
                        throw new CliException(option + " " + TerminalText.path(f) + ": line " + number + " holds a NUL byte: a list of paths or"
                                + " patterns is one per line (make it with find -print, not -print0)", 2);
                    }
                    if (c != '\n' && c != -1) {
                        if (line.size() == MAX_LINE) {
                            throw new CliException(option + " " + TerminalText.path(f) + ": line " + number + " is longer than " + MAX_LINE
                                    + " bytes: not a list of paths or patterns", 2);
                        }
                        line.write(c);
                        continue;
                    }
                    String l = FileNames.decode(line.toByteArray());
                    l = l.endsWith("\r") ? l.substring(0, l.length() - 1) : l; // a file saved on Windows
                    if (FileNames.hasEscapes(l) && l.chars().anyMatch(ch -> ch < ' ' && ch != '\t')) {
                        throw new CliException(option + " " + TerminalText.path(f) + ": line " + number + " is not UTF-8 and holds a control"
                                + " character: not a list of paths or patterns (a binary file?)", 2);
                    }
                    // a UTF-8 byte order mark (Notepad, PowerShell 5's Out-File -Encoding utf8) is no part of the first
                    // path or pattern, as restic reads it: "\uFEFFsecret" excluded nothing, and the secret was backed up
                    l = number == 1 && l.startsWith("\uFEFF") ? l.substring(1) : l;
                    // a pattern's blanks around it are a list's layout, as restic trims them: "*.log " excluded nothing (a helper's)
                    l = option.equals("--exclude-file") ? l.strip() : l;
                    if (!l.isBlank() && !l.startsWith("#")) {
                        if (option.equals("--exclude-file")) {
                            RepoOptions.checkPattern(option + " " + f + ": line " + number + ":", l);
                        }
                        out.add(l);
                    }
                    line.reset();
                    number++;
                } while (c != -1);
            } catch (IOException e) {
                throw new CliException(option + " " + TerminalText.path(f) + ": " + IoReason.of(e), 2);
            }
        }
        return out;
    }

    /** The longest readable part of a command's stream name ({@link #streamNameOf}), in UTF-8 bytes. */
    static final int COMMAND_NAME_MAX = 100;

    /**
     * A word a command's stream name shows: a plain identifier (letters, digits, '_', and '.' or '-' after the first), which
     * holds no option (`-pSECRET`, `--password=…`), assignment (`PGPASSWORD=…`), URL or connection string (`:`, `@`, `/`,
     * `?`), and follows no option that may take it for its value (`mongodump -p SECRET`, `redis-cli -a SECRET`; `-pSECRET hr`
     * too, `-cf` taking its next word as tar's does: only a `--name=value` takes none).
     */
    private static final java.util.regex.Pattern SHOWN = java.util.regex.Pattern.compile("[\\p{L}\\p{N}_][\\p{L}\\p{N}_.-]*");

    /**
     * The name of a --stdin-from-command stream given no --stdin-name: the program's base name and the {@link #SHOWN} words
     * of its arguments, joined by single spaces (`pg_dump hr`). Two databases dumped without a name were both `stdin`, one
     * source: `due` said ok of HR's failing dump once payroll's succeeded after it, `forget --keep-daily 7` removed HR's
     * dumps, and `dump latest stdin` gave payroll's (a tester's). The name, which `snapshots`, `due` and the journal show,
     * holds no argument that may be a secret: `mysqldump -pSECRET hr`, `curl https://h/x?token=…` and a connection string's
     * password were in it, masked by pattern only, and a SHA-256 of the words let anyone holding the name confirm a guessed
     * password. Where the name does not give the command back exactly (the program named with its directory, a character
     * of its base name not an identifier's made '_', a word not shown, or more than {@link #COMMAND_NAME_MAX} bytes, cut
     * there), it ends in '-' and the first 8 hex digits of the repository's {@link Keys#wordsDigest} of the command's words:
     * two commands never share a name, one command keeps its own in that repository, and no guess can be tested against it.
     */
    static String streamNameOf(List<String> command, Keys keys) {
        String program = command.getFirst();
        String base = program.substring(program.lastIndexOf('/') + 1);
        List<String> words = new ArrayList<>();
        words.add(base.codePoints().map(c -> Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-' ? c : '_')
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString());
        for (int i = 1; i < command.size(); i++) {
            String before = command.get(i - 1);
            if (SHOWN.matcher(command.get(i)).matches() && !(before.startsWith("-") && !before.contains("="))) {
                words.add(command.get(i));
            }
        }
        String readable = String.join(" ", words);
        boolean exact = words.size() == command.size() && words.getFirst().equals(program)
                && readable.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= COMMAND_NAME_MAX;
        if (exact) {
            try {
                Archiver.checkStreamName(readable); // ".", "..", the restore's marker
                return readable;
            } catch (VaultException notAName) {
                // named with its digest below
            }
        }
        StringBuilder cut = new StringBuilder();
        int bytes = 0;
        for (int c : readable.codePoints().toArray()) {
            bytes += Character.toString(c).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (bytes > COMMAND_NAME_MAX) {
                break;
            }
            cut.appendCodePoint(c);
        }
        return cut + "-" + java.util.HexFormat.of().formatHex(keys.wordsDigest(command), 0, 4);
    }

    /**
     * The launcher runs the JVM under C.UTF-8 whatever the caller's locale (file names are bytes, kept exactly only so):
     * the program runs under the caller's own again, LC_ALL as it was ({@code OPSLEDGER_LC_ALL_WAS}).
     */
    static void callersLocale(java.util.Map<String, String> env) {
        String was = env.remove("OPSLEDGER_LC_ALL_WAS");
        if (was == null) {
            return;
        }
        if (was.startsWith("set:")) {
            env.put("LC_ALL", was.substring("set:".length()));
        } else {
            env.remove("LC_ALL");
        }
    }

    /**
     * The program, as a failure line names it: its base name alone, as the journal keeps the line and a path could hold
     * what its arguments may (a program holding '=' is refused before, {@link #call}).
     */
    private String program() {
        String program = args.getFirst();
        return TerminalText.escape(program.substring(program.lastIndexOf('/') + 1));
    }

    private SnapshotRef fromCommand(Archiver archiver, BackupOptions options, Journaling journal) throws IOException {
        // a dump program or its wrapper that logs its environment gets no password or key
        ProcessBuilder pb = org.opsledger.vault.ChildProcess.of(args).redirectError(ProcessBuilder.Redirect.INHERIT).redirectInput(ProcessBuilder.Redirect.INHERIT);
        callersLocale(pb.environment());
        CommandProcesses processes = CommandProcesses.marking(pb); // every process it starts found again to be ended, a cleanup child forked as it is stopped too
        // IS.012 6.6.5: the run's entry names what its end killed, could not end, or found left running, as stderr does; a
        // stopped run's is written by the journal's hook, which waits for the end hook's line (or ends the run itself)
        journal.noting(processes::end);
        // SIGTERM or Ctrl-C ends this JVM through its shutdown hooks, not the finally below: a pg_dump left running
        // under cron or a scheduler's timeout, orphaned (a helper's). The hook is in place before the program starts.
        java.util.concurrent.atomic.AtomicReference<Process> started = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<InputStream> output = new java.util.concurrent.atomic.AtomicReference<>();
        Thread endChild = new Thread(processes::end, "end-stdin-command");
        Runtime.getRuntime().addShutdownHook(endChild);
        boolean saved = false;
        try {
            // started once the backup holds the repository's lock: a backup refused it (a repair running alone) had already
            // started the dump, then killed it (a tester's)
            SnapshotRef snapshot = archiver.backupStream(() -> {
                org.opsledger.vault.CommandOutput.Started run;
                try { // its output read until every process holding it has closed it, not only the command (CommandOutput)
                    run = org.opsledger.vault.CommandOutput.start(pb);
                } catch (IOException e) {
                    throw new CliException("cannot run " + program() + ": " + IoReason.of(e));
                }
                started.set(run.process());
                processes.started(run.process());
                output.set(run.output());
                if (run.warning() != null) {
                    Output.say("opsledger: warning: " + TerminalText.escape(run.warning()));
                }
                // a program that failed leaves no snapshot: what it started is ended then, not read on (a child writing on
                // kept the backup reading for as long as it wrote, and one that had closed the output ran on after it)
                run.process().onExit().thenAcceptAsync(ended -> {
                    if (ended.exitValue() != 0) {
                        processes.end();
                    }
                }, ending -> Thread.ofPlatform().daemon().name("end-failed-command").start(ending));
                if (StopSignal.received().isPresent()) { // stopped as it started: the hook may have run already
                    processes.end();
                }
                return run.output();
            }, stdinName, options, () -> {
                try {
                    int exit = started.get().waitFor();
                    if (exit != 0) {
                        // its program alone: arguments can hold a connection string's password, and the journal keeps this line
                        throw new CliException("command " + program() + " exited with status " + exit + "; no snapshot was written");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CliException("interrupted while waiting for " + program());
                }
            }, processes::end); // the store refused a pack: the dump is not read to its end (it could run for hours)
            saved = true;
            return snapshot;
        } catch (RuntimeException e) {
            // the vault's own stop ended the command (SIGKILL: "exited with status 137", read as the OOM killer's) or closed its
            // stream ("Stream closed"): no failure of its own (a tester's); the hooks say and record what stopped the backup
            StopSignal.received().ifPresent(signal -> StopSignal.awaitTheEnd());
            throw e;
        } finally {
            try {
                if (output.get() != null) {
                    output.get().close(); // before the command is ended
                }
            } finally {
                // a backup that failed ends what its program left running, the program gone or not (an empty stream, a
                // refused pack, a failed program whose children had closed the output); one saved, what the program left
                // running once its output ended, named (an `ssh -f` tunnel, a wrapper's background child)
                if (saved) {
                    processes.endLeftBehind();
                } else {
                    processes.end();
                }
                try {
                    Runtime.getRuntime().removeShutdownHook(endChild);
                } catch (IllegalStateException ending) {
                    // the JVM is going down: the hook ends the command
                }
            }
        }
    }
}
