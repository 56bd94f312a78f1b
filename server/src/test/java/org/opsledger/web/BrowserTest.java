package org.opsledger.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.opsledger.Api;
import org.opsledger.IntegrationTest;

/** The whole application driven through real headless Chromium: one browser per test, people who log in. */
abstract class BrowserTest extends IntegrationTest {

    protected ChromeDriver browser;

    @BeforeEach
    void openBrowser() throws Exception {
        browser = Browser.start();
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    protected String url(String path) {
        return "http://localhost:" + port + path;
    }

    /**
     * A person with these roles and a password of the test's choosing (the first-login change already
     * done): user name, password, and a bearer token for API calls made on their behalf.
     */
    protected String[] person(String prefix, String... roles) {
        String name = Api.unique(prefix).toLowerCase(java.util.Locale.ROOT);
        String initial = "Initial-" + UUID.randomUUID();
        assertThat(api.post("/api/v1/accounts", api.admin(), Map.of("username", name, "displayName", "Test " + name, "kind", "person",
                "roles", List.of(roles), "password", initial)).status()).isEqualTo(201);
        String password = "Chosen-" + UUID.randomUUID();
        assertThat(api.post("/api/v1/auth/password", null, Map.of("username", name, "currentPassword", initial, "newPassword", password))
                .status()).isEqualTo(204);
        return new String[] {name, password, api.login(name, password)};
    }

    protected void waitFor(Predicate<ChromeDriver> condition, String what) {
        new WebDriverWait(browser, Browser.PATIENCE).withMessage(() -> "expected " + what + ", at " + browser.getCurrentUrl())
                .until(d -> condition.test(browser));
    }

    /** Logs {@code who} in on a clean session and waits for the dashboard. */
    protected void logIn(String[] who) {
        browser.manage().deleteAllCookies();
        browser.get(url("/login"));
        browser.findElement(By.id("username")).sendKeys(who[0]);
        browser.findElement(By.id("password")).sendKeys(who[1]);
        browser.findElement(By.cssSelector("form.card button[type=submit]")).click();
        waitFor(b -> b.getCurrentUrl().equals(url("/")), "the dashboard after logging in " + who[0]);
    }

    /** The page's flash message, once there is one. */
    protected String flash() {
        waitFor(b -> !b.findElements(By.cssSelector(".flash")).isEmpty(), "a flash message");
        return browser.findElement(By.cssSelector(".flash")).getText();
    }

    /** Keeps a picture of the page under target/screenshots for a person to look at. */
    protected void screenshot(String name) throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "screenshots"));
        Files.write(dir.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }
}
