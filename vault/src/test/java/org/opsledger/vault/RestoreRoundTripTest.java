package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.archiver.Archiver;
import org.opsledger.vault.archiver.BackupProgress;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.pack.BlobType;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.restorer.RestoreResult;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.NodeType;
import org.opsledger.vault.snapshot.SnapshotRef;
import org.opsledger.vault.snapshot.Tree;

class RestoreRoundTripTest {

    @TempDir
    Path tmp;

    @Test
    void restoreGivesBackEveryByteModeMtimeSymlinkAndEmptyDirectory() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef snap = TestTrees.backup(repo, data);
            assertThat(snap.snapshot().kind()).isEqualTo(Snapshot.Kind.FULL);
        }
        try (Repository repo = TestTrees.open(tmp.resolve("repo"))) {
            RestoreResult r = new Restorer(repo, 2).restore(repo.findSnapshot("latest"), tmp.resolve("out"), List.of(), true);
            assertThat(r.ok()).as(r.toString()).isTrue();
            assertThat(r.verifyFailures()).isEmpty();
            TestTrees.assertSameTree(data, tmp.resolve("out/data"));
            assertThat(Files.isDirectory(tmp.resolve("out/data/docs/empty"))).isTrue();
            assertThat(new Checker(repo, 2).check(100).ok()).isTrue();
        }
    }

    /**
     * A time before 1970 with a fraction of a second (1969-12-31 23:59:59.5) came back as 1970-01-01 00:00:00, silently:
     * the JDK hands utimensat(2) a negative tv_nsec, which it refuses, and sets the epoch instead (a helper's; restic
     * restores them). Each comes back exactly; --verify now compares a symlink's time too, which it never did.
     */
    @Test
    void timesBeforeTheEpochWithAFractionComeBackExactly() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/old"));
        Files.writeString(data.resolve("a.txt"), "a");
        Files.createDirectory(data.resolve("dir"));
        Files.createSymbolicLink(data.resolve("link"), Path.of("a.txt"));
        Map<String, String> times = Map.of("a.txt", "@-0.5", "link", "@-15638400.5", "dir", "@-157766399.3", "", "@-1.25");
        for (var t : times.entrySet()) {
            Process p = new ProcessBuilder("touch", "-h", "-m", "-d", t.getValue(), data.resolve(t.getKey()).toString()).start();
            assertThat(p.waitFor()).isZero();
        }
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef snap = TestTrees.backup(repo, data);
            RestoreResult r = new Restorer(repo, 2).restore(snap, tmp.resolve("out"), List.of(), true);
            assertThat(r.verifyFailures()).isEmpty();
            assertThat(r.ok()).as(r.toString()).isTrue();
            for (String name : times.keySet()) {
                assertThat(Files.getLastModifiedTime(tmp.resolve("out/old").resolve(name), LinkOption.NOFOLLOW_LINKS))
                        .as(name).isEqualTo(Files.getLastModifiedTime(data.resolve(name), LinkOption.NOFOLLOW_LINKS));
            }
        }
    }

    /**
     * A file of one blob or none is created with its own mode where creation gives it exactly (in a target the restore
     * made, no set-ID bit, no bit the umask takes), the others are chmodded once written: every mode comes back either
     * way, into a new target and into an existing one, where every file is chmodded.
     */
    /**
     * A path that would be longer in the target than Linux takes (the target deeper than the source was) is left out and
     * reported, and the rest restored: it ended the whole restore, 0 files written (a helper's; restic restores the rest).
     */
    @Test
    void aPathTooLongForTheTargetIsLeftOutAndTheRestRestored() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.writeString(data.resolve("short.txt"), "near the top\n");
        Path deep = data;
        while (deep.toString().length() < 3_800) {
            deep = deep.resolve("d".repeat(200));
        }
        Files.createDirectories(deep);
        Files.writeString(deep.resolve("deep.txt"), "far down\n");
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef snap = TestTrees.backup(repo, data);
            Path target = tmp.resolve("t".repeat(250)).resolve("t".repeat(250)); // 500 bytes deeper than src/
            RestoreResult r = new Restorer(repo, 2).restore(snap, target, List.of(), true);
            assertThat(Files.readString(target.resolve("data/short.txt"))).isEqualTo("near the top\n");
            assertThat(r.unapplied()).singleElement().satisfies(u -> {
                assertThat(u.what()).isEqualTo("name");
                assertThat(u.reason()).startsWith("its path in the target would be longer than the 4095 bytes Linux takes");
            });
            assertThat(r.verifyFailures()).isEmpty();
        }
    }

    /**
     * A name longer than the 255 bytes Linux's own filesystems take, which exFAT and NTFS hold (255 UTF-16 units: 120 Japanese
     * characters are 360 bytes), is left out and reported as a path too long is, with what it holds, and the rest restored:
     * it ended the whole restore onto ext4, "File name too long", exit 1, 0 of 100 photos restored (a tester's).
     */
    @Test
    void aNameLongerThanTheTargetTakesIsLeftOutAndTheRestRestored() throws Exception {
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            byte[] text = "minutes\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ObjectId blob = repo.saveBlob(BlobType.DATA, text, 0, text.length);
            Node minutes = new Node("2026.txt", NodeType.FILE, 0644, 0, 0, 0, 0, 0, 0, text.length, List.of(blob), null, null);
            String longName = "議事録".repeat(40);
            Node longDir = new Node(longName, NodeType.DIR, 0755, 0, 0, 0, 0, 0, 0, 0, null, repo.saveTree(new Tree(List.of(minutes))), null);
            Node longFile = new Node(longName + ".txt", NodeType.FILE, 0644, 0, 0, 0, 0, 0, 0, text.length, List.of(blob), null, null);
            Node photo = new Node("p1.jpg", NodeType.FILE, 0644, 0, 0, 0, 0, 0, 0, text.length, List.of(blob), null, null);
            Node photos = new Node("photos", NodeType.DIR, 0755, 0, 0, 0, 0, 0, 0, 0, null, repo.saveTree(new Tree(List.of(photo))), null);
            ObjectId root = repo.saveTree(new Tree(List.of(photos, longDir, longFile)));
            repo.flush();
            Snapshot s = new Snapshot(java.time.Instant.now(), root, null, List.of("/stick"), "h", "u", Map.of(), Snapshot.Kind.FULL,
                    null, null, null, "x", "h", null);
            RestoreResult r = new Restorer(repo, 2).restore(new SnapshotRef(repo.saveSnapshot(s), s), tmp.resolve("out"), List.of(), true);
            assertThat(Files.readString(tmp.resolve("out/photos/p1.jpg"))).isEqualTo("minutes\n");
            assertThat(r.unapplied()).singleElement().satisfies(u -> {
                assertThat(u.what()).isEqualTo("name");
                assertThat(u.outcome()).isEqualTo("refused: not restored");
                assertThat(u.reason()).isEqualTo("it is longer than the 255 bytes a name may have on the target's filesystem");
                assertThat(u.first()).containsExactly(longName, longName + ".txt");
            });
            assertThat(r.verifyFailures()).isEmpty();
            try (var listed = Files.list(tmp.resolve("out"))) {
                assertThat(listed.map(p -> p.getFileName().toString())).containsExactly("photos");
            }
        }
    }

    /**
     * A restore that did not end (killed outright, a store that failed halfway) left files cut short under their final
     * names, and the next restore there said only that the target "already holds" paths (a helper's, after kill -9). Its
     * target is marked until every file is whole, and the next restore says what it is.
     */
    @Test
    void aRestoreThatDidNotEndLeavesItsTargetMarkedAndTheNextOneSaysSo() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        Path repoDir = tmp.resolve("repo");
        SnapshotRef snap;
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            snap = TestTrees.backup(repo, data);
            Path whole = tmp.resolve("whole");
            assertThat(new Restorer(repo, 2).restore(snap, whole, List.of(), true).ok()).isTrue();
            assertThat(whole.resolve(Restorer.UNFINISHED)).as("gone once every file is whole").doesNotExist();
        }
        ForwardingBackend failing = ForwardingBackend.failingPackReadsAfter(repoDir, 1);
        Path target = tmp.resolve("out");
        try (Repository repo = Repository.open(failing, TestTrees.PASSWORD)) {
            assertThatThrownBy(() -> new Restorer(repo, 1).restore(snap, target, List.of(), false)).hasMessageContaining("Input/output error");
        }
        assertThat(Files.readString(target.resolve(Restorer.UNFINISHED))).startsWith("snapshot " + snap.shortId() + ", restore begun ");
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThatThrownBy(() -> new Restorer(repo, 2).restore(snap, target, List.of(), true)).hasMessageStartingWith("restore target "
                    + target.toRealPath() + " holds a restore that did not end (snapshot " + snap.shortId() + ", restore begun ")
                    .hasMessageEndingWith("; killed, or the machine stopped): its files may be cut short; remove it, or restore into another"
                            + " directory (" + target.toRealPath().resolve(Restorer.UNFINISHED) + " marks it)");
            // a marker that is a link or a FIFO is not read: a planted link made a root restore print the file it led to
            // (and journal it), and a FIFO made it wait for ever (a helper's)
            Path secret = Files.writeString(tmp.resolve("secret"), "root:HASH\n");
            Files.delete(target.resolve(Restorer.UNFINISHED));
            Files.createSymbolicLink(target.resolve(Restorer.UNFINISHED), secret);
            assertThatThrownBy(() -> new Restorer(repo, 2).restore(snap, target, List.of(), true))
                    .hasMessageContaining("holds a restore that did not end (its " + Restorer.UNFINISHED + " not a file this vault wrote;")
                    .hasMessageNotContaining("HASH");
            Files.delete(target.resolve(Restorer.UNFINISHED));
            new ProcessBuilder("mkfifo", target.resolve(Restorer.UNFINISHED).toString()).start().waitFor();
            assertThatThrownBy(() -> new Restorer(repo, 2).restore(snap, target, List.of(), true))
                    .hasMessageContaining("(its " + Restorer.UNFINISHED + " not a file this vault wrote;");
        }
    }

    @Test
    void everyModeComesBackWhetherTheFileIsCreatedWithItOrChmoddedOnceWritten() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mode 0000 and set-ID files are read as root");
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        java.util.Map<String, Integer> modes = new java.util.LinkedHashMap<>();
        modes.put("plain.txt", 0644);
        modes.put("script.sh", 0755);
        modes.put("secret", 0600);
        modes.put("read-only.txt", 0444);
        modes.put("empty-read-only", 0444);
        modes.put("no-access", 0000);
        modes.put("group-writable", 0664); // a umask of 022 takes g+w: chmodded
        modes.put("world-writable", 0666);
        modes.put("setuid", 04755); // chown clears it: chmodded after
        modes.put("sticky", 01644);
        modes.put("several-blobs.bin", 0444); // opened once per blob: chmodded
        modes.put("zeros-read-only", 0440); // a hole, opened again for its length
        for (var m : modes.entrySet()) {
            Path f = data.resolve(m.getKey());
            byte[] content = switch (m.getKey()) {
                case "empty-read-only" -> new byte[0];
                case "several-blobs.bin" -> TestTrees.random(5, 6 * 1024 * 1024);
                case "zeros-read-only" -> new byte[300_000];
                default -> TestTrees.text(m.getValue(), 1000);
            };
            Files.write(f, content);
            Files.setAttribute(f, "unix:mode", m.getValue());
        }
        SnapshotRef snap;
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            snap = TestTrees.backup(repo, data);
            assertThat(repo.loadTree(repo.loadTree(snap.snapshot().tree()).nodes().getFirst().subtree()).nodes().stream()
                    .filter(n -> n.name().equals("several-blobs.bin")).findFirst().orElseThrow().content()).hasSizeGreaterThan(1);
            Path existing = Files.createDirectory(tmp.resolve("existing"));
            for (Path target : List.of(tmp.resolve("new"), existing)) {
                RestoreResult r = new Restorer(repo, 2).restore(snap, target, List.of(), true);
                assertThat(r.ok()).as(r.toString()).isTrue();
                TestTrees.assertSameTree(data, target.resolve("data"));
                for (var m : modes.entrySet()) {
                    assertThat((Integer) Files.getAttribute(target.resolve("data/" + m.getKey()), "unix:mode") & 07777)
                            .as(target + " " + m.getKey()).isEqualTo(m.getValue());
                }
            }
        }
    }

    /**
     * A file recorded 0600 restored straight into a target that was there (mode 0755): it was created 0644 (0666 less the
     * umask), written whole, and only then made 0600, so another user could read it, or open it and keep reading (a
     * helper's, with `su nobody` polling a restored database dump). Until its own mode is set it is its owner's alone.
     */
    @Test
    void aFileIsItsOwnersAloneUntilItsModeIsSet() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Path dump = src.resolve("db.sql");
        Files.write(dump, TestTrees.random(9, 3 * 1024 * 1024)); // several blobs: written piece by piece
        Path small = src.resolve("small");
        Files.write(small, TestTrees.text(9, 1000)); // one blob: written where it is created
        for (Path f : List.of(dump, small)) {
            Files.setAttribute(f, "unix:mode", 0600);
        }
        Path target = Files.createDirectory(tmp.resolve("existing")); // the operator's mkdir: 0755, not the restore's own
        Files.setAttribute(target, "unix:mode", 0755);
        java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Path dir = tmp.resolve("repo");
        try (Repository repo = TestTrees.newRepo(dir)) {
            TestTrees.backup(repo, dump, small);
        }
        try (Repository repo = Repository.open(new ForwardingBackend(new org.opsledger.vault.backend.LocalBackend(dir)) {
            @Override
            public byte[] readRange(String name, long offset, int length) {
                try (var files = Files.list(target)) { // what another user could open while the restore reads a pack
                    files.filter(f -> !f.getFileName().toString().startsWith(".opsledger-")).forEach(f -> { // not the restore's marker
                        try {
                            seen.add(f.getFileName() + " " + Integer.toOctalString((Integer) Files.getAttribute(f, "unix:mode",
                                    LinkOption.NOFOLLOW_LINKS) & 0777));
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return super.readRange(name, offset, length);
            }
        }, TestTrees.PASSWORD)) {
            RestoreResult r = new Restorer(repo, 1).restore(repo.snapshots().getLast(), target, List.of(), true);
            assertThat(r.ok()).as(r.toString()).isTrue();
        }
        assertThat(seen).as("seen while packs were read").contains("db.sql 600").allMatch(m -> m.endsWith(" 600"));
        for (Path f : List.of("db.sql", "small").stream().map(target::resolve).toList()) {
            assertThat((Integer) Files.getAttribute(f, "unix:mode") & 0777).isEqualTo(0600);
        }
    }

    @Test
    void restoreReadsEachPackRegionOnceAndWritesADuplicatedBlobToEveryFileThatHoldsIt() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data")); // holds two files with the same content
        java.util.concurrent.atomic.AtomicInteger packReads = new java.util.concurrent.atomic.AtomicInteger();
        org.opsledger.vault.backend.LocalBackend local = new org.opsledger.vault.backend.LocalBackend(tmp.resolve("repo"));
        local.createRoot();
        ForwardingBackend counting = new ForwardingBackend(local) {
            @Override
            public byte[] readRange(String name, long offset, int length) {
                if (name.startsWith("data/")) {
                    packReads.incrementAndGet();
                }
                return super.readRange(name, offset, length);
            }
        };
        try (Repository repo = Repository.init(counting, TestTrees.PASSWORD, TestTrees.FAST_KDF, "test")) {
            SnapshotRef snap = TestTrees.backup(repo, data);
            long dataBlobs = repo.index().entries().values().stream().filter(e -> e.type() == org.opsledger.vault.pack.BlobType.DATA).count();
            RestoreResult r = new Restorer(repo, 2).restore(snap, tmp.resolve("out"), List.of(), true);
            assertThat(r.ok()).as(r.toString()).isTrue();
            TestTrees.assertSameTree(data, tmp.resolve("out/data"));
            assertThat(dataBlobs).isGreaterThan(10);
            // 11 MiB + 3 MiB of distinct data in ~1 MiB chunks: a few 4 MiB reads, not one per chunk
            assertThat(packReads.get()).isLessThanOrEqualTo(6).isLessThan((int) dataBlobs / 2);
        }
    }

    @Test
    void verifyNamesAFileAlteredAfterRestore() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            TestTrees.backup(repo, data);
            Restorer restorer = new Restorer(repo, 2);
            restorer.restore(repo.findSnapshot("latest"), tmp.resolve("out"), List.of(), false);
        }
        // restore again with verify into a second place, then prove verify catches a difference
        try (Repository repo = TestTrees.open(tmp.resolve("repo"))) {
            RestoreResult ok = new Restorer(repo, 2).restore(repo.findSnapshot("latest"), tmp.resolve("out2"), List.of("data/docs"), true);
            assertThat(ok.ok()).isTrue();
            assertThat(Files.exists(tmp.resolve("out2/data/big.bin"))).isFalse();
            assertThat(Files.exists(tmp.resolve("out2/data/docs/manual.txt"))).isTrue();

            SnapshotRef latest = repo.findSnapshot("latest");
            assertThatThrownBy(() -> new Restorer(repo, 2).restore(latest, tmp.resolve("out3"), List.of("data/docs", "data/dcos"), false))
                    .hasMessage("the include path data/dcos matches nothing in snapshot " + latest.shortId()
                            + " (`vault ls " + latest.shortId() + "` lists its paths)");
            assertThat(tmp.resolve("out3")).doesNotExist(); // refused before the target was made

            // a directory and a path under it, in either order: the second was refused as matching nothing (a helper's)
            for (List<String> both : List.of(List.of("data/deep", "data/deep/a/b/c/d/leaf.txt"), List.of("data/deep/a/b/c/d/leaf.txt", "data/deep"))) {
                Path out = tmp.resolve("nested-" + both.getFirst().length());
                assertThat(new Restorer(repo, 2).restore(latest, out, both, true).ok()).isTrue();
                assertThat(out.resolve("data/deep/a/b/c/d/leaf.txt")).exists();
                assertThat(out.resolve("data/big.bin")).doesNotExist();
            }
            // "/" is the whole snapshot, as `vault dump latest /` (it matched nothing)
            assertThat(new Restorer(repo, 2).restore(latest, tmp.resolve("whole"), List.of("/"), true).ok()).isTrue();
            TestTrees.assertSameTree(data, tmp.resolve("whole/data"));
        }
    }

    @Test
    void incrementalSkipsUnchangedFilesAndFullRereadsEverything() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            TestTrees.backup(repo, data);
        }
        Files.write(data.resolve("docs/new.txt"), TestTrees.text(9, 1000));
        try (Repository repo = TestTrees.open(tmp.resolve("repo"))) {
            BackupProgress p = new BackupProgress();
            SnapshotRef incr = new Archiver(repo, p).backup(TestTrees.options(data));
            assertThat(incr.snapshot().kind()).isEqualTo(Snapshot.Kind.INCREMENTAL);
            assertThat(p.bytesRead.get()).isEqualTo(1000); // only the new file was read
            assertThat(p.filesUnchanged.get()).isEqualTo(6);
            assertThat(incr.snapshot().parent()).isNotNull();

            BackupProgress f = new BackupProgress();
            SnapshotRef full = new Archiver(repo, f).backup(TestTrees.options(data).withFull(true));
            assertThat(full.snapshot().kind()).isEqualTo(Snapshot.Kind.FULL);
            assertThat(f.filesUnchanged.get()).isZero();
            assertThat(f.bytesRead.get()).isEqualTo(11L * 1024 * 1024 + 17 + 6L * 1024 * 1024 + 4000 + 5 + 1000);
            assertThat(f.bytesReading.get()).as("counted as read, for the progress line: the same bytes").isEqualTo(f.bytesRead.get());
            assertThat(full.snapshot().summary().bytesAdded()).as("nothing new to store").isLessThan(10_000);
            assertThat(full.snapshot().tree()).isEqualTo(incr.snapshot().tree());
        }
    }

    @Test
    void duplicateContentIsStoredOnceAndCompressibleDataShrinks() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef s = TestTrees.backup(repo, data);
            long stored = repo.backend().list("data").stream().mapToLong(repo.backend()::size).sum();
            // 11 MiB random (incompressible) + 2 × 3 MiB identical text (stored once, compressed)
            assertThat(stored).isBetween(11L * 1024 * 1024, 11L * 1024 * 1024 + 2L * 1024 * 1024);
            assertThat(s.snapshot().summary().bytesRead()).isGreaterThan(17L * 1024 * 1024);
        }
    }

    @Test
    void namesAndLinkTargetsThatAreNotUtf8ComeBackByteForByte() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        // Latin-1 names as older file servers wrote them: \351 is é in Latin-1 and not UTF-8; the first two differ
        // only in a byte that is not UTF-8 (the JDK shows both as "caf\uFFFD"); the third is é in UTF-8
        sh(data, "printf one > \"$(printf 'caf\\351')\"; printf two > \"$(printf 'caf\\350')\"; printf three > \"$(printf 'caf\\303\\251')\";"
                + " mkdir \"$(printf 'dir\\377')\"; printf four > \"$(printf 'dir\\377/f\\376')\";"
                + " ln -s \"$(printf '../caf\\351')\" \"$(printf 'dir\\377/link\\375')\"");
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef first = TestTrees.backup(repo, data);
            RestoreResult r = new Restorer(repo, 2).restore(first, tmp.resolve("out"), List.of(), true);
            assertThat(r.verifyFailures()).isEmpty();
            assertThat(r.files()).isEqualTo(4);
            assertThat(r.symlinks()).isEqualTo(1);
            assertThat(sh(tmp.resolve("out/data"), LISTING)).isEqualTo(sh(data, LISTING));

            SnapshotRef second = TestTrees.backup(repo, data); // each file found again by its exact name
            assertThat(second.snapshot().summary().filesUnchanged()).isEqualTo(4);
        }
    }

    @Test
    void aSparseFileIsRestoredSparseAndWhole() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Path disk = data.resolve("disk.img"); // 48 MiB, of which a few bytes in the middle are written: it ends in a hole
        try (var f = new java.io.RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(48L << 20);
            f.seek(20_000_000);
            f.write("boot sector".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        Files.write(data.resolve("zeros.bin"), new byte[400_000]); // one blob, all of it a hole: the file is created all the same
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            RestoreResult r = new Restorer(repo, 2).restore(TestTrees.backup(repo, data), tmp.resolve("out"), List.of(), true);
            assertThat(r.verifyFailures()).isEmpty();
        }
        Path restored = tmp.resolve("out/data/disk.img");
        assertThat(Files.size(restored)).isEqualTo(48L << 20);
        assertThat(Files.mismatch(restored, disk)).isEqualTo(-1);
        long allocated = Long.parseLong(sh(tmp.resolve("out/data"), "stat -c %b disk.img").trim()) * 512;
        assertThat(allocated).as("bytes allocated on disk").isLessThan(16L << 20);
        assertThat(Files.mismatch(tmp.resolve("out/data/zeros.bin"), data.resolve("zeros.bin"))).isEqualTo(-1);
    }

    /**
     * Holes shorter than a chunk (512 KiB–8 MiB) are holes again: 4 KiB of data every 1 MiB, after a hole of 2 MiB at the
     * start, one of 3 MiB in the middle and one of 2.5 MiB at the end. Only a blob that was all zeros was left as a hole, so
     * this file came back allocated in full, 31 MiB for 132 KiB of data, and filled a small disk halfway (a helper's).
     */
    @Test
    void holesShorterThanAChunkAreRestoredAsHoles() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Path disk = data.resolve("disk.img");
        long size = 0;
        try (var f = new java.io.RandomAccessFile(disk.toFile(), "rw")) {
            for (int i = 0; i < 32; i++) {
                long at = (2L << 20) + i * (1L << 20) + (i >= 16 ? 3L << 20 : 0) + (i % 3) * 4096; // block-aligned, not MiB-aligned
                f.seek(at);
                f.write(TestTrees.random(i, 4096));
                size = at + 4096 + (5L << 19);
            }
            f.setLength(size);
        }
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            RestoreResult r = new Restorer(repo, 2).restore(TestTrees.backup(repo, data), tmp.resolve("out"), List.of(), true);
            assertThat(r.verifyFailures()).isEmpty();
        }
        Path restored = tmp.resolve("out/data/disk.img");
        assertThat(Files.size(restored)).isEqualTo(size);
        assertThat(Files.mismatch(restored, disk)).isEqualTo(-1);
        long source = Long.parseLong(sh(data, "stat -c %b disk.img").trim()) * 512;
        long allocated = Long.parseLong(sh(tmp.resolve("out/data"), "stat -c %b disk.img").trim()) * 512;
        assertThat(allocated).as("bytes allocated on disk, the source's " + source).isLessThanOrEqualTo(source + 16 * 4096);
    }

    /** A file whose name is not UTF-8 (the byte 0xE9) and that ends in a hole gets its length too, under its own name. */
    @Test
    void aFileNamedInBytesThatAreNotUtf8EndsInItsHole() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Path disk = org.opsledger.vault.snapshot.FileNames.resolve(data, "disk_\uDCE9.img");
        try (var f = new java.io.RandomAccessFile(data.resolve("named-later").toFile(), "rw")) {
            f.write(TestTrees.random(7, 4096));
            f.setLength(3L << 20);
        }
        Files.move(data.resolve("named-later"), disk);
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            RestoreResult r = new Restorer(repo, 2).restore(TestTrees.backup(repo, data), tmp.resolve("out"), List.of(), true);
            assertThat(r.verifyFailures()).isEmpty();
        }
        try (var restored = Files.list(tmp.resolve("out/data"))) {
            assertThat(restored.map(p -> p.getFileName()).toList()).as("no other name made").containsExactly(disk.getFileName());
        }
        assertThat(Files.mismatch(org.opsledger.vault.snapshot.FileNames.resolve(tmp.resolve("out/data"), "disk_\uDCE9.img"), disk)).isEqualTo(-1);
    }

    /** Every name's bytes, size, link target and mode, then a hash of every file's bytes in name order. */
    private static final String LISTING = "LC_ALL=C find . -printf '%P|%s|%l|%m\\n' | LC_ALL=C sort | od -An -tx1;"
            + " LC_ALL=C find . -type f -print0 | LC_ALL=C sort -z | xargs -0 cat | sha256sum";

    private static String sh(Path dir, String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }
}
