package org.opsledger.cli.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.cli.CliRun;
import org.opsledger.vault.VaultJson;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.crypto.Sealing;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.repository.Repository;
import tools.jackson.databind.JsonNode;

/**
 * docs/vault-format.md describes the bytes: tools/vault_reader.py, a second reader written from that document alone
 * (Python, no code of the vault's), opens a repository the CLI wrote after two key epochs, a stream, a legal hold and a
 * prune that gathered the journal into segments, finds nothing wrong in it, and restores every snapshot as the
 * vault stored it. A change to the bytes on disk that the document does not follow fails here.
 */
class IndependentReaderTest {

    private static final Path READER = Path.of("..", "tools", "vault_reader.py").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @Test
    void aReaderWrittenFromTheFormatDocumentRestoresEverySnapshotTheVaultWrote() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Path repo = tmp.resolve("repo");
        Path pw = Files.writeString(tmp.resolve("pw"), "auditor's copy\n");
        tree(data);
        assertThat(vault(repo, pw, "init", "--kdf-iterations", "100000").exit()).isZero();
        assertThat(vault(repo, pw, "backup", data.toString(), "--allow-same-device").exit()).isZero();
        Files.writeString(data.resolve("report.txt"), "a late correction\n", java.nio.file.StandardOpenOption.APPEND);
        assertThat(vault(repo, pw, "backup", data.toString(), "--allow-same-device").exit()).isZero();
        CliRun stream = vault(repo, pw, "backup", "--stdin-from-command", "--stdin-name", "db.sql", "--",
                "sh", "-c", "for i in $(seq 1 20000); do echo \"INSERT INTO t VALUES ($i);\"; done");
        assertThat(stream.exit()).as(stream.err()).isZero();
        assertThat(CliRun.of("vault", "key", "rotate", "--repo", repo.toString(), "--password-file", pw.toString()).exit()).isZero();
        Files.write(data.resolve("sub/new.bin"), bytes(2_000_000, 7));
        assertThat(vault(repo, pw, "backup", data.toString(), "--allow-same-device").exit()).isZero();
        assertThat(vault(repo, pw, "hold", "latest", "--reason", "AUD-1", "--path", data.toString()).exit()).isZero();
        CliRun forget = vault(repo, pw, "forget", "--keep-last", "1", "--path", data.toString(), "--prune");
        assertThat(forget.exit()).as(forget.err()).isZero();
        assertThat(forget.out()).contains("gathered into segments");

        Path out = tmp.resolve("read");
        String report = readWithTheIndependentReader(repo, pw, out);
        assertThat(report).as(report).doesNotContain("ERROR").contains("0 error(s)")
                .contains("epochs [1, 2]").contains("hold ").contains("journal: ");

        JsonNode snapshots = VaultJson.MAPPER.readTree(vault(repo, pw, "snapshots", "--json").out());
        assertThat(snapshots.size()).isEqualTo(2); // the stream, and the held backup the policy kept
        try (Stream<Path> restored = Files.list(out)) {
            assertThat(restored.map(f -> f.getFileName().toString()).sorted().toList())
                    .isEqualTo(snapshots.valueStream().map(s -> s.get("id").asString()).sorted().toList());
        }
        for (JsonNode s : snapshots) {
            Path root = out.resolve(s.get("id").asString());
            if (s.get("record").get("kind").asString().equals("stdin")) {
                assertThat(Files.readString(root.resolve("db.sql"))).startsWith("INSERT INTO t VALUES (1);\n")
                        .endsWith("INSERT INTO t VALUES (20000);\n");
            } else {
                assertThat(describe(root.resolve("data"))).isEqualTo(describe(data));
                assertThat(Files.getAttribute(root.resolve("data/hard"), "unix:ino"))
                        .isEqualTo(Files.getAttribute(root.resolve("data/sub/deep/file"), "unix:ino"));
            }
        }
    }

    /**
     * A snapshot that names a blob a prune condemned while the backup that wrote it ran (§10: readers find it through the
     * pack's condemned/ record until the next prune indexes it again): the vault restores it, and the reader died on it
     * with "blob … not in index" (a helper's, from a backup beside forget --prune).
     */
    @Test
    void theReaderFindsABlobThroughItsPacksCondemnedRecordAsTheVaultDoes() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("kept.bin"), bytes(300_000, 3));
        Path repo = tmp.resolve("repo");
        Path pw = Files.writeString(tmp.resolve("pw"), "auditor's copy\n");
        assertThat(vault(repo, pw, "init", "--kdf-iterations", "100000").exit()).isZero();
        assertThat(vault(repo, pw, "backup", data.toString(), "--allow-same-device").exit()).isZero();
        try (var r = org.opsledger.vault.repository.Repository.open(new org.opsledger.vault.backend.LocalBackend(repo),
                "auditor's copy".toCharArray())) {
            var first = r.snapshots().getFirst();
            try (var running = r.lock("backup")) { // a backup on another host, whose snapshot will name the old blobs
                new org.opsledger.vault.prune.Forgetter(r, java.time.ZoneOffset.UTC).forget(new org.opsledger.vault.prune.RetentionPolicy(
                        org.opsledger.vault.prune.RetentionPolicy.Within.parse("0d"), 0, 0, 0, 0), Instant.now());
                var pruned = new org.opsledger.vault.prune.Pruner(r).prune();
                assertThat(pruned.packsWaiting()).as("condemned, kept while the backup runs").isPositive();
                r.saveSnapshot(first.snapshot()); // it ends: its snapshot names the condemned packs' blobs
            }
        }
        assertThat(Files.list(repo.resolve("condemned")).count()).isPositive();
        Path out = tmp.resolve("read");
        String report = readWithTheIndependentReader(repo, pw, out);
        try (Stream<Path> restored = Files.list(out)) {
            Path root = restored.findFirst().orElseThrow();
            assertThat(Files.readAllBytes(root.resolve("data/kept.bin"))).isEqualTo(bytes(300_000, 3));
        }
    }

    /**
     * §13 "Deletion made evident" read by a second implementation: the reader computes each entry's digest from its
     * plaintext, through a prune's segments, gives the anchor `vault journal --anchor` gave, verifies it, and, as check
     * does, reports a journal entry a check named that was deleted from the store (exit 1), where the anchor, taken
     * before that entry was written, still verifies.
     */
    @Test
    void theReaderVerifiesTheJournalsAnchorAndFindsADeletedEntryAsCheckDoes() throws Exception {
        Path repo = repositoryWithABackup();
        Path data = tmp.resolve("src/data");
        Path pw = tmp.resolve("pw");
        assertThat(vault(repo, pw, "check").exit()).isZero();
        Files.writeString(data.resolve("b.txt"), "two\n");
        assertThat(vault(repo, pw, "backup", data.toString(), "--allow-same-device").exit()).isZero();
        CliRun forget = vault(repo, pw, "forget", "--keep-last", "1", "--prune");
        assertThat(forget.out()).as(forget.err()).contains("gathered into segments");
        assertThat(vault(repo, pw, "check").exit()).isZero();
        CliRun taken = vault(repo, pw, "journal", "--anchor");
        assertThat(taken.exit()).as(taken.err()).isZero();
        String anchor = taken.out().lines().filter(l -> l.startsWith("anchor ")).findFirst().orElseThrow().substring(7).strip();

        Process whole = reader(repo, pw, "--anchor", anchor);
        String report = new String(whole.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(whole.waitFor()).as(report).isZero();
        assertThat(report).contains("anchor at the newest check: " + anchor, "anchor " + anchor + ": verified", "0 of them missing");

        List<String> before = journalFiles(repo);
        Files.writeString(data.resolve("c.txt"), "three\n");
        assertThat(vault(repo, pw, "backup", data.toString(), "--allow-same-device").exit()).isZero();
        List<String> backupEntry = journalFiles(repo).stream().filter(f -> !before.contains(f)).toList();
        assertThat(backupEntry).hasSize(1);
        assertThat(vault(repo, pw, "check").exit()).isZero(); // names the backup's entry
        Files.delete(repo.resolve("journal").resolve(backupEntry.getFirst()));
        assertThat(vault(repo, pw, "check").exit()).as("the vault's own check").isNotZero();

        Process deleted = reader(repo, pw, "--anchor", anchor);
        report = new String(deleted.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(deleted.waitFor()).as(report).isEqualTo(1);
        assertThat(report).contains("which a check named, is not in the journal: deleted from the store", "1 of them missing",
                "anchor " + anchor + ": verified");

        // who and what are bound too (since session 38): an entry a check read, rewritten with the password, is found by both
        List<String> beforeDump = journalFiles(repo);
        assertThat(vault(repo, pw, "dump", "latest", "/data/a.txt", "--output",
                tmp.resolve("a.out").toString()).exit()).isZero();
        String dumpFile = journalFiles(repo).stream().filter(f -> !beforeDump.contains(f)).findFirst().orElseThrow();
        assertThat(vault(repo, pw, "check").exit()).isNotZero(); // names the dump's entry (and still reports the deletion)
        try (Repository r = Repository.open(new LocalBackend(repo), "auditor's copy".toCharArray())) {
            JournalEntry dump = r.readSealed("journal/" + dumpFile, Sealing.Kind.JOURNAL, JournalEntry.class);
            Files.delete(repo.resolve("journal").resolve(dumpFile));
            r.writeSealed("journal", Sealing.Kind.JOURNAL, new JournalEntry(dump.operation(), dump.outcome(), dump.started(), dump.finished(),
                    dump.host(), dump.username(), List.of("/dev/null"), dump.snapshots(), false, 0, "ticket 4411", null, dump.login(), dump.keySlot()));
        }
        assertThat(vault(repo, pw, "check").out()).contains("journal entry altered: the dump on ");
        Process altered = reader(repo, pw);
        report = new String(altered.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(altered.waitFor()).as(report).isEqualTo(1);
        assertThat(report).contains("which a check named, is no longer as it read it: rewritten");
    }

    /**
     * §13 "Backdated entries" read by the second implementation, which did not check them: a verified restore written
     * with the password dated before the init, and one dated after it and before a check that did not read it, are
     * errors of the reader as of check; and a check's entry written beside the second, naming it alone, does not make it
     * a second line of checks (the warning) in either. Then a check dated three hours ahead of the clock: both name it
     * "dated in the future", and it bounds nothing (the restore dated before it is not called backdated by it).
     */
    @Test
    void theReaderFindsBackdatedEntriesAsCheckDoes() throws Exception {
        Path repo = repositoryWithABackup();
        Path pw = tmp.resolve("pw");
        Instant now = Instant.now();
        try (Repository r = Repository.open(new LocalBackend(repo), "auditor's copy".toCharArray())) {
            org.opsledger.vault.journal.Journal journal = new org.opsledger.vault.journal.Journal(r);
            // a check 50 minutes on (its entry as `vault check` writes one; not ahead of the clock by the hour), then a
            // restore dated 3 hours before the init, and one dated 30 minutes before it, more than the hour before the check
            Instant checked = now.plusSeconds(50 * 60);
            recordCheck(r, journal, checked, "web-9");
            recordRestore(journal, now.minusSeconds(3 * 3600), "web-2");
            JournalEntry between = recordRestore(journal, now.minusSeconds(30 * 60), "web-2");
            Instant forged = checked.plusSeconds(300);
            journal.record(new JournalEntry(JournalEntry.Operation.CHECK, JournalEntry.Outcome.OK, forged, forged.plusSeconds(1), "web-8",
                    "root", List.of(), List.of(), false, 0, "checked", null).covering(List.of(org.opsledger.vault.journal.Coverage.describe(between))));
        }
        Process read = reader(repo, pw);
        String report = new String(read.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(read.waitFor()).as(report).isEqualTo(1);
        assertThat(report).contains("journal entry backdated: the restore on web-2 started " + now.minusSeconds(3 * 3600)
                        + " (entry ", ") is dated before the repository's init",
                "journal entry backdated: the restore on web-2 started " + now.minusSeconds(30 * 60) + " (entry ", ") ended before the check"
                        + " started " + now.plusSeconds(50 * 60) + " began, which read every entry there was and not this one",
                "journal: 2 entr(ies) backdated, 0 on two lines");
        assertThat(report).doesNotContain("dated in the future", "rewritten");
        CliRun check = vault(repo, pw, "check");
        assertThat(check.out().lines().filter(l -> l.startsWith("error: journal entry backdated: the restore on web-2"))).hasSize(2);

        // a check dated three hours ahead of the clock, then a restore dated an hour on: both name the check "dated in the
        // future", and it bounds nothing (without the rule the restore, ended two hours before that check began, is backdated)
        try (Repository r = Repository.open(new LocalBackend(repo), "auditor's copy".toCharArray())) {
            org.opsledger.vault.journal.Journal journal = new org.opsledger.vault.journal.Journal(r);
            recordCheck(r, journal, now.plusSeconds(3 * 3600), "web-7");
            recordRestore(journal, now.plusSeconds(3600), "web-3");
        }
        Process readAhead = reader(repo, pw);
        report = new String(readAhead.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(readAhead.waitFor()).as(report).isEqualTo(1);
        assertThat(report).contains("journal entry dated in the future: the check on web-7 started " + now.plusSeconds(3 * 3600)
                + " (entry ", ") is dated after this reading began", "journal: 2 entr(ies) backdated, 0 on two lines");
        assertThat(report).doesNotContain("the restore on web-3");
        check = vault(repo, pw, "check");
        assertThat(check.out()).contains("error: journal entry dated in the future: the check on web-7");
        assertThat(check.out().lines().filter(l -> l.startsWith("error: journal entry backdated: the restore on web-2"))).hasSize(2);
        assertThat(check.out()).doesNotContain("the restore on web-3");

        // the check dated ahead acknowledged (§13, "Acknowledged findings"): a warning of both, no longer an error
        var named = java.util.regex.Pattern.compile("the check on web-7 started [^(]+\\(entry ([0-9a-f]{16})\\)").matcher(check.out());
        assertThat(named.find()).isTrue();
        CliRun ack = vault(repo, pw, "journal", "--acknowledge", named.group(1), "--reason", "web-7's clock ran ahead, INC-78", "--by", "alice");
        assertThat(ack.exit()).as(ack.err()).isZero();
        Process readAcknowledged = reader(repo, pw);
        report = new String(readAcknowledged.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(readAcknowledged.waitFor()).as(report).isEqualTo(1); // the restores web-2's forger wrote stay errors
        assertThat(report).contains("journal entry dated in the future, acknowledged: the check on web-7 started " + now.plusSeconds(3 * 3600)
                + " (entry " + named.group(1) + ") is dated after the check started ", " ended, which read it; acknowledged ", " by alice: web-7's"
                + " clock ran ahead, INC-78")
                .doesNotContain("ERROR: journal entry dated in the future");
        check = vault(repo, pw, "check");
        assertThat(check.out()).contains("warning: journal entry dated in the future, acknowledged: the check on web-7")
                .doesNotContain("error: journal entry dated in the future");
        assertThat(check.out().lines().filter(l -> l.startsWith("error: journal entry backdated: the restore on web-2"))).hasSize(2);
    }

    /** A check's entry as `vault check` writes one (naming what the journal holds now), dated {@code started} on {@code host}. */
    private static void recordCheck(Repository r, org.opsledger.vault.journal.Journal journal, Instant started, String host) throws IOException {
        org.opsledger.vault.checker.Checker checker = new org.opsledger.vault.checker.Checker(r, 2);
        checker.check(0);
        journal.record(new JournalEntry(JournalEntry.Operation.CHECK, JournalEntry.Outcome.OK, started, started.plusSeconds(30), host,
                "root", List.of(), List.of(), false, 0, "checked", null).covering(checker.journalCovers()));
    }

    /**
     * A verified restore's entry dated {@code started} on {@code host}, as a password holder can write one; the entry as
     * the journal reads it back (with the login and key slot its record adds, which a check's covers line binds).
     */
    private static JournalEntry recordRestore(org.opsledger.vault.journal.Journal journal, Instant started, String host) throws IOException {
        journal.record(new JournalEntry(JournalEntry.Operation.RESTORE, JournalEntry.Outcome.OK, started, started.plusSeconds(40),
                host, "root", List.of("/srv/restore-test"), List.of(), true, 0, "restored 1 files; verified", null));
        return journal.read().entries().stream().filter(e -> e.started().equals(started)).findFirst().orElseThrow();
    }

    /** {@code tmp/repo}, its password in {@code tmp/pw}, with one backup of {@code tmp/src/data} (a.txt). */
    private Path repositoryWithABackup() throws IOException {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.writeString(data.resolve("a.txt"), "one\n");
        Path repo = tmp.resolve("repo");
        Path pw = Files.writeString(tmp.resolve("pw"), "auditor's copy\n");
        assertThat(vault(repo, pw, "init", "--kdf-iterations", "100000").exit()).isZero();
        assertThat(vault(repo, pw, "backup", data.toString(), "--allow-same-device").exit()).isZero();
        return repo;
    }

    private static List<String> journalFiles(Path repo) throws IOException {
        try (Stream<Path> files = Files.list(repo.resolve("journal"))) {
            return files.filter(Files::isRegularFile).map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    /** tools/vault_reader.py on the repository, stdout and stderr together. */
    private static Process reader(Path repo, Path pw, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("python3", READER.toString(), repo.toString(), pw.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** Runs tools/vault_reader.py on the repository, restoring every snapshot under {@code out}; its report, after exit 0. */
    private static String readWithTheIndependentReader(Path repo, Path pw, Path out) throws IOException, InterruptedException {
        Process p = reader(repo, pw, "--restore", out.toString());
        String report = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(report).isZero();
        return report;
    }

    private static CliRun vault(Path repo, Path pw, String command, String... args) {
        List<String> all = new ArrayList<>(List.of("vault", command, "--repo", repo.toString(), "--password-file", pw.toString()));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    /**
     * Files, directories, symlinks, a FIFO and a hard link (device nodes, which only root makes, are SpecialFilesTest's),
     * names whose order tells UTF-16 order from byte order, and POSIX ACLs (format 6: a file's, a directory's default).
     */
    private static void tree(Path data) throws IOException, InterruptedException {
        Files.writeString(data.resolve("report.txt"), "quarterly numbers\n".repeat(10_000));
        Files.write(data.resolve("random.bin"), bytes(3_500_000, 1)); // several chunks (§4)
        Files.write(data.resolve("zeros.bin"), new byte[1_500_000]);
        Files.createFile(data.resolve("empty"));
        Files.createDirectories(data.resolve("empty-dir"));
        Files.createDirectories(data.resolve("sub/deep"));
        Files.writeString(data.resolve("sub/deep/file"), "two names, one file\n");
        Files.createLink(data.resolve("hard"), data.resolve("sub/deep/file"));
        Files.createSymbolicLink(data.resolve("link"), Path.of("report.txt"));
        Files.createSymbolicLink(data.resolve("dangling"), Path.of("/nowhere/at/all"));
        Path secret = Files.writeString(data.resolve("secret"), "0600\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Files.setLastModifiedTime(secret, FileTime.from(Instant.parse("2001-09-09T01:46:40.123456789Z")));
        Files.setPosixFilePermissions(Files.writeString(data.resolve("run.sh"), "#!/bin/sh\n"), PosixFilePermissions.fromString("rwxr-x---"));
        for (String name : List.of("a😀", "a！", "Zeta", "é")) {
            Files.writeString(data.resolve(name), name);
        }
        // a Latin-1 name (not UTF-8: its byte is U+DC80 in the tree's order) and a FIFO, which only a shell makes
        Process sh = new ProcessBuilder("sh", "-c", "printf x > \"$(printf 'a\\200')\" && printf y > \"$(printf 'caf\\351')\" && mkfifo pipe"
                + " && setfacl -m u:nobody:r,g::- run.sh && setfacl -d -m u:nobody:rx sub")
                .directory(data.toFile()).inheritIO().start();
        assertThat(sh.waitFor()).isZero();
        if (Files.getFileStore(data).supportsFileAttributeView(UserDefinedFileAttributeView.class)) {
            Files.getFileAttributeView(data.resolve("report.txt"), UserDefinedFileAttributeView.class)
                    .write("origin", ByteBuffer.wrap("finance".getBytes(StandardCharsets.UTF_8)));
        }
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Every path under {@code root} with its type, mode, mtime, link target, size, content hash and extended attributes. */
    private static Map<String, String> describe(Path root) throws IOException, NoSuchAlgorithmException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path f : all.toList()) {
                Map<String, Object> a = Files.readAttributes(f, "unix:mode,lastModifiedTime,size", LinkOption.NOFOLLOW_LINKS);
                int mode = (Integer) a.get("mode");
                StringBuilder d = new StringBuilder(Integer.toOctalString(mode));
                if (Files.isSymbolicLink(f)) {
                    d.append(" -> ").append(Files.readSymbolicLink(f));
                } else if (!f.equals(root)) { // the restored root's time is the reader's own
                    d.append(' ').append(((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS));
                }
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    d.append(' ').append(a.get("size")).append(' ')
                            .append(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
                }
                if (!Files.isSymbolicLink(f) && (mode & 0170000) != 0010000) { // a FIFO's attributes are not read (§8)
                    d.append(' ').append(f.toString().indexOf('\uFFFD') < 0 ? acl(f) : ""); // getfacl cannot be given a name not UTF-8
                    UserDefinedFileAttributeView x = Files.getFileAttributeView(f, UserDefinedFileAttributeView.class);
                    if (x != null) {
                        try {
                            for (String name : x.list().stream().sorted().toList()) {
                                ByteBuffer value = ByteBuffer.allocate(x.size(name));
                                x.read(name, value);
                                d.append(' ').append(name).append('=').append(new String(value.array(), StandardCharsets.UTF_8));
                            }
                        } catch (UnsupportedOperationException | IOException e) {
                            d.append(" (no extended attributes here)");
                        }
                    }
                }
                out.put(root.relativize(f).toString(), d.toString());
            }
        }
        return out;
    }

    /** getfacl's entries of a file or directory, on one line. */
    private static String acl(Path f) throws IOException {
        Process p = new ProcessBuilder("getfacl", "-p", "-c", "--", f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().replace('\n', ',');
        try {
            assertThat(p.waitFor()).as(out).isZero();
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
        return out;
    }
}
