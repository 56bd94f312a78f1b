package org.opsledger.cli.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.cli.CliRun;

/**
 * The plaintext config set back to a format that keeps no journal (h2's repro-6): whoever can write to the store, without
 * a password, changed "version":6 to 3, let an administrator dump a secret file and restore the snapshot, and put the
 * config back. Both commands worked and wrote no entry, and once the config was back no check, journal listing or anchor
 * showed anything had happened. A repository whose journal/ holds files keeps a journal whatever its config says: each
 * command refuses, naming the tampering and `vault upgrade`, but check, which reports it, and upgrade, which sets it right.
 */
class ConfigSetBackTest {

    @TempDir
    Path tmp;

    private static int entries(List<String> at) {
        return org.opsledger.vault.VaultJson.MAPPER.readTree(CliRun.vault(at, "journal", "--json").out()).get("entries").size();
    }

    @Test
    void aCommandRefusesWhileTheConfigSaysAFormatWithoutJournalButJournalHoldsEntries() throws Exception {
        Path pw = Files.writeString(tmp.resolve("pw"), "operator one\n");
        Path repo = tmp.resolve("repo");
        List<String> at = List.of("--repo", repo.toString(), "--password-file", pw.toString());
        Path data = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(data.resolve("shadow"), "root:$6$secret\n");
        assertThat(CliRun.vault(at, "init", "--kdf-iterations", "100000").exit()).isZero();
        assertThat(CliRun.vault(at, "backup", data.toString(), "--allow-same-device").exit()).isZero();
        int entries = entries(at);

        assertThat(entries).isPositive();
        Path config = repo.resolve("config");
        String original = Files.readString(config);
        Files.writeString(config, original.replace("\"version\":6", "\"version\":3"));
        String refusal = "opsledger: the config says format 3, which keeps no journal, but journal/ holds ";
        Path exfil = tmp.resolve("exfil");
        CliRun dump = CliRun.vault(at, "dump", "latest", "/src/shadow", "--output", exfil.toString());
        assertThat(dump.exit()).as(dump.err()).isEqualTo(1);
        assertThat(dump.err()).startsWith(refusal).endsWith(": the config was altered or put back from an older copy, and nothing"
                + " is done unrecorded (IS.012 6.6.5): `vault upgrade` sets it right\n").hasLineCount(1);
        assertThat(exfil).doesNotExist();
        Path copy = tmp.resolve("copy");
        CliRun restore = CliRun.vault(at, "restore", "latest", "--target", copy.toString());
        assertThat(restore.exit()).as(restore.err()).isEqualTo(1);
        assertThat(restore.err()).startsWith(refusal).hasLineCount(1);
        assertThat(copy).doesNotExist();
        assertThat(CliRun.vault(at, "journal").err()).startsWith(refusal);
        CliRun check = CliRun.vault(at, "check"); // it reports what it finds: the config set back among it
        assertThat(check.exit()).isEqualTo(1);
        assertThat(check.out()).contains("error: the config says format 3, which keeps no journal, but journal/ holds ");

        Files.writeString(config, original); // put back, as the repro did: nothing ran unrecorded meanwhile
        assertThat(entries(at)).isEqualTo(entries);
    }
}
