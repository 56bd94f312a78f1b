package org.opsledger.cli.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.cli.CliRun;

/**
 * A restore by a user other than root gives back files their owner may not read (mode 0200, 0000) with their mtime,
 * and {@code --verify} reads them: before, their time was left at the restore's (the JDK's setTimes opens the file,
 * which the mode set before it refused) and verify reported "permission denied" for each. CI runs as root, so the
 * restore runs as root without the capabilities that let root past file modes (setpriv drops CAP_DAC_OVERRIDE,
 * CAP_DAC_READ_SEARCH and CAP_FOWNER), named as another user so that the restore sets no owner: it meets a file's mode
 * as its owner would. The same restore as {@code nobody} behaved alike before and after (tried by hand).
 */
class NonRootRestoreTest {

    @TempDir
    Path tmp;

    @Test
    void filesTheirOwnerMayNotReadAreRestoredWithTheirTimeAndVerified() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "drops root's capabilities with setpriv");
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        FileTime then = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
        for (String mode : List.of("000", "200", "400", "600")) {
            Path f = Files.writeString(data.resolve("mode" + mode), "only for its owner " + mode + "\n");
            Files.setLastModifiedTime(f, then);
            Files.setAttribute(f, "unix:mode", Integer.parseInt(mode, 8));
        }
        Path pw = Files.writeString(tmp.resolve("pw"), "operator one\n");
        Path repo = tmp.resolve("repo");
        List<String> at = List.of("--repo", repo.toString(), "--password-file", pw.toString());
        assertThat(CliRun.of(concat(List.of("vault", "init"), at, List.of("--kdf-iterations", "100000"))).exit()).isZero();
        assertThat(CliRun.of(concat(List.of("vault", "backup", data.toString(), "--allow-same-device"), at)).exit()).isZero();

        Path target = tmp.resolve("restored");
        Process p = new ProcessBuilder(concat(List.of("setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner",
                        "--inh-caps=-dac_override,-dac_read_search,-fowner",
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Duser.name=restorer",
                        "-cp", System.getProperty("java.class.path"), "org.opsledger.cli.OpsLedgerCommand",
                        "vault", "restore", "latest", "--target", target.toString(), "--verify"), at))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as(out).contains("; verified").doesNotContain("verify:", "warning:");
        for (String mode : List.of("000", "200", "400", "600")) {
            Path f = target.resolve("data/mode" + mode);
            assertThat(Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS)).as(mode).isEqualTo(then);
            assertThat((Integer) Files.getAttribute(f, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777).isEqualTo(Integer.parseInt(mode, 8));
            assertThat(Files.readString(f)).isEqualTo("only for its owner " + mode + "\n");
        }
    }

    @SafeVarargs
    private static String[] concat(List<String>... parts) {
        return java.util.Arrays.stream(parts).flatMap(List::stream).toArray(String[]::new);
    }
}
