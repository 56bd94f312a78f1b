package org.opsledger.cli.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.cli.CliRun;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.journal.Journal;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.Tree;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Commands over many snapshot records and journal entries hold no more of them than they must (last session's re-tester
 * found both past the launcher's heap at 30,000): each test makes records of ≈12–16 KB (a backup of 100–200 named
 * paths), so that a few thousand fill a small heap, and runs the command in a JVM of its own.
 */
class RecordsInBoundedMemoryTest {

    @TempDir
    Path tmp;

    Path pw;
    Path repo;

    @BeforeEach
    void anEmptyRepository() throws Exception {
        pw = Files.writeString(tmp.resolve("pw"), "operator one\n");
        repo = tmp.resolve("repo");
        assertThat(CliRun.of("vault", "init", "--repo", repo.toString(), "--password-file", pw.toString(), "--kdf-iterations", "100000")
                .exit()).isZero();
    }

    private static List<String> paths(int count) {
        return IntStream.range(0, count).mapToObj(i -> "/srv/share/" + "department-".repeat(8) + i).toList();
    }

    /** `snapshots --json` writes each record as it comes, as `ls --json` does: it built the whole array as one string. */
    @Test
    void snapshotsJsonWritesManyLargeRecordsInTheHeapThatListsThem() throws Exception {
        int snapshots = 600;
        try (Repository r = Repository.open(new LocalBackend(repo), "operator one".toCharArray())) {
            ObjectId none = r.saveTree(new Tree(List.of()));
            r.flush();
            Instant t = Instant.parse("2026-01-01T00:00:00Z");
            for (int i = 0; i < snapshots; i++) {
                r.saveSnapshot(new Snapshot(t.plus(Duration.ofHours(i)), none, null, paths(200), "fileserver", "root", Map.of(),
                        Snapshot.Kind.FULL, null, null, null, "x", "fileserver", null));
            }
        }
        Path out = vault("-Xmx40m", "snapshots", "--json");
        JsonNode records = JsonMapper.builder().build().readTree(out.toFile());
        assertThat(records.size()).isEqualTo(snapshots);
        assertThat(records.get(snapshots - 1).get("record").get("paths").size()).isEqualTo(200);
        assertThat(Files.size(out)).isGreaterThan(snapshots * 16_000L);
    }

    /**
     * `check` compares the journal's backups with the snapshots there are, keeping only the entries of snapshots that are
     * not there: it kept every backup's entry. 2,000 entries, each of a snapshot that is there.
     */
    @Test
    void checkKeepsNoBackupEntryOfASnapshotThatIsThere() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("a.txt"), "a line\n");
        assertThat(CliRun.of("vault", "backup", data.toString(), "--allow-same-device", "--repo", repo.toString(), "--password-file",
                pw.toString()).exit()).isZero();
        try (Repository r = Repository.open(new LocalBackend(repo), "operator one".toCharArray())) {
            Snapshot first = r.snapshots().getFirst().snapshot();
            Journal journal = new Journal(r);
            Instant t = Instant.now(); // after the init: one dated before it is backdated (§13)
            for (int i = 0; i < 2_000; i++) { // a snapshot each: the entries were kept by snapshot ID
                ObjectId there = r.saveSnapshot(first.withTag("n", String.valueOf(i)));
                journal.record(new JournalEntry(JournalEntry.Operation.BACKUP, JournalEntry.Outcome.OK, t.plusSeconds(i), t.plusSeconds(i + 1),
                        "fileserver", "root", paths(100), List.of(there), false, 0, "x".repeat(JournalEntry.MAX_DETAIL), null));
            }
        }
        assertThat(Files.readString(vault("-Xmx32m", "check"))).contains("no errors were found");
    }

    /** Standard output of the command, run exit 0 in a JVM of its own with {@code heap}. */
    private Path vault(String heap, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", heap, "-cp", System.getProperty("java.class.path"), "org.opsledger.cli.OpsLedgerCommand", "vault"));
        command.addAll(List.of(args));
        command.addAll(List.of("--repo", repo.toString(), "--password-file", pw.toString()));
        Path out = tmp.resolve("stdout");
        Path err = tmp.resolve("stderr");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(err)).isZero();
        return out;
    }
}
