package org.opsledger.cli.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.cli.CliRun;

/**
 * The host a backup records is the machine's own name, not what a resolver makes of it: a new host restoring after a
 * disaster, its name not yet in DNS or /etc/hosts, recorded every backup and restore as "localhost" (a helper's).
 */
class HostNameTest {

    @TempDir
    Path tmp;

    @Test
    void aHostWhoseNameDoesNotResolveRecordsItsOwnName() throws Exception {
        Path pw = Files.writeString(tmp.resolve("pw"), "operator one\n");
        Path repo = tmp.resolve("repo");
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("a"), "a");
        assertThat(CliRun.of("vault", "init", "--repo", repo.toString(), "--password-file", pw.toString(), "--kdf-iterations", "100000")
                .exit()).isZero();

        // a UTS namespace of its own (root), named what no resolver knows; OPSLEDGER_HOSTNAME unset
        String name = "dr-host-unresolvable-31";
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder("unshare", "-u", "sh", "-c", "hostname \"$0\" && exec \"$@\"", name, java,
                "-cp", System.getProperty("java.class.path"), "org.opsledger.cli.OpsLedgerCommand", "vault", "backup", data.toString(),
                "--allow-same-device", "--repo", repo.toString(), "--password-file", pw.toString()).redirectErrorStream(true);
        pb.environment().remove("OPSLEDGER_HOSTNAME");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        Assumptions.assumeFalse(out.startsWith("unshare:") || out.startsWith("hostname:"), "a UTS namespace takes root: " + out);
        assertThat(p.exitValue()).as(out).isIn(0, 3); // 3: the record lacks an owner (a warning)

        CliRun listed = CliRun.of("vault", "snapshots", "--json", "--repo", repo.toString(), "--password-file", pw.toString());
        assertThat(listed.exit()).as(listed.err()).isZero();
        assertThat(listed.out()).contains("\"hostname\":\"" + name + "\"").doesNotContain("\"localhost\"");
    }
}
