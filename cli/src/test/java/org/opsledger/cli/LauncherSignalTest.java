package org.opsledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the {@code ./opsledger} launcher hands the JVM besides its options: the descriptors it starts with. The launcher runs here with the vault's real code: its JDK's
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
        // and a closed stdout does not take the JVM's first file: its line goes nowhere, the command runs
        assertThat(launcher(">&-", "snapshots").waitFor()).as(err()).isZero();
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
