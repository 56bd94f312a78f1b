package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.archiver.Archiver;
import org.opsledger.vault.archiver.BackupProgress;
import org.opsledger.vault.prune.ForgetDecision;
import org.opsledger.vault.prune.Forgetter;
import org.opsledger.vault.prune.RetentionPolicy;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.SnapshotFilter;
import org.opsledger.vault.snapshot.SnapshotRef;

/** One repository, several hosts: 'latest' and forget look only at the snapshots a filter selects. */
class SnapshotFilterTest {

    @TempDir
    Path tmp;

    /** The same backup as another host would have written it, a minute later. */
    private static SnapshotRef asHost(Repository repo, SnapshotRef s, String host) {
        Snapshot x = s.snapshot();
        Snapshot other = new Snapshot(x.time().plusSeconds(60), x.tree(), null, x.paths(), host, x.username(), Map.of(), x.kind(),
                x.dataOwner(), x.classification(), x.retainUntil(), x.storageLocation(), host, x.summary());
        return new SnapshotRef(repo.saveSnapshot(other), other);
    }

    @Test
    void latestIsTheNewestSnapshotTheFilterSelectsAndForgetLeavesTheOthersAlone() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("srv/data"));
        Files.writeString(data.resolve("a.txt"), "a");
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef erp = new Archiver(repo, new BackupProgress()).backup(TestTrees.options(data)
                    .withRecord("finance", "Confidential", null, Map.of("system", "erp")));
            SnapshotRef plain = TestTrees.backup(repo, data);
            SnapshotRef otherHost = asHost(repo, plain, "db-2");
            String here = plain.snapshot().hostname();

            assertThat(repo.findSnapshot("latest").id()).isEqualTo(otherHost.id());
            assertThat(repo.findSnapshot("latest", new SnapshotFilter(Set.of(here), Map.of(), Set.of())).id()).isEqualTo(plain.id());
            assertThat(repo.findSnapshot("latest", new SnapshotFilter(Set.of(), Map.of("system", "erp"), Set.of(data.toString()))).id())
                    .isEqualTo(erp.id());
            assertThat(repo.findSnapshot(erp.id().hex(), new SnapshotFilter(Set.of("db-2"), Map.of(), Set.of())).id())
                    .as("an ID is taken as given").isEqualTo(erp.id());
            assertThatThrownBy(() -> repo.findSnapshot("latest", new SnapshotFilter(Set.of("web-1"), Map.of(), Set.of("/etc"))))
                    .isInstanceOf(VaultException.class).hasMessage("no snapshot of host web-1, path /etc (`vault snapshots` lists them)");

            // a relative path: a stream's name as given, or a directory under the working one
            Snapshot stream = new Snapshot(Instant.now(), plain.snapshot().tree(), null, java.util.List.of("db.sql"), here, null, null,
                    Snapshot.Kind.STDIN, null, null, null, null, here, null);
            SnapshotRef dump = new SnapshotRef(repo.saveSnapshot(stream), stream);
            assertThat(repo.findSnapshot("latest", new SnapshotFilter(Set.of(), Map.of(), Set.of("db.sql"))).id()).isEqualTo(dump.id());
            String relative = Path.of("").toAbsolutePath().relativize(data).toString();
            assertThat(repo.findSnapshot("latest", new SnapshotFilter(Set.of(here), Map.of(), Set.of(relative))).id()).isEqualTo(plain.id());
            assertThat(new SnapshotFilter(Set.of(), Map.of(), Set.of("db.sql")).matchesSource(here, java.util.List.of("db.sql"))).isTrue();
            repo.backend().delete("snapshots/" + dump.id().hex());

            Snapshot bare = new Snapshot(Instant.now(), plain.snapshot().tree(), null, null, null, null, null, Snapshot.Kind.FULL,
                    null, null, null, null, null, null); // what another writer may leave out
            assertThat(SnapshotFilter.ALL.matches(bare)).isTrue();
            assertThat(new SnapshotFilter(Set.of(), Map.of("system", "erp"), Set.of("/x")).matches(bare)).isFalse();

            var onlyDb2 = new SnapshotFilter(Set.of("db-2"), Map.of(), Set.of());
            var decisions = new Forgetter(repo, ZoneOffset.UTC).forget(new RetentionPolicy(RetentionPolicy.Within.parse("0d"), 0, 0, 0, 0),
                    Instant.now().plusSeconds(120), onlyDb2); // after db-2's snapshot, a minute ahead
            assertThat(decisions).extracting(d -> d.snapshot().id()).containsExactly(otherHost.id());
            assertThat(decisions).noneMatch(ForgetDecision::keep);
            assertThat(repo.snapshots()).extracting(SnapshotRef::id).containsExactlyInAnyOrder(erp.id(), plain.id());
        }
    }
    /** Snapshots named alternately from two sources are planned one source's after the other, each oldest first. */
    @Test
    void aForgetOfNamedSnapshotsPlansEachSourcesTogether() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("srv/data"));
        Files.writeString(data.resolve("a.txt"), "a");
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef web1 = asHost(repo, TestTrees.backup(repo, data), "web-1");
            SnapshotRef db1 = asHost(repo, web1, "db-1");
            SnapshotRef web2 = asHost(repo, db1, "web-1");
            SnapshotRef db2 = asHost(repo, web2, "db-1");
            var plan = new Forgetter(repo, ZoneOffset.UTC).plan(java.util.List.of(web2, db1, web1, db2), Instant.now());
            assertThat(plan).extracting(d -> d.snapshot().id()).containsExactly(web1.id(), web2.id(), db1.id(), db2.id());
        }
    }
}
