package org.opsledger.cli.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.opsledger.cli.CliRun;

/** The launcher's training workload runs every data command on generated files and leaves nothing behind. */
class TrainCommandTest {

    @Test
    void theTrainingWorkloadSucceedsSilentlyAndRemovesItsFiles() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        List<Path> before = trainingDirs(tmp);
        CliRun run = CliRun.of("vault", "train-cache");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).isEmpty();
        assertThat(trainingDirs(tmp)).containsExactlyInAnyOrderElementsOf(before);
    }

    private static List<Path> trainingDirs(Path tmp) throws Exception {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.filter(p -> p.getFileName().toString().startsWith("opsledger-vault-training-")).toList();
        }
    }
}
