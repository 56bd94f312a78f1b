package org.opsledger.cli.vault;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.opsledger.cli.CliException;
import org.opsledger.cli.SecretFile;
import org.opsledger.cli.TerminalText;
import org.opsledger.vault.Globs;
import org.opsledger.vault.Vault;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.WrongPasswordException;
import org.opsledger.vault.backend.ThrottledBackend;
import org.opsledger.vault.cache.MetadataCache;
import org.opsledger.vault.crypto.KeySlot;
import org.opsledger.vault.prune.RetentionPolicy;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.FileNames;
import picocli.CommandLine.Option;

/** Options every vault command shares: where the repository is, how to unlock it, how to print. */
final class RepoOptions {

    @Option(names = {"-r", "--repo"}, description = "Repository: a directory or s3://bucket/prefix (env OPSLEDGER_VAULT_REPOSITORY).",
            defaultValue = "${env:OPSLEDGER_VAULT_REPOSITORY}")
    String repo;

    @Option(names = "--password-file", description = "File holding the repository password (or env OPSLEDGER_VAULT_PASSWORD).")
    Path passwordFile;

    @Option(names = "--key-slot", paramLabel = "ID", description = "Try only this key slot of the repository (its ID, or a prefix"
            + " of at least 4 hex digits only it has; env OPSLEDGER_VAULT_KEY_SLOT): slots anyone able to write to the store planted"
            + " are then not tried.", defaultValue = "${env:OPSLEDGER_VAULT_KEY_SLOT}")
    String keySlot;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Option(names = "--limit-upload", paramLabel = "KiB/s", description = "Write to the repository (and a copy's target) at no more"
            + " than this rate: an offsite bucket over a link others need.")
    Integer limitUpload;

    @Option(names = "--limit-download", paramLabel = "KiB/s", description = "Read from the repository (and a copy's target) at no more"
            + " than this rate.")
    Integer limitDownload;

    @Option(names = "--no-cache", description = "Read the index, snapshots and trees of an S3 repository from the store, not from"
            + " this host's cache of them (env OPSLEDGER_VAULT_CACHE: its directory, or off).")
    boolean noCache;

    /**
     * Whether the repository is read from the store itself, never from this host's cache of its metadata: check and repair,
     * which tell what the store holds (restic's check uses a cache of its own, emptied, for the same reason).
     */
    boolean storeItself;

    /**
     * A repository's password, and how builds until 2026-12-06 read it where they read it otherwise ({@code formerly},
     * null when not): a key slot they made from it opens with that only ({@link #open(String, Password, String, Repository.SlotNaming)}).
     */
    record Password(char[] chars, FormerReading formerly) {
    }

    /**
     * A password as builds until 2026-12-06 read it: {@code kept} names what they kept in it ("the byte order mark (U+FEFF)
     * that begins password file F", "the line end that ends OPSLEDGER_VAULT_PASSWORD"); {@code input} what gives it as
     * now read to a `key add` ("F", or "/dev/stdin" after {@code pipe}); {@code before} and {@code after} what makes a
     * vault command open the repository with it (a copy's target too, whose password is another file or variable).
     */
    record FormerReading(char[] chars, String kept, String pipe, String input, String before, String after) {
        /** The remedy: a slot of the password as now read in {@code location}, then the old slot's removal. */
        String remedy(String location, String slot) {
            return "add a slot of it as now read (`" + pipe + before + "vault key add -r " + location + " --new-password-file " + input
                    + after + "`), then `" + before + "vault key remove " + slot + " -r " + location + after + "`";
        }
    }

    Password password() {
        return readPassword(passwordFile, "OPSLEDGER_VAULT_PASSWORD", "--password-file");
    }

    /** The password of the key slot `init` writes: {@link #newSlotPassword(Path, String, String)}'s. */
    Password newSlotPassword() {
        return newSlotPassword(passwordFile, "OPSLEDGER_VAULT_PASSWORD", "--password-file");
    }

    /** A new key slot's password (init, key add): {@link #readPassword}'s, within {@link SecretFile#checkNewPassword}'s limit. */
    static Password newSlotPassword(Path file, String env, String option) {
        Password p = readPassword(file, env, option);
        SecretFile.checkNewPassword(p.chars(), file != null ? file.toString() : env);
        return p;
    }

    static Password readPassword(Path file, String env, String option) {
        if (file != null) {
            SecretFile.Text text = SecretFile.text(file, "password file", option);
            String shown = TerminalText.escape(FileNames.exactOf(file)); // said in a line: its backslashes and bytes escaped
            return new Password(text.secret().toCharArray(), text.formerly() == null ? null : new FormerReading(text.formerly().toCharArray(),
                    "the byte order mark (U+FEFF) that begins password file " + shown, "", shown, "", " --password-file " + shown));
        }
        SecretFile.Text fromEnv = SecretFile.environmentText(env);
        if (fromEnv != null) {
            return new Password(fromEnv.secret().toCharArray(), fromEnv.formerly() == null ? null : new FormerReading(
                    fromEnv.formerly().toCharArray(), "the line end that ends " + env, "printf %s \"$" + env + "\" | ", "/dev/stdin",
                    env.equals("OPSLEDGER_VAULT_PASSWORD") ? "" : "OPSLEDGER_VAULT_PASSWORD=\"$" + env + "\" ", ""));
        }
        throw new CliException("no password: pass " + option + " FILE or set " + env, 2);
    }

    /** Most worker threads a command takes: each holds buffers of up to 16 MiB, and the launcher sizes the heap by them. */
    static final int MAX_THREADS = 64;

    /** --threads, when given: 1 to {@link #MAX_THREADS}. */
    static void checkThreads(Integer threads) {
        if (threads != null && (threads < 1 || threads > MAX_THREADS)) {
            throw new CliException("--threads must be between 1 and " + MAX_THREADS + ", got: " + threads, 2);
        }
    }

    /**
     * Refuses an empty path or pattern ({@code what}: "--include", "PATH", "PATTERN", "--exclude"), or dump's --output: an
     * unset variable in a script. "" read as the whole snapshot, so `restore --include "$UNSET"` restored all of it and `dump
     * latest ''` wrote all of it, exit 0 (a helper's), as `backup ""` once backed up the working directory; `dump --output=`
     * said "--output  already exists".
     */
    static void checkNotEmpty(String what, String value) {
        if (value != null && value.isEmpty()) {
            throw new CliException(what + " is empty (an unset variable?): name " + switch (what) {
                case "PATTERN" -> "what to find";
                case "--exclude" -> "what to leave out";
                case "--output" -> "the file to write, or - for stdout";
                default -> "a path, or / for the whole snapshot";
            }, 2);
        }
    }

    /**
     * The glob patterns of {@code option} (backup's, restore's and rewrite's --exclude, find's PATTERN), read as the
     * walks read them ({@link Globs#compile(List)}): an empty or malformed one is a usage error, exit 2, naming
     * the option and the pattern, before the repository opens. `restore --exclude '[a-'` and `find '[a-'` failed once the
     * repository was open, exit 1, where backup refused the same pattern so.
     */
    static void checkPatterns(String option, List<String> patterns) {
        for (String p : patterns) {
            checkPattern(option, p);
        }
    }

    /**
     * One pattern, as {@link #checkPatterns} checks each, named after {@code where}: the option, or the file and line a
     * pattern was read from ("--exclude-file /etc/vault/excludes: line 3:"), which an --exclude-file's bad pattern named
     * as if it were an --exclude (an engineer's note).
     */
    static void checkPattern(String where, String pattern) {
        checkNotEmpty(where, pattern);
        try {
            Globs.compile(List.of(pattern));
        } catch (VaultException e) {
            throw new CliException(where + " " + e.getMessage(), 2);
        }
    }

    /** Refuses an empty repository option other than --repo (--to, --copies-in): the store's error named --repo. */
    static void checkLocation(String option, String value) {
        if (value != null && value.isBlank()) {
            throw new CliException(option + " is empty: name a repository (a directory or s3://bucket/prefix)", 2);
        }
    }

    /**
     * What a DURATION option's help says of its units: `due --daily 90m`, meant as 90 minutes, was 90 months, and the help
     * named no unit (a tester's).
     */
    static final String DURATION_UNITS = "DURATION is a number and its unit, h hours, d days, w weeks, m months (not minutes),"
            + " y years, or several units, each once (1d12h).";

    /** An option's duration ("30d", "26h"); one that does not parse is a usage error (exit 2) naming the option. */
    static Duration duration(String option, String value) {
        try {
            return RetentionPolicy.parseDuration(value);
        } catch (IllegalArgumentException e) {
            throw new CliException(option + ": " + e.getMessage(), 2);
        }
    }

    /** An option's span of snapshots' ages ("30d", "1y6m"), by the calendar as forget and tier count it; a usage error as {@link #duration}. */
    static RetentionPolicy.Within within(String option, String value) {
        try {
            return RetentionPolicy.Within.parse(value); // duration's syntax and bounds
        } catch (IllegalArgumentException e) {
            throw new CliException(option + ": " + e.getMessage(), 2);
        }
    }

    /**
     * A --since of journal and due: a day (2026-01-31, from its start in UTC), or a duration before {@code now} as every
     * other DURATION option reads it ({@link #within}), which names what is wrong with one (`5d1d` gives the unit d twice).
     * A value that is neither, a day (2026-13-01) or a word (yesterday), gets a general line; exit 2.
     */
    static Instant since(String option, String value, Instant now) {
        try {
            return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException notADate) {
            if (!value.matches("\\d+[a-zA-Z].*")) { // 30D: a duration, whose units are lowercase (parseDuration says so)
                throw new CliException(option + " must be a day like 2026-01-31 or a duration like 30d, got: " + value, 2);
            }
            return within(option, value).since(now, ZoneId.systemDefault()); // as forget counts it
        }
    }

    /**
     * --label of a new key slot (init, key add): one line ({@link RecordOptions#oneLine}), and it and this host's name
     * within {@link KeySlot#MAX_LABEL}, checked before the repository opens (docs/vault-format.md §3).
     */
    static void checkSlotLabel(String label) {
        RecordOptions.oneLine("--label", label);
        String problem = KeySlot.labelsProblem(label, org.opsledger.vault.repository.Repository.hostname());
        if (problem != null) {
            throw new CliException(problem, 2);
        }
    }

    /** --kdf-iterations of a new key slot, within the bounds every opening checks (docs/vault-format.md §3). */
    static void checkIterations(int iterations) {
        String problem = KeySlot.iterationsProblem(iterations);
        if (problem != null) {
            throw new CliException("--kdf-iterations: " + problem, 2);
        }
    }

    String location() {
        if (repo == null || repo.isBlank()) {
            throw new CliException("no repository: pass --repo PATH|s3://bucket/prefix or set OPSLEDGER_VAULT_REPOSITORY", 2);
        }
        return repo;
    }

    Repository open() {
        return open(password());
    }

    /** --repo's repository opened with {@code password}, trying only the key slot --key-slot names, when given. */
    Repository open(Password password) {
        return open(location(), password, keySlot, Repository.SlotNaming.REPO);
    }

    /**
     * The repository at {@code location} (this command's, or a second one: {@link SecondRepositoryOptions}), reached
     * within --limit-upload and --limit-download. A password file that began with a byte order mark is read without it, and a password in the
     * environment without its trailing line end, as a file's; a key slot that a build until 2026-12-06 made from such a
     * file or variable holds the mark or the line end as part of its password, so when no slot opens without it, the
     * password is tried as those builds read it, and a slot that opens so is named on stderr with the way to a slot of
     * the password as now read (the repository opened only with that file or variable, never with the password typed:
     * a re-tester's and a tester's). Only {@code keySlot} is tried, or every slot when null or empty (an unset variable),
     * the slot named as {@code naming} says: --key-slot is --repo's, a second repository's its own (--to-key-slot …).
     */
    Repository open(String location, Password password, String keySlot, Repository.SlotNaming naming) {
        warnOfRootIn(location);
        Repository r = openWith(location, password, keySlot == null || keySlot.isEmpty() ? null : keySlot, naming);
        r.onNotice(notice -> Output.say("opsledger: warning: " + TerminalText.escape(notice)));
        return r;
    }

    private Repository openWith(String location, Password password, String keySlot, Repository.SlotNaming naming) {
        try {
            return Repository.open(backend(location), password.chars(), keySlot, naming);
        } catch (WrongPasswordException wrong) {
            FormerReading former = password.formerly();
            if (former == null) {
                throw wrong;
            }
            Repository r;
            try {
                r = Repository.open(backend(location), former.chars(), keySlot, naming);
            } catch (WrongPasswordException alsoAsFormerlyRead) {
                throw wrong;
            }
            String slot = r.keySlotInUse().substring(0, 8);
            String at = TerminalText.escape(r.backend().location());
            Output.say("opsledger: warning: key slot " + slot + " of " + at + " opens only with " + former.kept()
                    + " as part of the password, as builds before this one read it, not with the password typed: " + former.remedy(at, slot));
            return r;
        }
    }

    /**
     * Root in a local repository another user owns: what it writes there (locks, journal entries, packs, key slots,
     * holds) is root's, 0600/0700, and the owner's own commands cannot read it afterwards — the owner's nightly backup
     * failed on root's key slot, its check on root's journal entry (a tester's). Said, not refused, and nothing is given
     * away: a restore as root is how owners come back, and handing files to the user who controls the repository's
     * directories by path could be raced into handing over a file of root's elsewhere (a symlink swapped in between).
     */
    static void warnOfRootIn(String location) {
        if (location.startsWith("s3://")) {
            return;
        }
        try {
            Path root = FileNames.pathOf(location).toAbsolutePath();
            int self = (Integer) java.nio.file.Files.getAttribute(Path.of("/proc/self"), "unix:uid"); // its effective user
            int owner = (Integer) java.nio.file.Files.getAttribute(root, "unix:uid");
            if (self == 0 && owner != 0) {
                String name = java.nio.file.Files.getOwner(root).getName();
                String shown = TerminalText.path(root); // said in a line: its backslashes and bytes escaped
                Output.say("opsledger: warning: running as root in " + shown + ", which belongs to " + name + ": what this command"
                        + " writes there (locks, journal entries, packs, key slots) will be root's and unreadable to " + name
                        + "'s own commands; run vault commands as " + name + " (`sudo -u " + name + " opsledger vault …`),"
                        + " or give its files back afterwards (`chown -R " + name + ": " + shown + "`)");
            }
        } catch (java.io.IOException | RuntimeException e) {
            // no /proc, or no repository there (yet): nothing to say; opening it says what is wrong
        }
    }

    /** The store at {@code location} within --limit-upload and --limit-download, its metadata kept in this host's cache unless told not to. */
    private org.opsledger.vault.backend.Backend backend(String location) {
        var limited = ThrottledBackend.limit(Vault.backend(location), bytesPerSecond("--limit-upload", limitUpload),
                bytesPerSecond("--limit-download", limitDownload));
        java.util.function.Consumer<String> warn = notice -> Output.say("opsledger: warning: " + TerminalText.escape(notice));
        return noCache || storeItself ? limited : MetadataCache.around(limited, MetadataCache.rootOf(System.getenv(), warn), warn);
    }

    private static long bytesPerSecond(String option, Integer kib) {
        if (kib == null) {
            return 0;
        }
        if (kib < 1) {
            throw new CliException(option + " must be at least 1 KiB/s, got " + kib, 2);
        }
        return kib * 1024L;
    }
}
