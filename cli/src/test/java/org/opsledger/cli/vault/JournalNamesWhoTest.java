package org.opsledger.cli.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.cli.CliRun;
import tools.jackson.databind.JsonNode;

/**
 * Who did what, as the journal records it (IS.012 6.6.5; the policy's 6.1.3, audit logs name the user ID of each event,
 * and 7.1, operator activity logged): the OS user and who logged in, where an operator works through sudo, and the key
 * slot whose password opened the repository.
 */
class JournalNamesWhoTest {

    @TempDir
    Path tmp;

    private List<String> at;

    private CliRun vault(String... args) {
        return CliRun.vault(at, args);
    }

    private Path repository() throws Exception {
        Path pw = Files.writeString(tmp.resolve("pw"), "operator one\n");
        Path repo = tmp.resolve("repo");
        at = List.of("--repo", repo.toString(), "--password-file", pw.toString());
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("a"), "a");
        assertThat(vault("init", "--kdf-iterations", "100000").exit()).isZero();
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        return repo;
    }

    /**
     * A hold placed by a command whose login is another user's (the kernel's login uid, as sshd sets it and sudo keeps
     * it): its entry, its text and the hold's "by" name who logged in beside the OS user. Every operator's restore through
     * sudo was journaled as "root" (h4's repro-4).
     */
    @Test
    void aCommandOfAnotherLoginNamesItInTheJournalAndTheHold() throws Exception {
        repository();
        // the command in a JVM of its own, its login uid nobody's (65534): setting it takes root (CAP_AUDIT_CONTROL)
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of("sh", "-c", "echo 65534 > /proc/self/loginuid && exec \"$@\"", "sh", java, "-cp",
                System.getProperty("java.class.path"), "org.opsledger.cli.OpsLedgerCommand", "vault", "hold", "latest", "--reason", "AUD-9"));
        command.addAll(at);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("SUDO_USER");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        Assumptions.assumeFalse(out.startsWith("sh:"), "a login uid is set by root: " + out);
        assertThat(p.exitValue()).as(out).isZero();

        CliRun listed = vault("journal", "--operation", "hold", "--json");
        assertThat(listed.exit()).as(listed.err()).isZero();
        JsonNode entry = org.opsledger.vault.VaultJson.MAPPER.readTree(listed.out()).get("entries").get(0);
        String user = entry.get("username").asString();
        assertThat(entry.get("login").asString()).isEqualTo("nobody");
        assertThat(entry.get("detail").asString()).isEqualTo("legal hold placed by " + user + " (login nobody) for AUD-9");
        assertThat(vault("journal", "--operation", "hold").out()).contains("  " + user + " (login nobody)  ");
        // the hold's record: held for the matter already, it is shown as it is
        assertThat(vault("hold", "latest", "--reason", "AUD-9", "--json").out()).contains("\"heldBy\":\"" + user + " (login nobody)\"");
    }

    /**
     * Bob, before he leaves, adds a slot with his password labelled as Alice's laptop; everyone runs as root on one host,
     * and nothing in the journal tied the addition to him (h3's repro-2). Each entry names the slot that opened the
     * repository, in the text and in --json.
     */
    @Test
    void eachEntryNamesTheKeySlotWhosePasswordOpenedTheRepository() throws Exception {
        repository(); // its first slot labelled "initial"
        Path bobs = Files.writeString(tmp.resolve("bob"), "bob's\n");
        Path extra = Files.writeString(tmp.resolve("extra"), "backdoor\n");
        CliRun added = vault("key", "add", "--new-password-file", bobs.toString(), "--label", "bob", "--kdf-iterations", "100000");
        assertThat(added.exit()).as(added.err()).isZero();
        String bob = added.out().split(" ")[3];
        CliRun byBob = CliRun.of("vault", "key", "add", "--repo", at.get(1), "--password-file", bobs.toString(), "--new-password-file",
                extra.toString(), "--label", "alice-laptop", "--kdf-iterations", "100000");
        assertThat(byBob.exit()).as(byBob.err()).isZero();

        JsonNode entries = org.opsledger.vault.VaultJson.MAPPER.readTree(vault("journal", "--operation", "key", "--json").out()).get("entries");
        assertThat(entries).hasSize(2);
        assertThat(entries.get(0).get("keySlot").get("label").asString()).isEqualTo("initial");
        JsonNode laptop = entries.get(1);
        assertThat(laptop.get("detail").asString()).matches("key slot [0-9a-f]{8} added \\[sha256 [0-9a-f]{64}] \\(alice-laptop\\)");
        assertThat(laptop.get("keySlot").get("id").asString()).isEqualTo(bob);
        assertThat(laptop.get("keySlot").get("label").asString()).isEqualTo("bob");
        assertThat(vault("journal", "--operation", "key").out().lines().filter(l -> l.endsWith("] (alice-laptop)")))
                .singleElement().asString().contains("  " + bob + " (bob)  ");
    }
}
