package org.opsledger.cli.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opsledger.vault.crypto.Keyring;
import org.opsledger.vault.crypto.Keys;

/** The name of a --stdin-from-command stream given no --stdin-name (docs/operations.md, "Backups with `opsledger vault`"). */
class CommandStreamNameTest {

    private final Keyring keyring = Keyring.fresh();
    private final Keys keys = new Keys(keyring);

    private String name(String... command) {
        return BackupCommand.streamNameOf(List.of(command), keys);
    }

    /**
     * The command's words where they give it back exactly; else cut, the words that are no plain identifier left out, and a
     * digest of the words under the repository's key.
     */
    @Test
    void aCommandsStreamIsNamedByItsWordsAndTwoCommandsNeverShareOne() {
        assertThat(name("pg_dump", "hr")).isEqualTo("pg_dump hr"); // as session 33's builds named it: one source with theirs
        assertThat(name("pg_dump", "--no-owner", "hr")).matches("pg_dump-[0-9a-f]{8}");
        assertThat(name("pg_dump", "hr", "--no-owner")).matches("pg_dump hr-[0-9a-f]{8}");
        assertThat(name("/usr/bin/pg_dump", "hr")).matches("pg_dump hr-[0-9a-f]{8}");
        assertThat(name("sh", "-c", "pg_dump hr\n> /dev/null")).matches("sh-[0-9a-f]{8}");
        assertThat(name("./dump hr.sh", "hr")).matches("dump_hr.sh hr-[0-9a-f]{8}");
        assertThat(name("sh", "-c", "a b")).as("words with a space are not split again").isNotEqualTo(name("sh", "-c", "a", "b"));
        assertThat(name("printf", "%s|", "a", "", "b")).isNotEqualTo(name("printf", "%s|", "a", "b"));
        String longest = name("echo", "x".repeat(5000));
        assertThat(longest).startsWith("echo xxx").hasSize(BackupCommand.COMMAND_NAME_MAX + 9).isNotEqualTo(name("echo", "x".repeat(5001)));
        assertThat(name("..")).matches("\\.\\.-[0-9a-f]{8}");
        assertThat(name("pg_dump", "hr")).as("an exact name holds no digest").isEqualTo(BackupCommand.streamNameOf(List.of("pg_dump", "hr"), new Keys(Keyring.fresh())));
    }

    /**
     * A secret on the command line was in the name, which `snapshots`, `due` and the journal show: masked by pattern only, so
     * mysql's attached password, `--password=` spelt otherwise, a token in a URL; and the name's SHA-256 of the words let
     * anyone holding it confirm a guessed password offline. No argument that is not a plain identifier is shown, nor one that
     * follows an option (its value), and the digest is under the repository's key: stable there, different elsewhere.
     */
    @Test
    void aCommandsSecretIsNeitherInItsNameNorTestableAgainstIt() throws Exception {
        assertThat(name("mysqldump", "-pS3cret", "hr")).matches("mysqldump-[0-9a-f]{8}");
        assertThat(name("mysqldump", "hr", "-pS3cret")).matches("mysqldump hr-[0-9a-f]{8}");
        assertThat(name("mysqldump", "--password=S3cret", "hr")).matches("mysqldump hr-[0-9a-f]{8}");
        assertThat(name("pg_dump", "postgresql://backup:S3cret@db/hr")).matches("pg_dump-[0-9a-f]{8}");
        assertThat(name("env", "PGPASSWORD=S3cret", "pg_dump", "hr")).matches("env pg_dump hr-[0-9a-f]{8}");
        assertThat(name("curl", "https://h/x?token=S3cret")).matches("curl-[0-9a-f]{8}");
        assertThat(name("mongodump", "-p", "S3cret", "--archive")).matches("mongodump-[0-9a-f]{8}");
        assertThat(name("redis-cli", "-a", "S3cret", "--rdb", "-")).matches("redis-cli-[0-9a-f]{8}");
        String hr = name("mysqldump", "-pS3cret", "hr");
        assertThat(hr).isEqualTo(name("mysqldump", "-pS3cret", "hr")).as("a nightly job keeps its name")
                .isNotEqualTo(name("mysqldump", "-pGuess", "hr"));
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (String w : List.of("mysqldump", "-pS3cret", "hr")) {
            sha.update(w.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
        }
        assertThat(hr).as("no digest anyone can compute").doesNotEndWith(HexFormat.of().formatHex(sha.digest(), 0, 4))
                .isNotEqualTo(BackupCommand.streamNameOf(List.of("mysqldump", "-pS3cret", "hr"), new Keys(Keyring.fresh())));
        assertThat(hr).as("a key rotation keeps it").isEqualTo(BackupCommand.streamNameOf(List.of("mysqldump", "-pS3cret", "hr"), new Keys(keyring.rotated())));
        assertThat(hr).as("a repository made with its chunker parameters shares its key")
                .isEqualTo(BackupCommand.streamNameOf(List.of("mysqldump", "-pS3cret", "hr"), new Keys(Keyring.fresh().withChunkingOf(keyring))));
    }
}
