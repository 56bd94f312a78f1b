package org.opsledger.vault.restorer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.TestTrees;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * A restore says done only once what it wrote is on the disk: `restore --verify` exited 0 and journaled "verified", and a
 * power cut seconds later left its files empty or missing and its unfinished marker gone, so the next restore did not say
 * the target was partial (a helper's, with a filesystem that keeps only what was fsynced). The order: the marker and its
 * directory first, each file after its last write, each directory after all it holds, the marker's removal last.
 */
class RestoreDurabilityTest {

    @TempDir
    Path tmp;

    /** One fsync: of what, how long the file was then, whether the marker was there, and on which thread. */
    private record Sync(Path path, long size, boolean marker, List<String> names, String thread) {
    }

    @Test
    void everyFileAndDirectoryIsOnTheDiskBeforeTheMarkerGoesAndTheMarkerBeforeTheFirstEntry() throws Exception {
        Path data = tmp.resolve("src/data");
        Files.createDirectories(data.resolve("sub/deeper"));
        Files.write(data.resolve("one.txt"), "one blob\n".getBytes());
        Files.write(data.resolve("big.bin"), TestTrees.random(1, 5 * 1024 * 1024)); // several blobs, from several pieces
        byte[] sparse = new byte[40_000]; // ends in blocks of zeros: its length set after its last write
        System.arraycopy(TestTrees.random(2, 10_000), 0, sparse, 0, 10_000);
        Files.write(data.resolve("sub/sparse.bin"), sparse);
        Files.write(data.resolve("sub/deeper/x.txt"), "x".getBytes());
        Files.createFile(data.resolve("sub/empty"));
        Files.createSymbolicLink(data.resolve("sub/link"), Path.of("../one.txt"));
        Path out = tmp.resolve("out");
        Path marker = out.resolve(Restorer.UNFINISHED);
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef snap = TestTrees.backup(repo, tmp.resolve("src/data"));
            Restorer restorer = new Restorer(repo, 2);
            List<Sync> syncs = Collections.synchronizedList(new ArrayList<>());
            restorer.syncs = (ch, p) -> {
                List<String> names = List.of();
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    try (Stream<Path> listed = Files.list(p)) {
                        names = listed.map(n -> n.getFileName().toString()).sorted().toList();
                    }
                }
                syncs.add(new Sync(p, ch.size(), Files.exists(marker, LinkOption.NOFOLLOW_LINKS), names, Thread.currentThread().getName()));
                ch.force(true);
            };
            RestoreResult r = restorer.restore(snap, out, List.of(), true);
            assertThat(r.verified()).isTrue();
            assertThat(syncs).as("no fsync at all: the files were in the page cache alone when the restore said done").isNotEmpty();
            assertThat(syncs.get(0).path()).isEqualTo(marker);
            assertThat(syncs.get(0).size()).as("the marker's line on the disk").isPositive();
            assertThat(syncs.get(1).path()).isEqualTo(out);
            assertThat(syncs.get(1).names()).as("the marker's directory on the disk before the first entry").containsExactly(Restorer.UNFINISHED);
            assertThat(syncs.get(2).path()).as("the target's own entry: this restore made it").isEqualTo(tmp);
            Sync last = syncs.getLast();
            assertThat(last.path()).isEqualTo(out);
            assertThat(last.marker()).as("the marker's removal made durable last").isFalse();
            assertThat(last.names()).containsExactly("data");
            List<Path> paths = syncs.stream().map(Sync::path).toList();
            try (Stream<Path> walked = Files.walk(out)) {
                for (Path p : walked.filter(p -> !p.equals(out)).toList()) {
                    if (Files.isSymbolicLink(p) || Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.size(p) == 0) {
                        continue; // a name alone: on the disk with its directory
                    }
                    int at = paths.indexOf(p);
                    assertThat(at).as(p + " fsynced").isNotNegative();
                    Sync s = syncs.get(at);
                    assertThat(s.marker()).as(p + " fsynced while the marker says the target is partial").isTrue();
                    assertThat(paths.lastIndexOf(p)).as(p + " fsynced once").isEqualTo(at);
                    if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) { // directories: all at once, once all they hold is made
                        assertThat(s.size()).as(p + " fsynced after its last write, with its length").isEqualTo(Files.size(p));
                        assertThat(paths.lastIndexOf(p.getParent())).as(p.getParent() + " fsynced after " + p).isGreaterThan(at);
                        if (!p.getFileName().toString().equals("sparse.bin")) { // forced once its length is set, on a worker
                            // the writers decrypt the next blobs meanwhile: forced on them, the restore waited on the disk
                            assertThat(s.thread()).as(p + " forced off the workers that write").isEqualTo("vault-restore-fsync");
                        }
                    }
                }
            }
            assertThat(Files.readAllBytes(out.resolve("data/sub/sparse.bin"))).isEqualTo(sparse);
        }
    }

    /**
     * A target whose directories above it the restore made (createDirectories): each made one's entry is on the disk in the
     * one above it, up to the first that was there, before the first path is written. Only the target's parent was.
     */
    @Test
    void everyDirectoryMadeAboveTheTargetIsOnTheDiskInTheOneAboveIt() throws Exception {
        Path data = tmp.resolve("src/data");
        Files.createDirectories(data);
        Files.write(data.resolve("one.txt"), "one blob\n".getBytes());
        Path out = tmp.resolve("restores/2026/12-06/out");
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef snap = TestTrees.backup(repo, data);
            Restorer restorer = new Restorer(repo, 2);
            List<Path> synced = Collections.synchronizedList(new ArrayList<>());
            restorer.syncs = (ch, p) -> {
                synced.add(p);
                ch.force(true);
            };
            assertThat(restorer.restore(snap, out, List.of(), true).verified()).isTrue();
            int firstEntry = synced.indexOf(out.resolve("data/one.txt"));
            for (Path made : List.of(out.getParent(), tmp.resolve("restores/2026"), tmp.resolve("restores"), tmp)) {
                assertThat(synced.indexOf(made)).as(made + " fsynced once the target is made, before the first file").isBetween(0, firstEntry);
            }
            assertThat(synced).as("nothing above the first directory that was there").doesNotContain(tmp.getParent());
        }
    }

    /**
     * A restore into a live tree that fails having made nothing (its one file's pack unreadable) removes its marker, the
     * target not partial, and that removal is on the disk before it fails: it was not fsynced, and a power cut brought the
     * marker back, which refused the same restore as "a restore that did not end".
     */
    @Test
    void theMarkerOfARestoreThatMadeNothingIsGoneFromTheDiskWhenItFails() throws Exception {
        SnapshotRef snap = TestTrees.liveTreeLosingAFile(tmp);
        Path live = tmp.resolve("live");
        List<Sync> syncs = Collections.synchronizedList(new ArrayList<>());
        try (Repository repo = Repository.open(org.opsledger.vault.ForwardingBackend.failingPackReadsAfter(tmp.resolve("repo"), 0),
                TestTrees.PASSWORD)) {
            Restorer failing = new Restorer(repo, 2);
            failing.syncs = (ch, p) -> {
                syncs.add(new Sync(p, ch.size(), Files.exists(live.resolve(Restorer.UNFINISHED), LinkOption.NOFOLLOW_LINKS), List.of(), Thread.currentThread().getName()));
                ch.force(true);
            };
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> failing.restore(snap, live, List.of("app/config/b.conf"), false))
                    .hasMessageContaining("Input/output error");
            assertThat(failing.begun.get()).as("nothing made: not a partial restore").isFalse();
        }
        assertThat(live.resolve(Restorer.UNFINISHED)).doesNotExist();
        assertThat(syncs).as("fsyncs of the restore").isNotEmpty();
        Sync last = syncs.getLast();
        assertThat(last.path()).as("the last fsync: the marker's directory, once it is gone").isEqualTo(live.toRealPath());
        assertThat(last.marker()).isFalse();
    }

    /**
     * A service's job cancelled (Future.cancel(true)) while the restore forces its marker: the interrupt closes the channel
     * in fsync, and the restore threw "cannot write … to the disk (fsync): ClosedByInterruptException", a disk failure to
     * the service, not the Cancelled its cancel asked for (a tester's).
     */
    @Test
    void aRestoreCancelledWhileItForcesItsMarkerThrowsCancelledNotADiskFailure() throws Exception {
        Path data = tmp.resolve("src/data");
        Files.createDirectories(data);
        Files.write(data.resolve("one.txt"), "one blob\n".getBytes());
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef snap = TestTrees.backup(repo, data);
            Restorer restorer = new Restorer(repo, 2);
            restorer.syncs = (ch, p) -> {
                if (p.getFileName().toString().equals(Restorer.UNFINISHED)) {
                    Thread.currentThread().interrupt(); // the cancel arrives now
                }
                ch.force(true);
            };
            try {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> restorer.restore(snap, tmp.resolve("out"), List.of(), false))
                        .isInstanceOf(org.opsledger.vault.Cancelled.class);
            } finally {
                Thread.interrupted();
            }
        }
    }
}
