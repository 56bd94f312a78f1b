package org.opsledger.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The dashboard's audit trail health tiles (ECOMP 12 clock check, IS.012 6.7.2.5 SIEM forwarding):
 * shown to those who review the trail or run systems, not to everyone signed in.
 */
class DashboardHealthBrowserTest extends BrowserTest {

    @Test
    void anAuditorSeesTheClockAndSiemTilesARequesterDoesNot() throws Exception {
        logIn(person("auditor", "auditor"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Dashboard");
        String clock = browser.findElement(By.id("clock-tile")).getText();
        assertThat(clock).startsWith("Clock (ECOMP 12)").containsAnyOf("in-sync", "overdue", "out-of-sync", "not-checked");
        // this test context forwards nowhere: the tile says so rather than pretend
        assertThat(browser.findElement(By.id("siem-tile")).getText())
                .isEqualTo("SIEM forwarding (IS.012 6.7.2.5)\noff\nForwarding is off (opsledger.audit.siem.enabled).");
        screenshot("dashboard-trail-health");

        logIn(person("requester", "requester"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Dashboard");
        assertThat(browser.findElements(By.id("clock-tile"))).isEmpty();
        assertThat(browser.findElements(By.id("siem-tile"))).isEmpty();
    }
}
