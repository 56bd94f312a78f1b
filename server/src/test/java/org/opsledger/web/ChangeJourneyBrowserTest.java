package org.opsledger.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.opsledger.Api;

/**
 * A change's whole life in a real browser: the requester raises and submits it, the change manager
 * assesses it, two CAB members approve it on the workbench, the manager schedules it, the implementer
 * carries it out, and the manager reviews and closes it (IS.012 6.2).
 */
class ChangeJourneyBrowserTest extends BrowserTest {

    private String state() {
        return browser.findElement(By.id("state")).getText();
    }

    private void act(String number, String action) {
        browser.get(url("/changes/" + number));
        browser.findElement(By.id("do-" + action)).click();
        waitFor(b -> b.findElements(By.cssSelector(".flash")).size() > 0, action + " to answer");
        assertThat(browser.findElements(By.cssSelector(".flash.error"))).as(action + ": " + browser.getPageSource().length()).isEmpty();
    }

    @Test
    void aChangeGoesFromRequesterThroughCabAndImplementationToClosedInTheBrowser() throws Exception {
        String[] requester = person("reqb", "requester");
        String[] manager = person("mgrb", "change-manager");
        String[] cab1 = person("caba", "cab-member");
        String[] cab2 = person("cabb", "cab-member");
        String[] implementer = person("implb", "implementer");

        // the requester raises a Medium-risk change (the questionnaire says: it needs an outage)
        logIn(requester);
        browser.findElement(By.linkText("Changes")).click();
        browser.findElement(By.linkText("New change")).click();
        String title = Api.unique("Upgrade PostgreSQL");
        browser.findElement(By.id("title")).sendKeys(title);
        browser.findElement(By.id("description")).sendKeys("Minor version upgrade of the ledger database");
        browser.findElement(By.id("implementationPlan")).sendKeys("Stop, upgrade packages, start, check replication");
        browser.findElement(By.id("testPlan")).sendKeys("Same steps on the test cluster");
        browser.findElement(By.id("testEvidence")).sendKeys("Test cluster upgraded 2026-11-20, checks green");
        browser.findElement(By.id("fallbackPlan")).sendKeys("Downgrade packages and restore the snapshot");
        browser.findElement(By.id("securityAssessment")).sendKeys("Security fixes only; no access change");
        browser.findElement(By.id("complianceConfirmed")).click();
        browser.findElement(By.id("q-serviceOutage")).click();
        browser.findElement(By.id("stakeholderEmail")).sendKeys("dba@example.org");
        LocalDateTime start = LocalDateTime.now(ZoneOffset.UTC).plusDays(10).truncatedTo(ChronoUnit.HOURS);
        browser.executeScript("document.getElementById('plannedStart').value = arguments[0];"
                + "document.getElementById('plannedEnd').value = arguments[1];", start.toString(), start.plusHours(2).toString());
        browser.findElement(By.cssSelector("#new-change button[type=submit]")).click();
        waitFor(b -> b.getCurrentUrl().matches(".*/changes/CHG-\\d+$"), "the new change's page");
        String number = browser.getCurrentUrl().substring(browser.getCurrentUrl().lastIndexOf('/') + 1);
        assertThat(state()).isEqualTo("draft");
        assertThat(browser.findElement(By.id("risk")).getText()).isEqualTo("medium");
        act(number, "submit");
        assertThat(state()).isEqualTo("submitted");

        // the change manager assesses it: Medium risk goes to the CAB
        logIn(manager);
        act(number, "assess");
        assertThat(state()).isEqualTo("cab-review");
        assertThat(browser.findElements(By.id("do-approve"))).isEmpty();

        // two CAB members approve it on the workbench
        for (String[] member : List.of(cab1, cab2)) {
            logIn(member);
            browser.get(url("/changes/cab"));
            assertThat(browser.findElement(By.id("agenda")).getText()).contains(number);
            browser.findElement(By.id("vote-" + number)).click();
            waitFor(b -> b.findElements(By.cssSelector(".flash.ok")).size() > 0, "the vote to be recorded");
        }
        screenshot("change-cab-workbench");
        browser.get(url("/changes/" + number));
        assertThat(state()).isEqualTo("approved");

        // the manager schedules it with its implementer
        logIn(manager);
        browser.get(url("/changes/" + number));
        browser.findElement(By.cssSelector("input[name=implementer]")).sendKeys(implementer[0]);
        browser.findElement(By.id("do-schedule")).click();
        waitFor(b -> b.findElements(By.cssSelector(".flash")).size() > 0, "schedule to answer");
        assertThat(state()).isEqualTo("scheduled");
        browser.get(url("/changes/calendar?date=" + start.toLocalDate()));
        assertThat(browser.findElement(By.cssSelector(".calendar")).getText()).contains(number);
        screenshot("change-calendar");

        // the implementer carries it out
        logIn(implementer);
        act(number, "start");
        assertThat(state()).isEqualTo("implementing");
        act(number, "complete");
        assertThat(state()).isEqualTo("implemented");

        // the manager reviews and closes it
        logIn(manager);
        browser.get(url("/changes/" + number));
        browser.findElement(By.cssSelector("input[name=notes]")).sendKeys("Went to plan; replication lag under a second");
        browser.findElement(By.id("do-review")).click();
        waitFor(b -> b.findElements(By.cssSelector(".flash")).size() > 0, "review to answer");
        assertThat(state()).isEqualTo("reviewed");
        act(number, "close");
        assertThat(state()).isEqualTo("closed");
        assertThat(browser.findElement(By.id("timeline")).getText()).contains("create", "submit", "assess", "cab-review", "approve",
                "schedule", "start", "complete", "review", "close");
        assertThat(browser.findElement(By.id("votes")).getText()).contains(cab1[0], cab2[0]);
        screenshot("change-closed");

        browser.get(url("/changes?q=" + title));
        assertThat(browser.findElement(By.id("changes")).getText()).contains(number);
        browser.get(url("/changes/reports"));
        assertThat(browser.findElement(By.id("process")).getText()).contains("changes");
        // the manager's account has no e-mail address: their notification page says why it is empty
        browser.findElement(By.linkText("My notifications")).click();
        assertThat(browser.findElement(By.id("no-notifications")).getText()).contains("without an address on your account");
    }
}
