package org.opsledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup, copy or tier that ran out of heap (exit 4) runs again in twice the heap, up to three times: it added
 * to the index beyond what the launcher sized the heap for, and kept what it stored; so do a restore that wrote nothing
 * a check and a prune. The launcher runs here with a JDK whose {@code java} is a script: it writes down each command line and
 * ends out of memory below a heap it is given. Also what else the launcher gives the JVM: signals, a locale.
 */
class LauncherRetryTest {

    private static final Path LAUNCHER = Path.of("..", "opsledger").toAbsolutePath().normalize();
    private static final Pattern HEAP = Pattern.compile("-Xmx(\\d+)m");

    @TempDir
    Path tmp;

    record Run(int exit, List<Long> heaps, String err) {
    }

    @Test
    void aBackupThatRanOutOfHeapRunsAgainInTwiceTheHeap() throws Exception {
        Run once = run(Map.of("FAKE_EXIT", "0"), "vault", "backup", "--repo", "r", "/srv");
        assertThat(once.heaps()).hasSize(1);
        long base = once.heaps().getFirst();

        Run grown = run(Map.of("FAKE_PASS_AT", Long.toString(4 * base)), "vault", "backup", "--repo", "r", "/srv");
        assertThat(grown.exit()).isZero();
        assertThat(grown.heaps()).containsExactly(base, 2 * base, 4 * base);
        assertThat(grown.err()).contains("opsledger: running `vault backup` again in a heap of " + 2 * base + " MiB; what it stored is kept",
                "in a heap of " + 4 * base + " MiB");

        Run never = run(Map.of(), "vault", "copy", "latest", "--repo", "r", "--to", "t");
        assertThat(never.exit()).isEqualTo(4);
        assertThat(never.heaps()).containsExactly(base, 2 * base, 4 * base, 8 * base);
        assertThat(run(Map.of(), "vault", "tier", "--repo", "r", "--to", "t").heaps()).hasSize(4);
        Run check = run(Map.of(), "vault", "check", "--read-data", "--repo", "r");
        assertThat(check.heaps()).hasSize(4);
        assertThat(check.err()).contains("opsledger: running `vault check` again in a heap of ", "; it changes nothing");
        // a nightly `forget --prune` of a repository of 100,000 small files ran out of its base heap and was not run again
        Run prune = run(Map.of(), "vault", "prune", "--repo", "r");
        assertThat(prune.heaps()).hasSize(4);
        assertThat(prune.err()).contains("opsledger: running `vault prune` again in a heap of ", "; a prune stopped part-way is finished"
                + " by the next");
        Run forget = run(Map.of(), "vault", "forget", "--keep-last", "7", "--prune", "--repo", "r");
        assertThat(forget.heaps()).hasSize(4);
        assertThat(forget.err()).contains("opsledger: running `vault forget` again in a heap of ", " MiB; the snapshots it removed stay"
                + " removed, and a prune stopped part-way is finished by the next\n");
        // the prune's sentence was said of a dry run and of a forget without --prune (a helper's)
        assertThat(run(Map.of(), "vault", "forget", "--keep-last", "7", "--repo", "r").err())
                .contains(" MiB; the snapshots it removed stay removed\n").doesNotContain("prune");
        assertThat(run(Map.of(), "vault", "forget", "--dry-run", "--keep-last", "7", "--prune", "--repo", "r").err())
                .contains(" MiB; it changes nothing\n").doesNotContain("removed");
    }

    @Test
    void aStreamAHeapTheOperatorSetAndOtherFailuresAreNotRunAgain() throws Exception {
        assertThat(run(Map.of(), "vault", "backup", "--repo", "r", "--stdin", "--stdin-name", "db.sql").heaps()).hasSize(1);
        assertThat(run(Map.of(), "vault", "backup", "--repo", "r", "--stdin-from-command", "--", "pg_dump", "db").heaps()).hasSize(1);
        assertThat(run(Map.of("OPSLEDGER_JAVA_OPTS", "-Xmx1g"), "vault", "backup", "--repo", "r", "/srv").exit()).isEqualTo(4);
        assertThat(run(Map.of("OPSLEDGER_JAVA_OPTS", "-Xmx1g"), "vault", "backup", "--repo", "r", "/srv").heaps()).hasSize(1);
        // by its other name, and from the variables the JVM reads itself: it was "run again" three times in the same heap
        assertThat(run(Map.of("OPSLEDGER_JAVA_OPTS", "-XX:MaxHeapSize=16m"), "vault", "backup", "--repo", "r", "/srv").heaps()).hasSize(1);
        assertThat(run(Map.of("_JAVA_OPTIONS", "-Xmx16m"), "vault", "check", "--repo", "r").heaps()).hasSize(1);
        Run tool = run(Map.of("JAVA_TOOL_OPTIONS", "-XX:MaxHeapSize=16m"), "vault", "prune", "--repo", "r");
        assertThat(tool.heaps()).as("the launcher's -Xmx would win over JAVA_TOOL_OPTIONS").containsExactly(-1L);
        Run failed = run(Map.of("FAKE_EXIT", "1"), "vault", "backup", "--repo", "r", "/srv");
        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.heaps()).hasSize(1);
        // an initial heap, or a share of RAM, is the caller's too: under the launcher's -Xmx64m an -Xms256m stopped the JVM
        // before it started, every night (a tester's), and -XX:MaxRAMPercentage=75 was overridden
        for (Map<String, String> env : List.of(Map.of("OPSLEDGER_JAVA_OPTS", "-Xms256m"), Map.of("JAVA_TOOL_OPTIONS", "-Xms256m"),
                Map.of("JDK_JAVA_OPTIONS", "-Xms1g"), Map.of("OPSLEDGER_JAVA_OPTS", "-XX:MinHeapSize=100m"),
                Map.of("_JAVA_OPTIONS", "-XX:InitialHeapSize=100m"), Map.of("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75"))) {
            assertThat(run(env, "vault", "backup", "--repo", "r", "/srv").heaps()).as(env.toString()).containsExactly(-1L);
        }
    }

    /**
     * What is read once is not there for a second run: `--files-from /dev/stdin` ran again with stdin used up and saved a
     * snapshot without the 300,000 paths listed on it, exit 0 (a helper's). A command given a list, patterns or a password
     * from stdin, a descriptor or a FIFO ends out of heap as a stream's does: exit 4, the -Xmx remedy, not run again.
     */
    @Test
    void aCommandGivenWhatIsReadOnceIsNotRunAgain() throws Exception {
        Run stdin = run(Map.of(), "vault", "backup", "--repo", "r", "--files-from", "/dev/stdin", "/srv");
        assertThat(stdin.exit()).isEqualTo(4);
        assertThat(stdin.heaps()).hasSize(1);
        assertThat(stdin.err()).doesNotContain("again");
        assertThat(run(Map.of(), "vault", "backup", "--repo", "r", "--exclude-file=/dev/fd/3", "/srv").heaps()).hasSize(1);
        assertThat(run(Map.of(), "vault", "check", "--repo", "r", "--password-file", "/proc/self/fd/0").heaps()).hasSize(1);
        Path fifo = tmp.resolve("list");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        assertThat(run(Map.of(), "vault", "copy", "latest", "--repo", "r", "--to", "t", "--to-password-file=" + fifo).heaps()).hasSize(1);
        // picocli's @argfile too: one from a process substitution or a FIFO is read by the first run alone (a re-tester's)
        assertThat(run(Map.of(), "vault", "backup", "--repo", "r", "@/dev/fd/63", "/srv").heaps()).hasSize(1);
        assertThat(run(Map.of(), "vault", "backup", "--repo", "r", "@" + fifo, "/srv").heaps()).hasSize(1);
        // and so is --stdin in picocli's other form
        assertThat(run(Map.of(), "vault", "backup", "--repo", "r", "--stdin=true", "--stdin-name", "s").heaps()).hasSize(1);
        // a list in a file is read again as it was
        Path list = Files.writeString(tmp.resolve("list.txt"), "/etc\n");
        assertThat(run(Map.of(), "vault", "backup", "--repo", "r", "--files-from", list.toString(), "/srv").heaps()).hasSize(4);
    }

    /**
     * A backup given an @argfile is not run again, whatever the file holds: a --stdin there was run again on what was left
     * of the stream and saved a cut-off dump, exit 0, journalled ok (a tester's). What another command's argfile holds is
     * looked at as its own words: a password from stdin there is read once.
     */
    @Test
    void aBackupGivenAnArgumentFileIsNotRunAgain() throws Exception {
        Path stdin = Files.writeString(tmp.resolve("stdin.args"), "-r r\n--stdin --stdin-name db.sql\n");
        Run stream = run(Map.of(), "vault", "backup", "@" + stdin);
        assertThat(stream.exit()).isEqualTo(4);
        assertThat(stream.heaps()).hasSize(1);
        assertThat(stream.err()).doesNotContain("again");
        Path paths = Files.writeString(tmp.resolve("paths.args"), "# nightly\n-r r '/srv'\n");
        assertThat(run(Map.of(), "vault", "backup", "@" + paths).heaps()).hasSize(1);
        assertThat(run(Map.of(), "vault", "check", "@" + paths).heaps()).hasSize(4);
        Path password = Files.writeString(tmp.resolve("password.args"), "-r r --password-file /dev/stdin\n");
        assertThat(run(Map.of(), "vault", "check", "@" + password).heaps()).hasSize(1);
    }

    /**
     * Under an address-space limit (ulimit -v) the heap is at most a quarter of it, and the retries stop there saying so; the
     * threads' stacks take at most a sixteenth of it, and the C library two arenas: with -Xss8m and its default arenas every
     * backup failed under 2.5 GB, the JVM unable to start a thread (a tester's).
     */
    @Test
    void underAnAddressSpaceLimitTheHeapAndStacksStayWithinIt() throws Exception {
        Path env = tmp.resolve("env");
        long base = run(Map.of("FAKE_EXIT", "0"), "vault", "backup", "--repo", "r", "/srv").heaps().getFirst();
        Run limited = run(List.of("bash", "-c", "ulimit -v 1000000 && exec \"$@\"", "limited"), Map.of("FAKE_ENV", env.toString()),
                "vault", "backup", "--repo", "r", "/srv");
        long cap = (1000000L << 10 >> 20) / 4; // 244 MiB
        assertThat(limited.exit()).isEqualTo(4);
        assertThat(limited.heaps()).containsExactly(base, 2 * base, cap);
        assertThat(limited.err()).endsWith("opsledger: `vault backup` is not run again in a larger heap: its heap of " + cap + " MiB is a"
                + " quarter of the address space it may reserve, 976 MiB (ulimit -v); raise the limit\n");
        int cpus = Math.max(2, Runtime.getRuntime().availableProcessors());
        long stack = Math.clamp(976 / 16 / (cpus + 16), 1, 8);
        assertThat(Files.readString(tmp.resolve("java.log"))).contains(" -Xss" + stack + "m ").doesNotContain("-Xss8m")
                .contains(" -XX:CompressedClassSpaceSize=64m ", " -XX:ReservedCodeCacheSize=64m "); // the JVM's own reservations
        assertThat(Files.readString(env).trim()).isEqualTo("MALLOC_ARENA_MAX=2");
        run(Map.of("FAKE_EXIT", "0", "FAKE_ENV", env.toString()), "vault", "backup", "--repo", "r", "/srv");
        assertThat(Files.readString(tmp.resolve("java.log"))).contains(" -Xss8m ").doesNotContain("CompressedClassSpaceSize");
        assertThat(Files.readString(env).trim()).isEqualTo("MALLOC_ARENA_MAX=unset");
    }

    /**
     * Under a cgroup's memory limit (systemd's MemoryMax=, a container's) the heap is at most half of it, and the retries
     * stop there saying so: they doubled it past the limit, and the kernel killed the backup, exit 137, its lock left and
     * no journal entry (a tester's). A cgroup of the test's own, where this process may make one (root, v1 or v2).
     */
    @Test
    void underACgroupMemoryLimitTheRetriesStopAtHalfOfIt() throws Exception {
        Path cgroup = null;
        String file = null;
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            String[] f = line.split(":", 3);
            if (("," + f[1] + ",").contains(",memory,")) {
                cgroup = Path.of("/sys/fs/cgroup/memory" + f[2]);
                file = "memory.limit_in_bytes";
            } else if (f[1].isEmpty() && cgroup == null && Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"))) {
                cgroup = Path.of("/sys/fs/cgroup" + f[2]);
                file = "memory.max";
            }
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(cgroup != null && Files.isWritable(cgroup), "no cgroup this process may make");
        Path own = cgroup.resolve("opsledger-test-" + ProcessHandle.current().pid());
        try {
            Files.createDirectory(own);
            Files.writeString(own.resolve(file), Long.toString(200L << 20));
            Run limited = run(List.of("bash", "-c", "echo $$ > \"$0/cgroup.procs\" && exec \"$@\"", own.toString()), Map.of(),
                    "vault", "backup", "--repo", "r", "/srv");
            assertThat(limited.exit()).isEqualTo(4);
            assertThat(limited.heaps()).hasSize(2).endsWith(100L);
            assertThat(limited.err()).contains("again in a heap of 100 MiB").endsWith("opsledger: `vault backup` is not run again in a larger"
                    + " heap: its heap of 100 MiB is half the memory limit of its cgroup, 200 MiB (systemd's MemoryMax=, a container's);"
                    + " raise the limit\n");
        } finally {
            Files.deleteIfExists(own);
        }
    }

    /**
     * A restore plans every file before it writes one: one that ran out of heap while its target is still absent or
     * empty wrote nothing and runs again in twice the heap (a restore from S3, whose index the launcher cannot size,
     * had only its base heap). One that wrote, or whose target held files before, does not: restore never overwrites.
     */
    @Test
    void aRestoreThatRanOutOfHeapBeforeWritingAnythingRunsAgainInTwiceTheHeap() throws Exception {
        Path target = tmp.resolve("restored");
        long base = run(Map.of("FAKE_EXIT", "0"), "vault", "restore", "latest", "--repo", "r", "--target", target.toString())
                .heaps().getFirst();
        Run grown = run(Map.of("FAKE_PASS_AT", Long.toString(4 * base)), "vault", "restore", "latest", "--repo", "r",
                "--target", target.toString());
        assertThat(grown.exit()).isZero();
        assertThat(grown.heaps()).containsExactly(base, 2 * base, 4 * base);
        assertThat(grown.err()).contains("opsledger: running `vault restore` again in a heap of " + 2 * base + " MiB; it had written nothing");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThat(run(Map.of(), "vault", "restore", "latest", "--repo", "r", "--target=" + empty).heaps()).hasSize(4);

        Run wrote = run(Map.of("FAKE_WRITE", target.resolve("a").toString()), "vault", "restore", "latest", "--repo", "r",
                "--target", target.toString());
        assertThat(wrote.exit()).isEqualTo(4);
        assertThat(wrote.heaps()).hasSize(1);
        Path busy = Files.createDirectories(tmp.resolve("busy"));
        Files.writeString(busy.resolve("kept"), "x");
        assertThat(run(Map.of(), "vault", "restore", "latest", "--repo", "r", "--target", busy.toString()).heaps()).hasSize(1);
    }

    /**
     * Ctrl-C reaches every process of the terminal's foreground group: the JVM the launcher runs as a child (to run it
     * again in a larger heap) must not start with SIGINT ignored, as bash starts a background child of a script.
     */
    @Test
    void aCommandItMayRunAgainIsStoppedByCtrlC() throws Exception {
        Path signals = tmp.resolve("signals");
        // as from a terminal: the launcher itself starts with SIGINT at its default (perl is in every Debian)
        Run backup = run(List.of("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV"), Map.of("FAKE_EXIT", "0", "FAKE_SIGNALS",
                signals.toString()), "vault", "backup", "--repo", "r", "/srv");
        assertThat(backup.heaps()).as("run as a child").hasSize(1);
        String ignored = Files.readString(signals).trim(); // "SigIgn:\t0000000000000000"
        long mask = Long.parseLong(ignored.substring(ignored.indexOf(':') + 1).trim(), 16);
        assertThat(mask & (1L << (2 - 1))).as("SIGINT (2) is not ignored: " + ignored).isZero();
    }

    /**
     * The JDK reads file names in the locale's charset: under POSIX (cron, `env -i`) a restore of "café" failed, under
     * Latin-1 a backup recorded "cafÃ©", and so under a UTF-8 locale the host lacks (helpers'). The launcher runs the JVM
     * under C.UTF-8, and hands the caller's LC_ALL on for the program of `backup --stdin-from-command`.
     */
    @Test
    void theJvmRunsUnderCUtf8AndTheCallersLocaleIsHandedOn() throws Exception {
        Path seen = tmp.resolve("locale");
        Map<String, String> posix = new java.util.HashMap<>(Map.of("FAKE_EXIT", "0", "FAKE_LOCALE", seen.toString()));
        run(posix, "vault", "snapshots", "--repo", "r");
        assertThat(Files.readString(seen).trim()).isEqualTo("LC_ALL=C.UTF-8 was=");
        posix.put("LC_ALL", "C");
        run(posix, "vault", "restore", "latest", "--repo", "r", "--target", tmp.resolve("t").toString());
        assertThat(Files.readString(seen).trim()).isEqualTo("LC_ALL=C.UTF-8 was=set:C");
        posix.remove("LC_ALL");
        posix.put("LANG", "de_DE.ISO-8859-1");
        run(posix, "vault", "backup", "--repo", "r", "/srv");
        assertThat(Files.readString(seen).trim()).isEqualTo("LC_ALL=C.UTF-8 was=");
        posix.put("LANG", "en_GB.UTF-8"); // also one the host may lack, as one ssh forwards: the JVM would fall back to POSIX
        run(posix, "vault", "backup", "--repo", "r", "/srv");
        assertThat(Files.readString(seen).trim()).isEqualTo("LC_ALL=C.UTF-8 was=");
        run(posix, "server");
        assertThat(Files.readString(seen).trim()).as("the server's embedded PostgreSQL takes its locale from the caller's")
                .isEqualTo("LC_ALL=unset was=unset");
    }

    private Run run(Map<String, String> env, String... args) throws Exception {
        return run(List.of(), env, args);
    }

    /**
     * The launcher with a fake JDK, under {@code prefix}: exit 4 unless the heap is FAKE_PASS_AT MiB, or FAKE_EXIT when
     * set; FAKE_WRITE: a file it writes first; FAKE_SIGNALS: a file it writes the signals it ignores to.
     */
    private Run run(List<String> prefix, Map<String, String> env, String... args) throws Exception {
        Path jdk = fakeJdk();
        Path log = tmp.resolve("java.log");
        Files.deleteIfExists(log);
        List<String> command = new java.util.ArrayList<>(prefix);
        command.add("bash");
        command.add(LAUNCHER.toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().remove("OPSLEDGER_VAULT_REPOSITORY");
        pb.environment().keySet().removeAll(List.of("OPSLEDGER_JAVA_OPTS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS"));
        pb.environment().keySet().removeIf(k -> k.equals("LANG") || k.startsWith("LC_"));
        pb.environment().putAll(env);
        pb.environment().put("JAVA_HOME", jdk.toString());
        pb.environment().put("FAKE_LOG", log.toString());
        pb.environment().put("OPSLEDGER_JAR", tmp.resolve("absent.jar").toString());
        pb.environment().put("OPSLEDGER_NO_CDS", "1");
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        List<Long> heaps = Files.readAllLines(log).stream().map(line -> {
            Matcher m = HEAP.matcher(line.substring(0, Math.max(0, line.indexOf(" -jar ")))); // the server's has no option before it
            long last = -1;
            while (m.find()) {
                last = Long.parseLong(m.group(1)); // the JVM takes the last -Xmx
            }
            return last;
        }).toList();
        return new Run(exit, heaps, err);
    }

    private Path fakeJdk() throws IOException {
        String java = """
                #!/bin/sh
                echo "$*" >> "$FAKE_LOG"
                [ -z "$FAKE_SIGNALS" ] || grep SigIgn /proc/$$/status > "$FAKE_SIGNALS"
                [ -z "$FAKE_ENV" ] || echo "MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX-unset}" > "$FAKE_ENV"
                [ -z "$FAKE_LOCALE" ] || echo "LC_ALL=${LC_ALL-unset} was=${OPSLEDGER_LC_ALL_WAS-unset}" > "$FAKE_LOCALE"
                [ -z "$FAKE_EXIT" ] || exit "$FAKE_EXIT"
                [ -z "$FAKE_WRITE" ] || { mkdir -p "${FAKE_WRITE%/*}" && echo x > "$FAKE_WRITE"; }
                for a; do case $a in -Xmx*) heap=${a#-Xmx}; heap=${heap%m} ;; -jar) break ;; esac; done
                [ "$heap" = "$FAKE_PASS_AT" ] && exit 0
                exit 4
                """;
        return FakeJdk.at(tmp.resolve("jdk"), "25.0.3", java, "java", "javac");
    }
}
