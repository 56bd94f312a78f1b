package org.opsledger.cli.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.cli.CliRun;

/**
 * Vault commands as a user other than root. CI runs as root, so the command runs as root without the capabilities that
 * let root past file modes (setpriv drops CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH and CAP_FOWNER), which the restore
 * sees (OsUser.isRoot: uid 0 with CAP_DAC_OVERRIDE) and so meets a file's mode as its owner would. The same commands as {@code nobody}
 * behaved alike before and after each fix (tried by hand).
 */
class WithoutRootsPowersTest {

    @TempDir
    Path tmp;

    /** setpriv's options that take root's powers over file modes. */
    private static final List<String> OVER_MODES = List.of("--bounding-set=-dac_override,-dac_read_search,-fowner",
            "--inh-caps=-dac_override,-dac_read_search,-fowner");

    /** The command in a JVM of its own, without root's powers over file modes. */
    private static Process withoutRootsPowers(String... vaultArgs) throws Exception {
        return withoutRootsPowers(OVER_MODES, vaultArgs);
    }

    /** The command in a JVM of its own, run by setpriv with {@code setpriv}'s options. */
    private static Process withoutRootsPowers(List<String> setpriv, String... vaultArgs) throws Exception {
        return new ProcessBuilder(concat(List.of("setpriv"), setpriv, List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", System.getProperty("java.class.path"), "org.opsledger.cli.OpsLedgerCommand", "vault"), List.of(vaultArgs)))
                .redirectErrorStream(true).start();
    }

    /**
     * {@code data} backed up by root, then restored into {@code target} with --verify by setpriv with {@code setpriv}'s
     * options: what the restore printed, which verified, warned of nothing and exited 0.
     */
    private String restoredAndVerified(Path data, Path target, List<String> setpriv) throws Exception {
        Path pw = Files.writeString(tmp.resolve("pw"), "operator one\n");
        Path repo = tmp.resolve("repo");
        List<String> at = List.of("--repo", repo.toString(), "--password-file", pw.toString());
        assertThat(CliRun.of(concat(List.of("vault", "init"), at, List.of("--kdf-iterations", "100000"))).exit()).isZero();
        assertThat(CliRun.of(concat(List.of("vault", "backup", data.toString(), "--allow-same-device"), at)).exit()).isZero();

        Process p = withoutRootsPowers(setpriv, concat(List.of("restore", "latest", "--target", target.toString(), "--verify"), at));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as(out).contains("; verified").doesNotContain("verify:", "warning:");
        return out;
    }

    /**
     * A restore gives back files their owner may not read (mode 0200, 0000) with their mtime, and {@code --verify} reads
     * them: before, their time was left at the restore's (the JDK's setTimes opens the file, which the mode set before
     * it refused) and verify reported "permission denied" for each.
     */
    @Test
    void filesTheirOwnerMayNotReadAreRestoredWithTheirTimeAndVerified() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "drops root's capabilities with setpriv");
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        FileTime then = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
        for (String mode : List.of("000", "200", "400", "600")) {
            Path f = Files.writeString(data.resolve("mode" + mode), "only for its owner " + mode + "\n");
            Files.setLastModifiedTime(f, then);
            Files.setAttribute(f, "unix:mode", Integer.parseInt(mode, 8));
        }
        Path target = tmp.resolve("restored");
        restoredAndVerified(data, target, OVER_MODES);
        for (String mode : List.of("000", "200", "400", "600")) {
            Path f = target.resolve("data/mode" + mode);
            assertThat(Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS)).as(mode).isEqualTo(then);
            assertThat((Integer) Files.getAttribute(f, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777).isEqualTo(Integer.parseInt(mode, 8));
            assertThat(Files.readString(f)).isEqualTo("only for its owner " + mode + "\n");
        }
    }

    /**
     * A file its owner may not read (0200, 0000) with many names is verified under each, all of them as it is: its names
     * were verified on two workers at once, each making the file readable and putting its mode back, and each met the
     * other's mode ("mode 600, expected 200") or its refusal ("permission denied"), exit 1 (a helper's). The names of one
     * file fill several of the workers' tasks, so before the fix two workers were on it at once.
     */
    @Test
    void aFileItsOwnerMayNotReadIsVerifiedUnderEachOfItsManyNames() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "drops root's capabilities with setpriv");
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Path names = Files.createDirectories(data.resolve("names"));
        for (String mode : List.of("200", "000")) {
            Path f = Files.writeString(data.resolve("drop" + mode), "a drop box " + mode + "\n");
            for (int i = 0; i < 600; i++) {
                Files.createLink(names.resolve(mode + "-" + i), f);
            }
            Files.setAttribute(f, "unix:mode", Integer.parseInt(mode, 8));
        }
        Path target = tmp.resolve("restored");
        restoredAndVerified(data, target, OVER_MODES);
        for (String mode : List.of("200", "000")) {
            Path f = target.resolve("data/names/" + mode + "-599");
            assertThat((Integer) Files.getAttribute(f, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777).isEqualTo(Integer.parseInt(mode, 8));
            assertThat(Files.getAttribute(f, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).isEqualTo(601);
        }
    }

    /**
     * A FIFO whose owner may not read or write it (0000, 0200, 0400, 0444) is restored with its time: it was made with
     * its mode, and the open for reading and writing that lets the JDK set its time (it never waits on a FIFO) was
     * refused, 'permission denied' (a helper's).
     */
    @Test
    void fifosTheirOwnerMayNotReadOrWriteAreRestoredWithTheirTime() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "drops root's capabilities with setpriv");
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        List<String> modes = List.of("000", "200", "400", "444", "644");
        for (String mode : modes) {
            Process made = new ProcessBuilder("sh", "-c", "mkfifo -m " + mode + " \"$0\" && touch -h -d @7777 \"$0\"",
                    data.resolve("fifo" + mode).toString()).redirectErrorStream(true).start();
            assertThat(made.waitFor()).as(new String(made.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        }
        Path target = tmp.resolve("restored");
        restoredAndVerified(data, target, OVER_MODES);
        for (String mode : modes) {
            Path f = target.resolve("data/fifo" + mode);
            assertThat(Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS)).as(mode).isEqualTo(FileTime.fromMillis(7_777_000));
            assertThat((Integer) Files.getAttribute(f, "unix:mode", LinkOption.NOFOLLOW_LINKS)).isEqualTo(0010000 | Integer.parseInt(mode, 8));
        }
    }

    /**
     * A restore by a user other than root keeps a path's group where the user is in it, as restic and rsync do, and
     * silently leaves its own where not (the kernel refuses it): it gave every path the user's own group (a helper's).
     * Root without CAP_CHOWN in groups 0 and 4242 is such a user.
     */
    @Test
    void aGroupItsUserIsInIsKeptAndAnotherLeftAsTheUsersOwn() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "drops root's capabilities with setpriv");
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Path shared = Files.createDirectories(data.resolve("shared"));
        Files.writeString(shared.resolve("report.txt"), "for the team\n");
        Files.writeString(data.resolve("theirs.txt"), "another group's\n");
        for (Path p : List.of(shared, shared.resolve("report.txt"))) {
            Files.setAttribute(p, "unix:gid", 4242, LinkOption.NOFOLLOW_LINKS);
        }
        Files.setAttribute(data.resolve("theirs.txt"), "unix:gid", 4343, LinkOption.NOFOLLOW_LINKS);

        Path target = tmp.resolve("restored");
        restoredAndVerified(data, target, List.of("--groups=4242", "--bounding-set=-dac_override,-dac_read_search,-fowner,-chown",
                "--inh-caps=-dac_override,-dac_read_search,-fowner,-chown"));
        assertThat(Files.getAttribute(target.resolve("data/shared"), "unix:gid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(4242);
        assertThat(Files.getAttribute(target.resolve("data/shared/report.txt"), "unix:gid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(4242);
        assertThat(Files.getAttribute(target.resolve("data/theirs.txt"), "unix:gid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(0);
    }

    /**
     * A restore that cannot give a file its recorded owner (or group) clears its set-user-ID (set-group-ID) bit, as chown(2)
     * and GNU tar do, and says so once, exit 3; --verify takes the cleared bits for the mode restored: a setuid-root program
     * became a setuid one of the restoring user's, which anyone could run as that user (a helper's). A file whose owner and
     * group it kept keeps both bits, and a directory its set-group-ID bit (it gives what is made in it the directory's group).
     * Root without CAP_CHOWN in groups 0 and 4242 is such a user.
     */
    @Test
    void setIdBitsOfAFileNotGivenItsRecordedOwnerOrGroupAreClearedAndReported() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "drops root's capabilities with setpriv");
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Map<String, int[]> recorded = new java.util.LinkedHashMap<>(); // name → mode, uid, gid
        recorded.put("setuid-theirs", new int[] {04755, 4321, 0});
        recorded.put("setgid-theirs", new int[] {02755, 0, 4343});
        recorded.put("both-kept", new int[] {06755, 0, 4242});
        recorded.put("shared", new int[] {02775, 4321, 4343});
        for (var r : recorded.entrySet()) {
            Path p = r.getKey().equals("shared") ? Files.createDirectory(data.resolve(r.getKey()))
                    : Files.writeString(data.resolve(r.getKey()), "#!/bin/sh\necho " + r.getKey() + "\n");
            Files.setAttribute(p, "unix:uid", r.getValue()[1], LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", r.getValue()[2], LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:mode", r.getValue()[0], LinkOption.NOFOLLOW_LINKS); // after chown, which clears them
        }
        Path pw = Files.writeString(tmp.resolve("pw"), "operator one\n");
        Path repo = tmp.resolve("repo");
        List<String> at = List.of("--repo", repo.toString(), "--password-file", pw.toString());
        assertThat(CliRun.of(concat(List.of("vault", "init"), at, List.of("--kdf-iterations", "100000"))).exit()).isZero();
        assertThat(CliRun.of(concat(List.of("vault", "backup", data.toString(), "--allow-same-device"), at)).exit()).isZero();

        Path target = tmp.resolve("restored");
        Process p = withoutRootsPowers(List.of("--groups=4242", "--bounding-set=-dac_override,-dac_read_search,-fowner,-chown",
                "--inh-caps=-dac_override,-dac_read_search,-fowner,-chown"),
                concat(List.of("restore", "latest", "--target", target.toString(), "--verify"), at));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(3);
        assertThat(out).as(out).contains("; verified").doesNotContain("verify:");
        assertThat(out.lines().filter(l -> l.startsWith("warning:"))).as(out).containsExactly("warning: set-user-ID or set-group-ID bit"
                + " cleared on 2 path(s): the path is not its recorded owner's or not in its recorded group (only root gives files away):"
                + " a program would run as the restoring user; cleared, as chown(2) and GNU tar do (first: data/setgid-theirs,"
                + " data/setuid-theirs)");
        Map<String, Integer> modes = new java.util.HashMap<>();
        for (String name : recorded.keySet()) {
            modes.put(name, (Integer) Files.getAttribute(target.resolve("data/" + name), "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777);
        }
        assertThat(modes).isEqualTo(Map.of("setuid-theirs", 0755, "setgid-theirs", 0755, "both-kept", 06755, "shared", 02775));
    }

    /**
     * A backup path its user may not read fails as a missing one does, exit 1 and no snapshot: a directory of mode 000
     * gave a snapshot of one empty directory, exit 3, and `vault due` counted it a backup (a helper's, as nobody).
     */
    @Test
    void aBackupPathItsUserMayNotReadFailsTheBackup() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "drops root's capabilities with setpriv");
        Path locked = Files.createDirectories(tmp.resolve("src/locked"));
        Files.writeString(locked.resolve("payroll.csv"), "not for nobody\n");
        Files.setAttribute(locked, "unix:mode", 0);
        Path pw = Files.writeString(tmp.resolve("pw"), "operator one\n");
        Path repo = tmp.resolve("repo");
        List<String> at = List.of("--repo", repo.toString(), "--password-file", pw.toString());
        assertThat(CliRun.of(concat(List.of("vault", "init"), at, List.of("--kdf-iterations", "100000"))).exit()).isZero();
        Process p = withoutRootsPowers(concat(List.of("backup", locked.toString(), "--allow-same-device"), at));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(1);
        assertThat(out.lines().filter(l -> l.startsWith("opsledger:"))).as(out)
                .containsExactly("opsledger: cannot read the backup path " + locked + ": permission denied; nothing of it would be backed up");
        assertThat(CliRun.of(concat(List.of("vault", "snapshots", "--json"), at)).out().strip()).isEqualTo("[]");
        CliRun due = CliRun.of(concat(List.of("vault", "due", "--json"), at));
        assertThat(due.out()).as("an attempt that failed, not a backup").contains("\"overdue\":true");
    }

    /**
     * A repository its user may not read (another user's copy, made by root's cp -r) is named so, exit 1: it was "no vault
     * repository at …" (a tester's, as another user).
     */
    @Test
    void aRepositoryItsUserMayNotReadIsNamedSoNotMissing() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "drops root's capabilities with setpriv");
        Path pw = Files.writeString(tmp.resolve("pw"), "operator one\n");
        Path repo = tmp.resolve("repo");
        List<String> at = List.of("--repo", repo.toString(), "--password-file", pw.toString());
        assertThat(CliRun.of(concat(List.of("vault", "init"), at, List.of("--kdf-iterations", "100000"))).exit()).isZero();
        Files.setAttribute(repo, "unix:mode", 0);
        Process p = withoutRootsPowers(concat(List.of("snapshots"), at));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(1);
        assertThat(out.lines().filter(l -> l.startsWith("opsledger:"))).as(out)
                .containsExactly("opsledger: cannot read " + repo.resolve("config") + ": permission denied: run as the owner of the"
                        + " repository or fix its ownership");
    }

    /** What a command run without root's powers over file modes printed, and its exit. */
    private record Ran(int exit, String out) {
    }

    private static Ran ranWithoutRootsPowers(List<String> at, String... args) throws Exception {
        Process p = withoutRootsPowers(concat(List.of(args), at));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Ran(p.exitValue(), out);
    }

    /** A repository made by root in {@code tmp/repo}, with one backup of {@code tmp/src/first}: its --repo and --password-file. */
    private List<String> repositoryWithOneBackup() throws Exception {
        Path first = Files.createDirectories(tmp.resolve("src/first"));
        Files.writeString(first.resolve("a.txt"), "the first backup\n");
        Path pw = Files.writeString(tmp.resolve("pw"), "operator one\n");
        List<String> at = List.of("--repo", tmp.resolve("repo").toString(), "--password-file", pw.toString());
        assertThat(CliRun.of(concat(List.of("vault", "init"), at, List.of("--kdf-iterations", "100000"))).exit()).isZero();
        assertThat(CliRun.of(concat(List.of("vault", "backup", first.toString(), "--allow-same-device"), at)).exit()).isZero();
        return at;
    }

    /** A second backup by root, of other data: the files it added to the repository (its packs, index, snapshot, journal entry). */
    private List<Path> secondBackup(List<String> at) throws Exception {
        Path second = Files.createDirectories(tmp.resolve("src/second"));
        byte[] random = new byte[300_000];
        new java.util.Random(7).nextBytes(random);
        Files.write(second.resolve("b.bin"), random);
        List<Path> before = filesIn(tmp.resolve("repo"));
        assertThat(CliRun.of(concat(List.of("vault", "backup", second.toString(), "--allow-same-device"), at)).exit()).isZero();
        List<Path> added = new java.util.ArrayList<>(filesIn(tmp.resolve("repo")));
        added.removeAll(before);
        return added;
    }

    private static List<Path> filesIn(Path dir) throws Exception {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(f -> !f.startsWith(dir.resolve("locks"))).sorted().toList();
        }
    }

    /** Gives {@code files} to another user (uid 4321), mode 0600, as a backup run by that user writes them. */
    private static void anotherUsers(List<Path> files) throws Exception {
        for (Path f : files) {
            Files.setAttribute(f, "unix:uid", 4321, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(f, "unix:mode", 0600, LinkOption.NOFOLLOW_LINKS);
        }
    }

    /**
     * A lock file its user may not read (another user's backup, 0600) counts as running: a prune skipped it as "released
     * between list and read" and deleted the packs that backup had written so far as orphans, and the backup then said
     * "saved" of a snapshot whose data was gone (a tester's). Unlock keeps it and names it, and check names it.
     */
    @Test
    void aLockFileItsUserMayNotReadCountsAsRunning() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "drops root's capabilities with setpriv");
        List<String> at = repositoryWithOneBackup();
        // another user's backup under way: its packs written, its index and snapshot not yet
        List<Path> added = secondBackup(at);
        List<Path> packs = added.stream().filter(f -> f.toString().contains("/data/")).toList();
        assertThat(packs).isNotEmpty();
        for (Path f : added) {
            if (f.toString().contains("/index/") || f.toString().contains("/snapshots/")) {
                Files.delete(f);
            }
        }
        Path lock = tmp.resolve("repo/locks/theirs");
        String now = Instant.now().toString();
        Files.writeString(lock, "{\"kind\":\"backup\",\"host\":\"db1\",\"pid\":42,\"started\":\"" + now + "\",\"refreshed\":\"" + now + "\"}");
        anotherUsers(List.of(lock));

        Ran prune = ranWithoutRootsPowers(at, "prune");
        assertThat(prune.exit()).as(prune.out()).isZero();
        assertThat(packs).as(prune.out()).allMatch(Files::exists);
        assertThat(prune.out()).contains("0 orphan(s) removed");

        Ran unlock = ranWithoutRootsPowers(at, "unlock");
        assertThat(unlock.exit()).as(unlock.out()).isZero();
        assertThat(unlock.out().lines().toList()).containsExactly("kept cannot read lock locks/theirs: permission denied; it counts as"
                + " running (`vault unlock --remove-all` removes it; its user's or root's `vault unlock` reads it)",
                "unlock: 0 lock file(s) removed, 1 live lock(s) kept");
        assertThat(lock).exists();

        Ran check = ranWithoutRootsPowers(at, "check");
        assertThat(check.out()).as(check.out()).contains("cannot read lock locks/theirs: permission denied; it counts as running");
    }

    /**
     * A repository file its user may not read (a backup another user ran into it) is no damage: check called it damaged
     * and sent the operator to `vault repair`, which deleted it, kept zeros of it under damaged/ and said nothing was lost,
     * and the next prune deleted its packs as orphans (a tester's). Check, repair and prune now stop, naming it, and
     * touch nothing; so for a legal hold's record.
     */
    @Test
    void aFileItsUserMayNotReadIsNoDamage() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "drops root's capabilities with setpriv");
        List<String> at = repositoryWithOneBackup();
        List<Path> theirs = secondBackup(at).stream().filter(f -> !f.toString().contains("/index/")).toList();
        Map<Path, byte[]> bytes = new java.util.HashMap<>();
        for (Path f : theirs) {
            bytes.put(f, Files.readAllBytes(f));
        }
        anotherUsers(theirs);
        Path snapshot = theirs.stream().filter(f -> f.toString().contains("/snapshots/")).findFirst().orElseThrow();
        String denied = "opsledger: cannot read " + snapshot + ": permission denied: run as the owner of the repository or fix its ownership";

        Ran check = ranWithoutRootsPowers(at, "check", "--read-data");
        assertThat(check.exit()).as(check.out()).isNotZero();
        assertThat(check.out()).as(check.out()).contains(denied).doesNotContain("damaged");
        for (String[] command : List.of(new String[] {"repair", "--read-data"}, new String[] {"prune"})) {
            Ran ran = ranWithoutRootsPowers(at, command);
            assertThat(ran.exit()).as(ran.out()).isNotZero();
            assertThat(ran.out()).as(ran.out()).contains(denied);
        }
        for (Path f : theirs) {
            assertThat(Files.readAllBytes(f)).as(f.toString()).isEqualTo(bytes.get(f));
        }
        assertThat(tmp.resolve("repo/damaged")).doesNotExist();

        for (Path f : theirs) { // root's again: the hold's record alone is another user's
            Files.setAttribute(f, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
        }
        assertThat(CliRun.of(concat(List.of("vault", "hold", "latest", "--reason", "CASE-117", "--by", "legal"), at)).exit()).isZero();
        List<Path> holds = filesIn(tmp.resolve("repo/holds"));
        byte[] record = Files.readAllBytes(holds.getFirst());
        anotherUsers(holds);
        for (String command : List.of("check", "repair")) {
            Ran ran = ranWithoutRootsPowers(at, command);
            assertThat(ran.exit()).as(ran.out()).isNotZero();
            assertThat(ran.out()).as(ran.out()).contains("opsledger: cannot read " + holds.getFirst() + ": permission denied")
                    .doesNotContain("nothing was lost");
        }
        assertThat(Files.readAllBytes(holds.getFirst())).isEqualTo(record);
        assertThat(tmp.resolve("repo/damaged")).doesNotExist();
    }

    /**
     * A backup path under a directory its user may not search (/var/lib/postgresql 0700) is there, and fails as one it may
     * not read: it failed as "no such file or directory", in the journal too (a tester's).
     */
    @Test
    void aBackupPathItsUserMayNotLookAtIsNotMissing() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "drops root's capabilities with setpriv");
        Path data = Files.createDirectories(tmp.resolve("src/private/data"));
        Files.writeString(data.resolve("f"), "x\n");
        Files.setAttribute(tmp.resolve("src/private"), "unix:mode", 0);
        Path pw = Files.writeString(tmp.resolve("pw"), "operator one\n");
        List<String> at = List.of("--repo", tmp.resolve("repo").toString(), "--password-file", pw.toString());
        assertThat(CliRun.of(concat(List.of("vault", "init"), at, List.of("--kdf-iterations", "100000"))).exit()).isZero();
        Ran backup = ranWithoutRootsPowers(at, "backup", data.toString(), "--allow-same-device");
        assertThat(backup.exit()).as(backup.out()).isEqualTo(1);
        assertThat(backup.out().lines().filter(l -> l.startsWith("opsledger:"))).as(backup.out())
                .containsExactly("opsledger: cannot read the backup path " + data + ": permission denied; nothing of it would be backed up");
    }

    /**
     * `init` in a directory its user may enter and write but not list (a group's drop directory, 0733, another user's),
     * making a directory above the repository too: it failed, `cannot create …: permission denied`, the drop directory
     * being opened to be fsynced; now the directory made in it is fsynced instead, and the repository opens.
     */
    @Test
    void initMakesARepositoryInADirectoryItMayWriteButNotList() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "drops root's capabilities with setpriv");
        Path drop = Files.createDirectories(tmp.resolve("drop"));
        Files.setAttribute(drop, "unix:uid", 65534); // nobody's: root without its powers is one of the others there
        Files.setAttribute(drop, "unix:mode", 0733);
        Path pw = Files.writeString(tmp.resolve("pw"), "operator one\n");
        Files.setAttribute(pw, "unix:mode", 0600);
        Path repo = drop.resolve("team/repo");
        List<String> at = List.of("--repo", repo.toString(), "--password-file", pw.toString());

        Process p = withoutRootsPowers(concat(List.of("init"), at, List.of("--kdf-iterations", "100000")));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("created vault repository");
        CliRun snapshots = CliRun.of(concat(List.of("vault", "snapshots"), at));
        assertThat(snapshots.exit()).as(snapshots.err()).isZero();
    }

    /**
     * A replica whose pack its user may not read (a copy by root left it root's, 0600): check said "no errors were found",
     * exit 0, and the restore then failed on it, permission denied (a tester's). Check warns of it, naming it.
     */
    @Test
    void checkWarnsOfAPackItsUserMayNotRead() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "drops root's capabilities with setpriv");
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("a"), new byte[300_000]);
        Path pw = Files.writeString(tmp.resolve("pw"), "operator one\n");
        Path repo = tmp.resolve("repo");
        List<String> at = List.of("--repo", repo.toString(), "--password-file", pw.toString());
        assertThat(CliRun.of(concat(List.of("vault", "init"), at, List.of("--kdf-iterations", "100000"))).exit()).isZero();
        assertThat(CliRun.of(concat(List.of("vault", "backup", data.toString(), "--allow-same-device"), at)).exit()).isZero();
        Path pack;
        try (var packs = Files.walk(repo.resolve("data"))) {
            pack = packs.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
        Files.setOwner(pack, pack.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody")); // 0600, another's

        Process p = withoutRootsPowers(concat(List.of("check"), at));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as(out).contains("1 pack(s) this user (root) may not read (first: " + repo.relativize(pack) + ")");
    }

    @SafeVarargs
    private static String[] concat(List<String>... parts) {
        return java.util.Arrays.stream(parts).flatMap(List::stream).toArray(String[]::new);
    }
}
