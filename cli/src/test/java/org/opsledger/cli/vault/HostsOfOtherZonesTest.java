package org.opsledger.cli.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vault as cron runs it on the hosts that share a repository: other zones, other JVM options. Each command in a JVM of
 * its own, its environment given (a tester's, h2).
 */
class HostsOfOtherZonesTest {

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
    }

    private Run run(Map<String, String> env, String... args) throws Exception {
        // the JIT's first tier alone: a command of a second or two gains nothing from the second's compiling, which took a
        // third of its CPU (`vault snapshots --json` here: 2.1 user+sys CPU s, 1.5 with it; /usr/bin/time, three runs each)
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "org.opsledger.cli.OpsLedgerCommand", "vault"));
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

    /**
     * A snapshot a host at UTC−12 retained until its today is kept by a forget, and not disposed of, on a host at UTC+14
     * (whose today is a day or two later) and on one whose TZ=GMT+12 Java reads as UTC+12: backup --help promises "forget
     * will not remove it before" that date. They removed it, and dispose destroyed the keys (repros 1 and 4).
     */
    @Test
    void aRetentionDateGivenWestIsKeptByForgetAndDisposeEast() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("ledger.csv"), "payroll");
        Map<String, String> west = Map.of("TZ", "Etc/GMT+12");
        String today = LocalDate.now(ZoneId.of("Etc/GMT+12")).toString();
        assertThat(run(west, "init", "--kdf-iterations", "100000").exit()).isZero();
        Run backup = run(west, "backup", data.toString(), "--allow-same-device", "--owner", "Finance", "--classification", "Confidential",
                "--retain-until", today);
        assertThat(backup.exit()).as(backup.err()).isZero();
        String id = org.opsledger.vault.VaultJson.MAPPER.readTree(run(west, "stats", "--json").out()).get("id").asString();
        for (String tz : List.of("Pacific/Kiritimati", "GMT+12")) {
            Run dispose = run(Map.of("TZ", tz), "dispose", "--confirm", id);
            assertThat(dispose.exit()).as(tz + ": " + dispose.out() + dispose.err()).isEqualTo(1);
            assertThat(dispose.err()).as(tz).contains("1 snapshot(s) are retained until today or later");
        }
        assertThat(run(west, "snapshots").exit()).as("its keys are there").isZero();
        Run forget = run(Map.of("TZ", "Pacific/Kiritimati"), "forget", "--keep-within", "0d");
        assertThat(forget.exit()).as(forget.err()).isZero();
        assertThat(forget.out()).contains("retain until " + today).contains("removed 0 of 1 snapshot(s)");
    }

    /** dispose's help says when a retention ends as dispose judges it, not "until today or later" (whose today?). */
    @Test
    void disposesHelpSaysWhenARetentionEnds() {
        String help = org.opsledger.cli.CliRun.of("vault", "dispose", "--help").out().replaceAll("\\s+", " ");
        assertThat(help).contains("a retention ends at 12:00 UTC the day after its date, on every host whatever its zone")
                .doesNotContain("today or later");
    }

    /**
     * Under a POSIX TZ rule, backup records the UTC offset date(1) shows (the C library's reading of the rule), and forget
     * and tier count days by the same rule: forget refused TZ='CET-1CEST,M3.5.0,M10.5.0/3' and TZ=GMT+3 while backup
     * recorded Java's reading of them, +03:00 for GMT+3, which date(1) and cron take as UTC−3 (an engineer's). A rule
     * java.time cannot follow is refused by backup and forget alike.
     */
    @Test
    void backupAndForgetReadAPosixTzAsDateDoes() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("f"), "one");
        assertThat(run(Map.of("TZ", "UTC"), "init", "--kdf-iterations", "100000").exit()).isZero();
        List<String> rules = List.of("EST5EDT", "CET-1CEST,M3.5.0,M10.5.0/3", "AEST-10AEDT,M10.1.0,M4.1.0/3", "UTC0", "GMT+3", "<+0530>-5:30");
        List<java.time.ZoneOffset> byDate = new ArrayList<>();
        for (String tz : rules) {
            Run backup = run(Map.of("TZ", tz), "backup", data.toString(), "--allow-same-device");
            assertThat(backup.exit()).as(tz + ": " + backup.err()).isZero();
            ProcessBuilder date = new ProcessBuilder("date", "+%:z").redirectErrorStream(true); // the C library's reading
            date.environment().put("TZ", tz);
            Process d = date.start();
            byDate.add(java.time.ZoneOffset.of(new String(d.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim()));
        }
        // one listing of the six, oldest first (forget, below, keeps one a day of them)
        var snapshots = org.opsledger.vault.VaultJson.MAPPER.readTree(run(Map.of(), "snapshots", "--json").out());
        assertThat(snapshots.size()).isEqualTo(rules.size());
        for (int i = 0; i < rules.size(); i++) {
            assertThat(java.time.ZoneOffset.of(snapshots.get(i).get("record").get("timeOffset").asString())).as(rules.get(i))
                    .isEqualTo(byDate.get(i));
        }
        for (String tz : rules) {
            for (String command : List.of("forget", "tier")) {
                Run counted = command.equals("forget") ? run(Map.of("TZ", tz), "forget", "--keep-daily", "7", "--keep-last", "1")
                        : run(Map.of("TZ", tz), "tier", "--to", tmp.resolve("far").toString());
                assertThat(counted.err()).as(tz + ": " + command).doesNotContain("counts local days");
            }
        }
        String unfollowed = "ABC-1XYZ,M3.5.0/30,M10.5.0/3"; // the day after a month's last Sunday: java.time cannot say it
        Run backup = run(Map.of("TZ", unfollowed), "backup", data.toString(), "--allow-same-device");
        Run forget = run(Map.of("TZ", unfollowed), "forget", "--keep-daily", "7");
        assertThat(List.of(backup.exit(), forget.exit())).containsExactly(2, 2);
        assertThat(backup.err()).startsWith("opsledger: backup counts local days, and TZ=" + unfollowed + " is a POSIX rule (" + unfollowed
                + ") that Java reads as GMT");
        assertThat(forget.err().replace("forget", "backup")).isEqualTo(backup.err());
    }

    /**
     * A JVM locale given in the JVM options (-Duser.language=tr or ar, as images of Turkish and Arabic deployments set it)
     * changes no output and no journal line: diff --json said "modıfıed", and the journal kept a backup's line in
     * Arabic-Indic digits (h2's repro-5).
     */
    @Test
    void aJvmLocaleChangesNoOutputAndNoJournalLine() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("f"), "one");
        assertThat(run(Map.of(), "init", "--kdf-iterations", "100000").exit()).isZero();
        assertThat(run(Map.of(), "backup", data.toString(), "--allow-same-device").exit()).isZero();
        Files.writeString(data.resolve("f"), "one two");
        Run backup = run(Map.of("JAVA_TOOL_OPTIONS", "-Duser.language=ar -Duser.country=EG"), "backup", data.toString(), "--allow-same-device");
        assertThat(backup.exit()).as(backup.err()).isZero();
        assertThat(backup.out()).containsPattern("in [0-9]+\\.[0-9]{2} s");
        var snapshots = org.opsledger.vault.VaultJson.MAPPER.readTree(run(Map.of(), "snapshots", "--json").out());
        Run diff = run(Map.of("JAVA_TOOL_OPTIONS", "-Duser.language=tr -Duser.country=TR"), "diff", "--json",
                snapshots.get(0).get("id").asString(), snapshots.get(1).get("id").asString());
        assertThat(diff.out()).as(diff.err()).contains("\"modified\"");
        var journal = org.opsledger.vault.VaultJson.MAPPER.readTree(run(Map.of(), "journal", "--json").out());
        String detail = (journal.isArray() ? journal : journal.get("entries")).get(journal.isArray() ? journal.size() - 1
                : journal.get("entries").size() - 1).get("detail").asString();
        assertThat(detail).startsWith("snapshot ").matches("[\\x20-\\x7e→]*");
    }

    private int snapshots() throws Exception {
        return org.opsledger.vault.VaultJson.MAPPER.readTree(run(Map.of(), "snapshots", "--json").out()).size();
    }

    /** libfaketime, where the host has it (Debian's faketime package). */
    private static final Path FAKETIME = Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");

    /**
     * The nightly `forget --keep-within 30d --keep-last 1 --prune` on a host whose clock jumped a year ahead (libfaketime,
     * as the tester ran it) removed and pruned a snapshot retained for two more months, exit 0, no word (h2's F0, repro 05).
     */
    @Test
    void aForgetOnAClockAYearAheadRemovesNoRetainedSnapshot() throws Exception {
        Assumptions.assumeTrue(Files.exists(FAKETIME), "libfaketime is not installed");
        // FAKETIME_FORCE_MONOTONIC_FIX=0: with libfaketime 0.9.10's default the JVM's futex waits spin (≈130,000 futex calls
        // and 4 CPU s more a command, a helper's strace -c of `vault snapshots`); the date is faked all the same
        Map<String, String> yearAhead = Map.of("LD_PRELOAD", FAKETIME.toString(), "FAKETIME", "+365d",
                "FAKETIME_DONT_FAKE_MONOTONIC", "1", "FAKETIME_FORCE_MONOTONIC_FIX", "0", "NO_FAKE_STAT", "1");
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
