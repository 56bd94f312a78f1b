package org.opsledger.cli.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The name of a --stdin-from-command stream given no --stdin-name (docs/operations.md, "Backups with `opsledger vault`"). */
class CommandStreamNameTest {

    /**
     * The command's words where they give it back exactly; else cut, '/' and controls made '_', an argument that may hold a
     * secret `***`, and a digest of the words.
     */
    @Test
    void aCommandsStreamIsNamedByItsWordsAndTwoCommandsNeverShareOne() {
        assertThat(BackupCommand.streamNameOf(List.of("pg_dump", "--no-owner", "hr"))).isEqualTo("pg_dump --no-owner hr");
        assertThat(BackupCommand.streamNameOf(List.of("/usr/bin/pg_dump", "hr"))).matches("pg_dump hr-[0-9a-f]{8}");
        assertThat(BackupCommand.streamNameOf(List.of("sh", "-c", "pg_dump hr\n> /dev/null"))).matches("sh -c pg_dump hr_> _dev_null-[0-9a-f]{8}");
        assertThat(BackupCommand.streamNameOf(List.of("sh", "-c", "a b"))).as("words with a space are not split again")
                .isNotEqualTo(BackupCommand.streamNameOf(List.of("sh", "-c", "a", "b")));
        assertThat(BackupCommand.streamNameOf(List.of("printf", "%s|", "a", "", "b")))
                .isNotEqualTo(BackupCommand.streamNameOf(List.of("printf", "%s|", "a", "b")));
        String longest = BackupCommand.streamNameOf(List.of("sh", "-c", "x".repeat(5000)));
        assertThat(longest).startsWith("sh -c xxx").hasSize(BackupCommand.COMMAND_NAME_MAX + 9)
                .isNotEqualTo(BackupCommand.streamNameOf(List.of("sh", "-c", "x".repeat(5001))));
        assertThat(BackupCommand.streamNameOf(List.of(".."))).matches("\\.\\.-[0-9a-f]{8}");
        // a password in a connection string or the environment a wrapper sets: never in the name, which the journal keeps
        String url = BackupCommand.streamNameOf(List.of("pg_dump", "-Fc", "postgresql://backup:s3cret@db/hr"));
        assertThat(url).matches("pg_dump -Fc \\*\\*\\*-[0-9a-f]{8}").doesNotContain("s3cret")
                .isNotEqualTo(BackupCommand.streamNameOf(List.of("pg_dump", "-Fc", "postgresql://backup:s3cret@db/payroll")));
        assertThat(BackupCommand.streamNameOf(List.of("sh", "-c", "PGPASSWORD=s3cret pg_dump hr"))).matches("sh -c \\*\\*\\*-[0-9a-f]{8}");
    }
}
