package org.opsledger.cli.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.cli.CliRun;
import org.opsledger.cli.TestServer;

/**
 * {@code opsledger discovery import FILE} against a real server (the whole application on its embedded
 * PostgreSQL, in this JVM), with a scan the real {@code nmap} wrote of this machine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DiscoveryImportCommandTest {

    @TempDir
    Path tmp;

    private TestServer server;
    private String base;
    private Path tokenFile;

    @BeforeAll
    void startServer() throws Exception {
        server = TestServer.start("cli-discovery");
        base = server.base();
        tokenFile = server.tokenFileFor("asset-manager");
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private CliRun importScan(Path scan, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("discovery", "import", scan.toString(), "--server", base,
                "--token-file", tokenFile.toString()));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void aRealScanIsPreviewedThenImportedThenImportedAgainWithoutChange() throws Exception {
        Path scan = tmp.resolve("scan.xml");
        Process nmap = new ProcessBuilder("nmap", "-sT", "-Pn", "-p", base.substring(base.lastIndexOf(':') + 1), "-oX",
                scan.toString(), "127.0.0.1").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(nmap.waitFor(120, TimeUnit.SECONDS)).isTrue();

        CliRun preview = importScan(scan, "--dry-run");
        assertThat(preview.exit()).as(preview.err()).isZero();
        assertThat(preview.out()).startsWith("dry run, nothing written: 1 hosts up, 0 matched (0 items updated), 1 new unauthorised");

        CliRun first = importScan(scan);
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).startsWith("imported: 1 hosts up, 0 matched (0 items updated), 1 new unauthorised, 0 already queued");

        CliRun again = importScan(scan);
        assertThat(again.out()).startsWith("imported: 1 hosts up, 0 matched (0 items updated), 0 new unauthorised, 1 already queued")
                .contains("this file had been imported before");
    }

    @Test
    void refusalsAreOneLineAndNonZero() throws Exception {
        Path hostile = Files.writeString(tmp.resolve("xxe.xml"),
                "<?xml version=\"1.0\"?><!DOCTYPE nmaprun [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><nmaprun>&x;</nmaprun>");
        CliRun refused = importScan(hostile);
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).startsWith("opsledger: the server refused the scan (400): the document type declaration is refused")
                .hasLineCount(1);

        CliRun missing = importScan(tmp.resolve("nope.xml"));
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("opsledger: cannot read " + tmp.resolve("nope.xml") + ": no such file\n");

        Path bad = Files.writeString(tmp.resolve("bad.token"), "not-a-token\n");
        CliRun unauthenticated = CliRun.of("discovery", "import", hostile.toString(), "--server", base, "--token-file", bad.toString());
        assertThat(unauthenticated.exit()).isEqualTo(3);
        assertThat(unauthenticated.err()).contains("401");
    }
}
