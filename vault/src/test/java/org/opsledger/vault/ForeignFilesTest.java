package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.backend.Largest;
import org.opsledger.vault.checker.CheckResult;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.checker.RepairResult;
import org.opsledger.vault.checker.Repairer;
import org.opsledger.vault.prune.Forgetter;
import org.opsledger.vault.prune.PruneResult;
import org.opsledger.vault.prune.Pruner;
import org.opsledger.vault.prune.RetentionPolicy;
import org.opsledger.vault.repository.KeyEpochs;
import org.opsledger.vault.repository.LockRecord;
import org.opsledger.vault.repository.Repository;

/** Files the vault did not write, in the directories it reads: check names them, nothing deletes them, none stops it. */
class ForeignFilesTest {

    @TempDir
    Path tmp;

    /**
     * A repository made inside another's data/ (s3://bucket/data/web-1 beside s3://bucket: a store lists recursively): a
     * prune of the outer one deleted the inner one's packs, index and snapshots as unreferenced packs, exit 0, and the
     * inner one then listed no snapshot and checked clean (a helper's, on s3proxy; the local backend lists alike).
     */
    @Test
    void aRepositoryInsideAnothersDataIsNotTakenForItsPacks() throws Exception {
        Path outerDir = tmp.resolve("repo");
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        try (Repository outer = TestTrees.newRepo(outerDir)) {
            TestTrees.backup(outer, data);
        }
        Path innerDir = outerDir.resolve("data/web-1");
        try (Repository inner = TestTrees.newRepo(tmp.resolve("inner"))) { // init refuses a location inside a repository:
            TestTrees.backup(inner, data);                               // one moved there, or made by an older build
        }
        Files.move(tmp.resolve("inner"), innerDir);
        try (Repository outer = TestTrees.open(outerDir)) {
            new Forgetter(outer, ZoneOffset.UTC).forget(new RetentionPolicy(1, null, 0, 0, 0, 0), Instant.now());
            PruneResult pruned = new Pruner(outer).prune();
            assertThat(pruned.orphanPacksDeleted()).isZero();
            CheckResult outerCheck = new Checker(outer, 2).check(100);
            assertThat(outerCheck.errors()).isEmpty();
            assertThat(outerCheck.warnings()).anyMatch(w -> w.contains("under data/ not named as packs, not the vault's (left alone): data/web-1/"));
        }
        try (Repository inner = TestTrees.open(innerDir)) {
            assertThat(inner.snapshots()).hasSize(1);
            CheckResult innerCheck = new Checker(inner, 2).check(100);
            assertThat(innerCheck.errors()).isEmpty();
            assertThat(innerCheck.packsRead()).isPositive();
        }
        assertThat(Repository.idOfName("data/web-1/data/ab/" + "ab".repeat(32))).isNull();
        assertThat(Repository.idOfName("data/ab/" + "ab".repeat(32))).isNotNull();
        assertThat(Repository.idOfName("damaged/journal/segments/" + "ab".repeat(32))).isNotNull();
    }

    /**
     * A repository inside another's locks/ or index/ (s3://bucket/team/locks beside s3://bucket/team): `vault unlock` on the
     * outer one deleted every file of the inner one as unreadable lock files, `vault repair` every one under index/, and
     * the outer one's backups failed on the inner one's config as an index file (a helper's, on s3proxy). What lies in a
     * subdirectory of index/, locks/ or keys/ is not the vault's: never read, never deleted, named by check. And no
     * repository is made inside another any more.
     */
    @Test
    void aRepositoryInsideAnothersLocksOrIndexIsLeftAloneAndNoneIsMadeThere() throws Exception {
        Path outerDir = tmp.resolve("team");
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        try (Repository outer = TestTrees.newRepo(outerDir)) {
            TestTrees.backup(outer, data);
        }
        assertThatThrownBy(() -> TestTrees.newRepo(outerDir.resolve("locks/web-1")))
                .hasMessage("repository location " + outerDir.resolve("locks/web-1") + " is inside the vault repository " + outerDir
                        + ": the commands of each would take the other's files for their own; choose a location outside it");
        Path link = Files.createSymbolicLink(tmp.resolve("link"), outerDir.resolve("snapshots")); // through a link: inside too
        assertThatThrownBy(() -> TestTrees.newRepo(link.resolve("web-2")))
                .hasMessageContaining(" is inside the vault repository " + outerDir.toRealPath() + ": ");
        for (String dir : List.of("locks", "index", "keys")) {
            try (Repository inner = TestTrees.newRepo(tmp.resolve("inner-" + dir))) {
                TestTrees.backup(inner, data);
            }
            Files.move(tmp.resolve("inner-" + dir), outerDir.resolve(dir + "/web-1"));
        }
        try (Repository outer = TestTrees.open(outerDir)) {
            assertThat(outer.locks().unlock(true)).isEmpty();
            RepairResult repaired = new Repairer(outer, 2).repair(0, false);
            assertThat(repaired.files()).isEmpty();
            TestTrees.backup(outer, data); // reads the index: not the inner ones' config, keyring or index files
            CheckResult check = new Checker(outer, 2).check(100);
            assertThat(check.errors()).isEmpty();
            assertThat(check.warnings()).anyMatch(w -> w.matches("\\d+ file\\(s\\) in subdirectories of locks/ or keys/, not the"
                    + " vault's \\(left alone\\): (keys|locks)/web-1/.*"));
        }
        for (String dir : List.of("locks", "index", "keys")) {
            try (Repository inner = TestTrees.open(outerDir.resolve(dir + "/web-1"))) {
                assertThat(inner.snapshots()).as(dir).hasSize(1);
                assertThat(new Checker(inner, 2).check(100).errors()).as(dir).isEmpty();
            }
        }
    }

    /**
     * A slot of another master key that this password unwraps (one a failed init left before a retried one wrote its own,
     * or one copied in by mistake) made the repository unopenable when it was the first tried: "keyring … fails
     * authentication" (a helper's, on S3). The next slot is tried.
     */
    @Test
    void aSlotOfAnotherMasterKeyIsPassedOver() throws Exception {
        Path dir = tmp.resolve("repo");
        TestTrees.newRepo(dir).close();
        TestTrees.newRepo(tmp.resolve("other")).close(); // the same password, another master key
        Path otherSlot;
        try (Stream<Path> slots = Files.list(tmp.resolve("other/keys"))) {
            otherSlot = slots.findFirst().orElseThrow();
        }
        Files.copy(otherSlot, dir.resolve("keys/00000000000000000000000000000000")); // sorts and is tried first
        try (Repository repo = TestTrees.open(dir)) {
            assertThat(repo.snapshots()).isEmpty();
        }
    }

    /**
     * Slots the storage account plants, without a password: copies of the real one with fresh salts and the fewest
     * iterations, each tried before it (cheapest first), each a key derivation, silently; 2,000 made `snapshots` take 42 s
     * of CPU (a tester's). A command tries 32 at most, and says when more than 8 failed before the one that opened (§3).
     */
    @Test
    void plantedKeySlotsAreTriedAtMost32AndSaid() throws Exception {
        Path dir = tmp.resolve("repo");
        Repository.init(new org.opsledger.vault.backend.LocalBackend(dir), TestTrees.PASSWORD, 2 * TestTrees.FAST_KDF, "test").close();
        String real;
        try (Stream<Path> slots = Files.list(dir.resolve("keys"))) {
            real = Files.readString(slots.findFirst().orElseThrow());
        }
        String slotId;
        try (Repository repo = TestTrees.open(dir)) {
            slotId = repo.keySlotInUse();
        }
        var random = new java.security.SecureRandom();
        for (int i = 0; i < 10; i++) {
            byte[] salt = new byte[16];
            random.nextBytes(salt);
            Files.writeString(dir.resolve("keys/" + String.format("%032x", i)), real
                    .replaceFirst("\"iterations\":\\d+", "\"iterations\":" + TestTrees.FAST_KDF)
                    .replaceFirst("\"salt\":\"[^\"]*\"", "\"salt\":\"" + java.util.Base64.getEncoder().encodeToString(salt) + "\""));
        }
        List<String> said = new ArrayList<>();
        try (Repository repo = TestTrees.open(dir)) {
            repo.onNotice(said::add);
            assertThat(repo.keySlotInUse()).isEqualTo(slotId);
        }
        assertThat(said).containsExactly("10 key slots of " + dir + " were tried before " + slotId.substring(0, 8) + " opened with this"
                + " password, each costing every command a key derivation: remove those that are not its operators' (`vault check`"
                + " names the slots no journal entry records; `vault key remove ID`), or have it tried alone:"
                + " OPSLEDGER_VAULT_KEY_SLOT=" + slotId + " (or --key-slot)");
        for (int i = 10; i < 32; i++) {
            Files.copy(dir.resolve("keys/" + String.format("%032x", i % 10)), dir.resolve("keys/" + String.format("%032x", i)));
        }
        assertThatThrownBy(() -> TestTrees.open(dir)).isInstanceOf(VaultException.class)
                .hasMessage("none of the 32 key slots of " + dir + " tried (cheapest first) opens with this password, and 1 more are left"
                        + " untried: a command tries at most 32, as a slot is plaintext that anyone able to write to the store can add;"
                        + " remove from its keys/ the slots that are not its operators' (planted ones are copies written after the"
                        + " repository's own), or name the slot of this password (--key-slot or OPSLEDGER_VAULT_KEY_SLOT ID), or check"
                        + " the password");
    }

    /**
     * The slot named (its whole ID, or a prefix only it has) is the one slot read and tried: 40 planted ones, which refuse
     * every command that tries the slots, cheapest first, lock its operator out no longer. A prefix a planted slot shares,
     * a slot not there, and one the password does not open are each one line.
     */
    @Test
    void aNamedKeySlotIsTriedAloneAndThePlantedOnesAreNotRead() throws Exception {
        Path dir = tmp.resolve("repo");
        String slotId;
        try (Repository repo = TestTrees.newRepo(dir)) {
            slotId = repo.keySlotInUse();
        }
        String real = Files.readString(dir.resolve("keys/" + slotId));
        var random = new java.security.SecureRandom();
        for (int i = 0; i < 40; i++) {
            byte[] salt = new byte[16];
            random.nextBytes(salt);
            Files.writeString(dir.resolve("keys/" + String.format("%032x", i)), real
                    .replaceFirst("\"salt\":\"[^\"]*\"", "\"salt\":\"" + java.util.Base64.getEncoder().encodeToString(salt) + "\""));
        }
        assertThatThrownBy(() -> TestTrees.open(dir)).hasMessageStartingWith("none of the 32 key slots of " + dir);
        List<String> read = new ArrayList<>();
        java.util.function.Function<String, Repository> opening = slot -> Repository.open(
                new ForwardingBackend(new org.opsledger.vault.backend.LocalBackend(dir)) {
                    @Override
                    public byte[] read(String name) {
                        read.add(name);
                        return super.read(name);
                    }
                }, TestTrees.PASSWORD, slot);
        for (String named : List.of(slotId, slotId.substring(0, 8).toUpperCase(java.util.Locale.ROOT))) {
            read.clear();
            List<String> said = new ArrayList<>();
            try (Repository repo = opening.apply(named)) {
                repo.onNotice(said::add);
                assertThat(repo.keySlotInUse()).isEqualTo(slotId);
                assertThat(repo.snapshots()).isEmpty();
            }
            assertThat(read).filteredOn(n -> n.startsWith("keys/")).as(named).containsExactly("keys/" + slotId);
            assertThat(said).isEmpty();
        }
        Files.writeString(dir.resolve("keys/" + slotId.substring(0, 8) + "0".repeat(24)), real); // beside it, sharing its prefix
        Files.writeString(dir.resolve("keys/" + slotId.toUpperCase(java.util.Locale.ROOT)), real); // its whole ID, in upper case
        assertThatThrownBy(() -> opening.apply(slotId.substring(0, 8))).isInstanceOf(VaultException.class)
                .hasMessage("the key slot prefix " + slotId.substring(0, 8) + " (named by --key-slot or OPSLEDGER_VAULT_KEY_SLOT) begins 3"
                        + " slots of " + dir + ": give the slot's whole ID (32 hex digits: `vault key list --json`)");
        try (Repository repo = opening.apply(slotId)) {
            assertThat(repo.keySlotInUse()).as("the whole ID is no prefix").isEqualTo(slotId);
        }
        assertThatThrownBy(() -> opening.apply("feedface")).isInstanceOf(VaultException.class)
                .hasMessage("no key slot feedface in the keys/ of " + dir + " (named by --key-slot or OPSLEDGER_VAULT_KEY_SLOT): give the ID"
                        + " of a slot there (its whole ID, or a prefix of at least 4 hex digits), or unset it");
        String planted = String.format("%032x", 7);
        assertThatThrownBy(() -> opening.apply(planted)).isInstanceOf(WrongPasswordException.class)
                .hasMessage("wrong password: key slot " + planted + " of " + dir + ", named by --key-slot or OPSLEDGER_VAULT_KEY_SLOT, does"
                        + " not open with it: check the password, or the slot named (unset, every slot is tried)");
        Files.writeString(dir.resolve("keys/" + planted), real.replace("pbkdf2-hmac-sha256", "scrypt"));
        assertThatThrownBy(() -> opening.apply(planted)).isInstanceOf(VaultException.class)
                .hasMessage("key slot " + planted + " of " + dir + ", named by --key-slot or OPSLEDGER_VAULT_KEY_SLOT, is unreadable:"
                        + " unknown KDF \"scrypt\"; name another slot, or unset it");
    }

    /** 1,500 foreign objects under data/ of a shared bucket made one warning line of 33 KB (a tester's): ten are named, the rest counted. */
    @Test
    void manyForeignFilesAreNamedTenAndCounted() throws Exception {
        Path repoDir = tmp.resolve("repo");
        TestTrees.newRepo(repoDir).close();
        Path foreign = Files.createDirectories(repoDir.resolve("data/0"));
        for (int i = 0; i < 25; i++) {
            Files.writeString(foreign.resolve(String.format("foreign-%05d", i)), "x");
        }
        try (Repository repo = TestTrees.open(repoDir)) {
            String warning = new Checker(repo, 2).check(0).warnings().stream().filter(w -> w.contains("not named as packs")).findFirst().orElseThrow();
            assertThat(warning).startsWith("25 file(s) under data/ not named as packs, not the vault's (left alone): data/0/foreign-")
                    .endsWith(" and 15 more");
            assertThat(java.util.regex.Pattern.compile("data/0/foreign-").matcher(warning).results().count()).isEqualTo(10);
        }
    }

    @Test
    void checkNamesFilesTheVaultDidNotWriteAndPruneAndRetireLeaveThemAlone() throws Exception {
        Path repoDir = tmp.resolve("repo");
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("a.txt"), "quarterly numbers\n".repeat(1_000));
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            TestTrees.backup(repo, data);
        }
        Path packDir;
        try (Stream<Path> dirs = Files.list(repoDir.resolve("data"))) {
            packDir = dirs.findFirst().orElseThrow();
        }
        Path note = Files.writeString(packDir.resolve("notes.txt"), "an operator's note");
        String noteName = "data/" + packDir.getFileName() + "/notes.txt";
        Files.writeString(repoDir.resolve("snapshots/README"), "not a snapshot");
        Files.writeString(repoDir.resolve("index/zz"), "not an index");

        try (Repository repo = TestTrees.open(repoDir)) {
            CheckResult r = new Checker(repo, 2).check(100); // names each one, and still checks the rest
            assertThat(r.errors()).containsExactlyInAnyOrder(
                    "index/zz is not named by a 64-digit hex ID (not written by the vault)",
                    "snapshots/README is not named by a 64-digit hex ID (not written by the vault)");
            assertThat(r.warnings()).contains("1 file(s) under data/ not named as packs, not the vault's (left alone): " + noteName);
            assertThat(r.snapshots()).isEqualTo(1);
            assertThat(r.packsRead()).isEqualTo(r.packs()).isPositive();
            Repository.SnapshotListing listing = repo.listSnapshots();
            assertThat(listing.readable()).hasSize(1);
            assertThat(listing.unreadable()).containsExactly("snapshots/README: not named by a snapshot ID (not written by the vault)");
            assertThat(repo.findSnapshot("latest")).as("no snapshot's file: it blocked 'latest' for good (a helper's)").isNotNull();
        }

        Files.delete(repoDir.resolve("snapshots/README"));
        Files.delete(repoDir.resolve("index/zz"));
        try (Repository repo = TestTrees.open(repoDir)) {
            new Pruner(repo).prune(); // deletes the packs no index names: never a file that is not a pack
            new KeyEpochs(repo).rotate();
            new KeyEpochs(repo).retire(1); // deletes unindexed packs of the retired epoch: not this either
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
        }
        assertThat(note).hasContent("an operator's note");
    }

    /**
     * What a sync tool or a Finder leaves in snapshots/ (.DS_Store, rsync's .~tmp~/): forget and prune sent the operator to
     * `vault repair`, which left it in place, not the vault's, and forget and prune stayed stopped (a tester's loop). They
     * say what repair says now, naming the file where it is: move or delete it.
     */
    @Test
    void aSyncToolsLeftoverInSnapshotsStopsForgetAndPruneNamingItNotSendingToRepair() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("a.bin"), TestTrees.random(5, 100_000));
        Path repoDir = tmp.resolve("repo");
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            TestTrees.backup(repo, data);
        }
        Files.writeString(repoDir.resolve("snapshots/.DS_Store"), "junk");
        try (Repository repo = TestTrees.open(repoDir)) {
            String stopped = repoDir + "/snapshots/.DS_Store is not named by a snapshot ID, not the vault's: forget and prune stay"
                    + " stopped until it is moved out of snapshots/ (move or delete it; `vault repair` leaves it in place)";
            assertThatThrownBy(() -> new Pruner(repo).prune()).hasMessage(stopped);
            assertThatThrownBy(() -> new Forgetter(repo, ZoneOffset.UTC).forget(new RetentionPolicy(1, null, 0, 0, 0, 0), Instant.now()))
                    .hasMessage(stopped);
            assertThat(new Repairer(repo, 2).repair(0, true).files()).containsExactly(new RepairResult.DamagedFile("snapshots/.DS_Store",
                    "not named by a snapshot ID", null, "left in place, not the vault's: forget and prune stay stopped until it is moved out of snapshots/"));
        }
    }

    /**
     * Another repository's snapshot and journal files copied in (their names are their SHA-256: no password needed): check
     * reported them and sent the operator to repair, which said "nothing to repair"; forget, prune and key retire stayed
     * stopped (a helper's loop). Repair moves them to damaged/ now, and the rest runs again.
     */
    @Test
    void anotherRepositorysSnapshotAndJournalFilesAreMovedAsideByRepair() throws Exception {
        Path repoDir = tmp.resolve("repo");
        Path otherDir = tmp.resolve("other");
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("a.txt"), "quarterly numbers\n".repeat(1_000));
        try (Repository repo = TestTrees.newRepo(repoDir); Repository other = TestTrees.newRepo(otherDir)) {
            TestTrees.backup(repo, data);
            TestTrees.backup(other, data);
            new org.opsledger.vault.journal.Journal(other).record(org.opsledger.vault.journal.JournalEntry.of(
                    org.opsledger.vault.journal.JournalEntry.Operation.BACKUP, org.opsledger.vault.journal.JournalEntry.Outcome.OK,
                    java.time.Instant.now(), List.of("/data"), List.of(), false, 0, "the other's"));
        }
        List<String> foreign = new ArrayList<>();
        for (String dir : List.of("snapshots", "journal")) {
            try (Stream<Path> files = Files.list(otherDir.resolve(dir))) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(f, Files.createDirectories(repoDir.resolve(dir)).resolve(f.getFileName()));
                    foreign.add(dir + "/" + f.getFileName());
                }
            }
        }
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(new Checker(repo, 2).check(0).errors()).hasSize(2);
            new KeyEpochs(repo).rotate();
            long packs = new org.opsledger.vault.backend.LocalBackend(repoDir).list("data").size();
            assertThatThrownBy(() -> new KeyEpochs(repo).retire(1)).hasMessageStartingWith("key retire needs every snapshot, hold and"
                    + " journal file to read, and snapshots/").hasMessageEndingWith("(and 1 more): `vault repair` takes such files out of"
                    + " use; nothing was retired");
            assertThat(new org.opsledger.vault.backend.LocalBackend(repoDir).list("data")).as("no pack written again first").hasSize((int) packs);
            RepairResult r = new Repairer(repo, 2).repair(0, false);
            assertThat(r.files()).extracting(RepairResult.DamagedFile::name).containsExactlyInAnyOrderElementsOf(foreign);
            assertThat(r.files()).allSatisfy(f -> assertThat(f.problem()).startsWith("does not open with this repository's keys"));
        }
        for (String f : foreign) {
            assertThat(repoDir.resolve(f)).doesNotExist();
            assertThat(repoDir.resolve("damaged").resolve(f)).exists();
        }
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(new Checker(repo, 2).check(0).errors()).isEmpty();
            new Pruner(repo).prune();
            // what repair kept is the operator's to inspect and delete: a retirement never leaves a file of its epoch there
            assertThatThrownBy(() -> new KeyEpochs(repo).retire(1)).hasMessageStartingWith("2 file(s) in damaged/");
            TestTrees.deleteTree(repoDir.resolve("damaged"));
            new KeyEpochs(repo).retire(1);
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
        }
    }

    /** A repository whose one snapshot, of one file, is held for M-1. */
    private Path repositoryOfOneHeldFile() throws Exception {
        Path repoDir = tmp.resolve("repo");
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("a.txt"), "a");
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            repo.hold(TestTrees.backup(repo, data), "M-1", "legal");
        }
        return repoDir;
    }

    /** A stray large file is refused unread, naming it: not every command out of memory (helper's adversarial run: 100 MB). */
    @Test
    void aFileTooLargeToBeWhatTheVaultWroteThereIsRefusedUnreadAndStopsNothingElse() throws Exception {
        Path repoDir = repositoryOfOneHeldFile();
        byte[] large = new byte[100 * 1024];
        Files.write(repoDir.resolve("keys/zz"), large); // beside the real slot
        Path lock = Files.write(repoDir.resolve("locks/" + "a".repeat(64)), large);
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(repo.keySlots()).filteredOn(k -> k.id().equals("zz")).singleElement()
                    .extracting(Repository.KeySlotInfo::problem).asString()
                    .isEqualTo("keys/zz is 100.00 KiB, more than the vault reads whole there (64.00 KiB): damaged, or not the vault's");
            assertThat(repo.locks().unlock(false)).as("unlock removes what it cannot read").singleElement().asString()
                    .contains("unreadable (locks/" + "a".repeat(64) + " is ");
            assertThat(lock).doesNotExist();
        }
        assertThat(Largest.of("snapshots/" + "0".repeat(64))).as("a sealed file: a quarter of the heap, at least 16 MiB")
                .isEqualTo(Math.max(Largest.SEALED_FLOOR, Runtime.getRuntime().maxMemory() / 4));
        Files.write(repoDir.resolve("config"), large);
        assertThatThrownBy(() -> TestTrees.open(repoDir)).hasMessage("config is 100.00 KiB, more than the vault reads whole there"
                + " (64.00 KiB): damaged, or not the vault's");
    }

    /** An emptied or foreign hold record or index file is named, with what mends it, never a bare exception's name. */
    @Test
    void aDamagedHoldRecordOrIndexFileIsNamedWithWhatMendsIt() throws Exception {
        Path repoDir = repositoryOfOneHeldFile();
        Files.writeString(repoDir.resolve("holds/zz"), "x\n");
        try (Repository repo = TestTrees.open(repoDir)) {
            Repository.HoldListing listing = repo.listHolds();
            assertThat(listing.holds()).hasSize(1);
            assertThat(listing.unreadable()).containsExactly("holds/zz is 2 bytes, too short to be sealed (damaged, or not the vault's)");
            assertThatThrownBy(repo::holds).as("forget cannot know what it holds").hasMessageStartingWith("hold record holds/zz is 2 bytes");
        }
        Path index;
        try (Stream<Path> files = Files.list(repoDir.resolve("index"))) {
            index = files.findFirst().orElseThrow();
        }
        Files.write(index, new byte[0]);
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThatThrownBy(repo::index).hasMessage("the index cannot be read: index/" + index.getFileName() + " is 0 bytes, too short"
                    + " to be sealed (damaged, or not the vault's); `vault check` names what else is damaged, `vault repair` writes the"
                    + " index again from the packs");
        }
    }

    /**
     * Lock files that do not read are ignored, so prune still deletes condemned packs. One refreshed ahead of this clock
     * counts as running, though (it was ignored, and a prune deleted the packs a backup on a host whose clock ran ahead
     * then referenced: a helper's): prune waits, check names it, unlock removes it. One whose holder has no table is no
     * lock either: it stopped backup, prune, check and unlock itself with "Cannot invoke String.equals" (a helper's).
     */
    @Test
    void lockFilesNoProcessKeepsAreIgnoredSoPruneStillDeletesCondemnedPacks() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.write(data.resolve("old.bin"), TestTrees.random(1, 300_000));
        Path repoDir = tmp.resolve("repo");
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            TestTrees.backup(repo, data);
            Files.delete(data.resolve("old.bin"));
            TestTrees.fullBackup(repo, data); // emptied on purpose: an incremental of it is refused (a mount not there)
            new Forgetter(repo, ZoneOffset.UTC).forget(new RetentionPolicy(null, 1, 0, 0, 0), Instant.now());
        }
        Path locks = repoDir.resolve("locks");
        Files.writeString(locks.resolve("forever"), // a backup "started" in 1970 and "refreshed" in 3000
                "{\"kind\":\"backup\",\"host\":\"x\",\"pid\":1,\"started\":\"1970-01-01T00:00:00Z\",\"refreshed\":\"3000-01-01T00:00:00Z\"}");
        Files.writeString(locks.resolve("incomplete"), "{\"pid\":1}");
        Files.writeString(locks.resolve("garbage"), "garbage");
        Files.writeString(locks.resolve("tableless"), "{\"kind\":\"backup\",\"host\":\"" + Repository.hostname() + "\",\"pid\":1,"
                + "\"started\":\"" + Instant.now() + "\",\"refreshed\":\"" + Instant.now() + "\",\"holder\":{\"uid\":0,\"startTick\":1}}");

        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(repo.locks().live()).extracting(LockRecord::host).containsExactly("x");
            assertThat(new Checker(repo, 2).check(0).warnings()).contains(
                    "lock file locks/forever: refreshed 3000-01-01T00:00:00Z, more than 5 minutes ahead of this clock: "
                            + "counted as running, so a prune deletes nothing it condemned meanwhile (`vault unlock` removes it)",
                    "lock file locks/incomplete: incomplete (kind, host, started and refreshed are required): "
                            + "not counted as a running backup or prune (`vault unlock` removes it)",
                    "lock file locks/tableless: incomplete (its holder has no table): "
                            + "not counted as a running backup or prune (`vault unlock` removes it)");
            PruneResult r = new Pruner(repo).prune();
            assertThat(r.packsWaiting()).as("old.bin's pack, condemned: the backup from the future may still need it").isPositive();
            assertThat(r.packsDeleted()).isZero();
        }
        assertThat(locks.resolve("forever")).exists(); // left for the operator, as every unreadable lock file

        try (Repository repo = TestTrees.open(repoDir);
             var running = repo.lock("backup")) { // a live lock: unlock keeps it unless told otherwise
            Files.writeString(locks.resolve("stale"),
                    "{\"kind\":\"backup\",\"host\":\"gone\",\"pid\":7,\"started\":\"2026-01-01T00:00:00Z\",\"refreshed\":\"2026-01-01T00:01:00Z\"}");
            assertThat(repo.locks().unlock(false)).containsExactlyInAnyOrder(
                    "locks/forever: refreshed 3000-01-01T00:00:00Z, more than 5 minutes ahead of this clock",
                    "locks/incomplete: incomplete (kind, host, started and refreshed are required)",
                    "locks/tableless: incomplete (its holder has no table)",
                    "locks/garbage: unreadable (Unrecognized token 'garbage': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false'))",
                    "locks/stale: stale, backup on gone (pid 7), refreshed 2026-01-01T00:01:00Z");
            assertThat(repo.locks().live()).hasSize(1);
            assertThat(repo.locks().unlock(true)).singleElement().asString().contains(": live, backup on ");
            assertThat(repo.locks().live()).isEmpty();
        }
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(new Pruner(repo).prune().packsDeleted()).as("old.bin's pack, once nothing runs").isPositive();
        }
    }
}
