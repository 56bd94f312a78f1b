package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.archiver.Archiver;
import org.opsledger.vault.archiver.BackupProgress;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.crypto.KeySlot;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.index.Index;
import org.opsledger.vault.pack.BlobType;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.repository.RepositoryConfig;
import org.opsledger.vault.restorer.Restorer;

class FailureModesTest {

    @TempDir
    Path tmp;

    @Test
    void wrongPasswordIsOneLineAndLeavesTheRepositoryIntact() throws Exception {
        Path repoDir = tmp.resolve("repo");
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("a.txt"), "a");
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            TestTrees.backup(repo, data);
        }
        Map<String, String> before = TestTrees.describe(repoDir);
        assertThatThrownBy(() -> Vault.open(repoDir.toString(), "wrong".toCharArray()))
                .isInstanceOf(VaultException.class)
                .hasMessageStartingWith("wrong password")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(TestTrees.describe(repoDir)).isEqualTo(before);
    }

    /**
     * The repository moved (mv) while a backup ran: the failing backup made the old path again (its data/ and the journal
     * entry of its failure there), a skeleton beside the moved repository (a tester's). It fails saying so, and makes none.
     */
    @Test
    void aRepositoryMovedWhileABackupRunsIsNamedGoneAndNotMadeAgain() throws Exception {
        Path repoDir = tmp.resolve("repo");
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.write(data.resolve("a.bin"), TestTrees.random(3, 100_000));
        TestTrees.newRepo(repoDir).close();
        Path moved = tmp.resolve("moved");
        ForwardingBackend store = ForwardingBackend.hooked(repoDir, "data/", 1, () -> {
            try {
                Files.move(repoDir, moved);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try (Repository repo = Repository.open(store, TestTrees.PASSWORD)) {
            assertThatThrownBy(() -> TestTrees.backup(repo, data))
                    .hasMessageContaining("the repository " + repoDir + " is gone (moved or deleted while this command ran)");
        }
        assertThat(repoDir).doesNotExist();
        try (Repository repo = TestTrees.open(moved)) {
            assertThat(repo.snapshots()).isEmpty();
        }
    }

    @Test
    void missingRepositoryIsOneLine() {
        assertThatThrownBy(() -> Vault.open(tmp.resolve("nothing-here").toString(), TestTrees.PASSWORD))
                .isInstanceOf(VaultException.class)
                .hasMessage("no vault repository at " + tmp.resolve("nothing-here"));
        assertThat(Files.exists(tmp.resolve("nothing-here"))).isFalse();
    }

    @Test
    void initRefusesANonEmptyDirectoryAndAnExistingRepository() throws Exception {
        Files.createDirectories(tmp.resolve("busy"));
        Files.writeString(tmp.resolve("busy/file"), "x");
        assertThatThrownBy(() -> Vault.init(tmp.resolve("busy").toString(), TestTrees.PASSWORD, TestTrees.FAST_KDF, "a"))
                .hasMessageContaining("not an empty directory");
        assertThatThrownBy(() -> Vault.init(tmp.resolve("r").toString(), TestTrees.PASSWORD, 1000, "a"))
                .hasMessageContaining("between 100000 and 10000000, got 1000");
    }

    @Test
    void sameDeviceIsRefusedUnlessAllowed() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("a.txt"), "a");
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            assertThatThrownBy(() -> new Archiver(repo, new BackupProgress())
                    .backup(TestTrees.options(data).withAllowSameDevice(false)))
                    .isInstanceOf(VaultException.class)
                    .hasMessageContaining("same device")
                    .hasMessageContaining("IS.012 6.6.6");
            assertThat(repo.snapshots()).isEmpty();
            assertThat(repo.backend().list("locks")).as("the lock is released").isEmpty();
        }
    }

    @Test
    void aBackupOfAPathHoldingTheRepositoryLeavesTheRepositoryOutAndOfTheRepositoryItselfIsRefused() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("srv"));
        Files.writeString(data.resolve("a.txt"), "a");
        try (Repository repo = TestTrees.newRepo(data.resolve("backups/repo"))) {
            BackupProgress progress = new BackupProgress();
            var snap = new Archiver(repo, progress).backup(TestTrees.options(data));
            var srv = repo.loadTree(snap.snapshot().tree()).nodes().getFirst();
            var inSrv = repo.loadTree(srv.subtree()).nodes();
            assertThat(inSrv).extracting(n -> n.name()).containsExactly("a.txt", "backups");
            assertThat(repo.loadTree(inSrv.get(1).subtree()).nodes()).as("backups/ without its repo/").isEmpty();
            assertThat(progress.repositoryLeftOut()).isEqualTo(data.resolve("backups/repo"));
            assertThat(progress.warnings()).isEmpty();

            assertThatThrownBy(() -> new Archiver(repo, new BackupProgress()).backup(TestTrees.options(data.resolve("backups/repo"))))
                    .isInstanceOf(VaultException.class).hasMessageContaining("is the repository itself");
            assertThatThrownBy(() -> new Archiver(repo, new BackupProgress()).backup(TestTrees.options(data.resolve("backups/repo/data"))))
                    .as("nor a directory of it").isInstanceOf(VaultException.class)
                    .hasMessage(data.resolve("backups/repo/data") + " is inside the repository " + data.resolve("backups/repo")
                            + "; `vault copy` copies snapshots to another repository");
            assertThat(repo.snapshots()).hasSize(1);
        }
    }

    @Test
    void aRestoreIntoTheRepositoryIsRefusedAlsoThroughASymlinkAndWritesNothing() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("a.txt"), "a");
        Path link = Files.createSymbolicLink(tmp.resolve("link-to-repo"), tmp.resolve("repo"));
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            var snap = TestTrees.backup(repo, data);
            List<String> before = repo.backend().list("");
            for (Path target : List.of(tmp.resolve("repo/restored"), link.resolve("x/y"), tmp.resolve("repo"))) {
                assertThatThrownBy(() -> new Restorer(repo, 2).restore(snap, target, List.of(), false))
                        .isInstanceOf(VaultException.class).hasMessageContaining("is inside the repository");
            }
            assertThat(repo.backend().list("")).isEqualTo(before);
            assertThat(tmp.resolve("repo/restored")).doesNotExist();
            assertThat(new Restorer(repo, 2).restore(snap, tmp.resolve("repository-restored"), List.of(), true).ok()).isTrue();
        }
    }

    /**
     * A file whose blob the index does not place (an index file lost to a disk, a pack deleted by hand) fails the
     * restore while it is planned, before anything is written: it failed halfway, after every file was created empty.
     */
    @Test
    void aRestoreOfAFileWhoseBlobTheIndexLacksFailsBeforeWritingAnything() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("a.txt"), "a");
        Files.writeString(data.resolve("b.txt"), "b");
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            var snap = TestTrees.backup(repo, data);
            Index index = repo.freshIndex();
            ObjectId dataPack = index.entries().values().stream().filter(e -> e.type() == BlobType.DATA).findFirst().orElseThrow().pack();
            try (org.opsledger.vault.repository.SharedLock lock = repo.lock("prune")) {
                repo.replaceIndex(lock, index, java.util.Set.of(dataPack), repo.backend().list("index"));
            }
        }
        try (Repository repo = TestTrees.open(tmp.resolve("repo"))) {
            assertThatThrownBy(() -> new Restorer(repo, 2).restore(repo.findSnapshot("latest"), tmp.resolve("out"), List.of(), true))
                    .isInstanceOf(VaultException.class).hasMessageMatching("data/a\\.txt: blob [0-9a-f]{8} is not in the index");
        }
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void aFailingStreamCommandLeavesNoSnapshot() throws Exception {
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            assertThatThrownBy(() -> new Archiver(repo, new BackupProgress()).backupStream(
                    new java.io.ByteArrayInputStream(TestTrees.text(1, 100_000)), "dump.sql",
                    TestTrees.options(), () -> {
                        throw new VaultException("command exited with status 3");
                    })).hasMessageContaining("status 3");
            assertThat(repo.snapshots()).isEmpty();
            assertThat(repo.backend().list("data")).isEmpty(); // nothing written before the command's status is known
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
            var ok = new Archiver(repo, new BackupProgress()).backupStream(
                    new java.io.ByteArrayInputStream(TestTrees.text(1, 100_000)), "dump.sql", TestTrees.options(), () -> { });
            assertThat(repo.snapshots()).hasSize(1);
            assertThat(repo.backend().list("index")).hasSize(1); // the data's pack and the tree's under one index file, not two (a helper's)
            assertThat(ok.snapshot().kind().json()).isEqualTo("stdin");
        }
    }

    /**
     * A store that refuses a pack while a dump program still runs: the backup went on reading the dump for as long as the
     * program ran (10 minutes for a helper's, blocked on a pipe the failure could not interrupt). What feeds the stream
     * is now ended as soon as a pack is refused, and the backup fails then.
     */
    @Test
    void aStreamBackupWhosePackTheStoreRefusesEndsWhatFeedsIt() throws Exception {
        Path dir = tmp.resolve("repo");
        TestTrees.newRepo(dir).close();
        ForwardingBackend refusing = new ForwardingBackend(new org.opsledger.vault.backend.LocalBackend(dir)) {
            @Override
            public void write(String name, byte[] data, int off, int len) {
                if (name.startsWith("data/")) {
                    throw new org.opsledger.vault.backend.BackendException("cannot write " + name + ": the store refused it");
                }
                super.write(name, data, off, len);
            }
        };
        java.io.PipedInputStream dump = new java.io.PipedInputStream(1 << 20);
        java.io.PipedOutputStream program = new java.io.PipedOutputStream(dump);
        Thread feeder = new Thread(() -> {
            try {
                program.write(TestTrees.random(7, 20_000_000)); // more than a pack, then the program pauses, as pg_dump may
                Thread.sleep(600_000);
            } catch (java.io.IOException | InterruptedException ended) {
                // ended by the backup
            }
        });
        feeder.start();
        java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
        try (Repository repo = Repository.open(refusing, TestTrees.PASSWORD)) {
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () ->
                    assertThatThrownBy(() -> new Archiver(repo, new BackupProgress()).backupStream(dump, "db.dump", TestTrees.options(),
                            () -> { }, () -> {
                                ended.set(true);
                                feeder.interrupt(); // the program ends: its pipe's reader sees it end (or break)
                            })).hasMessageContaining("the store refused it"));
        } finally {
            feeder.interrupt();
        }
        assertThat(ended).isTrue();
        try (Repository repo = TestTrees.open(dir)) {
            assertThat(repo.snapshots()).isEmpty();
        }
    }

    /**
     * A restore worker that runs out of memory ends the restore as the main thread would (the CLI's one out-of-memory line,
     * exit 4, the launcher's retry), not as "restore failed: java.lang.OutOfMemoryError: Java heap space", exit 1 (a helper's).
     */
    @Test
    void aRestoreWorkerOutOfMemoryEndsTheRestoreOutOfMemory() throws Exception {
        Path dir = tmp.resolve("repo");
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        try (Repository repo = TestTrees.newRepo(dir)) {
            TestTrees.backup(repo, data);
        }
        ForwardingBackend full = new ForwardingBackend(new org.opsledger.vault.backend.LocalBackend(dir)) {
            @Override
            public byte[] readRange(String name, long offset, int length) {
                throw new OutOfMemoryError("Java heap space"); // as a worker's allocation in a full heap
            }

            @Override
            public void readRange(String name, long offset, int length, byte[] into) {
                throw new OutOfMemoryError("Java heap space");
            }
        };
        try (Repository repo = Repository.open(full, TestTrees.PASSWORD)) {
            assertThatThrownBy(() -> new org.opsledger.vault.restorer.Restorer(repo, 2).restore(repo.findSnapshot("latest"),
                    tmp.resolve("out"), List.of(), false)).isInstanceOf(OutOfMemoryError.class);
        }
    }

    @Test
    void aLargeStreamIsChunkedInOrderAcrossTheWorkersAndRestoresByteForByte() throws Exception {
        java.io.ByteArrayOutputStream dump = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 6; i++) { // 6 × (2 MB text + 2 MB random): many chunks, compressible and not
            dump.write(TestTrees.text(i, 2_000_000));
            dump.write(TestTrees.random(100 + i, 2_000_000));
        }
        byte[] bytes = dump.toByteArray();
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            var snap = new Archiver(repo, new BackupProgress()).backupStream(new java.io.ByteArrayInputStream(bytes), "db.dump",
                    TestTrees.options(), () -> { });
            var node = repo.loadTree(snap.snapshot().tree()).nodes().getFirst();
            assertThat(node.content().size()).isGreaterThan(12);
            assertThat(new Restorer(repo, 2).restore(snap, tmp.resolve("out"), List.of(), true).ok()).isTrue();
            assertThat(Files.readAllBytes(tmp.resolve("out/db.dump"))).isEqualTo(bytes);
            assertThat(new Checker(repo, 2).check(100).ok()).isTrue();
        }
    }

    @Test
    void keySlotsOpenWithTheirOwnPasswordAndTheOneInUseCannotBeRemoved() throws Exception {
        Path repoDir = tmp.resolve("repo");
        String second;
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            second = repo.addKeySlot("second operator".toCharArray(), TestTrees.FAST_KDF, "ops-2");
            assertThat(repo.keySlots()).hasSize(2);
        }
        try (Repository repo = Vault.open(repoDir.toString(), "second operator".toCharArray())) {
            String first = repo.keySlots().stream().filter(s -> !s.id().equals(second)).findFirst().orElseThrow().id();
            repo.removeKeySlot(first);
            assertThatThrownBy(() -> repo.removeKeySlot(second)).hasMessage("refusing to remove key slot " + second.substring(0, 8)
                    + ": its password opened the repository for this command, and it is the one slot known to open it; remove it with"
                    + " the password of a slot that stays");
        }
        assertThatThrownBy(() -> TestTrees.open(repoDir)).hasMessageStartingWith("wrong password");
    }

    /**
     * Two operators removed each other's slot at once (alice with her password bob's, bob with his alice's): each kept the
     * slot it had opened with, as it had read the slots, both said "removed", and no slot was left: no password opened the
     * repository again (a helper's). The slots are read again under the lock, and the second removal is refused.
     */
    @Test
    void twoOperatorsRemovingEachOthersSlotLeaveOneThatOpens() throws Exception {
        Path repoDir = tmp.resolve("repo");
        String bob = newRepoWithBob(repoDir);
        String alice;
        try (Repository asAlice = TestTrees.open(repoDir); Repository asBob = Vault.open(repoDir.toString(), "bob's password".toCharArray())) {
            alice = asAlice.keySlots().stream().filter(s -> !s.id().equals(bob)).findFirst().orElseThrow().id();
            asAlice.removeKeySlot(bob);
            assertThatThrownBy(() -> asBob.removeKeySlot(alice)).hasMessage("refusing to remove key slot " + alice.substring(0, 8)
                    + ": key slot " + bob.substring(0, 8) + ", whose password opened the repository for this command, was removed"
                    + " meanwhile, and no other slot is known to open it; nothing was removed: `vault key list` lists the slots left");
        }
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(repo.keySlots()).extracting(Repository.KeySlotInfo::id).containsExactly(alice);
        }
    }

    /**
     * A build before the key-command lock (745e6a54) takes none for `key remove` and reads nothing again: on another host,
     * with bob's password, it removed alice's slot while she removed bob's, and no slot was left (h4's repro-1). Hers, whose
     * bytes this command read, is written back, and the removal says so and fails.
     */
    @Test
    void aRemovalThatAnOlderBuildsLeftWithNoSlotWritesItsOwnBack() throws Exception {
        Path repoDir = tmp.resolve("repo");
        String bob = newRepoWithBob(repoDir);
        String alice;
        try (Repository repo = TestTrees.open(repoDir)) {
            alice = repo.keySlotInUse();
        }
        // the older build's removal of alice's slot, between this removal's read of the slots and its delete of bob's
        ForwardingBackend store = ForwardingBackend.hooked(repoDir, "keys/", 1,
                () -> new org.opsledger.vault.backend.LocalBackend(repoDir).delete("keys/" + alice));
        try (Repository asAlice = Repository.open(store, TestTrees.PASSWORD)) {
            assertThatThrownBy(() -> asAlice.removeKeySlot(bob)).hasMessage("key slot " + bob.substring(0, 8) + " was removed, and"
                    + " meanwhile another command removed key slot " + alice.substring(0, 8) + ", whose password opened the repository"
                    + " for this command, which left no slot: it was written back and opens the repository; a host runs a build"
                    + " without the key-command lock: upgrade it (docs/operations.md, \"Format\")");
        }
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(repo.keySlots()).extracting(Repository.KeySlotInfo::id).containsExactly(alice);
            assertThat(repo.keySlotInUseLabelVerified()).isTrue();
        }
    }

    /** An operator whose slot was removed while his `key add` was under way adds none (a re-tester's, with strace). */
    @Test
    void aKeyAddOfAnOperatorWhoseSlotWasRemovedMeanwhileAddsNone() throws Exception {
        Path repoDir = tmp.resolve("repo");
        String bob = newRepoWithBob(repoDir);
        try (Repository asAlice = TestTrees.open(repoDir); Repository asBob = Vault.open(repoDir.toString(), "bob's password".toCharArray())) {
            asAlice.removeKeySlot(bob);
            assertThatThrownBy(() -> asBob.addKeySlot("bob again".toCharArray(), TestTrees.FAST_KDF, "bob-again")).hasMessage(
                    "refusing to add a key slot: key slot " + bob.substring(0, 8) + ", whose password opened the repository for this"
                            + " command, was removed meanwhile; nothing was added");
            assertThat(asAlice.keySlots()).hasSize(1);
        }
    }

    /** A slot's removal runs alone, as a key retirement does: beside another's removal, or a backup, it is refused. */
    @Test
    void aKeySlotsRemovalRunsAlone() throws Exception {
        Path repoDir = tmp.resolve("repo");
        String bob = newRepoWithBob(repoDir);
        try (Repository removing = TestTrees.open(repoDir); Repository other = TestTrees.open(repoDir)) {
            try (var lock = other.lock("key remove")) {
                assertThatThrownBy(() -> removing.removeKeySlot(bob)).hasMessageStartingWith("a key remove on ")
                        .hasMessageEndingWith(" is working in the repository, and a key remove runs alone: run it again when nothing else runs");
                assertThatThrownBy(() -> removing.addKeySlot("carol's password".toCharArray(), TestTrees.FAST_KDF, "carol"))
                        .hasMessageEndingWith(" runs alone in the repository: key add when it has finished");
            }
            try (var lock = other.lock("backup")) {
                assertThatThrownBy(() -> removing.removeKeySlot(bob)).hasMessageStartingWith("a backup on ")
                        .hasMessageEndingWith(" is working in the repository, and a key remove runs alone: run it again when nothing else runs");
            }
            assertThat(removing.keySlots()).hasSize(2);
            removing.removeKeySlot(bob);
            assertThat(removing.keySlots()).hasSize(1);
            assertThat(repoDir.resolve("locks")).isEmptyDirectory();
        }
    }

    /** A new repository of two slots: the test password's and bob's, whose ID it returns. */
    private static String newRepoWithBob(Path repoDir) {
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            return repo.addKeySlot("bob's password".toCharArray(), TestTrees.FAST_KDF, "bob");
        }
    }

    /** A slot added beside a disposal was written after the disposal destroyed the slots it listed: it is refused. */
    @Test
    void aKeySlotIsNotAddedBesideADisposal() throws Exception {
        Path repoDir = tmp.resolve("repo");
        TestTrees.newRepo(repoDir).close();
        try (Repository adding = TestTrees.open(repoDir); Repository disposing = TestTrees.open(repoDir); var lock = disposing.lock("dispose")) {
            assertThatThrownBy(() -> adding.addKeySlot("carol's password".toCharArray(), TestTrees.FAST_KDF, "carol"))
                    .hasMessageStartingWith("a dispose on ").hasMessageEndingWith(" runs alone in the repository: key add when it has finished");
            assertThat(adding.keySlots()).hasSize(1);
        }
    }

    /**
     * A helper copied another repository's key slot into keys/ (write access to the store, no password): two well-formed
     * slots, and `key remove` of the real one went through, leaving none that opens the repository. The slot in use is
     * refused now, whatever else keys/ holds.
     */
    @Test
    void aSlotFromAnotherRepositoryDoesNotLetTheOneInUseGo() throws Exception {
        Path repoDir = tmp.resolve("repo");
        Path other = tmp.resolve("other");
        TestTrees.newRepo(repoDir).close();
        try (Repository o = Vault.init(other.toString(), "other password".toCharArray(), TestTrees.FAST_KDF, "other")) {
            assertThat(o.keySlots()).hasSize(1);
        }
        try (var files = Files.list(other.resolve("keys"))) {
            Path foreign = files.findFirst().orElseThrow();
            Files.copy(foreign, repoDir.resolve("keys").resolve(foreign.getFileName()));
        }
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(repo.keySlots()).hasSize(2).allMatch(s -> s.problem() == null);
            String real = repo.keySlots().stream().filter(s -> !Files.exists(other.resolve("keys").resolve(s.id()))).findFirst()
                    .orElseThrow().id();
            assertThatThrownBy(() -> repo.removeKeySlot(real)).hasMessageContaining("its password opened the repository");
        }
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(repo.keySlots()).hasSize(2);
        }
    }

    @Test
    void keySlotFilesSomeoneElseWroteAreNeverTriedAndCanBeRemoved() throws Exception {
        // IS.012 6.6.8: key slots are the plaintext part of a repository; anyone able to write to its store can add one
        Path repoDir = tmp.resolve("repo");
        TestTrees.newRepo(repoDir).close();
        Path keys = repoDir.resolve("keys");
        String real;
        try (var files = Files.list(keys)) {
            real = Files.readString(files.findFirst().orElseThrow());
        }
        Files.writeString(keys.resolve("00000garbage"), "{not json");
        Files.writeString(keys.resolve("00001nosalt"), "{\"kdf\":\"pbkdf2-hmac-sha256\",\"iterations\":600000}");
        Files.writeString(keys.resolve("00002costly"), real.replaceFirst("\"iterations\":\\d+", "\"iterations\":2000000000"));
        Files.writeString(keys.resolve("00003scrypt"), real.replace("pbkdf2-hmac-sha256", "scrypt"));

        try (Repository repo = TestTrees.open(repoDir)) { // the real slot still opens, without an hour of PBKDF2 first
            String realId = repo.keySlots().stream().filter(k -> k.problem() == null).findFirst().orElseThrow().id();
            assertThat(new Checker(repo, 2).check(0).warnings()).contains(
                    "key slot keys/00003scrypt is never tried: unknown KDF \"scrypt\" (`vault key remove 00003scrypt` removes it)");
            assertThat(repo.keySlots()).extracting(Repository.KeySlotInfo::id, s -> String.valueOf(s.problem()))
                    .containsExactlyInAnyOrder(
                            tuple("00000garbage", "not a key slot: Unexpected character ('n' (code 110)): was expecting double-quote to start property name"),
                            tuple("00001nosalt", "salt must be 16–64 bytes"),
                            tuple("00002costly", "PBKDF2 iterations must be between 100000 and 10000000, got 2000000000"),
                            tuple("00003scrypt", "unknown KDF \"scrypt\""),
                            tuple(realId, "null"));
            assertThatThrownBy(() -> repo.removeKeySlot(realId)).hasMessageContaining("its password opened the repository");
            repo.removeKeySlot("00002");
            assertThat(repo.keySlots()).hasSize(4);
            assertThatThrownBy(() -> repo.addKeySlot("x".toCharArray(), KeySlot.MAX_ITERATIONS + 1, "x"))
                    .hasMessageContaining("between 100000 and 10000000");
        }
        assertThatThrownBy(() -> Vault.open(repoDir.toString(), "wrong".toCharArray()))
                .hasMessageStartingWith("wrong password: no key slot of " + repoDir + " opens with it (skipped as unreadable: keys/00000garbage: not a key slot")
                .hasMessageContaining("keys/00001nosalt: salt must be")
                .hasMessageContaining("keys/00003scrypt: unknown KDF")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));

        Files.writeString(repoDir.resolve("config"), "<config/>");
        assertThatThrownBy(() -> TestTrees.open(repoDir)).isInstanceOf(VaultException.class)
                .hasMessage("the config of " + repoDir + " is not a vault repository's: it does not parse as the format says (it is not JSON)");
        // a plaintext config without an id: copy and dispose stopped with a NullPointerException, stats said "(ID null)" (a helper's)
        Files.writeString(repoDir.resolve("config"), "{\"version\":" + RepositoryConfig.VERSION + ",\"chunkMin\":1,\"chunkAvg\":2,\"chunkMax\":3,\"packSize\":4}");
        assertThatThrownBy(() -> TestTrees.open(repoDir)).isInstanceOf(VaultException.class)
                .hasMessage("the config of " + repoDir + " is not a vault repository's: it does not parse as the format says (no id)");
        Files.writeString(repoDir.resolve("config"), "{\"version\":" + RepositoryConfig.VERSION + ",\"id\":\"ab\"}");
        assertThatThrownBy(() -> TestTrees.open(repoDir)).isInstanceOf(VaultException.class)
                .hasMessage("the config of " + repoDir + " is not a vault repository's: it does not parse as the format says (no chunkMin)");
        Files.writeString(repoDir.resolve("config"), "{\"version\":\"x\",\"id\":\"ab\"}");
        assertThatThrownBy(() -> TestTrees.open(repoDir)).isInstanceOf(VaultException.class)
                .hasMessage("the config of " + repoDir + " is not a vault repository's: it does not parse as the format says (its field"
                        + " version is not of the type the format says)");
    }

    /**
     * A keyring that opens with the password but does not parse (no gearSeed, an empty data key, epochs of another type or
     * none) stopped every command with "Missing argument", "Empty key", Jackson's words or a NullPointerException, naming
     * no file (a helper's): the error names the keyring and what is wrong.
     */
    @Test
    void aKeyringThatOpensButDoesNotParseIsNamed() throws Exception {
        Path repoDir = tmp.resolve("repo");
        TestTrees.newRepo(repoDir).close();
        Path slot;
        try (var slots = Files.list(repoDir.resolve("keys"))) {
            slot = slots.findFirst().orElseThrow();
        }
        var keyringKey = org.opsledger.vault.crypto.Sealing.aesKey(KeySlot.parse(Files.readAllBytes(slot)).unwrap(TestTrees.PASSWORD).orElseThrow());
        byte[] sealed = Files.readAllBytes(repoDir.resolve("keyring"));
        String json = new String(org.opsledger.vault.crypto.Sealing.open(keyringKey, org.opsledger.vault.crypto.Sealing.Kind.KEYRING,
                sealed, 0, sealed.length), java.nio.charset.StandardCharsets.UTF_8);
        Map<String, String> whys = Map.of(
                json.replaceFirst("\"gearSeed\":\"[^\"]*\",?", ""), "idKey and gearSeed must be 32 bytes each",
                json.replaceFirst("\"1\":\"[^\"]*\"", "\"1\":\"\""), "the key of epoch 1 is not 32 bytes",
                json.replaceFirst("\"epochs\":\\{[^}]*}", "\"epochs\":\"x\""), "its field epochs is not of the type the format says",
                json.replaceFirst("\"epochs\":\\{[^}]*},?", ""), "no epochs");
        for (var e : whys.entrySet()) {
            Files.write(repoDir.resolve("keyring"), org.opsledger.vault.crypto.Sealing.seal(keyringKey, 0,
                    org.opsledger.vault.crypto.Sealing.Kind.KEYRING, e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            assertThatThrownBy(() -> TestTrees.open(repoDir)).as(e.getKey()).isInstanceOf(VaultException.class)
                    .hasMessageStartingWith("the keyring of " + repoDir + " does not parse as the format says (" + e.getValue() + "): it opened");
        }
        Files.write(repoDir.resolve("keyring"), sealed);
        TestTrees.open(repoDir).close();
    }

    /** A location meant for S3 but not spelled s3:// was a local path: S3://b/x, s3:/b/x, restic's s3:host/b/x each made a directory (a helper's). */
    @Test
    void aLocationStartingWithS3ColonThatIsNotS3SlashSlashIsRefused() {
        for (String location : List.of("S3://bkt/x", "s3:/bkt/x", "s3:s3.amazonaws.com/bkt/x", "S3:bkt")) {
            Path where = Path.of(location).toAbsolutePath();
            assertThatThrownBy(() -> Vault.init(location, TestTrees.PASSWORD, TestTrees.FAST_KDF, "x")).as(location)
                    .isInstanceOf(VaultException.class)
                    .hasMessage("the repository " + location + " is neither an S3 location nor meant as a local path: write an S3"
                            + " repository as s3://bucket/prefix (lower case, two slashes; the endpoint comes from"
                            + " OPSLEDGER_VAULT_S3_ENDPOINT), a local directory so named as ./" + location);
            assertThat(where).as("no local directory made").doesNotExist();
        }
    }
}
