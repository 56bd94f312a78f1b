package org.opsledger.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.Vault;
import org.opsledger.vault.crypto.KeySlot;
import org.opsledger.vault.repository.Repository;

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

    /**
     * A password file saved with a UTF-8 byte order mark (Notepad, PowerShell 5's `Out-File -Encoding utf8`) kept U+FEFF
     * as the password's first character: the repository made from it opened with that file only, never with the password
     * typed (a re-tester's). The mark is no part of a secret, as restic reads it; a key slot an earlier build made from
     * such a file still opens with it, named on stderr with the way to a slot of the password as now read.
     */
    @Test
    void aByteOrderMarkIsNoPartOfTheSecret() throws Exception {
        Path marked = Files.write(tmp.resolve("pw-notepad"), "\uFEFFCorrect-Horse-7\r\n".getBytes(StandardCharsets.UTF_8));
        Path typed = Files.writeString(tmp.resolve("pw-typed"), "Correct-Horse-7\n");
        assertThat(SecretFile.text(marked, "password file")).isEqualTo(new SecretFile.Text("Correct-Horse-7", "\uFEFFCorrect-Horse-7"));
        assertThat(SecretFile.text(typed, "password file")).isEqualTo(new SecretFile.Text("Correct-Horse-7", null));
        assertThat(SecretFile.read(Files.write(tmp.resolve("token"), "\uFEFFol_abc\n".getBytes(StandardCharsets.UTF_8)), "token file"))
                .isEqualTo("ol_abc");

        String fresh = tmp.resolve("fresh").toString(); // init and key add store no mark
        assertThat(vault("init", fresh, marked, "--kdf-iterations", "100000").exit()).isZero();
        assertThat(vault("snapshots", fresh, typed).exit()).isZero();
        Path second = Files.write(tmp.resolve("pw-second"), "\uFEFFsecond operator\n".getBytes(StandardCharsets.UTF_8));
        assertThat(vault("key add", fresh, typed, "--new-password-file", second.toString(), "--kdf-iterations", "100000").exit()).isZero();
        assertThat(vault("snapshots", fresh, Files.writeString(tmp.resolve("pw-second-typed"), "second operator")).exit()).isZero();

        String old = tmp.resolve("old").toString(); // as a build until 2026-12-06 made it from the marked file
        String oldSlot;
        try (Repository r = Vault.init(old, "\uFEFFCorrect-Horse-7".toCharArray(), KeySlot.MIN_ITERATIONS, "initial")) {
            oldSlot = r.keySlotInUse().substring(0, 8);
        }
        CliRun withFile = vault("snapshots", old, marked);
        assertThat(withFile.exit()).isZero();
        assertThat(withFile.err()).isEqualTo("opsledger: warning: key slot " + oldSlot + " of " + old + " opens only with the byte order"
                + " mark (U+FEFF) that begins password file " + marked + " as part of the password, as builds before this one read it,"
                + " not with the password typed: add a slot of it as now read (`vault key add -r " + old + " --new-password-file " + marked
                + " --password-file " + marked + "`), then `vault key remove " + oldSlot + " -r " + old + " --password-file " + marked + "`\n");
        assertThat(vault("snapshots", old, typed).err()).startsWith("opsledger: wrong password");
        assertThat(vault("key add", old, marked, "--new-password-file", marked.toString(), "--kdf-iterations", "100000").exit()).isZero();
        assertThat(vault("snapshots", old, typed).exit()).isZero();
        CliRun removed = vault("key remove", old, marked, oldSlot);
        assertThat(removed.exit()).as(removed.err()).isZero();
        assertThat(vault("snapshots", old, marked).err()).isEmpty();
    }

    /**
     * The warning of a slot an earlier build made quotes the repository and the password file escaped, as every line
     * shows a name: a backslash as \\, a byte that is not UTF-8 as \\xHH. It printed them as they were, so a directory
     * named old\x1b (a backslash, then x1b) read as one holding ESC, and pw-caf\xe9 read as pw-caf\uFFFD, as pw-caf\xe8 does.
     */
    @Test
    void theOlderPasswordWarningQuotesItsPathsEscaped() throws Exception {
        Files.write(org.opsledger.vault.snapshot.FileNames.resolve(tmp, "pw-caf\uDCE9"), "\uFEFFCorrect-Horse-7\n".getBytes(StandardCharsets.UTF_8));
        String old = tmp.resolve("old\\x1b").toString();
        try (Repository r = Vault.init(old, "\uFEFFCorrect-Horse-7".toCharArray(), KeySlot.MIN_ITERATIONS, "initial")) {
            assertThat(r.keySlotInUse()).isNotEmpty();
        }
        CliRun withFile = CliRun.of("vault", "snapshots", "--repo", old, "--password-file", tmp + "/pw-caf\uDCE9"); // its bytes, as given
        assertThat(withFile.exit()).as(withFile.err()).isZero();
        assertThat(withFile.err()).contains(" of " + tmp + "/old\\\\x1b opens only with", "password file " + tmp + "/pw-caf\\xe9 as part",
                "vault key add -r " + tmp + "/old\\\\x1b --new-password-file " + tmp + "/pw-caf\\xe9 ").doesNotContain("\uFFFD");
    }

    /**
     * OPSLEDGER_VAULT_PASSWORD="secret\n" (a Kubernetes secret made from `echo secret > f`) kept its line end where a
     * password file drops one: a repository made so opened neither with that file nor with the password typed (a
     * tester's). The variable ends at its one line end as a file does; a key slot an earlier build made from such a
     * variable still opens with it, named on stderr with the remedy, as a file's byte order mark is.
     */
    @Test
    void aPasswordInTheEnvironmentDropsItsLineEndAsAFileDoes() throws Exception {
        Path typed = Files.writeString(tmp.resolve("pw"), "secret\n");
        String fresh = tmp.resolve("fresh").toString();
        CliRun init = withEnvironment(Map.of("OPSLEDGER_VAULT_PASSWORD", "secret\n"), "", "init", fresh, "--kdf-iterations", "100000");
        assertThat(init.exit()).as(init.err()).isZero();
        assertThat(vault("snapshots", fresh, typed).exit()).isZero();
        for (String value : List.of("secret", "secret\r\n")) {
            CliRun opened = withEnvironment(Map.of("OPSLEDGER_VAULT_PASSWORD", value), "", "snapshots", fresh);
            assertThat(opened.exit()).as(value).isZero();
            assertThat(opened.err()).isEmpty();
        }
        CliRun lineEndOnly = withEnvironment(Map.of("OPSLEDGER_VAULT_PASSWORD", "\n"), "", "snapshots", fresh);
        assertThat(lineEndOnly.exit()).isEqualTo(2);
        assertThat(lineEndOnly.err()).isEqualTo("opsledger: OPSLEDGER_VAULT_PASSWORD holds only a line end: set it to the secret\n");

        String old = tmp.resolve("old").toString(); // as a build until 2026-12-06 made it from the variable
        String oldSlot;
        try (Repository r = Vault.init(old, "secret\n".toCharArray(), KeySlot.MIN_ITERATIONS, "initial")) {
            oldSlot = r.keySlotInUse().substring(0, 8);
        }
        Map<String, String> asKubernetesGivesIt = Map.of("OPSLEDGER_VAULT_PASSWORD", "secret\n");
        CliRun withVariable = withEnvironment(asKubernetesGivesIt, "", "snapshots", old);
        assertThat(withVariable.exit()).as(withVariable.err()).isZero();
        assertThat(withVariable.err()).isEqualTo("opsledger: warning: key slot " + oldSlot + " of " + old + " opens only with the line end"
                + " that ends OPSLEDGER_VAULT_PASSWORD as part of the password, as builds before this one read it, not with the password"
                + " typed: add a slot of it as now read (`printf %s \"$OPSLEDGER_VAULT_PASSWORD\" | vault key add -r " + old
                + " --new-password-file /dev/stdin`), then `vault key remove " + oldSlot + " -r " + old + "`\n");
        assertThat(vault("snapshots", old, typed).err()).startsWith("opsledger: wrong password");
        // the remedy it names
        CliRun added = withEnvironment(asKubernetesGivesIt, "secret\n", "key add", old, "--new-password-file", "/dev/stdin",
                "--kdf-iterations", "100000");
        assertThat(added.exit()).as(added.err()).isZero();
        assertThat(vault("snapshots", old, typed).exit()).isZero();
        assertThat(vault("key remove", old, typed, oldSlot).exit()).isZero();
        assertThat(withEnvironment(asKubernetesGivesIt, "", "snapshots", old).err()).isEmpty();
    }

    /** A vault command run as its own process, with {@code environment} added to this one's and {@code stdin} its input. */
    private static CliRun withEnvironment(Map<String, String> environment, String stdin, String command, String repo, String... more)
            throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "org.opsledger.cli.OpsLedgerCommand", "vault"));
        args.addAll(List.of(command.split(" ")));
        args.addAll(List.of("--repo", repo));
        args.addAll(List.of(more));
        ProcessBuilder pb = new ProcessBuilder(args);
        pb.environment().remove("OPSLEDGER_VAULT_PASSWORD");
        pb.environment().putAll(environment);
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        var out = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        String err = readAll(p.getErrorStream());
        return new CliRun(p.waitFor(), out.join(), err);
    }

    private static String readAll(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static CliRun vault(String command, String repo, Path passwordFile, String... more) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("vault"));
        args.addAll(java.util.List.of(command.split(" ")));
        args.addAll(java.util.List.of("--repo", repo, "--password-file", passwordFile.toString()));
        args.addAll(java.util.List.of(more));
        return CliRun.of(args.toArray(String[]::new));
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
