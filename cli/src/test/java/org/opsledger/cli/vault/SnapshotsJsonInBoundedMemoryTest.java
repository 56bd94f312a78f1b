package org.opsledger.cli.vault;

import static org.assertj.core.api.Assertions.assertThat;

import tools.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.cli.CliRun;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.Tree;
import tools.jackson.databind.json.JsonMapper;

/**
 * `vault snapshots --json` writes each record as it comes, as `ls --json` does: it built the whole array as one string,
 * so 30,000 snapshots that `vault snapshots` listed in the launcher's heap ran out of it with --json (a re-tester's).
 * Here 600 records of ≈16 KB each (a backup of 200 named paths) in a heap that holds them once but not twice more.
 */
class SnapshotsJsonInBoundedMemoryTest {

    private static final int SNAPSHOTS = 600;

    @TempDir
    static Path tmp;

    @Test
    void manyLargeRecordsAreWrittenInTheHeapThatListsThem() throws Exception {
        Path pw = Files.writeString(tmp.resolve("pw"), "operator one\n");
        Path repo = tmp.resolve("repo");
        assertThat(CliRun.of("vault", "init", "--repo", repo.toString(), "--password-file", pw.toString(), "--kdf-iterations", "100000")
                .exit()).isZero();
        List<String> paths = IntStream.range(0, 200).mapToObj(i -> "/srv/share/" + "department-".repeat(6) + i).toList();
        try (Repository r = Repository.open(new LocalBackend(repo), "operator one".toCharArray())) {
            ObjectId none = r.saveTree(new Tree(List.of()));
            r.flush();
            Instant t = Instant.parse("2026-01-01T00:00:00Z");
            for (int i = 0; i < SNAPSHOTS; i++) {
                r.saveSnapshot(new Snapshot(t.plus(Duration.ofHours(i)), none, null, paths, "fileserver", "root", Map.of(),
                        Snapshot.Kind.FULL, null, null, null, "x", "fileserver", null));
            }
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx40m", "-cp", System.getProperty("java.class.path"), "org.opsledger.cli.OpsLedgerCommand",
                "vault", "snapshots", "--json", "--repo", repo.toString(), "--password-file", pw.toString()));
        Path out = tmp.resolve("stdout");
        Path err = tmp.resolve("stderr");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(err)).isZero();
        JsonNode records = JsonMapper.builder().build().readTree(out.toFile());
        assertThat(records.size()).isEqualTo(SNAPSHOTS);
        assertThat(records.get(SNAPSHOTS - 1).get("record").get("paths").size()).isEqualTo(200);
        assertThat(Files.size(out)).isGreaterThan(SNAPSHOTS * 16_000L);
    }
}
