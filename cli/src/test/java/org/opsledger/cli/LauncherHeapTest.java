package org.opsledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./opsledger} launcher gives vault commands a heap that grows with a local repository's
 * index beyond what the default leaves for it (docs/operations.md, "Backups with opsledger vault").
 * The launcher runs with {@code -XX:+PrintFlagsFinal -version}: the JVM prints its flags and stops
 * before it would look for the jar, so no build is needed.
 */
class LauncherHeapTest {

    private static final Path LAUNCHER = Path.of("..", "opsledger").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @Test
    void theHeapGrowsByTwiceALargeIndexBeyondTheRoomTheDefaultLeaves() throws Exception {
        Path small = repoWithIndex("small", 1);    // 1 MiB of index files: within the default's room
        Path large = repoWithIndex("large", 40);   // 40 MiB: 2 × 40 − 12 = 68 MiB more
        long base = maxHeapMiB(Map.of(), "vault", "snapshots", "--repo", small.toString());
        assertThat(maxHeapMiB(Map.of(), "vault", "snapshots", "--repo", large.toString())).isEqualTo(base + 68);
        assertThat(maxHeapMiB(Map.of(), "vault", "snapshots", "--repo=" + large)).isEqualTo(base + 68);
        // picocli takes -r=PATH (the form its usage line shows) and -rPATH as well: those had the default heap
        assertThat(maxHeapMiB(Map.of(), "vault", "snapshots", "-r=" + large)).isEqualTo(base + 68);
        assertThat(maxHeapMiB(Map.of(), "vault", "snapshots", "-r" + large)).isEqualTo(base + 68);
        assertThat(maxHeapMiB(Map.of("OPSLEDGER_VAULT_REPOSITORY", large.toString()), "vault", "snapshots", "-r=" + small)).isEqualTo(base);
        assertThat(maxHeapMiB(Map.of("OPSLEDGER_VAULT_REPOSITORY", large.toString()), "vault", "snapshots")).isEqualTo(base + 68);
        // a heap is the caller's only when an option sets it, not when a word holds -Xmx (a helper's)
        assertThat(maxHeapMiB(Map.of("JAVA_TOOL_OPTIONS", "-Dnote=-Xmx1g"), "vault", "snapshots", "--repo", large.toString())).isEqualTo(base + 68);
        // an explicit --repo wins over the environment, as it does in the command
        assertThat(maxHeapMiB(Map.of("OPSLEDGER_VAULT_REPOSITORY", large.toString()), "vault", "snapshots", "-r", small.toString()))
                .isEqualTo(base);
        // copy holds both indexes; what follows -- belongs to the dumped command
        assertThat(maxHeapMiB(Map.of(), "vault", "copy", "latest", "--repo", large.toString(), "--to", large.toString()))
                .isEqualTo(base + 2 * 80 - 12);
        assertThat(maxHeapMiB(Map.of(), "vault", "backup", "--repo", small.toString(), "--stdin-from-command", "--", "x",
                "--repo", large.toString())).isEqualTo(base);
        assertThat(maxHeapMiB(Map.of(), "vault", "snapshots", "--repo", "s3://bucket/prefix")).isEqualTo(base);
        // a -r in an @argfile (picocli's) is the command's too: it had the default heap (a tester's)
        Path args = Files.writeString(tmp.resolve("args"), "# the nightly's\n-r \"" + large + "\" --password-file pw\n");
        assertThat(maxHeapMiB(Map.of(), "vault", "snapshots", "@" + args)).isEqualTo(base + 68);
        // format 3 compresses its index files to ≈a third: 40 MiB of them hold what 120 MiB of JSON hold
        Files.writeString(large.resolve("config"), "{\"version\":3,\"id\":\"x\"}");
        assertThat(maxHeapMiB(Map.of(), "vault", "snapshots", "--repo", large.toString())).isEqualTo(base + 2 * 120 - 12);
        Files.writeString(large.resolve("config"), "{\"version\":2,\"id\":\"x\"}");
        assertThat(maxHeapMiB(Map.of(), "vault", "snapshots", "--repo", large.toString())).isEqualTo(base + 68);
    }

    /**
     * A command that lists the snapshots holds each record it read, ≈1.7 KB: 30,000 snapshots beside an index of 12 KiB ran
     * out of the default heap (a tester's). The heap grows by 2 KiB per file in snapshots/.
     */
    @Test
    void theHeapGrowsByTwoKibPerSnapshot() throws Exception {
        Path small = repoWithIndex("small", 1);
        long base = maxHeapMiB(Map.of(), "vault", "snapshots", "--repo", small.toString());
        Path snapshots = Files.createDirectories(small.resolve("snapshots"));
        for (int i = 0; i < 6 * 512; i++) { // 6 MiB: the JVM rounds a heap to 2 MiB
            Files.createFile(snapshots.resolve(String.format("%064x", i)));
        }
        assertThat(maxHeapMiB(Map.of(), "vault", "snapshots", "--repo", small.toString())).isEqualTo(base + 6);
        assertThat(maxHeapMiB(Map.of(), "vault", "find", "x", "--repo", small.toString())).isEqualTo(base + 6);
    }

    /**
     * An initial heap of the caller's is the caller's choice: under the launcher's -Xmx64m the JVM refused an -Xms256m or a
     * -XX:MinHeapSize=100m and every vault command failed before it started (a tester's); -XX:MaxRAMPercentage=75 (a
     * container's setting) was overridden.
     */
    @Test
    void anInitialHeapOrAShareOfRamOfTheCallersIsTaken() throws Exception {
        long base = maxHeapMiB(Map.of(), "vault", "backup", "/srv");
        assertThat(maxHeapMiB(Map.of("JAVA_TOOL_OPTIONS", "-Xms256m"), "vault", "backup", "/srv")).isGreaterThanOrEqualTo(256);
        assertThat(maxHeapMiB(Map.of("JDK_JAVA_OPTIONS", "-XX:MinHeapSize=100m"), "vault", "backup", "/srv")).isGreaterThanOrEqualTo(100);
        assertThat(maxHeapMiB(Map.of("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75"), "vault", "backup", "/srv")).isNotEqualTo(base);
    }

    /**
     * A FIFO planted as a repository's config: the launcher read it for the format's version, and its redirection waited
     * for ever for a writer, before any JVM started (the command names it: VaultCommandTest). It is read when a regular file.
     */
    @Test
    void aFifoAsTheConfigIsNotWaitedOn() throws Exception {
        Path large = repoWithIndex("large", 40);
        assertThat(new ProcessBuilder("mkfifo", large.resolve("config").toString()).inheritIO().start().waitFor()).isZero();
        try {
            long heap = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofMinutes(1), // a hang guard
                    () -> maxHeapMiB(Map.of(), "vault", "snapshots", "--repo", large.toString()));
            assertThat(heap).isEqualTo(maxHeapMiB(Map.of(), "vault", "snapshots") + 68);
        } finally { // a writer of its own, which lets a read that waits (the launcher before) go on and end
            try (var writer = java.nio.channels.FileChannel.open(large.resolve("config"), java.nio.file.StandardOpenOption.READ,
                    java.nio.file.StandardOpenOption.WRITE)) {
                assertThat(writer.isOpen()).isTrue();
            }
        }
    }

    /** The index is sized by du alone: its output was cut by one more process, on every vault command (a helper's). */
    @Test
    void theIndexIsSizedWithoutCut() throws Exception {
        Path large = repoWithIndex("large", 40);
        long base = maxHeapMiB(Map.of(), "vault", "snapshots");
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path cut = Files.writeString(bin.resolve("cut"), "#!/bin/sh\ntouch \"$0.ran\"\nexec /usr/bin/cut \"$@\"\n");
        cut.toFile().setExecutable(true);
        assertThat(maxHeapMiB(Map.of("PATH", bin + ":" + System.getenv("PATH")), "vault", "snapshots", "--repo", large.toString()))
                .isEqualTo(base + 68);
        assertThat(bin.resolve("cut.ran")).doesNotExist();
    }

    @Test
    void checkGetsTheHeapItsReadingBuffersNeedForItsThreads() throws Exception {
        Path small = repoWithIndex("small", 1);
        Path large = repoWithIndex("large", 40);
        // blobs in flight and as many spares, each max(8, 4 × threads) MiB, beside 24 MiB for the index and the JVM
        assertThat(maxHeapMiB(Map.of(), "vault", "check", "--read-data", "--repo", small.toString())).isEqualTo(24 + 2 * 8);
        assertThat(maxHeapMiB(Map.of(), "vault", "check", "--read-data", "--threads", "8", "--repo", small.toString()))
                .isEqualTo(24 + 2 * 32);
        assertThat(maxHeapMiB(Map.of(), "vault", "check", "--threads=4", "--repo", large.toString())).isEqualTo(24 + 2 * 16 + 68);
        assertThat(maxHeapMiB(Map.of(), "vault", "check", "--threads", "lots", "--repo", small.toString())).isEqualTo(24 + 2 * 8);
        // more than the CLI takes (64) is its to refuse: a heap for 300 threads was more than the JVM could reserve
        assertThat(maxHeapMiB(Map.of(), "vault", "check", "--threads", "300", "--repo", small.toString())).isEqualTo(24 + 2 * 8);
        assertThat(maxHeapMiB(Map.of(), "vault", "check", "--threads", "64", "--repo", small.toString())).isEqualTo(24 + 2 * 256);
    }

    @Test
    void restoreGetsTheHeapItsWorkersNeedAndRoomForItsPlan() throws Exception {
        Path small = repoWithIndex("small", 1);
        Path large = repoWithIndex("large", 40);
        int cpus = Math.max(2, Runtime.getRuntime().availableProcessors());
        // per worker one maximal blob as read and one decompressed (16 MiB) beside 16 MiB for the index and the JVM
        assertThat(maxHeapMiB(Map.of(), "vault", "restore", "latest", "--target", "t", "--repo", small.toString()))
                .isEqualTo(16 + 16L * cpus);
        assertThat(maxHeapMiB(Map.of(), "vault", "restore", "latest", "--threads", "4", "--target", "t", "--repo", small.toString()))
                .isEqualTo(16 + 16 * 4);
        // the index and a plan of every file it names: 5 × 40 − 12 MiB more
        assertThat(maxHeapMiB(Map.of(), "vault", "restore", "latest", "--threads=2", "--target", "t", "--repo", large.toString()))
                .isEqualTo(16 + 16 * 2 + 188);
    }

    /**
     * The JVM holds each library of the extracted jar open before a command opens a file: under a low `ulimit -n` every
     * vault command failed, some with a stack trace (a helper's). A soft limit below 1024 is raised where the hard one
     * allows; a hard limit below 256 is refused in one line before any JVM starts.
     */
    @Test
    void aLowOpenFilesLimitIsRaisedOrRefusedInOneLine() throws Exception {
        Path small = repoWithIndex("small", 1);
        Ran low = underLimit("ulimit -n 100", small, false);
        assertThat(low.exit()).as(low.out()).isEqualTo(1);
        assertThat(low.out()).isEqualTo("opsledger: this process may open 100 files (ulimit -n), and a vault command needs 256 or more (the JVM"
                + " holds its libraries open): raise the limit\n");

        Ran soft = underLimit("ulimit -S -n 200", small, true);
        assertThat(soft.out()).as("the JVM started: the soft limit was raised (200 would be refused)").contains("MaxHeapSize")
                .doesNotContain("may open");
    }

    record Ran(int exit, String out) {
    }

    /**
     * `vault snapshots --repo REPO` through the launcher after the shell's {@code limit} ("ulimit -n 100"), its stdout and
     * stderr together; {@code flags}: run the JVM so that it prints its flags, and stops.
     */
    private Ran underLimit(String limit, Path repo, boolean flags) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", limit + "; exec bash \"$0\" vault snapshots --repo \"$1\"",
                LAUNCHER.toString(), repo.toString()).redirectErrorStream(true);
        pb.environment().put("OPSLEDGER_JAR", tmp.resolve("absent.jar").toString());
        if (flags) {
            pb.environment().put("OPSLEDGER_NO_CDS", "1");
            pb.environment().put("OPSLEDGER_JAVA_OPTS", "-XX:+PrintFlagsFinal -version");
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Ran(p.waitFor(), out);
    }

    /**
     * Under an address-space limit (ulimit -v) below ≈1.7 GB no vault command started: the JVM reserves 1 GiB of compressed
     * class space and 240 MiB of code cache, and said so in its own lines ("Could not allocate compressed class space"). The
     * launcher reserves 64 MiB of each there: the JVM starts under 600 MiB; below that the command is refused in one line.
     */
    @Test
    void underALowAddressSpaceLimitTheJvmStartsOrTheCommandIsRefusedInOneLine() throws Exception {
        Path small = repoWithIndex("small", 1);
        Ran low = underLimit("ulimit -v 614400", small, true);
        assertThat(low.exit()).as(low.out()).isZero();
        assertThat(low.out()).containsPattern("CompressedClassSpaceSize\\s*=\\s*67108864\\b")
                .containsPattern("ReservedCodeCacheSize\\s*=\\s*67108864\\b");

        Ran lower = underLimit("ulimit -v 500000", small, false);
        assertThat(lower.exit()).as(lower.out()).isEqualTo(1);
        assertThat(lower.out()).isEqualTo("opsledger: the address-space limit (ulimit -v 500000 KiB) is below what the JVM needs (≈600 MiB):"
                + " raise it\n");
    }

    /** A vault command's memory holds its keys and its password: it never leaves a core dump (a helper's found them in one). */
    @Test
    void aVaultCommandWritesNoCoreDump() throws Exception {
        Path jdk = Files.createDirectories(tmp.resolve("jdk/bin")).getParent(); // a JDK whose java says what limit it runs under
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"25\"\n");
        Files.writeString(jdk.resolve("bin/java"), "#!/bin/sh\necho \"core limit $(ulimit -c) $(ulimit -H -c)\"\n");
        Files.writeString(jdk.resolve("bin/javac"), "#!/bin/sh\n");
        for (String tool : new String[] {"java", "javac"}) {
            jdk.resolve("bin/" + tool).toFile().setExecutable(true);
        }
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "ulimit -c unlimited; exec bash \"$0\" vault snapshots --repo \"$1\"",
                LAUNCHER.toString(), tmp.resolve("repo").toString()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", jdk.toString());
        pb.environment().put("OPSLEDGER_JAR", tmp.resolve("absent.jar").toString());
        pb.environment().put("OPSLEDGER_NO_CDS", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).isEqualTo("core limit 0 0\n");
    }

    /**
     * The JVM's log goes to stderr with vault commands, as its other output does: its warnings were on stdout, where --json
     * and dump's data go (under a task limit 2,000 lines of "pthread_create failed (EAGAIN)": a tester's). A warning of the
     * JVM's own start stands for them here: large pages asked on a host without.
     */
    @Test
    void theJvmsWarningsGoToStderr() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", LAUNCHER.toString(), "vault", "snapshots", "--json")
                .redirectError(tmp.resolve("err").toFile());
        pb.environment().put("OPSLEDGER_JAR", tmp.resolve("absent.jar").toString());
        pb.environment().put("OPSLEDGER_NO_CDS", "1");
        pb.environment().put("OPSLEDGER_JAVA_OPTS", "-XX:+UseLargePages -XX:LargePageSizeInBytes=1g -version");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        assertThat(out).isEmpty();
        assertThat(Files.readString(tmp.resolve("err"))).contains("[warning]", "version");
    }

    /**
     * The C library keeps what the JVM's threads free in its malloc arenas: one compilation of the JIT's second tier takes
     * ≈12 MB in a backup or restore and frees it, and the process held it to its end. A vault command's JVM gives
     * the freed pages back every second (JDK 22 and later); the caller's setting wins (docs/performance.md,
     * "Thirty-eighth session").
     */
    @Test
    void vaultCommandsGiveTheFreedNativeMemoryBack() throws Exception {
        assertThat(flag("TrimNativeHeapInterval", "", "vault", "backup")).isEqualTo(1000);
        assertThat(flag("TrimNativeHeapInterval", "", "vault", "check", "--read-data")).isEqualTo(1000);
        assertThat(flag("TrimNativeHeapInterval", "-XX:TrimNativeHeapInterval=0", "vault", "restore", "latest")).isZero();
        assertThat(flag("TrimNativeHeapInterval", "", "server")).as("vault commands only").isZero();
    }

    private Path repoWithIndex(String name, int mib) throws IOException {
        Path index = Files.createDirectories(tmp.resolve(name).resolve("index"));
        byte[] block = new byte[1 << 20];
        java.util.Arrays.fill(block, (byte) 1); // written, not sparse: du counts the blocks
        try (OutputStream out = Files.newOutputStream(index.resolve("file"))) {
            for (int i = 0; i < mib; i++) {
                out.write(block);
            }
        }
        return tmp.resolve(name);
    }

    private long maxHeapMiB(Map<String, String> env, String... args) throws Exception {
        return flag(env, "MaxHeapSize", "", args) >> 20;
    }

    private long flag(String name, String callerOptions, String... args) throws Exception {
        return flag(Map.of(), name, callerOptions, args);
    }

    /** The value of the JVM's flag {@code name} in the JVM the launcher starts, {@code callerOptions} in OPSLEDGER_JAVA_OPTS. */
    private long flag(Map<String, String> env, String name, String callerOptions, String... args) throws Exception {
        String[] command = new String[args.length + 2];
        command[0] = "bash";
        command[1] = LAUNCHER.toString();
        System.arraycopy(args, 0, command, 2, args.length);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("OPSLEDGER_VAULT_REPOSITORY");
        pb.environment().putAll(env);
        pb.environment().put("OPSLEDGER_JAR", tmp.resolve("absent.jar").toString());
        pb.environment().put("OPSLEDGER_NO_CDS", "1");
        // the JVM prints its flags and version, and stops
        pb.environment().put("OPSLEDGER_JAVA_OPTS", (callerOptions + " -XX:+PrintFlagsFinal -version").strip());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Matcher m = Pattern.compile("\\b" + name + "\\s*=\\s*(\\d+)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return Long.parseLong(m.group(1));
    }
}
