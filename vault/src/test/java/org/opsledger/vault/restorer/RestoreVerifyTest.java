package org.opsledger.vault.restorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.TestTrees;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.pack.BlobType;
import org.opsledger.vault.repository.DamagedBlobException;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.NodeType;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.SnapshotRef;
import org.opsledger.vault.snapshot.Tree;

/**
 * restore --verify no longer recomputes each blob's content ID while writing (the verify pass hashes
 * every restored file instead): a blob whose content does not match its ID must still be caught.
 */
class RestoreVerifyTest {

    @TempDir
    Path tmp;

    /** A snapshot of one file whose only blob is sealed correctly (the GCM tag holds) but stored under another content's ID. */
    private static SnapshotRef mislabelled(Repository repo, byte[] stored) {
        ObjectId wrongId = repo.keys().contentId(new byte[] {1, 2, 3}, 0, 3);
        repo.storeBlob(BlobType.DATA, wrongId, stored, 0, stored.length);
        repo.flush();
        Node file = new Node("file.bin", NodeType.FILE, 0644, 1_000_000_000L, 1_000_000_000L, 0, 0, 0, 0, stored.length,
                List.of(wrongId), null, null);
        ObjectId root = repo.saveTree(new Tree(List.of(file)));
        repo.flush();
        Snapshot s = new Snapshot(Instant.now(), root, null, List.of("/x"), "h", "u", java.util.Map.of(), Snapshot.Kind.FULL,
                null, null, null, "here", "h", new Snapshot.Summary(1, 0, stored.length, 0, 0, 1, 0));
        return new SnapshotRef(repo.saveSnapshot(s), s);
    }

    @Test
    void verifyNamesAFileWhoseBlobDoesNotMatchItsIdAlthoughTheWriteSkippedTheIdCheck() throws Exception {
        byte[] stored = TestTrees.random(7, 100_000);
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef snap = mislabelled(repo, stored);
            RestoreResult r = new Restorer(repo, 2).restore(snap, tmp.resolve("out"), List.of(), true);
            assertThat(r.ok()).isFalse();
            assertThat(r.verifyFailures()).containsExactly("file.bin: content differs from the snapshot");
            assertThat(r.verified()).as("--json said \"verified\": true beside its differences").isFalse();
            assertThat(Files.readAllBytes(tmp.resolve("out/file.bin"))).isEqualTo(stored);
        }
    }

    /**
     * --verify compared a directory's mode and mtime by lstat, and a symlink reads 777: a restored directory of mode 777
     * that another user swapped for a link to her own tree was "verified" while every file went there; a file swapped for a
     * link was said to differ in size (a helper's). What is at a path must be of its node's type.
     */
    @Test
    void verifySaysWhatStandsWhereADirectoryOrFileWasRestored() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("dir"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), dir);
        java.util.function.Function<Path, java.util.Map<String, Object>> lstat = p -> {
            try {
                return Files.readAttributes(p, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        List<String> failures = new java.util.ArrayList<>();
        assertThat(Restorer.ofType(NodeType.DIR, "d", lstat.apply(dir), failures)).isTrue();
        assertThat(Restorer.ofType(NodeType.DIR, "d", lstat.apply(link), failures)).isFalse();
        assertThat(Restorer.ofType(NodeType.FILE, "d/z", lstat.apply(link), failures)).isFalse();
        assertThat(Restorer.ofType(NodeType.FILE, "e", lstat.apply(dir), failures)).isFalse();
        assertThat(failures).containsExactly("d: a symlink, expected a dir", "d/z: a symlink, expected a file", "e: a dir, expected a file");
    }

    /**
     * --verify compared mode, mtime, xattrs and ACLs but not the owner: on a filesystem whose chown(2) succeeds and does
     * nothing (ntfs-3g without {@code permissions}, its default) root's restore left every file root's and said "verified"
     * (a helper's). Such a chown stands in here; file, directory and symlink are each named.
     */
    @Test
    void verifyNamesAnOwnerAChownThatDidNothingLeft() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "only root gives files away");
        Path data = Files.createDirectories(tmp.resolve("src/data/sub"));
        Files.write(data.resolve("f"), TestTrees.text(1, 100));
        Files.createSymbolicLink(data.resolve("s"), Path.of("f"));
        for (Path p : List.of(data, data.resolve("f"), data.resolve("s"))) {
            Files.setAttribute(p, "unix:uid", 1234, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", 4321, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        }
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef snap = TestTrees.backup(repo, data);
            RestoreResult kept = new Restorer(repo, 2).restore(snap, tmp.resolve("kept"), List.of(), true);
            assertThat(kept.verifyFailures()).isEmpty();
            assertThat(Files.getAttribute(tmp.resolve("kept/sub/f"), "unix:uid")).isEqualTo(1234);

            Restorer lying = new Restorer(repo, 2);
            lying.chowns = (p, uid, gid) -> { }; // succeeds, does nothing
            RestoreResult r = lying.restore(snap, tmp.resolve("out"), List.of(), true);
            assertThat(r.verifyFailures()).containsExactlyInAnyOrder("sub: owner 0:0, expected 1234:4321",
                    "sub/f: owner 0:0, expected 1234:4321", "sub/s: owner 0:0, expected 1234:4321");
            assertThat(r.verified()).isFalse();
        }
    }

    /**
     * NTFS keeps times in 100 ns units: ntfs-3g read 01:46:41.123456789 back as .123456700, the probe took that for a step of
     * 1 µs, and each time was reported "kept to 1 µs" and left out of --verify, which then hid a time not set at all. The step
     * is 100 ns, and --verify compares each time at it: a time changed after it was set (as a filesystem that did not keep it
     * would leave it) is named.
     */
    @Test
    void ontoNtfsTimesAreKeptTo100NanosecondsAndVerifiedAtThatStep() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mount needs root");
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        for (String name : List.of("kept", "changed")) {
            Files.writeString(data.resolve(name), name);
            Files.setLastModifiedTime(data.resolve(name), java.nio.file.attribute.FileTime.from(1_600_000_001_123_456_789L,
                    java.util.concurrent.TimeUnit.NANOSECONDS));
        }
        Path image = tmp.resolve("ntfs.img");
        Path ntfs = Files.createDirectories(tmp.resolve("ntfs"));
        TestTrees.runOrSkip("truncate", "-s", "64M", image.toString());
        TestTrees.runOrSkip("mkfs.ntfs", "-q", "-F", image.toString());
        TestTrees.runOrSkip("ntfs-3g", "-o", "permissions", image.toString(), ntfs.toString());
        Files.setAttribute(ntfs, "unix:mode", 0755); // 0777 as made: a restore below is refused
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            assertThat(TargetFilesystem.probe(ntfs).timePrecision()).isEqualTo(100);
            SnapshotRef snap = TestTrees.backup(repo, data);
            Path out = Files.createDirectories(ntfs.resolve("out"));
            Files.writeString(out.resolve("live"), "a file that was there: every path's ACLs are written"); // through aclWrites
            Restorer restorer = new Restorer(repo, 2);
            restorer.aclWrites = (p, attributes, directory) -> {
                if (p.getFileName().toString().equals("changed")) { // its time set, then changed
                    Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.from(1_600_000_002_123_456_700L,
                            java.util.concurrent.TimeUnit.NANOSECONDS));
                }
            };
            RestoreResult r = restorer.restore(snap, out, List.of(), true);
            assertThat(r.unapplied()).filteredOn(u -> u.what().equals("modification time")).singleElement()
                    .satisfies(u -> assertThat(u.reason()).isEqualTo("kept to 100 ns by the target's filesystem"));
            assertThat(r.verifyFailures()).containsExactly("data/changed: mtime differs from the snapshot");
            assertThat(Files.getLastModifiedTime(out.resolve("data/kept")).to(java.util.concurrent.TimeUnit.NANOSECONDS))
                    .isEqualTo(1_600_000_001_123_456_700L);
        } finally {
            TestTrees.unmount(ntfs);
        }
    }

    @Test
    void withoutVerifyTheRestoreItselfRefusesTheMislabelledBlob() {
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef snap = mislabelled(repo, TestTrees.random(8, 100_000));
            assertThatThrownBy(() -> new Restorer(repo, 2).restore(snap, tmp.resolve("out"), List.of(), false))
                    .isInstanceOf(DamagedBlobException.class).hasMessageContaining("content does not match its ID");
        }
    }

    @Test
    void verifyHashesBlobsLargerThanItsReadSliceAcrossFilesOfManyBlobs() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data")); // an 11 MiB random file: ≈1 MiB chunks, some above the 1 MiB slice
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef snap = TestTrees.backup(repo, data);
            assertThat(repo.index().entries().values()).anyMatch(e -> e.rawLength() > 1024 * 1024);
            RestoreResult ok = new Restorer(repo, 2).restore(snap, tmp.resolve("out"), List.of(), true);
            assertThat(ok.verifyFailures()).isEmpty();
            TestTrees.assertSameTree(data, tmp.resolve("out/data"));
        }
    }

    @Test
    void verifyNamesAMislabelledBlobSpanningSeveralSlices() throws Exception {
        byte[] stored = TestTrees.random(9, 3 * 1024 * 1024 + 5);
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            RestoreResult r = new Restorer(repo, 2).restore(mislabelled(repo, stored), tmp.resolve("out"), List.of(), true);
            assertThat(r.verifyFailures()).containsExactly("file.bin: content differs from the snapshot");
        }
    }

    @Test
    void manyDirectoriesFilesAndSymlinksAreCreatedParentsFirstAcrossTheWorkers() throws Exception {
        Path data = tmp.resolve("src/data");
        Path deep = data;
        for (int level = 0; level < 12; level++) { // a chain deeper than one batch per level
            deep = deep.resolve("l" + level);
            Files.createDirectories(deep);
            Files.write(deep.resolve("f"), TestTrees.text(level, 10 + level));
        }
        for (int i = 0; i < 300; i++) { // more entries per level than one batch of 256
            Path d = Files.createDirectories(data.resolve("wide/d" + i));
            Files.write(d.resolve("a"), TestTrees.text(100 + i, 50));
            Files.write(d.resolve("b"), new byte[0]);
            Files.createSymbolicLink(d.resolve("s"), Path.of("../d" + ((i + 1) % 300) + "/a"));
        }
        Files.setLastModifiedTime(data.resolve("wide"), java.nio.file.attribute.FileTime.fromMillis(1_500_000_000_000L));
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef snap = TestTrees.backup(repo, data);
            RestoreResult r = new Restorer(repo, 3).restore(snap, tmp.resolve("out"), List.of(), true);
            assertThat(r.verifyFailures()).isEmpty();
            assertThat(r.files()).isEqualTo(12 + 600);
            assertThat(r.symlinks()).isEqualTo(300);
            TestTrees.assertSameTree(data, tmp.resolve("out/data"));
        }
    }

    @Test
    void aFileAlreadyAtATargetPathFailsTheRestoreBeforeAnythingIsWritten() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef snap = TestTrees.backup(repo, data);
            Files.createDirectories(tmp.resolve("out/data"));
            Files.writeString(tmp.resolve("out/data/big.bin"), "mine");
            assertThatThrownBy(() -> new Restorer(repo, 2).restore(snap, tmp.resolve("out"), List.of(), false))
                    .hasMessage("restore target " + tmp.resolve("out") + " already holds 1 of the snapshot's paths (first "
                            + tmp.resolve("out/data/big.bin") + "); restore never overwrites: restore into a new or empty directory, or move those away");
            assertThat(Files.readString(tmp.resolve("out/data/big.bin"))).isEqualTo("mine");
            try (var left = Files.list(tmp.resolve("out/data"))) {
                assertThat(left.toList()).containsExactly(tmp.resolve("out/data/big.bin")); // not a file, link or directory more
            }
            // a file named as the target: it said "cannot read restore target X: X"
            assertThatThrownBy(() -> new Restorer(repo, 2).restore(snap, tmp.resolve("out/data/big.bin"), List.of(), false))
                    .hasMessage("restore target " + tmp.resolve("out/data/big.bin") + " is not a directory: a restore writes into a"
                            + " directory, a new one or one that holds none of the snapshot's names");
            // a file on the way to it
            assertThatThrownBy(() -> new Restorer(repo, 2).restore(snap, tmp.resolve("out/data/big.bin/under"), List.of(), false))
                    .hasMessage("cannot read restore target " + tmp.resolve("out/data/big.bin/under") + ": Not a directory");
            assertThat(Files.readString(tmp.resolve("out/data/big.bin"))).isEqualTo("mine");
        }
    }
}
