package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.archiver.Archiver;
import org.opsledger.vault.archiver.BackupProgress;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.copier.Copier;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.SnapshotRef;

class CopyTest {

    @TempDir
    Path tmp;

    @Test
    void aCopyRestoresFromTheSecondRepositoryAndASecondCopyAddsNoData() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        try (Repository near = TestTrees.newRepo(tmp.resolve("near")); Repository longTerm = TestTrees.newRepo(tmp.resolve("long"))) {
            SnapshotRef s = new Archiver(near, new BackupProgress()).backup(TestTrees.options(data)
                    .withRecord("records office", "Internal", java.time.LocalDate.of(2033, 1, 1), java.util.Map.of()));
            SnapshotRef c = new Copier(near, longTerm).copy(s);
            assertThat(c.snapshot().storageLocation()).isEqualTo(tmp.resolve("long").toString());
            assertThat(c.snapshot().dataOwner()).isEqualTo("records office");
            assertThat(c.snapshot().tags()).containsKey("copied-from");
            long before = longTerm.backend().list("data").stream().mapToLong(longTerm.backend()::size).sum();
            new Copier(near, longTerm).copy(s);
            long after = longTerm.backend().list("data").stream().mapToLong(longTerm.backend()::size).sum();
            assertThat(after - before).as("deduplicated in the target").isLessThan(20_000);
            assertThat(new Checker(longTerm, 2).check(100).errors()).isEmpty();
        }
        try (Repository longTerm = TestTrees.open(tmp.resolve("long"))) {
            var r = new org.opsledger.vault.restorer.Restorer(longTerm, 2).restore(longTerm.findSnapshot("latest"), tmp.resolve("out"), List.of(), true);
            assertThat(r.ok()).isTrue();
            TestTrees.assertSameTree(data, tmp.resolve("out/data"));
        }
    }
}
