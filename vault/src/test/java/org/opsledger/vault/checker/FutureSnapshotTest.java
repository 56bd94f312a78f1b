package org.opsledger.vault.checker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.TestTrees;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * A snapshot dated in the future of the checking host's clock (a backup taken while its host's clock was years ahead, or
 * a record forged by a holder of the password) is `latest`, the next backup's parent and --keep-last's newest, and check
 * said nothing of it (a helper's): it is named as a warning.
 */
class FutureSnapshotTest {

    @TempDir
    Path tmp;

    @Test
    void checkWarnsOfASnapshotDatedInTheFuture() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("a.txt"), "a");
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            Snapshot s = TestTrees.backup(repo, data).snapshot();
            assertThat(new Checker(repo, 2).check(0).warnings()).noneMatch(w -> w.contains("in the future"));
            Instant at = Instant.parse("2031-06-01T00:00:00Z");
            Snapshot ahead = TestTrees.forged(s, at, s.tree(), "web-1");
            SnapshotRef saved = new SnapshotRef(repo.saveSnapshot(ahead), ahead);
            assertThat(new Checker(repo, 2).check(0).warnings()).contains("1 snapshot(s) dated in the future of this clock (first: "
                    + saved.shortId() + " at 2031-06-01T00:00:00Z on web-1): a host's clock was wrong, or the record is forged; such a"
                    + " snapshot counts as the newest for `latest`, for the next backup's parent and for --keep-last");
        }
    }
}
