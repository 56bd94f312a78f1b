package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.checker.CheckResult;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.checker.RepairResult;
import org.opsledger.vault.checker.Repairer;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.prune.Forgetter;
import org.opsledger.vault.prune.Pruner;
import org.opsledger.vault.prune.RetentionPolicy;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * An index file from before a prune put back (a file-by-file rollback, or a writer without the password): a blob the
 * prune repacked is indexed both in the pack it deleted and in the new one. The index kept whichever file it read first:
 * restore failed on the missing pack although the blob was whole in the other, or check called the intact new pack
 * damaged and named the file that needs it (a helper's). Any indexed place is valid (vault-format.md §7).
 */
class OlderIndexFilePutBackTest {

    @TempDir
    Path tmp;

    @Test
    void aBlobWholeInAnotherIndexedPackIsReadThereAndTheMissingPackHurtsNoFile() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.write(src.resolve("x"), TestTrees.random(1, 4000));
        Files.write(src.resolve("y"), TestTrees.random(2, 4000));
        Path repoDir = tmp.resolve("repo");
        Map<String, byte[]> older = new HashMap<>();
        SnapshotRef kept;
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            TestTrees.backup(repo, src);
            for (String name : repo.indexFiles()) {
                older.put(name, repo.backend().read(name));
            }
            Files.delete(src.resolve("y"));
            kept = TestTrees.backup(repo, src);
            new Forgetter(repo, ZoneOffset.UTC).forget(new RetentionPolicy(null, 1, 0, 0, 0), Instant.now());
            new Pruner(repo, 0).prune(); // x's pack repacked, its old one deleted
            older.forEach((name, bytes) -> repo.backend().write(name, bytes, 0, bytes.length));
        }
        try (Repository repo = TestTrees.open(repoDir)) {
            ObjectId x = repo.loadTree(repo.loadTree(kept.snapshot().tree()).nodes().getFirst().subtree()).nodes().stream()
                    .filter(n -> n.name().equals("x")).findFirst().orElseThrow().content().getFirst();
            assertThat(repo.index().locations(x)).as("indexed in the deleted pack and the new one").hasSize(2);
            new Restorer(repo, 2).restore(kept, tmp.resolve("out"), List.of(), true);
            TestTrees.assertSameTree(src, tmp.resolve("out/src"));
            try (Repository target = TestTrees.newRepo(tmp.resolve("target"))) { // and a copy, reading pack by pack (the reviewer's)
                SnapshotRef copied = new org.opsledger.vault.copier.Copier(repo, target).copy(kept);
                new Restorer(target, 2).restore(copied, tmp.resolve("copied"), List.of(), true);
                TestTrees.assertSameTree(src, tmp.resolve("copied/src"));
            }
            for (double readData : new double[] {0, 100}) {
                CheckResult r = new Checker(repo, 2).check(readData);
                assertThat(r.errors()).as("read data %s", readData).isNotEmpty()
                        .allMatch(e -> e.contains("is indexed but missing from the repository") && e.endsWith("needed by no snapshot"));
                assertThat(r.damagedPacks()).noneMatch(d -> d.blobs().contains(x.hex()) && !d.problem().equals("missing from the repository"));
            }
            RepairResult repaired = new Repairer(repo, 2).repair(100, false);
            assertThat(repaired.packs()).allMatch(p -> p.snapshots().isEmpty() && !p.lostBlobs().contains(x.hex()));
        }
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThat(new Checker(repo, 2).check(100).errors()).isEmpty();
        }
    }
}
