package org.opsledger.cli.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nightly `forget --keep-within 30d --keep-last 1 --prune` on a host whose clock jumped a year ahead (libfaketime, as
 * the tester ran it) removed and pruned a snapshot retained for two more months, exit 0, no word (h2's F0, repro 05).
 */
class ClockAheadForgetCommandTest {

    /** libfaketime, where the host has it (Debian's faketime package). */
    private static final Path FAKETIME = Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
    }

    private Run run(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "org.opsledger.cli.OpsLedgerCommand", "vault"));
        command.addAll(List.of(args));
        command.addAll(List.of("--repo", tmp.resolve("repo").toString()));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("OPSLEDGER_VAULT_PASSWORD", "repro-password-1");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), new String(out, StandardCharsets.UTF_8), err);
    }

    private int snapshots() throws Exception {
        return org.opsledger.vault.VaultJson.MAPPER.readTree(run(Map.of(), "snapshots", "--json").out()).size();
    }

    @Test
    void aForgetOnAClockAYearAheadRemovesNoRetainedSnapshot() throws Exception {
        Assumptions.assumeTrue(Files.exists(FAKETIME), "libfaketime is not installed");
        Map<String, String> yearAhead = Map.of("LD_PRELOAD", FAKETIME.toString(), "FAKETIME", "+365d",
                "FAKETIME_DONT_FAKE_MONOTONIC", "1", "NO_FAKE_STAT", "1");
        Path data = Files.createDirectories(tmp.resolve("data"));
        String until = LocalDate.now(ZoneOffset.UTC).plusDays(60).toString();
        assertThat(run(Map.of(), "init", "--kdf-iterations", "100000").exit()).isZero();
        for (String content : List.of("one", "two")) {
            Files.writeString(data.resolve("f"), content);
            Run backup = run(Map.of(), "backup", data.toString(), "--allow-same-device", "--owner", "ops", "--classification", "Internal",
                    "--retain-until", until);
            assertThat(backup.exit()).as(backup.err()).isZero();
        }
        Run refused = run(yearAhead, "forget", "--keep-last", "1", "--prune");
        assertThat(refused.exit()).as(refused.out()).isEqualTo(1);
        assertThat(refused.err()).contains("day(s) past the newest time the repository records").contains("(until " + until
                + ") ended: check the host's clock (timedatectl); if it is right, run again with --trust-clock; nothing was removed");
        assertThat(snapshots()).isEqualTo(2);
        assertThat(run(Map.of(), "journal").out()).doesNotContain("forget");

        // --keep-within counts from the newest snapshot: last week's backups are within 30 days on any clock
        Run within = run(yearAhead, "forget", "--keep-within", "30d", "--keep-last", "1", "--trust-clock");
        assertThat(within.exit()).as(within.err()).isZero();
        assertThat(snapshots()).isEqualTo(2);
    }
}
