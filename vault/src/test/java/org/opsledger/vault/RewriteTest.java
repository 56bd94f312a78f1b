package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.checker.Recoverer;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.prune.Pruner;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.Amendment;
import org.opsledger.vault.snapshot.Rewriter;
import org.opsledger.vault.snapshot.Rewriter.Rewritten;
import org.opsledger.vault.snapshot.SnapshotPaths;
import org.opsledger.vault.snapshot.SnapshotRef;
import org.opsledger.vault.repository.Repository;

/**
 * A file that should never have been backed up (a private key, personal data) is taken out of the snapshots that hold
 * it: the rest restores as it was, the record says what went, when, by whom and why, and once pruned its data is gone
 * from the repository. A held snapshot keeps everything (IS.012 6.6.7).
 */
class RewriteTest {

    @TempDir
    Path tmp;

    @Test
    void aFileTakenOutOfEverySnapshotIsGoneFromTheRepositoryAfterPruneAndTheRestStaysWhole() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        byte[] secret = TestTrees.random(42, 200_000); // content no other file shares
        Files.write(data.resolve("docs/server.key"), secret);
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef first = TestTrees.backup(repo, data);
            SnapshotRef second = TestTrees.backup(repo, data);
            ObjectId secretBlob = SnapshotPaths.trail(first, "data/docs/server.key", repo::loadTree).getLast().content().getFirst();
            Rewriter rewriter = new Rewriter(repo);

            List<Rewritten> dry = rewriter.rewrite(List.of(first, second), List.of("*.key"), "INC-12: a private key", "alice", true);
            assertThat(dry).extracting(Rewritten::paths).containsOnly(List.of("/data/docs/server.key"));
            assertThat(dry).extracting(Rewritten::after).containsOnlyNulls();
            assertThat(repo.snapshots()).extracting(SnapshotRef::id).containsExactlyInAnyOrder(first.id(), second.id());

            List<Rewritten> done = rewriter.rewrite(List.of(first, second), List.of("*.key", data.resolve("deep").toString()),
                    "INC-12: a private key", "alice", false);
            assertThat(done).extracting(Rewritten::removed).containsExactly(2L, 2L);
            SnapshotRef after = done.getFirst().after();
            assertThat(after.snapshot().time()).isEqualTo(first.snapshot().time());
            assertThat(after.snapshot().tags().get(Rewriter.REWRITTEN_FROM)).isEqualTo(first.id().hex());
            assertThat(after.snapshot().tags().get(Rewriter.REWRITTEN)).matches(
                    "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ by alice: INC-12: a private key \\(removed 2 path\\(s\\) matching \\*\\.key, "
                    + java.util.regex.Pattern.quote(data.resolve("deep").toString()) + "\\)");
            assertThat(repo.snapshots()).extracting(SnapshotRef::id).containsExactlyInAnyOrder(after.id(), done.get(1).after().id());

            Path out = tmp.resolve("out");
            assertThat(new Restorer(repo, 2).restore(after, out, List.of(), true).ok()).isTrue();
            Map<String, String> expected = new java.util.TreeMap<>(TestTrees.describe(data));
            expected.keySet().removeIf(p -> p.equals("docs/server.key") || p.equals("deep") || p.startsWith("deep/"));
            assertThat(TestTrees.describe(out.resolve("data"))).as("every other byte, mode and mtime as it was").isEqualTo(expected);

            // until the prune the old root is a tree no snapshot names: recover must not bring the key back with it
            assertThat(after.snapshot().tags().get(Rewriter.REWRITTEN_TREES)).isEqualTo(first.snapshot().tree().hex());
            assertThat(new Recoverer(repo).recover(true).trees()).isEmpty();

            assertThat(repo.index().contains(secretBlob)).isTrue();
            new Pruner(repo).prune();
            repo.reloadIndex();
            assertThat(repo.index().contains(secretBlob)).as("in a pack mostly of live data: kept by the default 20 %").isTrue();
            new Pruner(repo, 0).prune();
            repo.reloadIndex();
            assertThat(repo.index().contains(secretBlob)).as("its data left with the prune").isFalse();
            assertThat(new Checker(repo, 2).check(100).ok()).isTrue();

            // nothing matches: nothing is written, and the rewrite is refused (as restore's --include)
            assertThatThrownBy(() -> rewriter.rewrite(List.of(after), List.of("*.key"), "again", "alice", false))
                    .hasMessageStartingWith("--exclude *.key matches nothing in the 1 snapshot(s) named: nothing was rewritten; ");
            assertThat(repo.snapshots()).extracting(SnapshotRef::id).containsExactlyInAnyOrder(after.id(), done.get(1).after().id());
        }
    }

    @Test
    void aHeldSnapshotIsNeverRewrittenAndARewriteSaysWhyAndWho() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef held = TestTrees.backup(repo, data);
            SnapshotRef other = TestTrees.backup(repo, data);
            repo.hold(held, "litigation 2026-17", "legal");
            Rewriter rewriter = new Rewriter(repo);
            assertThatThrownBy(() -> rewriter.rewrite(List.of(other, held), List.of("*.bin"), "INC-1", "alice", false))
                    .hasMessage("snapshot " + held.shortId() + " is under legal hold (IS.012 6.6.7): nothing is taken out of it until the"
                            + " hold is released");
            assertThat(repo.snapshots()).as("checked before any is written").hasSize(2);
            assertThatThrownBy(() -> rewriter.rewrite(List.of(other), List.of("*.bin"), " ", "alice", false))
                    .hasMessage("a rewrite needs a reason (IS.012 6.6.5: the record says why it was rewritten)");
            assertThatThrownBy(() -> rewriter.rewrite(List.of(other), List.of(), "INC-1", "alice", false))
                    .hasMessage("a rewrite needs at least one --exclude pattern: what to take out of the snapshots");
            // a pattern that matches a backup path itself would leave an empty snapshot that looks like its backup (a helper's)
            for (String whole : List.of("data", "*", data.toString())) {
                assertThatThrownBy(() -> rewriter.rewrite(List.of(other), List.of("*.bin", whole), "INC-1", "alice", false)).as(whole)
                        .hasMessage("snapshot " + other.shortId() + ": the pattern matches its backup path " + data + " itself, which would"
                                + " leave nothing of it; `vault forget` removes a whole snapshot. Nothing was rewritten");
            }
            // and one that matches a directory it is in, as backup refuses it
            assertThatThrownBy(() -> rewriter.rewrite(List.of(other), List.of(data.getParent().toString()), "INC-1", "alice", false))
                    .hasMessage("snapshot " + other.shortId() + ": the pattern matches " + data.getParent() + ", the directory its backup path " + data
                            + " is in, which would leave nothing of it; `vault forget` removes a whole snapshot. Nothing was rewritten");
            assertThat(Amendment.RESERVED_TAGS).contains(Rewriter.REWRITTEN, Rewriter.REWRITTEN_FROM);
            assertThat(repo.snapshots()).extracting(s -> s.snapshot().tags() == null ? Map.of() : s.snapshot().tags())
                    .noneMatch(t -> t.containsKey(Rewriter.REWRITTEN));
        }
    }

    /**
     * A pattern means in a rewrite what it means to backup's --exclude: the path a file was backed up from. `rewrite
     * --exclude /srv/app/id_rsa` took nothing out of a backup of /srv/app, exit 0, and /app/id_rsa (as `vault ls` shows it),
     * the form it took, excluded nothing when added to the backup job (a tester's). A pattern that matches nothing in the
     * snapshots named is refused, naming the form to give, before anything is written; one of a path inside a directory
     * another takes out matched there.
     */
    @Test
    void aPatternMeansWhatBackupsExcludeMeansAndOneThatMatchesNothingIsRefused() throws Exception {
        Path app = tmp.resolve("srv/app");
        Files.writeString(Files.createDirectories(app.resolve("keys")).resolve("id_ed25519"), "PRIVATE");
        Files.writeString(app.resolve("app.conf"), "cfg");
        Files.writeString(app.resolve("id_rsa"), "PRIVATE");
        String key = app.resolve("id_rsa").toString();
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef excluded = new org.opsledger.vault.archiver.Archiver(repo, new org.opsledger.vault.archiver.BackupProgress())
                    .backup(TestTrees.options(app).withExcludes(List.of(key)));
            assertThat(SnapshotPaths.trail(excluded, "app", repo::loadTree).getLast().subtree()).satisfies(t -> assertThat(repo.loadTree(t)
                    .nodes()).extracting(org.opsledger.vault.snapshot.Node::name).containsExactly("app.conf", "keys"));
            SnapshotRef leaked = TestTrees.backup(repo, app);
            Rewriter rewriter = new Rewriter(repo);

            assertThatThrownBy(() -> rewriter.rewrite(List.of(leaked), List.of("/app/id_rsa"), "INC-31", "alice", true))
                    .hasMessage("--exclude /app/id_rsa matches nothing in the 1 snapshot(s) named: nothing was rewritten; a pattern names a path"
                            + " as it was backed up, as backup's --exclude does: snapshot " + leaked.shortId() + "'s /app is the backup of " + app
                            + ", so --exclude " + key);
            assertThatThrownBy(() -> rewriter.rewrite(List.of(excluded, leaked), List.of(key, "*.pem", "id_dsa"), "INC-31", "alice", false))
                    .hasMessage("--exclude *.pem, id_dsa match nothing in the 2 snapshot(s) named: nothing was rewritten; a pattern names a"
                            + " path as it was backed up (/srv/app/id_rsa), as backup's --exclude does, or a name (*.pem); `vault find` finds"
                            + " a name");
            assertThat(repo.snapshots()).containsExactlyInAnyOrder(excluded, leaked);

            List<Rewritten> done = rewriter.rewrite(List.of(excluded, leaked), List.of(key, app + "/keys", "keys/id_ed25519"), "INC-31",
                    "alice", false);
            assertThat(done).extracting(Rewritten::paths).containsExactly(List.of("/app/keys"), List.of("/app/id_rsa", "/app/keys"));
            SnapshotRef after = done.get(1).after();
            assertThat(repo.loadTree(SnapshotPaths.trail(after, "app", repo::loadTree).getLast().subtree()).nodes())
                    .extracting(org.opsledger.vault.snapshot.Node::name).containsExactly("app.conf");
        }
    }

    /**
     * The promise that recover never brings back what a rewrite took out rests on the rewritten-trees record, which builds
     * of formats 1 to 3 do not know, nor the first builds of format 4: their `vault recover` restored the private key a
     * rewrite had removed (two helpers'). A rewrite is refused below format 5; a dry run still shows what it would take
     * out; `vault upgrade` (format 4 to 6: the config alone) lets it run, and the older builds open the repository no more.
     */
    @Test
    void aRewriteIsRefusedInARepositoryOfAFormatWhoseBuildsWouldRecoverWhatItTookOut() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        Path dir = tmp.resolve("repo");
        TestTrees.newRepo(dir).close();
        TestTrees.setFormatVersion(dir, org.opsledger.vault.repository.RepositoryConfig.VERSION, 4);
        try (Repository repo = TestTrees.open(dir)) {
            SnapshotRef s = TestTrees.backup(repo, data);
            Rewriter rewriter = new Rewriter(repo);
            assertThat(rewriter.rewrite(List.of(s), List.of("*.bin"), "INC-1", "alice", true)).singleElement()
                    .satisfies(r -> assertThat(r.removed()).isPositive());
            assertThatThrownBy(() -> rewriter.rewrite(List.of(s), List.of("*.bin"), "INC-1", "alice", false))
                    .hasMessage("a rewrite needs a repository of format 5 or later (this one is 4): builds of the older format, which"
                            + " still open it, know no rewritten-trees record, and their `vault recover` would bring back what the"
                            + " rewrite took out; `vault upgrade` first");
            assertThat(repo.snapshots()).containsExactly(s);

            Repository.Upgrade u = repo.upgrade();
            assertThat(u.from()).isEqualTo(4);
            assertThat(u.to()).isEqualTo(org.opsledger.vault.repository.RepositoryConfig.VERSION);
            assertThat(u.indexFiles()).as("the config alone").isZero();
        }
        assertThat(Files.readString(dir.resolve("config"))).contains("\"version\":" + org.opsledger.vault.repository.RepositoryConfig.VERSION);
        try (Repository repo = TestTrees.open(dir)) {
            assertThat(new Rewriter(repo).rewrite(repo.snapshots(), List.of("*.bin"), "INC-1", "alice", false)).singleElement()
                    .satisfies(r -> assertThat(r.after()).isNotNull());
        }
    }

    /**
     * A rewrite taking a key out that lost the race to an amend of the same snapshot said it "was removed (a forget) ...
     * nothing put in its place": no forget had run, and the amended snapshot lived on with the key (a tester's). It names
     * the amended one, and what to run on it; an amend that loses to a rewrite likewise; and a later command naming the
     * old ID is told which snapshot replaced it.
     */
    @Test
    void aRewriteOrAmendThatLosesARaceForTheSnapshotNamesTheOneThatReplacedIt() throws Exception {
        Path dir = tmp.resolve("repo");
        SnapshotRef s = keyedSnapshot(dir);
        Amendment owner = new Amendment("Payroll office", null, null, null, null, "ticket-1", "alice");
        SnapshotRef[] amended = new SnapshotRef[1];
        try (Repository admin = TestTrees.open(dir);
             Repository rewriting = Repository.open(ForwardingBackend.hooked(dir, "snapshots/", 1,
                     () -> amended[0] = admin.amend(List.of(s), owner).getFirst()), TestTrees.PASSWORD)) {
            assertThatThrownBy(() -> new Rewriter(rewriting).rewrite(List.of(s), List.of("*.key"), "INC-7", "bob", false))
                    .hasMessage("snapshot " + s.shortId() + " was replaced by " + amended[0].shortId() + " (an amend) while it was rewritten:"
                            + " this rewrite put nothing in its place; run `vault rewrite` again on " + amended[0].shortId());
            assertThat(admin.snapshots()).containsExactly(amended[0]);
            assertThatThrownBy(() -> admin.findSnapshot(s.id().hex())).hasMessage("no snapshot " + s.id().hex() + ": replaced by "
                    + amended[0].shortId() + " (an amend); name that one");
        }
        SnapshotRef[] rewritten = new SnapshotRef[1];
        try (Repository admin = TestTrees.open(dir);
             Repository amending = Repository.open(ForwardingBackend.hooked(dir, "snapshots/", 1, () -> rewritten[0] = new Rewriter(admin)
                     .rewrite(List.of(amended[0]), List.of("*.key"), "INC-7", "bob", false).getFirst().after()), TestTrees.PASSWORD)) {
            Amendment retention = new Amendment(null, "confidential", null, null, null, "ticket-2", "alice");
            assertThatThrownBy(() -> amending.amend(List.of(amended[0]), retention))
                    .hasMessage("snapshot " + amended[0].shortId() + " was replaced by " + rewritten[0].shortId() + " (a rewrite) while it was"
                            + " amended: this amend put nothing in its place; run `vault amend` again on " + rewritten[0].shortId());
            // the first ID too, which an amend replaced: the rewritten record keeps every ID it had
            assertThatThrownBy(() -> admin.findSnapshot(s.shortId())).hasMessage("no snapshot " + s.shortId() + ": replaced by "
                    + rewritten[0].shortId() + " (an amend); name that one");
        }
    }
    /**
     * An amend that takes the old snapshot away while a rewrite of it has read it and not yet deleted it: both read it
     * before either deleted it, and both said they had replaced it, the rewrite's purge exit 0 while the amend's snapshot
     * kept the key (an engineer's). One of the two wins; the other says which snapshot replaced it.
     */
    @Test
    void anAmendAndARewriteOfOneSnapshotNeverBothReplaceIt() throws Exception {
        Path dir = tmp.resolve("repo");
        SnapshotRef s = keyedSnapshot(dir);
        Amendment owner = new Amendment("Payroll office", null, null, null, null, "ticket-1", "alice");
        java.util.concurrent.CompletableFuture<List<SnapshotRef>> amend = new java.util.concurrent.CompletableFuture<>();
        try (Repository admin = TestTrees.open(dir);
             // the rewrite's second write or delete under snapshots/: its deletion of the old file, which it has read
             Repository rewriting = Repository.open(ForwardingBackend.hooked(dir, "snapshots/", 2, () -> {
                 Thread.ofPlatform().start(() -> {
                     try {
                         amend.complete(admin.amend(List.of(s), owner));
                     } catch (RuntimeException e) {
                         amend.completeExceptionally(e);
                     }
                 });
                 try { // long enough for the amend to end, where nothing makes it wait
                     amend.get(5, java.util.concurrent.TimeUnit.SECONDS);
                 } catch (Exception waiting) {
                     // it waits for the rewrite's turn: as it should
                 }
             }), TestTrees.PASSWORD)) {
            var rewritten = new Rewriter(rewriting).rewrite(List.of(s), List.of("*.key"), "INC-7", "bob", false).getFirst().after();
            assertThatThrownBy(() -> amend.get(2, java.util.concurrent.TimeUnit.MINUTES)).hasMessageContaining("snapshot " + s.shortId()
                    + " was replaced by " + rewritten.shortId() + " (a rewrite) while it was amended");
            assertThat(admin.snapshots()).containsExactly(rewritten);
        }
    }

    /** The snapshot, in a new repository at {@code dir}, of a sample tree holding docs/server.key: one to amend and rewrite. */
    private SnapshotRef keyedSnapshot(Path dir) throws java.io.IOException {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        Files.write(data.resolve("docs/server.key"), TestTrees.random(42, 1_000));
        try (Repository repo = TestTrees.newRepo(dir)) {
            return TestTrees.backup(repo, data);
        }
    }
}
