package org.opsledger.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.opsledger.Api;
import org.apache.catalina.Context;
import org.apache.catalina.Session;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;

/** A person's first day, in a real browser: log in, forced password change, dashboard, timeout. */
class LoginBrowserTest extends BrowserTest {

    @Autowired
    ServletWebServerApplicationContext server;

    /** The server-side session of a person (the test ages it instead of waiting out the timeout). */
    private Session onlySessionOf(String username) {
        TomcatWebServer tomcat = (TomcatWebServer) server.getWebServer();
        Context context = (Context) tomcat.getTomcat().getHost().findChildren()[0];
        List<Session> theirs = java.util.Arrays.stream(context.getManager().findSessions())
                .filter(s -> s.getPrincipal() == null && String.valueOf(s.getSession().getAttribute("SPRING_SECURITY_CONTEXT")).contains(username))
                .toList();
        assertThat(theirs).hasSize(1);
        return theirs.getFirst();
    }

    /** Waits for the navigation a click started: right after click() the old page may still be current. */
    private void waitForUrl(java.util.function.Predicate<String> expected, String what) {
        waitFor(b -> expected.test(b.getCurrentUrl()), what);
    }

    private void logIn(String username, String password) {
        browser.get(url("/login"));
        browser.findElement(By.id("username")).sendKeys(username);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.cssSelector("form.card button[type=submit]")).click();
    }

    @Test
    void aNewPersonLogsInChangesTheirPasswordSeesTheDashboardAndIsLoggedOutAfterInactivity() throws Exception {
        String name = Api.unique("officer");
        api.post("/api/v1/accounts", api.admin(), Map.of("username", name, "displayName", "Olivia Officer", "kind", "person",
                "roles", List.of("security-officer"), "password", "First-Day-Pass-123"));

        browser.get(url("/"));
        assertThat(browser.getCurrentUrl()).endsWith("/login");
        logIn(name, "wrong password entirely");
        waitForUrl(u -> u.contains("/login?error"), "the login page with an error");
        assertThat(browser.findElement(By.cssSelector(".flash.error")).getText()).contains("Wrong user name or password");

        logIn(name, "First-Day-Pass-123");
        waitForUrl(u -> u.endsWith("/password"), "the password change page");
        // nothing else is reachable until the password changes
        browser.get(url("/controls"));
        assertThat(browser.getCurrentUrl()).endsWith("/password");
        screenshot("password-change");

        browser.findElement(By.id("currentPassword")).sendKeys("First-Day-Pass-123");
        browser.findElement(By.id("newPassword")).sendKeys("My-Own-Secret-Phrase-9");
        browser.findElement(By.id("confirmPassword")).sendKeys("My-Own-Secret-Phrase-9");
        browser.findElement(By.cssSelector("form.card button[type=submit]")).click();

        waitForUrl(u -> u.equals(url("/")), "the dashboard");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Dashboard");
        assertThat(browser.findElement(By.cssSelector(".flash.ok")).getText()).contains("password has been changed");
        // a security officer sees the audit trail in the navigation, not account administration forms
        assertThat(browser.findElements(By.linkText("Audit trail"))).hasSize(1);
        screenshot("dashboard");

        browser.get(url("/controls"));
        assertThat(browser.findElements(By.cssSelector("tbody tr"))).hasSize(182);
        screenshot("controls");

        // ECOMP 1.8: the session carries the configured inactivity timeout (15 minutes by default)...
        Session session = onlySessionOf(name);
        assertThat(session.getMaxInactiveInterval()).isEqualTo(15 * 60);
        // ...and once that much inactivity has passed, the person is sent back to log in. Rather than
        // wait 15 minutes, the test shortens this one session's timeout to one second.
        session.setMaxInactiveInterval(1);
        Thread.sleep(2_000);
        browser.get(url("/controls"));
        assertThat(browser.getCurrentUrl()).contains("/login");
        assertThat(browser.findElement(By.cssSelector(".flash.info")).getText()).contains("session ended after inactivity");
    }

    @Test
    void textThatLooksLikeHtmlIsShownAsTextAndServiceAccountsCannotLogIn() throws Exception {
        String admin = api.admin();
        String service = Api.unique("svc");
        api.post("/api/v1/accounts", admin, Map.of("username", service, "displayName", "<img src=x onerror=alert(1)><b>bold</b>",
                "kind", "service", "roles", List.of()));
        logIn(service, "any-password-at-all");
        waitForUrl(u -> u.contains("/login?error"), "the login page with an error");

        logIn(ADMIN, ADMIN_PASSWORD);
        waitForUrl(u -> u.equals(url("/")), "the dashboard");
        browser.get(url("/accounts"));
        assertThat(browser.getPageSource()).contains("&lt;img src=x onerror=alert(1)&gt;&lt;b&gt;bold&lt;/b&gt;");
        assertThat(browser.findElements(By.cssSelector("td b"))).isEmpty();
        screenshot("accounts");

        // a form posted without its CSRF token is refused with a page, not a stack trace
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                "var f = document.createElement('form'); f.method = 'post'; f.action = '/tokens';"
                        + "var i = document.createElement('input'); i.name = 'name'; i.value = 'forged'; f.appendChild(i);"
                        + "document.body.appendChild(f); f.submit();");
        new WebDriverWait(browser, Browser.PATIENCE).until(d -> d.findElement(By.tagName("h1")).getText().equals("Forbidden"));
        assertThat(lastAuditEntry("request.denied")).containsEntry("reason", "missing or invalid CSRF token");

        // the browsable API description works under the strict Content-Security-Policy
        browser.get(url("/api/v1/docs"));
        new WebDriverWait(browser, Browser.PATIENCE).until(d -> !d.findElements(By.cssSelector(".swagger-ui .info .title")).isEmpty());
        assertThat(browser.findElement(By.cssSelector(".swagger-ui .info .title")).getText()).contains("OpsLedger API");
        screenshot("api-docs");
    }
}
