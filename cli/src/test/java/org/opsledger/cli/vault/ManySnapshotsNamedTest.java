package org.opsledger.cli.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.cli.CliRun;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.Tree;

/**
 * Commands given many snapshot IDs read the repository's snapshots once: each ID read and decrypted every snapshot file
 * again, and a copy of 250 IDs out of 10,368 snapshots took 432 s, a forget --dry-run of 200 IDs 62 s (a helper's). The
 * snapshot files read are counted by the JVM's own file-read events.
 */
class ManySnapshotsNamedTest {

    private static final int SNAPSHOTS = 30;

    @TempDir
    static Path tmp;

    static Path pw;
    static Path repo;
    static List<String> ids = new ArrayList<>();

    @BeforeAll
    static void aRepositoryOf30Snapshots() throws Exception {
        pw = Files.writeString(tmp.resolve("pw"), "operator one\n");
        repo = tmp.resolve("repo");
        assertThat(vault("init", "--kdf-iterations", "100000").exit()).isZero();
        try (Repository r = Repository.open(new LocalBackend(repo), "operator one".toCharArray())) {
            ObjectId none = r.saveTree(new Tree(List.of()));
            r.flush();
            Instant t = Instant.parse("2026-01-01T00:00:00Z");
            for (int i = 0; i < SNAPSHOTS; i++) {
                ids.add(r.saveSnapshot(new Snapshot(t.plus(Duration.ofHours(i)), none, null, List.of("/srv"), "fileserver", "root", Map.of(),
                        Snapshot.Kind.FULL, null, null, null, "x", "fileserver", null)).hex());
            }
        }
    }

    private static CliRun vault(String... args) {
        List<String> all = new ArrayList<>(List.of("vault"));
        all.addAll(List.of(args));
        all.addAll(List.of("--repo", repo.toString(), "--password-file", pw.toString()));
        return CliRun.of(all.toArray(String[]::new));
    }

    /** The run of {@code args}, and how many times it read a file of the repository's snapshots/. */
    private static long snapshotFilesRead(String... args) throws Exception {
        Path events = tmp.resolve("reads.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.FileRead").withThreshold(Duration.ZERO).withStackTrace();
            recording.start();
            CliRun run = vault(args);
            recording.stop();
            assertThat(run.exit()).as(run.err()).isZero();
            recording.dump(events);
        }
        String snapshots = repo.resolve("snapshots").toString();
        return RecordingFile.readAllEvents(events).stream().map(e -> e.getString("path"))
                .filter(p -> p != null && p.startsWith(snapshots)).count();
    }

    @Test
    void aForgetOf30IdsReadsEachSnapshotOnce() throws Exception {
        List<String> args = new ArrayList<>(List.of("forget", "--dry-run"));
        args.addAll(ids);
        assertThat(snapshotFilesRead(args.toArray(String[]::new))).isBetween((long) SNAPSHOTS, 3L * SNAPSHOTS); // a read or two a file; one listing per ID read 900
    }

    @Test
    void aCopyOf30IdsReadsEachSnapshotOnce() throws Exception {
        Path target = tmp.resolve("target");
        assertThat(CliRun.of("vault", "init", "--repo", target.toString(), "--password-file", pw.toString(), "--kdf-iterations", "100000").exit()).isZero();
        List<String> args = new ArrayList<>(List.of("copy", "--to", target.toString()));
        args.addAll(ids);
        assertThat(snapshotFilesRead(args.toArray(String[]::new))).isBetween((long) SNAPSHOTS, 3L * SNAPSHOTS); // a read or two a file; one listing per ID read 900
    }
}
