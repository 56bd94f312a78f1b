package org.opsledger.cli.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.cli.vault.VaultCommandTest.Run;
import tools.jackson.databind.JsonNode;

/**
 * What the operator is told when a part of the repository is lost, as a helper playing the operator at 2 a.m. found it
 * following docs/operations.md alone: each case said something that sent him the wrong way, or nothing at all.
 */
class DisasterRecoveryMessagesTest {

    @TempDir
    Path tmp;
    Path repo;
    Path pw;
    Path data;

    Run vault(String... args) {
        int depth = args[0].equals("key") ? 2 : 1;
        List<String> all = new java.util.ArrayList<>(List.of("vault"));
        all.addAll(List.of(args).subList(0, depth));
        all.addAll(List.of("--repo", repo.toString(), "--password-file", pw.toString()));
        all.addAll(List.of(args).subList(depth, args.length));
        return VaultCommandTest.run(all.toArray(String[]::new));
    }

    Run backup() {
        return vault("backup", data.toString(), "--allow-same-device", "--owner", "fin", "--classification", "Internal",
                "--retain-until", "2030-01-01");
    }

    static void deleteTree(Path dir) throws Exception {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        repo = tmp.resolve("repo");
        pw = Files.writeString(tmp.resolve("pw"), "operator one\n");
        data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("ledger.txt"), "ledger 2026\n".repeat(1_000).getBytes(StandardCharsets.UTF_8));
        assertThat(vault("init", "--kdf-iterations", "100000").exit()).isZero();
    }

    /**
     * snapshots/ lost: `snapshots` listed "0 snapshot(s)", exit 0, repair said "nothing to repair", exit 0, and `restore latest`
     * "the repository has no snapshots", while the journal records the backup and `vault recover` brings every file back.
     * Each says what check says, exit 3.
     */
    @Test
    void aLostSnapshotsDirectoryIsSaidBySnapshotsRestoreAndRepair() throws Exception {
        assertThat(backup().exit()).isZero();
        String id = vault("snapshots", "--json").json().get(0).get("id").asString();
        assertThat(vault("snapshots").err()).as("nothing gone: no journal warning").doesNotContain("journal says");
        deleteTree(repo.resolve("snapshots"));
        String said = "1 snapshot(s) the journal says were written are not in the repository, and no journal entry says they left"
                + " (first: " + id.substring(0, 8) + ", a backup of " + data + " on ";

        Run snapshots = vault("snapshots");
        assertThat(snapshots.exit()).isEqualTo(BackupCommand.INCOMPLETE);
        assertThat(snapshots.err()).startsWith("warning: " + said).contains("`vault recover`, before that, makes a snapshot");
        assertThat(snapshots.out()).contains("0 snapshot(s) in " + repo + "; the journal says snapshots were written here that are gone");
        assertThat(vault("snapshots", "--json").exit()).isEqualTo(BackupCommand.INCOMPLETE);

        Run restore = vault("restore", "latest", "--target", tmp.resolve("out").toString());
        assertThat(restore.exit()).isEqualTo(BackupCommand.INCOMPLETE);
        assertThat(restore.err()).contains("the repository has no snapshots listed, but " + said);

        Run repair = vault("repair");
        assertThat(repair.exit()).isEqualTo(BackupCommand.INCOMPLETE);
        assertThat(repair.out()).contains("nothing it can repair; " + said).doesNotContain("nothing to repair");

        assertThat(vault("recover").exit()).isZero();
        assertThat(vault("snapshots").exit()).as("recovered: the recover's snapshot is listed").isZero();
    }

    /**
     * A deleted config made every command say "no vault repository at R" though keys/, keyring and the data were there,
     * and a config written back brought everything back. The message says the config is missing and how to write it back.
     */
    @Test
    void aMissingConfigBesideKeysIsNamedWithHowToWriteItBack() throws Exception {
        assertThat(backup().exit()).isZero();
        byte[] config = Files.readAllBytes(repo.resolve("config"));
        Files.delete(repo.resolve("config"));
        Run snapshots = vault("snapshots");
        assertThat(snapshots.exit()).isEqualTo(1);
        assertThat(snapshots.err()).isEqualTo("opsledger: the config of the repository at " + repo + " is missing, though its keyring or"
                + " keys/ are there: put it back from a copy of the store, or write it as docs/vault-format.md §2 says (\"A lost config\");"
                + " nothing else is lost with it\n");
        Files.write(repo.resolve("config"), config);
        assertThat(vault("snapshots").exit()).isZero();

        Run nowhere = VaultCommandTest.run("vault", "snapshots", "--repo", tmp.resolve("absent").toString(), "--password-file", pw.toString());
        assertThat(nowhere.err()).as("no repository at all").isEqualTo("opsledger: no vault repository at " + tmp.resolve("absent") + "\n");
    }

    /** A damaged or deleted keyring was named with no remedy; each message now says where its copy is to come from. */
    @Test
    void aDamagedOrMissingKeyringIsNamedWithItsRemedy() throws Exception {
        Path keyring = repo.resolve("keyring");
        byte[] good = Files.readAllBytes(keyring);
        byte[] flipped = good.clone();
        flipped[60] ^= 1;
        Files.write(keyring, flipped);
        String remedy = "the vault keeps no other copy of it: put back its newest copy, kept with the disaster-recovery plan or in a"
                + " backup of the store (docs/operations.md, \"The keyring\"), or restore from the long-term tier";
        Run damaged = vault("check");
        assertThat(damaged.exit()).isEqualTo(1);
        assertThat(damaged.err()).isEqualTo("opsledger: keyring of " + repo + " fails authentication (damaged or altered); " + remedy + "\n");

        Files.delete(keyring);
        Run missing = vault("check");
        assertThat(missing.err()).isEqualTo("opsledger: the keyring of " + repo + " is missing (deleted, or lost with a disk), and every key"
                + " of the data is in it; " + remedy + "\n");
        Files.write(keyring, good);
        assertThat(vault("check").exit()).isZero();
    }

    /**
     * index/ lost: the next backup said "saved (incremental): … (0 unchanged)", exit 0, the journal "ok", and stored every
     * byte again. It warns, exit 3, and its journal entry says so.
     */
    @Test
    void aBackupWhoseParentTreeIsNotIndexedWarns() throws Exception {
        assertThat(backup().exit()).isZero();
        String parent = vault("snapshots", "--json").json().get(0).get("id").asString();
        deleteTree(repo.resolve("index"));
        Run again = backup();
        String said = "warning: the parent snapshot " + parent.substring(0, 8) + "'s tree is not in the index (index/ lost or damaged?):"
                + " every file was read and stored again; run `vault check`, then `vault repair`";
        assertThat(again.exit()).isEqualTo(BackupCommand.INCOMPLETE);
        assertThat(again.err()).contains(said);
        JsonNode entry = vault("journal", "--operation", "backup", "--json").json().get("entries").get(1);
        assertThat(entry.get("outcome").asString()).isEqualTo("incomplete");
        assertThat(entry.get("detail").asString()).contains("; " + said);

        assertThat(backup().exit()).as("the new snapshot's tree is indexed: the next backup has a parent to compare with").isZero();
    }

    /**
     * The parent's tree indexed, but its pack gone from data/ (deleted, or lost with a disk): the warning said "not in the
     * index (index/ lost or damaged?)", sending the operator to look at index/, which was whole.
     */
    @Test
    void aBackupWhoseParentTreePackIsGoneSaysSo() throws Exception {
        assertThat(backup().exit()).isZero();
        String parent = vault("snapshots", "--json").json().get(0).get("id").asString();
        try (Stream<Path> packs = Files.walk(repo.resolve("data"))) {
            for (Path pack : packs.filter(Files::isRegularFile).toList()) {
                Files.delete(pack);
            }
        }
        Run again = backup();
        assertThat(again.exit()).isEqualTo(BackupCommand.INCOMPLETE);
        assertThat(again.err()).containsPattern("warning: the parent snapshot " + parent.substring(0, 8) + "'s tree is in pack [0-9a-f]{8},"
                + " which is not in data/ \\(deleted, or lost with a disk\\?\\): every file was read and stored again; run `vault check`,"
                + " then `vault repair`");
    }

    /** Owners are numbers: `ls --json` shows each path's uid and gid, as a restore will set them on the host it restores to. */
    @Test
    void lsJsonShowsTheNumericOwner() throws Exception {
        assertThat(backup().exit()).isZero();
        int uid = (Integer) Files.getAttribute(data.resolve("ledger.txt"), "unix:uid");
        int gid = (Integer) Files.getAttribute(data.resolve("ledger.txt"), "unix:gid");
        JsonNode rows = vault("ls", "latest", "--json").json();
        JsonNode file = null;
        for (JsonNode row : rows) {
            if (row.get("path").asString().endsWith("/ledger.txt")) {
                file = row;
            }
        }
        assertThat(file).isNotNull();
        assertThat(file.get("uid").asInt()).isEqualTo(uid);
        assertThat(file.get("gid").asInt()).isEqualTo(gid);
        assertThat(vault("ls", "latest").out()).as("the text columns as they were").containsPattern("(?m)^\\S +[0-7]+ +12000  [0-9: -]+ UTC  /data/ledger.txt$");
    }
}
