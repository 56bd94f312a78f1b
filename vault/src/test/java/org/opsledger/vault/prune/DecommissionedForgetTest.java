package org.opsledger.vault.prune;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.TestTrees;
import org.opsledger.vault.archiver.Archiver;
import org.opsledger.vault.archiver.BackupProgress;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.BackupsDue;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * --keep-last keeps a source's newest snapshots so that backups that stopped do not leave it empty. A source decommissioned
 * after its newest snapshot (IS.012 6.4.3) stopped on purpose: --keep-last keeps none of it, and its snapshots stay by
 * their retention, their holds and the other rules. A decommissioned host's snapshots were kept for ever, two years past
 * their retention, by `--keep-within 30d --keep-last 7`, the policy the guide asks for (a helper's).
 */
class DecommissionedForgetTest {

    @TempDir
    Path tmp;

    @Test
    void keepLastKeepsNothingOfASourceDecommissionedAfterItsNewestSnapshot() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.writeString(data.resolve("a.txt"), "app-1");
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef ended = new Archiver(repo, new BackupProgress()).backup(TestTrees.options(data)
                    .withRecord("Payroll office", "Confidential", java.time.LocalDate.now().plusDays(90), Map.of()));
            SnapshotRef plain = TestTrees.fullBackup(repo, data);
            RetentionPolicy policy = new RetentionPolicy(7, RetentionPolicy.Within.parse("30d"), 0, 0, 0, 0);
            Instant later = Instant.now().plus(Duration.ofDays(60));

            Forgetter running = new Forgetter(repo, ZoneOffset.UTC);
            assertThat(running.plan(policy, later)).allSatisfy(d -> assertThat(d.reasons()).contains("last 7"));

            String host = plain.snapshot().hostname();
            Forgetter decommissioned = new Forgetter(repo, ZoneOffset.UTC)
                    .decommissioned(Map.of(BackupsDue.key(host, plain.snapshot().paths()), Instant.now().plusSeconds(1)));
            List<ForgetDecision> plan = decommissioned.plan(policy, later);
            assertThat(plan).filteredOn(ForgetDecision::keep).extracting(d -> d.snapshot().id()).as("by its retention only")
                    .containsExactly(ended.id());
            assertThat(plan).filteredOn(ForgetDecision::keep).singleElement()
                    .satisfies(d -> assertThat(d.reasons()).noneMatch(r -> r.startsWith("last")));
            assertThat(decommissioned.decommissioned(new Forgetter.Group(host, plain.snapshot().paths()), repo.snapshots())).isTrue();

            // backed up again after the decommission: in service again, and --keep-last keeps it as before
            Forgetter before = new Forgetter(repo, ZoneOffset.UTC)
                    .decommissioned(Map.of(BackupsDue.key(host, plain.snapshot().paths()), Instant.now().minus(Duration.ofDays(1))));
            assertThat(before.plan(policy, later)).allSatisfy(d -> assertThat(d.reasons()).contains("last 7"));
        }
    }
}
