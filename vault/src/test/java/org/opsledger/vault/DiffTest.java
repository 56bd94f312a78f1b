package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.history.Differ;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.SnapshotRef;

class DiffTest {

    @TempDir
    Path tmp;

    @Test
    void namesEveryPathAddedRemovedChangedInContentTypeOrMetadataAndNothingElse() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        Files.createDirectories(data.resolve("old/inner"));
        Files.writeString(data.resolve("old/inner/x"), "x");
        Files.writeString(data.resolve("becomes-dir"), "file");
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef before = TestTrees.backup(repo, data);
            Files.writeString(data.resolve("docs/manual.txt"), "rewritten");              // content
            Files.setAttribute(data.resolve("bin/tool"), "unix:mode", 0700);               // mode only
            Files.delete(data.resolve("old/inner/x"));                                      // a removed tree
            Files.delete(data.resolve("old/inner"));
            Files.delete(data.resolve("old"));
            Files.delete(data.resolve("becomes-dir"));                                      // file → directory
            Files.createDirectories(data.resolve("becomes-dir"));
            Files.writeString(data.resolve("becomes-dir/y"), "y");
            Files.delete(data.resolve("dangling"));                                         // symlink target
            Files.createSymbolicLink(data.resolve("dangling"), Path.of("/elsewhere"));
            Files.writeString(data.resolve("deep/a/b/new.txt"), "new");                   // added deep down
            SnapshotRef after = TestTrees.backup(repo, data);

            List<String> changes = changes(repo, before, after);
            assertThat(changes).containsExactly(
                    "T /data/becomes-dir", "+ /data/becomes-dir/y",
                    "U /data/bin/tool",
                    "M /data/dangling",
                    "+ /data/deep/a/b/new.txt",
                    "M /data/docs/manual.txt",
                    "- /data/old", "- /data/old/inner", "- /data/old/inner/x");
            assertThat(changes(repo, after, after)).isEmpty();
            assertThat(changes(repo, after, before))
                    .contains("+ /data/old/inner/x", "- /data/becomes-dir/y", "- /data/deep/a/b/new.txt");
        }
    }

    private static List<String> changes(Repository repo, SnapshotRef from, SnapshotRef to) {
        List<String> out = new ArrayList<>();
        new Differ(repo).diff(from, to, c -> out.add(c.kind().letter + " " + c.path()));
        return out;
    }
}
