package org.opsledger.cli.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.cli.CliRun;

/**
 * A heap too small for the command (the launcher's is sized for the bounds of docs/vault-format.md §7,
 * a very large repository can need more) ends in one line naming the remedy, not a stack trace.
 */
class VaultOutOfMemoryTest {

    @TempDir
    Path tmp;

    /** A new repository at tmp/repo whose password is in {@code pw}. */
    private Path newRepository(Path pw) {
        Path repo = tmp.resolve("repo");
        assertThat(CliRun.of("vault", "init", "--repo", repo.toString(), "--password-file", pw.toString(),
                "--kdf-iterations", "100000").exit()).isZero();
        return repo;
    }

    @Test
    void aHeapTooSmallEndsInOneLineNamingTheRemedy() throws Exception {
        Path pw = Files.writeString(tmp.resolve("pw"), "operator one\n");
        Path repo = newRepository(pw);
        Path data = Files.createDirectories(tmp.resolve("data"));
        byte[] random = new byte[24 << 20];
        new Random(7).nextBytes(random);
        Files.write(data.resolve("big.bin"), random);

        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx12m", "-cp", System.getProperty("java.class.path"), "org.opsledger.cli.OpsLedgerCommand",
                "vault", "backup", "--repo", repo.toString(), "--password-file", pw.toString(), "--allow-same-device", data.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).as(output).isEqualTo(4); // the launcher runs a backup again in twice the heap
        List<String> lines = output.lines().filter(l -> l.startsWith("opsledger:")).toList();
        assertThat(lines).as(output).singleElement().asString()
                .contains("out of memory in a heap of", "the index, the snapshots' records or the journal", "OPSLEDGER_JAVA_OPTS=-Xmx")
                // it said "the repository is left intact" of a forget that had removed 20,600 snapshots (a helper's)
                .contains("what a forget removed stays removed").doesNotContain("intact");
        assertThat(output).doesNotContain("\tat ");
        // the repository is intact: it opens and lists no snapshot
        CliRun snapshots = CliRun.of("vault", "snapshots", "--repo", repo.toString(), "--password-file", pw.toString(), "--json");
        assertThat(snapshots.exit()).isZero();
        assertThat(snapshots.out().trim()).isEqualTo("[]");
        // and the journal says why it failed: it said "stopped by a signal", exit 143, or nothing at all (a helper's)
        var entries = org.opsledger.vault.VaultJson.MAPPER.readTree(CliRun.of("vault", "journal", "--repo", repo.toString(), "--password-file",
                pw.toString(), "--operation", "backup", "--json").out()).get("entries");
        assertThat(entries).singleElement().satisfies(e -> {
            assertThat(e.get("outcome").asString()).isEqualTo("failed");
            assertThat(e.get("exitCode").asInt()).isEqualTo(4);
            assertThat(e.get("detail").asString()).startsWith("out of memory in a heap of");
        });
        assertThat(output).doesNotContain("stopped by");
    }

    /**
     * A tree deeper than the stack holds: the backup ended in 1,024 lines of StackOverflowError and no journal entry (a
     * helper's, 1,000 levels in the JVM's default stack). One line, exit 1, a failed entry; the launcher gives vault
     * commands a stack that holds the deepest tree a path of 4,096 bytes can name.
     */
    @Test
    void aTreeDeeperThanTheStackEndsInOneLineAndAJournalEntry() throws Exception {
        Path pw = Files.writeString(tmp.resolve("pw"), "operator one\n");
        Path repo = newRepository(pw);
        Path deep = Files.createDirectories(tmp.resolve("deep"));
        Path d = deep;
        for (int i = 0; i < 1_500; i++) {
            d = d.resolve("d");
        }
        Files.createDirectories(d);
        Files.writeString(d.resolve("leaf.txt"), "at the bottom\n");
        try {
            backUpTheDeepTree(repo, pw, deep);
        } finally {
            // removed here, deepest first: JUnit's removal of tmp took a minute over these 1,500 levels (61 of the test's 69.5 s,
            // its body 8), every path it looked at resolved again from the root
            Files.delete(d.resolve("leaf.txt"));
            for (Path p = d; p.startsWith(deep); p = p.getParent()) {
                Files.delete(p);
            }
        }
    }

    /** A backup of {@code deep} in a JVM whose stack its walk overflows: one line, exit 1, and a failed journal entry. */
    private void backUpTheDeepTree(Path repo, Path pw, Path deep) throws Exception {
        // native access enabled, as the launcher and the jar's manifest do (ForeignXattrs' calls warned on stderr without it)
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xss256k",
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "org.opsledger.cli.OpsLedgerCommand",
                "vault", "backup", "--repo", repo.toString(), "--password-file", pw.toString(), "--allow-same-device", deep.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isEqualTo(1);
        assertThat(output.lines().filter(l -> !l.startsWith("warning:"))).as(output).containsExactly("opsledger: a directory tree deeper"
                + " than this JVM's stack holds: run again with OPSLEDGER_JAVA_OPTS=-Xss64m");
        var entries = org.opsledger.vault.VaultJson.MAPPER.readTree(CliRun.of("vault", "journal", "--repo", repo.toString(), "--password-file",
                pw.toString(), "--operation", "backup", "--json").out()).get("entries");
        assertThat(entries).singleElement().satisfies(e -> assertThat(e.get("detail").asString()).startsWith("a directory tree deeper"));
    }

    /**
     * Under a task limit (systemd's TasksMax=32, a cgroup's pids.max) the JVM cannot start the backup's threads: it was told
     * "out of memory in a heap of …", exit 4, which the launcher ran again in doubling heaps, four failed journal entries
     * blaming the heap (a tester's). One line naming the task limit and --threads, exit 1, and a journal entry saying so. Needs
     * a pids cgroup it may make (root, cgroup v1 or v2).
     */
    @Test
    void noThreadUnderATaskLimitIsNotOutOfHeap() throws Exception {
        Path pw = Files.writeString(tmp.resolve("pw"), "operator one\n");
        Path repo = newRepository(pw);
        Path data = Files.createDirectories(tmp.resolve("data"));
        for (int i = 0; i < 64; i++) {
            Files.writeString(data.resolve("f" + i), "file " + i + "\n");
        }
        Path v1 = Path.of("/sys/fs/cgroup/pids");
        Path cgroup = (Files.isDirectory(v1) ? v1 : Path.of("/sys/fs/cgroup")).resolve("opsledger-test-" + ProcessHandle.current().pid());
        try {
            Files.createDirectory(cgroup);
            Files.writeString(cgroup.resolve("pids.max"), "32");
        } catch (java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.abort("no pids cgroup to make here: " + e);
        }
        try {
            List<String> java = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                    "-cp", System.getProperty("java.class.path"), "org.opsledger.cli.OpsLedgerCommand", "vault", "backup", "--repo",
                    repo.toString(), "--password-file", pw.toString(), "--allow-same-device", "--threads", "64", data.toString());
            // the shell puts itself in the cgroup, then becomes the JVM
            List<String> command = new java.util.ArrayList<>(List.of("sh", "-c", "echo $$ > \"$0\"/cgroup.procs && exec \"$@\"",
                    cgroup.toString()));
            command.addAll(java);
            Process p = new ProcessBuilder(command).redirectError(tmp.resolve("err").toFile()).start();
            p.getInputStream().transferTo(OutputStream.nullOutputStream()); // the JVM's warnings: the launcher sends them to stderr
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String err = Files.readString(tmp.resolve("err"));

            assertThat(p.exitValue()).as(err).isEqualTo(1); // not 4: the launcher would run it again in a larger heap
            assertThat(err.lines().filter(l -> l.startsWith("opsledger:"))).as(err).singleElement().asString()
                    .contains("cannot start a thread", "TasksMax=", "ulimit -u", "pids.max", "--threads").doesNotContain("heap");
            assertThat(err).doesNotContain("\tat ");
            var entries = org.opsledger.vault.VaultJson.MAPPER.readTree(CliRun.of("vault", "journal", "--repo", repo.toString(),
                    "--password-file", pw.toString(), "--operation", "backup", "--json").out()).get("entries");
            assertThat(entries).singleElement().satisfies(e -> {
                assertThat(e.get("exitCode").asInt()).isEqualTo(1);
                assertThat(e.get("detail").asString()).startsWith("cannot start a thread").contains("TasksMax=");
            });
        } finally {
            Files.delete(cgroup);
        }
    }
}
