package org.opsledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.VaultJson;
import tools.jackson.databind.JsonNode;

/**
 * What the {@code ./opsledger} launcher hands the JVM besides its options: the descriptors it starts with, and the
 * signals that stop a command it runs as a child. The launcher runs here with the vault's real code: its JDK's
 * {@code java} runs this JDK's on the test's classes, with the launcher's options.
 */
class LauncherSignalTest {

    private static final Path LAUNCHER = Path.of("..", "opsledger").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    /**
     * A closed stdin (`<&-`, a cron wrapper's) was the descriptor the JVM opened its lib/modules on before main:
     * `backup --stdin` saved the JDK's lib/modules, "saved", exit 0, and a --stdin-from-command program read it (a helper's).
     */
    @Test
    void aClosedStdinIsRefusedToBackupStdinAndIsDevNullElsewhere() throws Exception {
        assertThat(vault("init").waitFor()).isZero();
        Process stdin = launcher("<&-", "backup", "--stdin", "--stdin-name", "app.sql");
        assertThat(stdin.waitFor()).isEqualTo(1);
        assertThat(err()).isEqualTo("opsledger: standard input is closed (descriptor 0), and `vault backup` reads it (--stdin): give it"
                + " the data on stdin (< FILE, a pipe)\n");
        assertThat(launcher("<&-", "backup", "--files-from=/dev/stdin", tmp.toString()).waitFor()).isEqualTo(1);
        assertThat(isEmpty(tmp.resolve("repo/snapshots"))).isTrue();

        // the program's stdin is /dev/null, which it names as its stream
        assertThat(launcher("<&-", "backup", "--stdin-name", "seen", "--stdin-from-command", "--", "readlink", "/proc/self/fd/0")
                .waitFor()).as(err()).isZero();
        Process dump = vault("dump", "latest", "seen");
        dump.waitFor();
        assertThat(Files.readString(tmp.resolve("stdout"))).isEqualTo("/dev/null\n");
        // and a closed stdout does not take the JVM's first file: a write to it fails, as on the closed descriptor
        assertThat(launcher(">&-", "snapshots").waitFor()).isEqualTo(1);
        assertThat(err()).isEqualTo("opsledger: cannot write the output to stdout: Bad file descriptor\n");
    }

    /**
     * A closed stdout was reopened writable on /dev/null, and `dump … >&-` wrote the data nowhere, exit 0 (a re-tester's):
     * it is read-only, a write fails as on the closed descriptor. `--stdin=true` and an @argfile (which may hold --stdin)
     * with stdin closed are refused as `--stdin` is.
     */
    @Test
    void aClosedStdoutFailsAWriteAndEveryFormOfStdinIsRefused() throws Exception {
        assertThat(vault("init").waitFor()).isZero();
        Path data = Files.writeString(tmp.resolve("app.sql"), "select 1;\n");
        assertThat(launcher("< " + data, "backup", "--stdin", "--stdin-name", "app.sql").waitFor()).as(err()).isZero();
        assertThat(launcher(">&-", "dump", "latest", "app.sql").waitFor()).isEqualTo(1);
        assertThat(err()).startsWith("latest is snapshot ").contains("\nopsledger: cannot write the dump to stdout: ");

        assertThat(launcher("<&-", "backup", "--stdin=true", "--stdin-name", "b.sql").waitFor()).isEqualTo(1);
        assertThat(err()).startsWith("opsledger: standard input is closed (descriptor 0), and `vault backup` reads it (--stdin=true)");
        Path args = Files.writeString(tmp.resolve("args"), "--stdin\n--stdin-name\nc.sql\n");
        assertThat(launcher("<&-", "backup", "@" + args).waitFor()).isEqualTo(1);
        assertThat(err()).startsWith("opsledger: standard input is closed (descriptor 0), and `vault backup` reads it (@" + args
                + ", an @argfile, which may hold --stdin)");
        assertThat(vault("snapshots", "--json").waitFor()).isZero();
        assertThat(VaultJson.MAPPER.readTree(Files.readString(tmp.resolve("stdout"))).size()).isEqualTo(1);
    }

    /**
     * The refusal of a closed stdin echoed the words it names as given: an ESC, a BEL or a newline in them reached the
     * terminal (a title set, the screen cleared, a line forged: a helper's). Such a word is shown shell-quoted.
     */
    @Test
    void aClosedStdinsRefusalShowsTheControlsOfTheWordsItNamesQuoted() throws Exception {
        assertThat(launcher("<&-", "backup", "@/srv/args\u001b]0;PWNED\u0007\nopsledger: forged").waitFor()).isEqualTo(1);
        assertThat(err()).isEqualTo("opsledger: standard input is closed (descriptor 0), and `vault backup` reads it"
                + " ($'@/srv/args\\E]0;PWNED\\a\\nopsledger: forged', an @argfile, which may hold --stdin): give it the data on"
                + " stdin (< FILE, a pipe)\n");
        assertThat(launcher("<&-", "re\u001b[2Jstore", "--stdin").waitFor()).isEqualTo(1);
        assertThat(err()).startsWith("opsledger: standard input is closed (descriptor 0), and `vault $'re\\E[2Jstore'` reads it (--stdin)");
    }

    /** A hangup then a TERM (a terminal's, then a supervisor's): the exit status and the journal name the same signal, the first. */
    @Test
    void twoStopSignalsInARowAreOneStop() throws Exception {
        assertThat(vault("init").waitFor()).isZero();
        for (int i = 0; i < 3; i++) {
            Process backup = underway();
            assertThat(new ProcessBuilder("bash", "-c", "kill -HUP $0; kill -TERM $0", Long.toString(backup.pid())).start().waitFor())
                    .isZero();
            int status = ended(backup);
            assertThat(status).isIn(129, 143);
            JsonNode stopped = lastEntry();
            assertThat(stopped.get("exitCode").asInt()).isEqualTo(status);
            assertThat(stopped.get("detail").asString()).startsWith(status == 129 ? "stopped by SIGHUP" : "stopped by SIGTERM");
        }
    }

    /**
     * `kill -INT` of the launcher was ignored by the commands it runs the JVM as a child of (a backup of paths, check,
     * restore…) while it stopped an exec'd one; a hangup was passed on as SIGTERM and journalled so (IS.012 6.6.5).
     */
    @Test
    void eachSignalReachesTheChildAsItself() throws Exception {
        assertThat(vault("init").waitFor()).isZero();
        for (String signal : List.of("INT", "HUP", "TERM")) {
            Process backup = underway();
            assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(backup.pid())).start().waitFor()).isZero();
            int status = ended(backup);
            assertThat(status).isEqualTo(switch (signal) {
                case "INT" -> 130;
                case "HUP" -> 129;
                default -> 143;
            });
            String said = err();
            JsonNode stopped = lastEntry();
            assertThat(stopped.get("operation").asString()).isEqualTo("backup");
            assertThat(stopped.get("exitCode").asInt()).isEqualTo(status);
            assertThat(stopped.get("detail").asString()).startsWith("stopped by SIG" + signal);
            assertThat(said).isEqualTo("opsledger: backup " + stopped.get("detail").asString() + ": no snapshot was written\n");
        }
    }

    /**
     * A SIGTERM as the repository opened (its password read, its key derived), before the command's journal took the stop
     * signals, was the JVM's: exit 143 and not a line, 6 times in 6 early in a forget (a tester's soak). The command waits
     * here on its password, a FIFO the test opens (so the JVM is in main) and never writes.
     */
    @Test
    void aStopSignalAsTheRepositoryOpensSaysWhatItStopped() throws Exception {
        assertThat(vault("init").waitFor()).isZero();
        Path fifo = tmp.resolve("password");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        Process forget = vault("forget", "--keep-last", "1", "--password-file", fifo.toString());
        var opened = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return java.nio.channels.FileChannel.open(fifo, java.nio.file.StandardOpenOption.WRITE); // once the command reads it
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try (var writer = opened.get(60, TimeUnit.SECONDS)) {
            assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(forget.pid())).start().waitFor()).isZero();
            assertThat(ended(forget)).isEqualTo(143);
        } finally {
            if (!opened.isDone()) { // the command never read it: let the open end
                Files.newInputStream(fifo).close();
            }
        }
        assertThat(err()).isEqualTo("opsledger: forget stopped by SIGTERM before it ended\n");
    }

    /**
     * A FIFO named to --password-file, --files-from, --exclude-file or as an @argfile is read once a program writes to it
     * (`<(pass show vault)`); with no writer its open waited for ever, in silence (an engineer's note), and session 35
     * refused an @argfile FIFO even with its writer. After ≈2 s one line says what the command waits for, and it goes on
     * waiting: a writer then lets it run, SIGTERM ends it with its usual line.
     */
    @Test
    void aFifoWithoutAWriterIsSaidAndWaitedOn() throws Exception {
        assertThat(vault("init").waitFor()).isZero();
        Path fifo = tmp.resolve("fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        String[][] given = {{"snapshots", "--password-file", fifo.toString()}, {"snapshots", "@" + fifo}, {"backup", "--allow-same-device",
                "--files-from", fifo.toString()}};
        String[] said = {"--password-file", "the argument file @" + fifo, "--files-from"};
        String[] written = {"signals\n", "--json\n", jdk() + "\n"};
        for (int i = 0; i < given.length; i++) {
            Process p = vault(given[i]);
            String notice = "opsledger: waiting for a writer on FIFO " + fifo + " (" + said[i] + ")\n";
            awaitErr(p, notice);
            Files.writeString(fifo, written[i]); // the writer: the open returns, the command reads what it wrote
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(err()).isZero();
            assertThat(err()).startsWith(notice);
        }
        assertThat(Files.readString(tmp.resolve("stdout"))).contains("saved"); // the backup of the paths listed

        Process backup = vault("backup", "--allow-same-device", "--exclude-file", fifo.toString(), tmp.resolve("jdk").toString());
        awaitErr(backup, "opsledger: waiting for a writer on FIFO " + fifo + " (--exclude-file)\n");
        assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(backup.pid())).start().waitFor()).isZero();
        assertThat(ended(backup)).isEqualTo(143);
        assertThat(err()).isEqualTo("opsledger: waiting for a writer on FIFO " + fifo + " (--exclude-file)\n"
                + "opsledger: backup stopped by SIGTERM before it ended\n");
    }

    /** Waits (a minute at most) until {@code p}'s stderr is {@code said}. */
    private void awaitErr(Process p, String said) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!err().equals(said) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(err()).isEqualTo(said);
    }

    /** Ctrl-C on a terminal reaches the launcher's whole group: the JVM gets INT twice (the launcher passes it on) and stops once. */
    @Test
    void ctrlCOfTheWholeGroupStopsTheCommandOnce() throws Exception {
        assertThat(vault("init").waitFor()).isZero();
        Process backup = underway();
        assertThat(new ProcessBuilder("kill", "-INT", "--", "-" + backup.pid()).start().waitFor()).isZero();
        assertThat(ended(backup)).isEqualTo(130);
        assertThat(err()).isEqualTo("opsledger: backup stopped by SIGINT (Ctrl-C) before it ended: no snapshot was written\n");
        assertThat(lastEntry().get("detail").asString()).isEqualTo("stopped by SIGINT (Ctrl-C) before it ended");
    }

    /**
     * Ctrl-C as a backup wrote its snapshot's record was held in silence until the record's one write had had its time at
     * --limit-upload: 55 s for 2,000 paths, nothing on stderr (a re-tester's). The first INT of the group's two says at once
     * that the snapshot is being saved and how the backup ends, and lifts the limit: the record here, a megabyte of paths
     * (300 of 3,500 bytes; the trees hold each name once, compressed), would take over four minutes at 4 KiB/s. The backup
     * ends as saved, as before: exit 0, its own entry in the journal.
     */
    @Test
    void ctrlCAsTheSnapshotIsBeingSavedIsSaidAtOnceAndTheRecordIsWrittenAtFullSpeed() throws Exception {
        assertThat(vault("init").waitFor()).isZero();
        Path deep = tmp.resolve("deep");
        for (int i = 0; i < 14; i++) {
            deep = deep.resolve(Character.toString('a' + i).repeat(250));
        }
        Files.createDirectories(deep);
        StringBuilder paths = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            paths.append(Files.createFile(deep.resolve("f" + i))).append('\n');
        }
        Path list = Files.writeString(tmp.resolve("paths"), paths);
        Process backup = vault("backup", "--allow-same-device", "--limit-upload=4", "--files-from", list.toString());
        ProcessHandle jvm = awaitJvm(backup);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!threads(jvm).contains("Repository.saveSnapshot") && backup.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(backup.isAlive()).as("writing the snapshot's record: " + err()).isTrue();
        assertThat(new ProcessBuilder("kill", "-INT", "--", "-" + backup.pid()).start().waitFor()).isZero();

        assertThat(ended(backup)).as(err()).isZero();
        String saved;
        try (Stream<Path> files = Files.list(tmp.resolve("repo/snapshots"))) {
            saved = files.findFirst().orElseThrow().getFileName().toString();
        }
        assertThat(err()).startsWith("opsledger: SIGINT (Ctrl-C) came as the snapshot is being saved: the backup ends as saved once its"
                        + " record is written (the upload limit lifted for it), recorded in the journal\n")
                .endsWith("opsledger: SIGINT (Ctrl-C) came after snapshot " + saved.substring(0, 8) + " was saved: the backup ended as"
                        + " saved, recorded in the journal\n")
                .containsOnlyOnce("is being saved");
        JsonNode entry = lastEntry();
        assertThat(entry.get("outcome").asString()).isEqualTo("ok");
        assertThat(entry.get("exitCode").asInt()).isZero();
        assertThat(entry.get("snapshots").get(0).asString()).isEqualTo(saved);
    }

    /**
     * POSIX ACLs through the launcher: the first form of their backup passed every test run inside one JVM, and through
     * ./opsledger (the classes it loads, as it loads them) kept none, saying this JVM had no foreign function API (a
     * helper's). A file's ACL and a directory's default ACL come back as getfacl read them; skipped where setfacl is missing
     * or the filesystem of the test's temporary directory keeps no ACL.
     */
    @Test
    void aBackupThroughTheLauncherKeepsPosixAcls() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("acl/shared"));
        Path secret = Files.writeString(data.resolveSibling("secret.txt"), "db password\n");
        setfaclOrSkip("-m", "u:nobody:r,g::-", secret.toString());
        setfaclOrSkip("-d", "-m", "u:nobody:rx,o::-", data.toString());
        assertThat(vault("init").waitFor()).isZero();
        assertThat(vault("backup", "--allow-same-device", "--owner", "ops", "--classification", "confidential", "--retain-until",
                java.time.LocalDate.now().plusYears(1).toString(), tmp.resolve("acl").toString()).waitFor()).as(err()).isZero();
        assertThat(err()).as("no warning: nothing left out, this JVM keeps ACLs").isEmpty();
        Path out = tmp.resolve("out");
        assertThat(vault("restore", "latest", "--target", out.toString()).waitFor()).as(err()).isZero();
        assertThat(getfacl(out.resolve("acl/secret.txt"))).contains("user:nobody:r--", "group::---").isEqualTo(getfacl(secret));
        assertThat(getfacl(out.resolve("acl/shared"))).contains("default:user:nobody:r-x").isEqualTo(getfacl(data));
    }

    /** setfacl ARGS, or the test skipped, saying why: no setfacl here, or a filesystem without ACLs (EOPNOTSUPP). */
    private static void setfaclOrSkip(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("setfacl"));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("setfacl is not installed (the acl package): " + e.getMessage());
            return;
        }
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        Assumptions.assumeTrue(p.waitFor() == 0, "the filesystem of the test's temporary directory keeps no ACL here: " + said);
    }

    /** getfacl's entries of {@code f}, without the lines naming it and its owner. */
    private static String getfacl(Path f) throws Exception {
        Process p = new ProcessBuilder("getfacl", "-c", "-p", "--", f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    /** The JVM the launcher runs {@code launcher} in, once it is there. */
    private static ProcessHandle awaitJvm(Process launcher) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && launcher.isAlive()) {
            var jvm = launcher.descendants().filter(h -> h.info().command().orElse("").endsWith("/java")).findFirst();
            if (jvm.isPresent()) {
                return jvm.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no JVM under the launcher");
    }

    /** The stacks of {@code jvm}'s threads, as jcmd prints them (empty while it cannot attach yet). */
    private static String threads(ProcessHandle jvm) throws Exception {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(jvm.pid()),
                "Thread.print").redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        jcmd.waitFor();
        return out;
    }

    /**
     * A backup of paths (the launcher runs it as a child: it may run it again in a larger heap) that the upload limit keeps
     * under way, once its lock is in the repository: its handlers are in place.
     */
    private Process underway() throws Exception {
        Path data = tmp.resolve("data");
        if (!Files.exists(data)) {
            byte[] bytes = new byte[800_000]; // incompressible: minutes at 1 KiB/s
            new java.util.Random(7).nextBytes(bytes);
            Files.write(Files.createDirectories(data).resolve("f"), bytes);
        }
        Process p = vault("backup", "--allow-same-device", "--limit-upload=1", data.toString());
        Path locks = tmp.resolve("repo/locks");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (isEmpty(locks) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(p.isAlive()).as("under way: " + err()).isTrue();
        return p;
    }

    /** The exit status of {@code p}, which a signal stopped: one that goes on (the signal ignored) is ended, and fails the test. */
    private static int ended(Process p) throws Exception {
        List<ProcessHandle> jvm = p.descendants().toList();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("stopped").isTrue();
            return p.exitValue();
        } finally {
            jvm.forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    private JsonNode lastEntry() throws Exception {
        Process journal = vault("journal", "--json");
        assertThat(journal.waitFor()).isZero();
        JsonNode entries = VaultJson.MAPPER.readTree(Files.readString(tmp.resolve("stdout"))).get("entries");
        return entries.get(entries.size() - 1);
    }

    private String err() throws IOException {
        return Files.readString(tmp.resolve("stderr"), StandardCharsets.UTF_8);
    }

    private Process vault(String... args) throws IOException {
        return launcher("", args);
    }

    /**
     * `opsledger vault ARGS --repo REPO` in a session of its own (setsid: a signal to its group reaches no test), its
     * descriptors as {@code redirect} leaves them (a shell's: "<&-" closes stdin), stdout and stderr to files.
     */
    private Process launcher(String redirect, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("setsid", "bash", "-c", "exec bash \"$0\" \"$@\" " + redirect, LAUNCHER.toString(),
                "vault", args[0], "--repo", tmp.resolve("repo").toString()));
        command.addAll(List.of(args).subList(1, args.length));
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(tmp.resolve("stdout").toFile())
                .redirectError(tmp.resolve("stderr").toFile());
        pb.environment().keySet().removeAll(List.of("OPSLEDGER_VAULT_REPOSITORY", "OPSLEDGER_JAVA_OPTS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS"));
        pb.environment().put("OPSLEDGER_VAULT_PASSWORD", "signals");
        pb.environment().put("JAVA_HOME", jdk().toString());
        pb.environment().put("OPSLEDGER_JAR", tmp.resolve("absent.jar").toString());
        pb.environment().put("OPSLEDGER_NO_CDS", "1");
        return pb.start();
    }

    /**
     * A JDK whose java runs this one's on the test's classes: the launcher's options, then the command after its -jar JAR
     * (and the native access the jar's manifest grants zstd-jni: the JDK's warning on stderr otherwise).
     */
    private Path jdk() throws IOException {
        String java = """
                #!/usr/bin/env bash
                args=("$@"); i=0
                while [ "$i" -lt ${#args[@]} ] && [ "${args[i]}" != -jar ]; do i=$((i + 1)); done
                exec %s "${args[@]:0:i}" --enable-native-access=ALL-UNNAMED -cp %s org.opsledger.cli.OpsLedgerCommand "${args[@]:i+2}"
                """.formatted(Path.of(System.getProperty("java.home"), "bin", "java"), System.getProperty("java.class.path"));
        return FakeJdk.at(tmp.resolve("jdk"), "25.0.3", java, "java");
    }

    private static boolean isEmpty(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return true;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.findAny().isEmpty();
        }
    }
}
