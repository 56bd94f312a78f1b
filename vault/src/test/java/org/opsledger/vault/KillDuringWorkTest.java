package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.checker.CheckResult;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.prune.Forgetter;
import org.opsledger.vault.prune.Pruner;
import org.opsledger.vault.prune.RetentionPolicy;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.SnapshotRef;

/** kill -9 of a real child JVM during a backup or a prune leaves a repository that checks clean and keeps working. */
class KillDuringWorkTest {

    @TempDir
    Path tmp;

    @Test
    void killDuringBackupLeavesNoPartialSnapshotAndACleanRepository() throws Exception {
        Path data = tmp.resolve("src/data");
        Path repoDir = tmp.resolve("repo");
        Process child = backupUnderWay(data, repoDir);
        child.destroyForcibly().waitFor();
        assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);

        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(repo.snapshots()).as("no partial snapshot is listed").isEmpty();
            CheckResult c = new Checker(repo, 2).check(100);
            assertThat(c.errors()).isEmpty();
            SnapshotRef next = TestTrees.backup(repo, data);
            assertThat(repo.snapshots()).extracting(SnapshotRef::id).containsExactly(next.id());
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
        }
    }

    @Test
    void sigtermDuringBackupReleasesItsLockSoPruneNeedNotWait() throws Exception {
        Path data = tmp.resolve("src/data");
        Path repoDir = tmp.resolve("repo");
        Process child = backupUnderWay(data, repoDir);
        child.destroy(); // SIGTERM: what systemd sends to stop a unit, and what Ctrl-C's SIGINT does to a JVM alike
        assertThat(child.waitFor()).as("ended by SIGTERM").isEqualTo(143);

        assertThat(countFiles(repoDir.resolve("locks"))).as("the lock file went with the process").isZero();
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(repo.snapshots()).as("no partial snapshot is listed").isEmpty();
            assertThat(repo.locks().live()).isEmpty();
            // no live lock: the prune right after deletes the interrupted backup's packs instead of waiting for
            // its lock to go stale (five minutes)
            assertThat(new Pruner(repo).prune().orphanPacksDeleted()).isPositive();
            assertThat(countFiles(repoDir.resolve("data"))).isZero();
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
            TestTrees.backup(repo, data);
            assertThat(repo.snapshots()).hasSize(1);
        }
    }

    @Test
    void killDuringPruneAtSeveralPointsLeavesACleanRepository() throws Exception {
        List<HeldAt> killWhen = List.of(
                HeldAt.START,                                                  // as soon as prune starts
                new HeldAt("condemned/", 2),                                   // mid phase 1: one pack condemned
                new HeldAt("data/", 2));                                       // during phase 2's deletes: one pack deleted
        int round = 0;
        for (HeldAt when : killWhen) {
            Path base = Files.createDirectories(tmp.resolve("round" + round++));
            Path data = Files.createDirectories(base.resolve("src/data"));
            Path repoDir = base.resolve("repo");
            SnapshotRef keep;
            try (Repository repo = TestTrees.newRepo(repoDir)) {
                Files.write(data.resolve("old.bin"), TestTrees.random(round, 60 * 1024 * 1024));
                TestTrees.backup(repo, data);
                Files.delete(data.resolve("old.bin"));
                Files.write(data.resolve("new.bin"), TestTrees.random(round + 50, 3 * 1024 * 1024));
                keep = TestTrees.backup(repo, data);
                new Forgetter(repo, ZoneOffset.UTC).forget(new RetentionPolicy(null, 1, 0, 0, 0), Instant.now());
            }
            Process child = start("prune", repoDir, data, when);
            child.destroyForcibly().waitFor();

            try (Repository repo = TestTrees.open(repoDir)) {
                assertThat(repo.snapshots()).extracting(SnapshotRef::id).containsExactly(keep.id());
                assertThat(new Checker(repo, 2).check(100).errors()).as("round " + round).isEmpty();
                assertThat(new Restorer(repo, 2).restore(keep, base.resolve("out"), List.of(), true).ok()).isTrue();
                Files.write(data.resolve("more.bin"), TestTrees.random(round + 90, 100_000));
                TestTrees.backup(repo, data);
            }
            try (Repository repo = TestTrees.open(repoDir)) {
                new Pruner(repo).prune(); // the interrupted prune's leftovers are finished off (its stale lock aside)
                assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
                assertThat(repo.snapshots()).hasSize(2);
            }
        }
    }

    /**
     * A repair takes damaged packs out of use in steps (an index of what reads, the blobs that still authenticate
     * stored again, the damaged packs copied under damaged/ and deleted): killed at any of them, the next repair
     * leaves what a repair run to its end leaves (only the damaged blobs lost), and the next backup makes the
     * snapshot whole.
     */
    @Test
    void killDuringRepairAtSeveralPointsLeavesARepositoryTheNextRepairFinishes() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        for (int i = 0; i < 6; i++) {
            Files.write(data.resolve("part" + i + ".bin"), TestTrees.random(200 + i, 24 * 1024 * 1024));
        }
        Path damaged = tmp.resolve("damaged");
        SnapshotRef snap;
        long packsBefore;
        try (Repository repo = TestTrees.newRepo(damaged)) {
            snap = TestTrees.backup(repo, data);
            java.util.Map<org.opsledger.vault.crypto.ObjectId, org.opsledger.vault.index.IndexEntry> onePerPack = new java.util.HashMap<>();
            repo.index().entries().values().forEach(e -> onePerPack.putIfAbsent(e.pack(), e));
            packsBefore = onePerPack.size();
            onePerPack.values().removeIf(e -> e.type() != org.opsledger.vault.pack.BlobType.DATA); // the trees' pack stays whole
            assertThat(packsBefore).as("packs of the 144 MiB").isGreaterThanOrEqualTo(8);
            for (var e : onePerPack.values().stream().limit(5).toList()) { // one flipped byte in each of five packs
                DamagedPackTest.flipOneByteOf(damaged, e);
            }
        }
        Path reference = tmp.resolve("not-killed"); // what a repair run to its end leaves: the five lost blobs, no damaged pack
        TestTrees.copyTree(damaged, reference);
        List<String> lost;
        try (Repository repo = TestTrees.open(reference)) {
            new org.opsledger.vault.checker.Repairer(repo, 2).repair(100, false);
            lost = new Checker(repo, 2).check(100).errors();
        }
        assertThat(lost).hasSize(5).allMatch(e -> e.contains("missing from the index"));
        List<HeldAt> killWhen = List.of(
                HeldAt.START,                                                  // while it reads every pack
                new HeldAt("data/", 2),                                        // storing what still reads: one pack stored
                new HeldAt("damaged/", 2));                                    // moving damaged packs out: one moved
        int round = 0;
        for (HeldAt when : killWhen) {
            Path repoDir = tmp.resolve("round" + round++);
            TestTrees.copyTree(damaged, repoDir);
            Process child = start("repair", repoDir, data, when);
            child.destroyForcibly().waitFor();

            try (Repository repo = TestTrees.open(repoDir)) {
                new org.opsledger.vault.checker.Repairer(repo, 2).repair(100, false);
                CheckResult c = new Checker(repo, 2).check(100);
                assertThat(c.errors()).as("round " + round).containsExactlyInAnyOrderElementsOf(lost);
                assertThat(c.damagedPacks()).isEmpty();
                assertThat(countFiles(repoDir.resolve("damaged"))).as("round " + round + ": every damaged pack kept").isEqualTo(5);
                TestTrees.backup(repo, data); // stores the lost blobs again: the old snapshot is whole
                assertThat(new Restorer(repo, 2).restore(snap, tmp.resolve("out" + round), List.of(), true).ok()).isTrue();
                assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
            }
        }
    }

    /** A child JVM backing up 144 MiB of random files into a new repository, once it has written two packs. */
    private static Process backupUnderWay(Path data, Path repoDir) throws Exception {
        Files.createDirectories(data);
        for (int i = 0; i < 6; i++) {
            Files.write(data.resolve("part" + i + ".bin"), TestTrees.random(100 + i, 24 * 1024 * 1024));
        }
        TestTrees.newRepo(repoDir).close();
        Process child = start("backup", repoDir, data, HeldAt.START);
        waitUntil(child, () -> countFiles(repoDir.resolve("data")) >= 2);
        return child;
    }

    /**
     * Where the child's work is held for the kill: just before its {@code nth} write, delete or move to a name under
     * {@code prefix} ({@link CrashChild}); {@link #START} holds nothing, the kill comes as the work starts. It polled the
     * repository's directories for a moment of the work (one condemned pack, a pack stored), which a loaded machine's
     * polling thread could miss, and the child finished first.
     */
    record HeldAt(String prefix, int nth) {
        static final HeldAt START = new HeldAt(null, 0);
    }

    /** A child JVM at work on {@code repo}, started and, when {@code when} names a moment, held there. */
    private static Process start(String mode, Path repo, Path data, HeldAt when) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                CrashChild.class.getName(), mode, repo.toString(), data.toString()));
        if (when.prefix() != null) {
            command.addAll(List.of(when.prefix(), Integer.toString(when.nth())));
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
        String line = out.readLine();
        assertThat(line).as("child started").isEqualTo("READY");
        if (when.prefix() != null) {
            StringBuilder said = new StringBuilder();
            for (line = out.readLine(); line != null && !line.equals("HELD"); line = out.readLine()) {
                said.append(line).append('\n');
            }
            assertThat(line).as("the child held at its " + when + ", not finished first: " + said).isEqualTo("HELD");
        }
        return p;
    }

    private static void waitUntil(Process child, java.util.function.BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (!child.isAlive()) {
                throw new AssertionError("child finished before it could be killed; make its work larger");
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition never met");
            }
            Thread.sleep(1);
        }
    }

    static long countFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".tmp-")).count();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return -1; // a file vanished while walking (the child renames and deletes): count again next time
        }
    }
}
