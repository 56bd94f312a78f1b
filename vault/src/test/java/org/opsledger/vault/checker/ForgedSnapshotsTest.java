package org.opsledger.vault.checker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.TestTrees;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.pack.BlobType;
import org.opsledger.vault.prune.Pruner;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.NodeType;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.SnapshotRef;
import org.opsledger.vault.snapshot.Tree;

/**
 * Snapshots and trees forged by a holder of the password (or made by a host whose clock was wrong), sealed and
 * authenticated as any other: check names each and goes on with the others.
 */
class ForgedSnapshotsTest {

    @TempDir
    Path tmp;

    /**
     * A JSON tree whose node lacks its numbers or its type stopped check, prune and find for every host with Jackson's
     * message or a NullPointerException, naming no snapshot (a helper's). Check names the snapshot; prune refuses, naming
     * the tree.
     */
    @Test
    void aMalformedTreeIsNamedByCheckAndRefusedByPrune() throws Exception {
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            Snapshot good = oneBackup(repo);
            for (String json : new String[] {"{\"nodes\":[{\"name\":\"x\"}]}",
                    "{\"nodes\":[{\"name\":\"x\",\"mode\":420,\"mtime\":0,\"ctime\":0,\"inode\":1,\"device\":1,\"uid\":0,\"gid\":0,\"size\":0,\"links\":1}]}"}) {
                byte[] blob = json.getBytes(StandardCharsets.UTF_8);
                ObjectId tree = repo.saveBlob(BlobType.TREE, blob, 0, blob.length);
                repo.flush();
                Snapshot crafted = TestTrees.forged(good, good.time(), tree, "evil");
                SnapshotRef s = new SnapshotRef(repo.saveSnapshot(crafted), crafted);
                CheckResult r = new Checker(repo, 2).check(0);
                assertThat(r.errors()).as(json).anyMatch(e -> e.contains(s.shortId()) && e.contains("malformed tree blob"));
                assertThat(r.errors()).noneMatch(e -> e.contains("DeserializationFeature"));
                assertThatThrownBy(() -> new Pruner(repo).prune()).isInstanceOf(VaultException.class)
                        .hasMessageStartingWith("snapshot " + s.shortId() + " needs tree " + tree.shortHex() + ": malformed tree blob");
                repo.backend().delete("snapshots/" + s.id().hex());
            }
            assertThat(new Checker(repo, 2).check(0).errors()).isEmpty();
        }
    }

    /**
     * A crafted snapshot 40 levels deep, each level naming the next twice (a DAG: 2^40 paths), its one file's blob missing:
     * check walked every path, ran out of memory in every heap the launcher tried, and checked no other snapshot (a
     * helper's). A tree found not whole is walked once per snapshot, reported at its first path.
     */
    @Test
    void aTreeNamedTwiceAtEveryLevelWithABlobMissingIsWalkedOncePerSnapshot() throws Exception {
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            Snapshot good = oneBackup(repo);
            ObjectId missing = repo.keys().contentId(new byte[] {7}, 0, 1);
            ObjectId tree = repo.saveTree(new Tree(List.of(new Node("leaf", NodeType.FILE, 0644, 0, 0, 1, 1, 0, 0, 1, List.of(missing), null, null))));
            for (int level = 0; level < 40; level++) {
                tree = repo.saveTree(new Tree(List.of(new Node("a", NodeType.DIR, 0755, 0, 0, 2, 1, 0, 0, 0, null, tree, null),
                        new Node("b", NodeType.DIR, 0755, 0, 0, 3, 1, 0, 0, 0, null, tree, null))));
            }
            repo.flush();
            Snapshot crafted = TestTrees.forged(good, good.time(), tree, "evil");
            SnapshotRef s = new SnapshotRef(repo.saveSnapshot(crafted), crafted);
            CheckResult r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                    () -> new Checker(repo, 2).check(0));
            assertThat(r.errors()).containsExactly("snapshot " + s.shortId() + " " + "/a".repeat(40) + "/leaf: blob " + missing.shortHex()
                    + " missing from the index");
        }
    }

    /**
     * A snapshot dated in the future of the checking host's clock (a backup taken while its host's clock was years ahead, or
     * a record forged by a holder of the password) is `latest`, the next backup's parent and --keep-last's newest, and check
     * said nothing of it (a helper's): it is named as a warning.
     */
    @Test
    void checkWarnsOfASnapshotDatedInTheFuture() throws Exception {
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            Snapshot s = oneBackup(repo);
            assertThat(new Checker(repo, 2).check(0).warnings()).noneMatch(w -> w.contains("in the future"));
            Instant at = Instant.parse("2031-06-01T00:00:00Z");
            Snapshot ahead = TestTrees.forged(s, at, s.tree(), "web-1");
            SnapshotRef saved = new SnapshotRef(repo.saveSnapshot(ahead), ahead);
            assertThat(new Checker(repo, 2).check(0).warnings()).contains("1 snapshot(s) dated in the future of this clock (first: "
                    + saved.shortId() + " at 2031-06-01T00:00:00Z on web-1): a host's clock was wrong, or the record is forged; such a"
                    + " snapshot counts as the newest for `latest`, for the next backup's parent and for --keep-last");
        }
    }

    /**
     * A file whose blobs hold 111 bytes while its node says 10: `dump` refused it, a restore without --verify wrote all
     * 111, exit 0 (a helper's). The restore refuses it before writing anything, as dump does.
     */
    @Test
    void aFileWhoseBlobsDisagreeWithItsSizeIsRefusedByRestore() throws Exception {
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            Snapshot good = oneBackup(repo);
            byte[] bytes = new byte[111];
            ObjectId blob = repo.saveBlob(BlobType.DATA, bytes, 0, bytes.length);
            ObjectId tree = repo.saveTree(new Tree(List.of(new Node("f", NodeType.FILE, 0644, 0, 0, 1, 1, 0, 0, 10, List.of(blob), null, null))));
            repo.flush();
            Snapshot crafted = TestTrees.forged(good, good.time(), tree, "evil");
            SnapshotRef s = new SnapshotRef(repo.saveSnapshot(crafted), crafted);
            assertThatThrownBy(() -> new org.opsledger.vault.restorer.Restorer(repo, 2).restore(s, tmp.resolve("out"), List.of(), false))
                    .hasMessage("f: the snapshot's blobs hold 111 bytes, its size says 10 (a damaged or forged tree)");
            assertThat(tmp.resolve("out")).doesNotExist();
        }
    }

    /**
     * Correctly sealed trees that restore refuses or restores wrongly: check said "no errors were found" of each (a
     * helper's, IS.012 6.6.4). It names each (snapshot, path, why) and goes on with the others; a restore of the one whose
     * name is twice refuses it as the tree's fault before writing anything (it failed midway, "already exists", blaming
     * its target).
     */
    @Test
    void treesThatRestoreRefusesOrRestoresWronglyAreNamedByCheck() throws Exception {
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            Snapshot good = oneBackup(repo);
            byte[] bytes = "abc".getBytes(StandardCharsets.UTF_8);
            ObjectId blob = repo.saveBlob(BlobType.DATA, bytes, 0, bytes.length);
            ObjectId empty = repo.saveTree(new Tree(List.of()));
            Node file = new Node("f", NodeType.FILE, 0644, 0, 0, 1, 1, 0, 0, 3, List.of(blob), null, null);
            Node dir = new Node("d", NodeType.DIR, 0755, 0, 0, 2, 1, 0, 0, 0, null, empty, null);
            java.util.Map<String, Tree> forged = new java.util.LinkedHashMap<>();
            forged.put("/f: the snapshot's blobs hold 3 bytes, its size says 4 (a damaged or forged tree)",
                    new Tree(List.of(file.withContent(List.of(blob), 4))));
            forged.put("/f: the name is twice in its directory (a damaged or forged tree)", new Tree(List.of(file, file)));
            forged.put("/d: a directory without its subtree (a damaged or forged tree)", new Tree(List.of(dir.withSubtree(null))));
            // a blob indexed as data is read as the tree it names, as its ID commits to its bytes (TreeBytesInAFileTest)
            forged.put("/d: malformed tree blob " + blob.shortHex() + " (JSON that is not a tree of the vault's: a node lacks a field"
                    + " or has one of another kind)", new Tree(List.of(dir.withSubtree(blob))));
            List<String> expected = new java.util.ArrayList<>();
            SnapshotRef twice = null;
            SnapshotRef noSubtree = null;
            for (var f : forged.entrySet()) {
                Snapshot crafted = TestTrees.forged(good, good.time(), repo.saveTree(f.getValue()), "evil");
                repo.flush();
                SnapshotRef s = new SnapshotRef(repo.saveSnapshot(crafted), crafted);
                expected.add("snapshot " + s.shortId() + " " + f.getKey());
                twice = f.getKey().contains("twice") ? s : twice;
                noSubtree = f.getKey().contains("without its subtree") ? s : noSubtree;
            }
            assertThat(new Checker(repo, 2).check(0).errors()).containsExactlyInAnyOrderElementsOf(expected);
            SnapshotRef s = twice;
            assertThatThrownBy(() -> new org.opsledger.vault.restorer.Restorer(repo, 2).restore(s, tmp.resolve("out"), List.of(), false))
                    .hasMessage("f: the name is twice in its directory (a damaged or forged tree)");
            assertThat(tmp.resolve("out")).doesNotExist();
            // a directory without its subtree was restored as an empty one, "verified", exit 0, and dumped so (a re-tester's)
            SnapshotRef bare = noSubtree;
            assertThatThrownBy(() -> new org.opsledger.vault.restorer.Restorer(repo, 2).restore(bare, tmp.resolve("out"), List.of(), true))
                    .hasMessage("d: a directory without its subtree (a damaged or forged tree)");
            assertThat(tmp.resolve("out")).doesNotExist();
            assertThatThrownBy(() -> new org.opsledger.vault.restorer.Dumper(repo).dump(bare, "/", java.io.OutputStream.nullOutputStream()))
                    .hasMessageContaining("d: a directory without its subtree (a damaged or forged tree)");
        }
    }

    /**
     * A chain of one-directory levels deeper than any path names (100,000 of them stopped check and prune for every host
     * with a stack overflow, a helper's): check names the snapshot and goes on, prune refuses naming it.
     */
    @Test
    void aTreeDeeperThanAnyPathIsNamedByCheckAndRefusedByPrune() throws Exception {
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            Snapshot good = oneBackup(repo);
            ObjectId tree = repo.saveTree(new Tree(List.of()));
            for (int level = 0; level <= Tree.MAX_DEPTH + 1; level++) {
                tree = repo.saveTree(new Tree(List.of(new Node("d", NodeType.DIR, 0755, 0, 0, 2, 1, 0, 0, 0, null, tree, null))));
            }
            repo.flush();
            Snapshot crafted = TestTrees.forged(good, good.time(), tree, "evil");
            SnapshotRef s = new SnapshotRef(repo.saveSnapshot(crafted), crafted);
            String deep = "snapshot " + s.shortId() + ": its directories go deeper than 2048 levels, more than a path of 4,096 bytes can"
                    + " name (a damaged or forged tree)";
            // 2,048 levels walked take more than a test thread's stack when nothing is compiled yet (the launcher gives
            // vault commands 8 MiB): a thread of its own, as deep as the launcher's
            java.util.concurrent.atomic.AtomicReference<Object> checked = new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.atomic.AtomicReference<Throwable> pruned = new java.util.concurrent.atomic.AtomicReference<>();
            // and every other walk of trees (a tester's, with 100,000 levels: ls and diff printed ≈47 MB of paths, then ran out
            // of heap advising a larger one; find and copy overflowed the stack; restore ran out of heap in ever larger ones)
            SnapshotRef goodRef = repo.snapshots().stream().filter(r -> !r.id().equals(s.id())).findFirst().orElseThrow();
            java.util.Map<String, Throwable> walks = new java.util.concurrent.ConcurrentHashMap<>();
            java.util.Map<String, org.junit.jupiter.api.function.Executable> others = new java.util.LinkedHashMap<>();
            others.put("find", () -> new org.opsledger.vault.history.Finder(repo, "nothing-by-this-name").find(List.of(s), h -> { }));
            others.put("diff", () -> new org.opsledger.vault.history.Differ(repo).diff(goodRef, s, c -> { }));
            others.put("diff back", () -> new org.opsledger.vault.history.Differ(repo).diff(s, goodRef, c -> { }));
            others.put("restore", () -> new org.opsledger.vault.restorer.Restorer(repo, 2).restore(s, tmp.resolve("target"), List.of(), true));
            others.put("dump", () -> new org.opsledger.vault.restorer.Dumper(repo).dump(s, "/", java.io.OutputStream.nullOutputStream()));
            others.put("rewrite", () -> new org.opsledger.vault.snapshot.Rewriter(repo).rewrite(List.of(s), List.of("nothing-by-this-name"),
                    "test", "tester", true));
            others.put("copy", () -> {
                try (Repository target = TestTrees.newRepo(tmp.resolve("long-term"))) {
                    new org.opsledger.vault.copier.Copier(repo, target).copy(s);
                }
            });
            Thread walker = new Thread(null, () -> {
                checked.set(new Checker(repo, 2).check(0).errors());
                try {
                    new Pruner(repo).prune();
                } catch (Throwable t) {
                    pruned.set(t);
                }
                others.forEach((name, walk) -> {
                    try {
                        walk.execute();
                    } catch (Throwable t) {
                        walks.put(name, t);
                    }
                });
            }, "deep-walk", 8L << 20);
            walker.start();
            walker.join();
            assertThat(checked.get()).isEqualTo(List.of(deep));
            assertThat(pruned.get()).hasMessage(deep);
            for (String name : others.keySet()) {
                assertThat(walks.get(name)).as(name).isInstanceOf(VaultException.class).hasMessage(deep);
            }
            assertThat(tmp.resolve("target")).as("nothing written").doesNotExist();
        }
    }

    /** A classification none of the four, in a record written by other means than `vault backup`: check names it (a helper's). */
    @Test
    void aClassificationNoneOfTheFourIsNamedByCheck() throws Exception {
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            Snapshot good = oneBackup(repo);
            Snapshot secret = good.withRecord("records office", "secret", java.time.LocalDate.of(2040, 1, 1), java.util.Map.of());
            assertThat(secret.recordLacks()).containsExactly("a classification of Public, Internal, Confidential, High sensitivity (it says secret)");
            repo.saveSnapshot(secret);
            assertThat(new Checker(repo, 2).check(0).warnings()).anyMatch(w -> w.startsWith("2 snapshot record(s) lack what IS.012 6.6.5.1 asks"));
        }
    }

    /**
     * A snapshot file that authenticates but lacks its time, kind, paths or tree, or whose tags are no map, stopped
     * snapshots, ls, forget, stats, restore and check with "Cannot invoke …" or Jackson's words, naming no file (a helper's).
     * It is an unreadable snapshot file, named as a damaged one is, and the others are still listed, found by ID and checked.
     */
    @Test
    void aSnapshotFileThatLacksAFieldIsNamedAndTheOthersServe() throws Exception {
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            Snapshot good = oneBackup(repo);
            for (String field : List.of("time", "kind", "paths", "tree", "tags")) {
                @SuppressWarnings("unchecked")
                java.util.Map<String, Object> json = org.opsledger.vault.VaultJson.MAPPER.convertValue(good, java.util.Map.class);
                if (field.equals("tags")) {
                    json.put("tags", "x");
                } else {
                    json.remove(field);
                }
                String name = "snapshots/" + repo.writeSealed("snapshots", org.opsledger.vault.crypto.Sealing.Kind.SNAPSHOT, json).hex();
                String why = name + " does not parse as the format says (" + (field.equals("tags")
                        ? "its field tags is not of the type the format says" : "no " + field) + ")";
                Repository.SnapshotListing listing = repo.listSnapshots();
                assertThat(listing.unreadable()).as(field).containsExactly(name + ": " + why.substring(name.length() + 1)); // named once
                assertThat(listing.readable()).extracting(SnapshotRef::snapshot).containsExactly(good);
                assertThat(repo.findSnapshot(listing.readable().getFirst().id().hex()).snapshot()).isEqualTo(good);
                assertThat(new Checker(repo, 2).check(0).errors()).as(field).containsExactly(why);
                repo.backend().delete(name);
            }
        }
    }

    /** A repository's snapshot of one small file, whose record the tests forge others from. */
    private Snapshot oneBackup(Repository repo) throws java.io.IOException {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("a.txt"), "a");
        return TestTrees.backup(repo, data).snapshot();
    }
}
