package org.opsledger.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opsledger.Api;
import org.opsledger.IntegrationTest;

/**
 * Hardening (IS.012 6.3.4) from real OpenSCAP runs: Debian's {@code oscap} on a small benchmark of our
 * own (a file mode and packages: pass and fail results) and on the shipped SCAP Security Guide content
 * (every rule {@code notapplicable} on Debian 12, FIELD-NOTES).
 */
class HardeningIntegrationTest extends IntegrationTest {

    private String assets;
    private String reader;

    @BeforeEach
    void people() {
        assets = api.person(Api.unique("am"), "asset-manager");
        reader = api.person(Api.unique("au"), "auditor");
    }

    /** Runs {@code oscap xccdf eval --results} and returns the results file's text. */
    static String oscap(String profile, Path content) throws IOException, InterruptedException {
        Path results = Files.createTempFile("xccdf-results-", ".xml");
        Process p = new ProcessBuilder("oscap", "xccdf", "eval", "--profile", profile, "--results", results.toString(),
                content.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("oscap exits 0 (all pass) or 2 (some rule failed)").isIn(0, 2);
        String xml = Files.readString(results);
        Files.delete(results);
        return xml;
    }

    static Path ownBenchmark() throws IOException {
        Path dir = Files.createTempDirectory("benchmark-");
        for (String name : List.of("opsledger-test-xccdf.xml", "opsledger-test-oval.xml")) {
            try (InputStream in = HardeningIntegrationTest.class.getResourceAsStream("/hardening/" + name)) {
                Files.copy(in, dir.resolve(name));
            }
        }
        return dir.resolve("opsledger-test-xccdf.xml");
    }

    private String server() {
        return (String) api.post("/api/v1/items", assets, InventoryItemsIntegrationTest.server(Api.unique("hard"))).get("id");
    }

    @Test
    void ourOwnBenchmarkRunByOscapGivesAScoreAndTheFailedRuleAndReimportsChangeNothing() throws Exception {
        String item = server();
        String xml = oscap("xccdf_org.opsledger_profile_baseline", ownBenchmark());
        Api.Response r = api.send("POST", "/api/v1/items/" + item + "/hardening", assets, "application/xml", xml);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.get("passed")).isEqualTo(2);
        assertThat(r.get("failed")).isEqualTo(1);
        assertThat(((Number) r.get("score")).doubleValue()).isBetween(66.0, 67.0);
        assertThat(r.get("profile")).isEqualTo("xccdf_org.opsledger_profile_baseline");
        List<?> failed = (List<?>) r.get("failedRules");
        assertThat(failed).singleElement().satisfies(f -> {
            assertThat(((Map<?, ?>) f).get("id")).isEqualTo("xccdf_org.opsledger_rule_package_audit_agent_installed");
            assertThat(((Map<?, ?>) f).get("title")).isEqualTo("The audit agent package is installed");
            assertThat(((Map<?, ?>) f).get("severity")).isEqualTo("medium");
        });
        assertThat(lastAuditEntry("item.hardening.import").toString()).contains(item);

        Api.Response again = api.send("POST", "/api/v1/items/" + item + "/hardening", assets, "application/xml", xml);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.get("alreadyImported")).isEqualTo(true);
        assertThat(api.get("/api/v1/items/" + item + "/hardening", reader).get("totalItems")).isEqualTo(1);

        Api.Response overdue = api.get("/api/v1/hardening/overdue?size=500", reader);
        assertThat(overdue.items()).extracting(o -> o.get("itemId")).doesNotContain(item);
    }

    @Test
    void theShippedSsgContentReportsNotApplicableOnThisDebianAndIsStillRecorded() throws Exception {
        Path ssg = Path.of("/usr/share/xml/scap/ssg/content/ssg-debian11-ds.xml");
        assertThat(ssg).as("ssg-debian is installed (.ci/run)").exists();
        String item = server();
        String xml = oscap("xccdf_org.ssgproject.content_profile_standard", ssg);
        Api.Response r = api.send("POST", "/api/v1/items/" + item + "/hardening", assets, "application/xml", xml);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.get("benchmark")).isEqualTo("xccdf_org.ssgproject.content_benchmark_DEBIAN-11");
        assertThat((Integer) r.get("notApplicable")).isGreaterThan(0);
        assertThat(r.get("passed")).isEqualTo(0);
    }

    @Test
    void anItemNeverAssessedIsOverdueAndHostileOrForeignXmlIsRefused() {
        String item = server();
        Api.Response overdue = api.get("/api/v1/hardening/overdue?size=500", reader);
        assertThat(overdue.items()).extracting(o -> o.get("itemId")).contains(item);

        Api.Response xxe = api.send("POST", "/api/v1/items/" + item + "/hardening", assets, "application/xml",
                "<?xml version=\"1.0\"?><!DOCTYPE Benchmark [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Benchmark>&x;</Benchmark>");
        assertThat(xxe.status()).isEqualTo(400);
        assertThat(xxe.get("field")).isEqualTo("body");
        Api.Response nmap = api.send("POST", "/api/v1/items/" + item + "/hardening", assets, "application/xml", "<nmaprun/>");
        assertThat(nmap.status()).isEqualTo(400);
        Api.Response noResult = api.send("POST", "/api/v1/items/" + item + "/hardening", assets, "application/xml",
                "<Benchmark xmlns=\"http://checklists.nist.gov/xccdf/1.2\" id=\"b\"/>");
        assertThat((String) noResult.get("detail")).contains("TestResult");
        assertThat(api.get("/api/v1/items/" + item + "/hardening", reader).get("totalItems")).isEqualTo(0);
    }
}
