package org.opsledger.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Passwords and tokens read from files: a file that is not one is a one-line error, and at most 4 KiB are read. */
class SecretFileTest {

    @TempDir
    Path tmp;

    @Test
    void aSecretIsTheFilesTextWithoutItsLineEnd() throws Exception {
        assertThat(SecretFile.password(Files.writeString(tmp.resolve("pw"), "correct horse\r\n"))).isEqualTo("correct horse");
        assertThat(SecretFile.read(Files.writeString(tmp.resolve("token"), "ol_abc\n"), "token file")).isEqualTo("ol_abc");
    }

    @Test
    void aFileThatIsNoSecretIsRefusedInOneLine() throws Exception {
        assertThatThrownBy(() -> SecretFile.read(tmp.resolve("missing"), "token file"))
                .hasMessage("cannot read token file " + tmp.resolve("missing") + ": no such file");
        assertThatThrownBy(() -> SecretFile.password(tmp)).hasMessage("cannot read password file " + tmp + ": Is a directory");
        // an unbounded read of /dev/zero ran out of memory (the server's --db-password-file, the token files)
        assertThatThrownBy(() -> SecretFile.read(Path.of("/dev/zero"), "token file"))
                .hasMessage("token file /dev/zero is larger than 4096 bytes: not a token file");
        assertThatThrownBy(() -> SecretFile.password(Files.write(tmp.resolve("bin"), new byte[] {(byte) 0xff, 0x00})))
                .hasMessage("password file " + tmp.resolve("bin") + " is not UTF-8 text");
        assertThatThrownBy(() -> SecretFile.password(Files.writeString(tmp.resolve("nul"), "secretpw\0")))
                .hasMessage("password file " + tmp.resolve("nul") + " holds a NUL byte: not text"); // "secretpw" to HMAC
        assertThatThrownBy(() -> SecretFile.password(Files.writeString(tmp.resolve("empty"), "\n")))
                .hasMessage("password file " + tmp.resolve("empty") + " is empty");
    }

    @Test
    void aPasswordFileEveryUserCanReadIsWarnedOf() throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path open = Files.writeString(tmp.resolve("open"), "pw");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        Path grouped = Files.writeString(tmp.resolve("grouped"), "pw");
        Files.setPosixFilePermissions(grouped, PosixFilePermissions.fromString("rw-r-----"));
        Path closedIn = Files.createDirectory(tmp.resolve("home"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path inClosed = Files.writeString(closedIn.resolve("pw"), "pw");
        Files.setPosixFilePermissions(inClosed, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(SecretFile.readableByEveryUser(open)).isTrue();
        assertThat(SecretFile.readableByEveryUser(Files.createSymbolicLink(tmp.resolve("link"), open))).isTrue();
        assertThat(SecretFile.readableByEveryUser(grouped)).isFalse(); // a shared repository's operators
        assertThat(SecretFile.readableByEveryUser(inClosed)).isFalse(); // others cannot reach it
        assertThat(SecretFile.readableByEveryUser(Path.of("/dev/null"))).isFalse();

        CliRun snapshots = CliRun.of("vault", "snapshots", "--repo", tmp.resolve("missing").toString(), "--password-file", open.toString());
        assertThat(snapshots.err()).startsWith("opsledger: warning: password file " + open + " can be read by every user of this host: chmod o-r it\n");
        assertThat(snapshots.exit()).isEqualTo(1); // and the command goes on: no repository there
        CliRun quiet = CliRun.of("vault", "snapshots", "--repo", tmp.resolve("missing").toString(), "--password-file", grouped.toString());
        assertThat(quiet.err()).doesNotContain("warning");
    }

    @Test
    void theServerAndTheTokenCommandsReadTheirSecretsSo() throws Exception {
        CliRun server = CliRun.of("server", "--db-url", "jdbc:postgresql://db/ops", "--db-password-file", "/dev/zero");
        assertThat(server.exit()).isEqualTo(2);
        assertThat(server.err()).isEqualTo("opsledger: password file /dev/zero is larger than 4096 bytes: not a password file\n");
        Path scan = Files.writeString(tmp.resolve("scan.xml"), "<nmaprun/>");
        CliRun importing = CliRun.of("discovery", "import", scan.toString(), "--server", "http://127.0.0.1:9", "--token-file", "/dev/zero");
        assertThat(importing.exit()).isEqualTo(2);
        assertThat(importing.err()).isEqualTo("opsledger: token file /dev/zero is larger than 4096 bytes: not a token file\n");
        CliRun key = CliRun.of("audit", "key", "--server", "http://127.0.0.1:9", "--token-file", "/dev/zero");
        assertThat(key.exit()).isEqualTo(2);
        assertThat(key.err()).isEqualTo("opsledger: token file /dev/zero is larger than 4096 bytes: not a token file\n");
    }
}
