package org.opsledger.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.opsledger.Api;

/** An asset manager's inventory in a real browser: search, an item's relationship graph, the unauthorised queue. */
class InventoryBrowserTest extends BrowserTest {

    /** An asset manager with a known password, as the browser needs one. */
    private String[] assetManager() {
        return person("inv", "asset-manager");
    }

    private String item(String token, String name, String kind) {
        Map<String, Object> body = new HashMap<>(Map.of("name", name, "kind", kind, "tier", "high", "environment", "production",
                "owner", "Payments", "classification", "confidential"));
        return (String) api.post("/api/v1/items", token, body).get("id");
    }

    @Test
    void anItemPastVendorSupportGetsItsExceptionAskedForAndApprovedOnItsPage() {
        String[] keeper = assetManager();
        Map<String, Object> body = new HashMap<>(Map.of("name", Api.unique("legacy").toLowerCase(), "kind", "server", "tier", "high",
                "environment", "production", "owner", "Finance", "classification", "internal",
                "vendorSupportEnds", java.time.LocalDate.now().minusDays(30).toString()));
        String item = (String) api.post("/api/v1/items", keeper[2], body).get("id");

        // IS.012 6.4.3: whoever keeps the system asks, with a justification and an expiry
        logIn(keeper);
        browser.get(url("/inventory/items/" + item));
        WebElement ask = browser.findElement(By.id("request-exception"));
        ask.findElement(By.name("justification")).sendKeys("Vendor patch path ends; replacement in Q2; isolated VLAN");
        browser.executeScript("arguments[0].value = arguments[1]", ask.findElement(By.name("expiresOn")),
                java.time.LocalDate.now().plusMonths(6).toString());
        ask.findElement(By.cssSelector("button[type=submit]")).click();
        assertThat(flash()).contains("requested");
        assertThat(browser.findElements(By.cssSelector(".approve-exception"))).as("the keeper cannot decide").isEmpty();

        // a security officer decides on the item's page
        logIn(person("so", "security-officer"));
        browser.get(url("/inventory/items/" + item));
        browser.findElement(By.cssSelector(".approve-exception")).click();
        assertThat(flash()).contains("approved");
        assertThat(browser.findElement(By.id("eol-exceptions")).getText()).contains("approved").contains("replacement in Q2");
    }

    @Test
    void anAssetManagerSearchesSeesTheGraphAndDispositionsAnUnknownHost() {
        String[] me = assetManager();
        String tag = Api.unique("pay").toLowerCase();
        String app = item(me[2], tag + "-app", "application");
        String host = item(me[2], tag + "-host", "server");
        api.post("/api/v1/items/" + app + "/relationships", me[2], Map.of("kind", "runs-on", "target", host));
        String ip = "10.250." + (int) (Math.random() * 250) + "." + (1 + (int) (Math.random() * 250));
        String scan = "<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun>\n<nmaprun scanner=\"nmap\" start=\"1790000000\">"
                + "<host starttime=\"1790000000\" endtime=\"1790000001\"><status state=\"up\"/><address addr=\"" + ip
                + "\" addrtype=\"ipv4\"/><hostnames><hostname name=\"" + tag + "-rogue\" type=\"PTR\"/></hostnames></host></nmaprun>";
        assertThat(api.send("POST", "/api/v1/discovery/nmap", me[2], "application/xml", scan).status()).isEqualTo(200);

        logIn(me);

        browser.findElement(By.linkText("Inventory")).click();
        browser.findElement(By.name("q")).sendKeys(tag);
        browser.findElement(By.cssSelector("form.filters button[type=submit]")).click();
        new WebDriverWait(browser, Browser.PATIENCE).until(d -> d.getCurrentUrl().contains("q=" + tag));
        List<String> names = browser.findElements(By.cssSelector("main table tbody tr td:first-child a")).stream()
                .map(WebElement::getText).toList();
        assertThat(names).containsExactly(tag + "-app", tag + "-host");

        browser.findElement(By.linkText(tag + "-app")).click();
        WebElement graph = browser.findElement(By.cssSelector("svg.graph"));
        assertThat(graph.getText()).contains(tag + "-host").contains("runs on");

        browser.get(url("/inventory/unauthorized"));
        WebElement row = browser.findElements(By.xpath("//tr[td[contains(., '" + tag + "-rogue')]]")).getFirst();
        assertThat(row.getText()).contains(ip);
        WebElement actions = row.findElement(By.xpath("following-sibling::tr[1]"));
        WebElement falsePositive = actions.findElements(By.tagName("form")).get(2);
        falsePositive.findElement(By.name("note")).sendKeys("The test lab's scanner");
        falsePositive.findElement(By.cssSelector("button")).click();
        new WebDriverWait(browser, Browser.PATIENCE).until(d -> !d.findElements(By.cssSelector(".flash.ok")).isEmpty());
        assertThat(browser.findElement(By.cssSelector(".flash.ok")).getText()).contains(tag + "-rogue").contains("false-positive");
        assertThat(browser.getPageSource()).doesNotContain(tag + "-rogue</td>");

        // the host's page with drift and a hardening result; the drift queue resolves the alert
        String first = (String) ((Map<?, ?>) api.post("/api/v1/items/" + host + "/snapshots", me[2],
                Map.of("source", "test", "settings", Map.of("sshd.PermitRootLogin", "no"))).get("snapshot")).get("id");
        String officer = api.person(Api.unique("so"), "security-officer");
        api.post("/api/v1/items/" + host + "/snapshots/" + first + "/approve", officer, Map.of());
        api.post("/api/v1/items/" + host + "/snapshots", me[2], Map.of("source", "test", "settings", Map.of("sshd.PermitRootLogin", "yes")));
        String xccdf = "<Benchmark xmlns=\"http://checklists.nist.gov/xccdf/1.2\" id=\"b\"><Rule id=\"r1\"><title>Root login off</title></Rule>"
                + "<TestResult end-time=\"2026-11-01T10:00:00+00:00\"><rule-result idref=\"r1\" severity=\"high\"><result>fail</result>"
                + "</rule-result><score maximum=\"100\">0.0</score></TestResult></Benchmark>";
        assertThat(api.send("POST", "/api/v1/items/" + host + "/hardening", me[2], "application/xml", xccdf).status()).isEqualTo(201);
        browser.get(url("/inventory/items/" + host));
        String page = browser.findElement(By.tagName("main")).getText();
        assertThat(page).contains("Root login off").contains("setting sshd.PermitRootLogin").contains("alert");
        assertThat(browser.findElement(By.cssSelector("svg.graph")).getText()).contains(tag + "-app");

        // an item added through the list page's form
        browser.get(url("/inventory"));
        WebElement add = browser.findElement(By.cssSelector("form[action$='/inventory/items']"));
        add.findElement(By.name("name")).sendKeys(tag + "-switch");
        new org.openqa.selenium.support.ui.Select(add.findElement(By.name("kind"))).selectByValue("network-device");
        add.findElement(By.name("owner")).sendKeys("Network team");
        add.findElement(By.name("ipAddresses")).sendKeys("10.251.0.1, 10.251.0.2");
        add.findElement(By.cssSelector("button[type=submit]")).click();
        new WebDriverWait(browser, Browser.PATIENCE).until(d -> d.getCurrentUrl().contains("/inventory/items/"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo(tag + "-switch");
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("network-device").contains("10.251.0.1, 10.251.0.2");

        browser.get(url("/inventory/drift"));
        assertThat(browser.findElement(By.tagName("main")).getText()).contains(tag + "-host");
        browser.get(url("/inventory/discovery"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Import a discovery scan");
    }
}
