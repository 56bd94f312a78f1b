package org.opsledger.vault.checker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.TestTrees;
import org.opsledger.vault.copier.Copier;
import org.opsledger.vault.pack.BlobType;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.SnapshotRef;
import org.opsledger.vault.snapshot.Tree;
import org.opsledger.vault.snapshot.TreeCodec;

/**
 * A file whose bytes are a tree's encoding (an empty directory's: 9 bytes any local user can write into a backed-up
 * directory) has that tree's content ID, and one blob is stored for both. Check called such an intact repository "a
 * damaged or forged tree", a copy carried it into its target, and the advice was to exclude an intact file (a helper's).
 */
class TreeBytesInAFileTest {

    @TempDir
    Path tmp;

    @Test
    void aFileWhoseBytesAreAnEmptyDirectorysTreeChecksCleanRestoresAndCopiesInEitherOrder() throws Exception {
        byte[] emptyTree = TreeCodec.encode(new Tree(List.of()));
        for (boolean fileFirst : new boolean[] {true, false}) {
            Path run = tmp.resolve(fileFirst ? "file-first" : "tree-first");
            Path src = Files.createDirectories(run.resolve("src"));
            try (Repository repo = TestTrees.newRepo(run.resolve("repo")); Repository target = TestTrees.newRepo(run.resolve("target"))) {
                if (fileFirst) {
                    Files.write(src.resolve("f"), emptyTree);
                } else {
                    Files.createDirectories(src.resolve("d/e"));
                }
                TestTrees.backup(repo, src);
                Files.write(src.resolve("f"), emptyTree);
                Files.createDirectories(src.resolve("d/e"));
                SnapshotRef last = TestTrees.backup(repo, src);
                assertThat(repo.index().get(repo.saveTree(new Tree(List.of()))).type()).as("one blob for both, stored as the first")
                        .isEqualTo(fileFirst ? BlobType.DATA : BlobType.TREE);
                assertThat(new Checker(repo, 2).check(100).errors()).as(run.toString()).isEmpty();
                new Restorer(repo, 2).restore(last, run.resolve("out"), List.of(), true);
                TestTrees.assertSameTree(src, run.resolve("out/src"));
                new Copier(repo, target).copy(last);
                assertThat(new Checker(target, 2).check(100).errors()).isEmpty();
            }
        }
    }
}
