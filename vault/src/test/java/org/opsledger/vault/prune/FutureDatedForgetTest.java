package org.opsledger.vault.prune;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.TestTrees;
import org.opsledger.vault.repository.Repository;

/**
 * A snapshot dated after now (a host's clock years ahead, a forged record) is kept by --keep-within as "dated in the
 * future": it was kept "within 0d", which said a disposal's `--keep-within 0d` kept it by its age (a helper's).
 */
class FutureDatedForgetTest {

    @TempDir
    Path tmp;

    @Test
    void aSnapshotDatedInTheFutureIsKeptAsSuchNotAsWithin() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("a.txt"), "a");
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            TestTrees.fullBackup(repo, data);
            Forgetter f = new Forgetter(repo, ZoneOffset.UTC);
            RetentionPolicy within0d = new RetentionPolicy(0, RetentionPolicy.Within.parse("0d"), 0, 0, 0, 0);
            // planned as if it were ten days ago: the snapshot is dated ten days after that "now"
            Instant earlier = Instant.now().minus(Duration.ofDays(10));
            assertThat(f.plan(within0d, earlier)).singleElement().satisfies(d -> {
                assertThat(d.keep()).isTrue();
                assertThat(d.reasons()).containsExactly("dated in the future");
            });
            // within the clock skew the format allows (5 minutes) it is an ordinary snapshot, and 0d keeps nothing by age
            assertThat(f.plan(within0d, Instant.now().minus(Duration.ofMinutes(1)))).singleElement()
                    .satisfies(d -> assertThat(d.reasons()).containsExactly("within 0 days"));
            assertThat(f.plan(within0d, Instant.now().plusSeconds(1))).singleElement().satisfies(d -> assertThat(d.keep()).isFalse());
        }
    }
}
