package org.opsledger.cli.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.cli.CliRun;
import org.opsledger.vault.Vault;

/**
 * IS.012 6.6.8: the journal records which key slots were added and by whom (h2's repro-1). An administrator ran `key add
 * --label mallory` and deleted that entry's file before the next check: check exited 0, anchors verified, the journal
 * showed no key entry, and mallory's password opened the repository. Check reports every slot in keys/ that no init or
 * key add entry names, as an error, but those made before the journal began (a format 3 repository upgraded).
 */
class UnrecordedKeySlotTest {

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
        return repo;
    }

    private Path addSlot(String label) throws Exception {
        Path pw = Files.writeString(tmp.resolve("pw-" + label), label + "'s password\n");
        CliRun add = vault("key", "add", "--new-password-file", pw.toString(), "--label", label, "--kdf-iterations", "100000");
        assertThat(add.exit()).as(add.err()).isZero();
        return pw;
    }

    private static Set<Path> files(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return new HashSet<>(files.filter(Files::isRegularFile).toList());
        }
    }

    private CliRun checkOk() {
        CliRun check = vault("check");
        assertThat(check.exit()).as(check.out() + check.err()).isZero();
        return check;
    }

    @Test
    void aKeySlotWhoseAdditionNoEntryRecordsIsAnError() throws Exception {
        Path repo = repository();
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("a"), "a");
        assertThat(vault("init", "--kdf-iterations", "100000").exit()).isZero();
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        addSlot("alice"); // recorded: no alarm
        checkOk();

        Set<Path> before = files(repo.resolve("journal"));
        addSlot("mallory");
        Set<Path> entry = files(repo.resolve("journal"));
        entry.removeAll(before);
        assertThat(entry).hasSize(1);
        String slot = vault("key", "list").out().lines().filter(l -> l.contains(" mallory ")).findFirst().orElseThrow().substring(0, 8);
        String fingerprint = org.opsledger.vault.VaultJson.MAPPER.readTree(vault("key", "list", "--json").out()).valueStream()
                .filter(s -> s.get("id").asString().startsWith(slot)).findFirst().orElseThrow().get("fingerprint").asString();
        String added = vault("journal", "--operation", "key").out();
        Files.delete(entry.iterator().next()); // before any check read it: no missing entry is reported

        CliRun check = vault("check");
        assertThat(check.exit()).isEqualTo(1);
        assertThat(check.out()).containsOnlyOnce("error: key slot ").contains("error: key slot " + slot + " (mallory, created on ")
                .contains(" is in keys/ but no journal entry records its addition: added outside the vault, or its entry deleted"
                        + " from the store; its password opens the repository (IS.012 6.6.8): unless its holder is known,"
                        + " `vault key remove " + slot + "`");
        assertThat(check.err()).contains("; a key slot no entry records is an incident, not damage a repair mends");

        // the entry of mallory's addition named her slot by its fingerprint: what it opens, whatever the slot file's name
        assertThat(added).contains("key slot " + slot + " added [sha256 " + fingerprint + "] (mallory)");
        assertThat(vault("key", "remove", slot).exit()).isZero();
        checkOk();
    }

    @Test
    void slotsMadeBeforeTheJournalBeganRaiseNoAlarm() throws Exception {
        Path repo = repository();
        Vault.init(repo.toString(), "operator one".toCharArray(), 100_000, "initial").close(); // no init entry: as format 3 made it
        Path config = repo.resolve("config");
        Files.writeString(config, Files.readString(config).replaceAll("\"version\":\\d+", "\"version\":3"));
        addSlot("bob"); // format 3 keeps no journal: no entry
        assertThat(repo.resolve("journal")).doesNotExist();
        assertThat(vault("upgrade").exit()).isZero(); // the journal's first entry
        checkOk();
        addSlot("carol");
        checkOk();

        Set<Path> before = files(repo.resolve("journal"));
        addSlot("dave"); // after the journal began: its entry deleted, it is named
        Set<Path> entry = files(repo.resolve("journal"));
        entry.removeAll(before);
        Files.delete(entry.iterator().next());
        CliRun check = vault("check");
        assertThat(check.exit()).isEqualTo(1);
        assertThat(check.out()).containsOnlyOnce("error: key slot ").contains("(dave, created on ");
    }
    /**
     * The init's entry deleted once a check had read it left every slot unjudged: the journal had no beginning, as one a
     * build before init entries began, and a slot added later with its entry deleted raised no alarm but the init's
     * missing entry. The init the check named is where the journal began.
     */
    @Test
    void aDeletedInitEntryLeavesNoSlotUnjudged() throws Exception {
        Path repo = repository();
        assertThat(vault("init", "--kdf-iterations", "100000").exit()).isZero();
        Set<Path> init = files(repo.resolve("journal"));
        assertThat(init).hasSize(1);
        checkOk();
        Files.delete(init.iterator().next()); // an error of every check after: but the slots were judged no more

        Set<Path> before = files(repo.resolve("journal"));
        addSlot("mallory");
        Set<Path> entry = files(repo.resolve("journal"));
        entry.removeAll(before);
        Files.delete(entry.iterator().next());
        String slot = vault("key", "list").out().lines().filter(l -> l.contains(" mallory ")).findFirst().orElseThrow().substring(0, 8);
        CliRun check = vault("check");
        assertThat(check.exit()).isEqualTo(1);
        assertThat(check.out()).contains("error: journal entry missing: the init on ", "error: key slot " + slot + " (mallory, created on ");
    }
}
