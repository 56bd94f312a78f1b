package org.opsledger.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.opsledger.Api;
import org.opsledger.IntegrationTest;

/**
 * The dashboard's audit trail health tiles (ECOMP 12 clock check, IS.012 6.7.2.5 SIEM forwarding):
 * shown to those who review the trail or run systems, not to everyone signed in.
 */
class DashboardHealthBrowserTest extends IntegrationTest {

    private ChromeDriver browser;

    @BeforeEach
    void open() throws Exception {
        browser = Browser.start();
    }

    @AfterEach
    void close() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void anAuditorSeesTheClockAndSiemTilesARequesterDoesNot() throws Exception {
        signIn(person("auditor"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Dashboard");
        String clock = browser.findElement(By.id("clock-tile")).getText();
        assertThat(clock).startsWith("Clock (ECOMP 12)").containsAnyOf("in-sync", "overdue", "out-of-sync", "not-checked");
        // this test context forwards nowhere: the tile says so rather than pretend
        assertThat(browser.findElement(By.id("siem-tile")).getText())
                .isEqualTo("SIEM forwarding (IS.012 6.7.2.5)\noff\nForwarding is off (opsledger.audit.siem.enabled).");
        Path dir = Files.createDirectories(Path.of("target", "screenshots"));
        Files.write(dir.resolve("dashboard-trail-health.png"), browser.getScreenshotAs(OutputType.BYTES));

        browser.manage().deleteAllCookies();
        signIn(person("requester"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Dashboard");
        assertThat(browser.findElements(By.id("clock-tile"))).isEmpty();
        assertThat(browser.findElements(By.id("siem-tile"))).isEmpty();
    }

    /** A person with this role whose first password change is done; returns the user name (password below). */
    private String person(String role) {
        String name = Api.unique(role);
        api.post("/api/v1/accounts", api.admin(), Map.of("username", name, "displayName", "Test " + name, "kind", "person",
                "roles", List.of(role), "password", "First-Day-Pass-123"));
        Api.Response changed = api.post("/api/v1/auth/password", null,
                Map.of("username", name, "currentPassword", "First-Day-Pass-123", "newPassword", "My-Own-Secret-Phrase-9"));
        assertThat(changed.status()).isEqualTo(204);
        return name;
    }

    private void signIn(String username) {
        browser.get("http://localhost:" + port + "/login");
        browser.findElement(By.id("username")).sendKeys(username);
        browser.findElement(By.id("password")).sendKeys("My-Own-Secret-Phrase-9");
        browser.findElement(By.cssSelector("form.card button[type=submit]")).click();
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.getCurrentUrl().equals("http://localhost:" + port + "/"));
    }
}
