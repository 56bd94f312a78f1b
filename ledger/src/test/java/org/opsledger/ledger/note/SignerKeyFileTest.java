package org.opsledger.ledger.note;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignerKeyFileTest {

    @TempDir
    Path directory;

    @Test
    void createsAnOwnerOnlyKeyFileOnFirstUseAndLoadsTheSameKeyAfter() throws IOException {
        Path file = directory.resolve("keys/checkpoint.key");
        SignerKey created = SignerKeyFile.loadOrCreate(file, "opsledger.example/audit");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).startsWith("PRIVATE+KEY+opsledger.example/audit+").endsWith("\n");
        try (var listing = Files.list(file.getParent())) {
            assertThat(listing).containsExactly(file); // no temporary file left behind
        }
        SignerKey loaded = SignerKeyFile.loadOrCreate(file, "opsledger.example/audit");
        assertThat(loaded.verifierKey()).isEqualTo(created.verifierKey());
    }

    @Test
    void refusesAKeyFileOthersCanRead() throws IOException {
        Path file = directory.resolve("checkpoint.key");
        SignerKeyFile.save(file, SignerKey.generate("opsledger.example/audit"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> SignerKeyFile.load(file)).isInstanceOf(IOException.class).hasMessageContaining("chmod 600");
    }

    @Test
    void refusesAKeyOfAnotherLogAndNeverOverwritesAKey() throws IOException {
        Path file = directory.resolve("checkpoint.key");
        SignerKeyFile.save(file, SignerKey.generate("opsledger.example/audit"));
        assertThatThrownBy(() -> SignerKeyFile.loadOrCreate(file, "other.example/audit"))
                .isInstanceOf(IOException.class).hasMessageContaining("other.example/audit");
        assertThatThrownBy(() -> SignerKeyFile.save(file, SignerKey.generate("opsledger.example/audit")))
                .isInstanceOf(FileAlreadyExistsException.class);
    }

    @Test
    void refusesAFileThatIsNotASignerKey() throws IOException {
        Path file = directory.resolve("checkpoint.key");
        Files.writeString(file, SignerKey.generate("x").verifierKey().encoded());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> SignerKeyFile.load(file)).isInstanceOf(IOException.class).hasMessageContaining("valid signer key");
    }
}
