package org.opsledger.cli.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.cli.CliRun;
import org.opsledger.vault.VaultJson;
import tools.jackson.databind.JsonNode;

/**
 * A key command stopped by a signal names itself, on stderr and in the journal: a retirement a scheduler's timeout
 * stopped said only "key stopped by SIGTERM before it ended", neither which operation, of which epoch, nor that it is to
 * be run again (h3's repro-4; IS.012 6.6.5).
 */
class StoppedKeyCommandTest {

    @TempDir
    Path tmp;

    @Test
    void aRetirementStoppedBySigtermSaysWhichAndThatRunningItAgainFinishesIt() throws Exception {
        Path pw = Files.writeString(tmp.resolve("pw"), "operator one\n");
        Path repo = tmp.resolve("repo");
        List<String> at = List.of("--repo", repo.toString(), "--password-file", pw.toString());
        Path data = Files.createDirectories(tmp.resolve("data"));
        byte[] noise = new byte[2 << 20];
        ThreadLocalRandom.current().nextBytes(noise);
        Files.write(data.resolve("a.bin"), noise);
        assertThat(vault(at, "init", "--kdf-iterations", "100000").exit()).isZero();
        assertThat(vault(at, "backup", data.toString(), "--allow-same-device").exit()).isZero();
        assertThat(vault(at, "key", "rotate").exit()).isZero();

        // the retirement in a JVM of its own, its writes paced (2 MiB at 64 KiB/s), stopped once it holds its lock
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "org.opsledger.cli.OpsLedgerCommand", "vault", "key", "retire", "1",
                "--limit-upload", "64"));
        command.addAll(at);
        Path err = tmp.resolve("retire.err");
        Process retire = new ProcessBuilder(command).redirectError(err.toFile()).start();
        Path locks = repo.resolve("locks");
        for (int i = 0; i < 1200 && retire.isAlive() && !(Files.isDirectory(locks) && hasFile(locks)); i++) {
            Thread.sleep(50);
        }
        assertThat(retire.isAlive()).as("the retirement runs, under its lock: " + Files.readString(err)).isTrue();
        retire.destroy(); // SIGTERM
        assertThat(retire.waitFor()).as(Files.readString(err)).isEqualTo(143);

        String stopped = "key retire 1 stopped by SIGTERM before it ended: run it again to finish it";
        assertThat(Files.readAllLines(err)).contains("opsledger: " + stopped);
        JsonNode entries = VaultJson.MAPPER.readTree(vault(at, "journal", "--operation", "key", "--json").out()).get("entries");
        JsonNode last = entries.get(entries.size() - 1);
        assertThat(last.get("detail").asString()).isEqualTo(stopped);
        assertThat(last.get("exitCode").asInt()).isEqualTo(143);

        CliRun again = vault(at, "key", "retire", "1");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).startsWith("retired key epoch 1: ");
    }

    private static boolean hasFile(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.findAny().isPresent();
        }
    }

    private static CliRun vault(List<String> at, String... args) {
        List<String> all = new ArrayList<>(List.of("vault"));
        all.addAll(List.of(args));
        all.addAll(at);
        return CliRun.of(all.toArray(String[]::new));
    }
}
