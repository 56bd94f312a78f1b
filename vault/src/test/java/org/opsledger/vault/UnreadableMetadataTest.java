package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.backend.BackendException;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.checker.CheckResult;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.checker.RepairResult;
import org.opsledger.vault.checker.Repairer;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * A bad sector under an index file or a snapshot file: the local disk answers the read with an I/O error. check, repair,
 * recover, backup and prune all stopped on it ("cannot read …: Input/output error"), for good, where the same file with
 * one byte changed is damage that repair mends (a helper's, through a FUSE filesystem failing reads). Such a file is
 * damaged like any other: check names it, repair writes the index again from the packs and moves the snapshot file out
 * (its readable bytes kept under damaged/), and the rest of the repository works again.
 */
class UnreadableMetadataTest {

    @TempDir
    Path tmp;

    /** The local store at {@code dir}, whose reads of {@code failing} fail as a bad sector's do. */
    private static Repository withBadSectors(Path dir, Set<String> failing) {
        return Repository.open(new ForwardingBackend(new LocalBackend(dir)) {
            private void fail(String name) {
                if (failing.contains(name) && Files.exists(dir.resolve(name))) {
                    throw new BackendException("cannot read " + dir.resolve(name) + ": Input/output error",
                            new java.io.IOException("Input/output error"));
                }
            }

            @Override
            public byte[] read(String name) {
                fail(name);
                return super.read(name);
            }

            @Override
            public java.io.InputStream stream(String name) {
                fail(name);
                return super.stream(name);
            }
        }, TestTrees.PASSWORD);
    }

    @Test
    void anIndexOrSnapshotFileThatDoesNotReadIsDamageThatRepairMends() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("a.bin"), TestTrees.random(1, 300_000));
        Path dir = tmp.resolve("repo");
        SnapshotRef lost;
        SnapshotRef kept;
        try (Repository repo = TestTrees.newRepo(dir)) {
            lost = TestTrees.backup(repo, data);
            Files.write(data.resolve("b.bin"), TestTrees.random(2, 300_000));
            kept = TestTrees.fullBackup(repo, data);
            new org.opsledger.vault.journal.Journal(repo).record(org.opsledger.vault.journal.JournalEntry.decommission("db-1",
                    List.of("/srv"), List.of(), "decommissioned for CHG-7")); // the CLI writes the journal; one entry here
        }
        String index;
        try (var files = Files.list(dir.resolve("index"))) {
            index = "index/" + files.filter(Files::isRegularFile).findFirst().orElseThrow().getFileName();
        }
        String snapshot = "snapshots/" + lost.id().hex();
        String entry;
        try (var files = Files.list(dir.resolve("journal"))) {
            entry = "journal/" + files.filter(Files::isRegularFile).findFirst().orElseThrow().getFileName();
        }
        try (Repository repo = withBadSectors(dir, Set.of(index, snapshot, entry))) {
            assertThatThrownBy(() -> repo.index()).hasMessageStartingWith("the index cannot be read: cannot read ")
                    .hasMessageEndingWith("`vault repair` writes the index again from the packs");
            assertThat(repo.listSnapshots().unreadable()).singleElement().asString().startsWith(snapshot + ": does not read (");
            CheckResult check = new Checker(repo, 2).check(0);
            assertThat(check.errors()).anyMatch(e -> e.startsWith(index + " does not read ("))
                    .anyMatch(e -> e.startsWith(snapshot + " does not read ("));

            RepairResult repaired = new Repairer(repo, 2).repair(0, false);
            assertThat(repaired.files()).anyMatch(f -> f.name().equals(snapshot)).anyMatch(f -> f.name().equals(entry));
        }
        assertThat(dir.resolve("damaged/" + snapshot)).as("kept, zeros where it did not read").exists();
        assertThat(dir.resolve(index)).as("replaced by the index written again").doesNotExist();
        assertThat(dir.resolve(snapshot)).doesNotExist();
        try (Repository repo = TestTrees.open(dir)) {
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
            assertThat(repo.snapshots()).extracting(SnapshotRef::id).containsExactly(kept.id());
            assertThat(new Restorer(repo, 2).restore(repo.findSnapshot(kept.id().hex()), tmp.resolve("out"), List.of(), true).ok()).isTrue();
        }
    }

    /** A pack under a bad sector is damage, named as such, and is not counted among the packs check read. */
    @Test
    void aPackThatDoesNotReadIsDamageNotAPackRead() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("a.bin"), TestTrees.random(3, 300_000));
        Path dir = tmp.resolve("repo");
        try (Repository repo = TestTrees.newRepo(dir)) {
            TestTrees.backup(repo, data);
        }
        List<String> packs;
        try (var files = Files.walk(dir.resolve("data"))) {
            packs = files.filter(Files::isRegularFile).map(f -> dir.relativize(f).toString()).sorted().toList();
        }
        assertThat(packs).hasSizeGreaterThan(1); // a data pack and a tree pack
        try (Repository repo = withBadSectors(dir, Set.of(packs.getFirst()))) {
            CheckResult check = new Checker(repo, 2).check(100);
            assertThat(check.damagedPacks()).singleElement().satisfies(d -> assertThat(d.problem()).startsWith("unreadable: "));
            assertThat(check.packsRead()).as("the packs that read: all but the one that did not").isEqualTo(packs.size() - 1);
            assertThat(new Repairer(repo, 2).repair(100, true).packsRead()).as("a dry run of repair counts the same").isEqualTo(packs.size() - 1);
        }
    }
}
