package org.opsledger.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opsledger.change.ChangeFixtures.create;
import static org.opsledger.change.ChangeFixtures.ok;
import static org.opsledger.change.ChangeFixtures.ready;
import static org.opsledger.change.ChangeFixtures.with;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opsledger.Api;
import org.opsledger.IntegrationTest;

/** The change calendar as an iCalendar feed a calendar client subscribes to. */
class ChangeCalendarIntegrationTest extends IntegrationTest {

    private HttpResponse<String> subscribe(String url) throws Exception {
        // a calendar client: no Authorization header, no cookie, only the URL
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aPersonSubscribesToTheirChangesWithAFeedTokenThatStopsWorkingWhenRevokedOrDisabled() throws Exception {
        String name = Api.unique("req");
        String requester = api.person(name, "requester");
        String manager = api.person(Api.unique("mgr"), "change-manager");
        String mine = create(api, requester, ready("Patch, reboot; done", ChangeFixtures.LOW, 2));
        ok(api, requester, mine, "submit", null);
        String others = create(api, manager, ready("Someone else's", ChangeFixtures.LOW, 2));
        ok(api, manager, others, "submit", null);

        Api.Response bearer = api.get("/api/v1/changes/calendar.ics", requester);
        assertThat(bearer.status()).isEqualTo(200);
        assertThat(bearer.contentType()).startsWith("text/calendar");
        assertThat(bearer.body()).contains("SUMMARY:" + mine + " Patch\\, reboot\\; done").doesNotContain(others)
                .contains("STATUS:TENTATIVE");

        Api.Response issued = api.post("/api/v1/changes/calendar-feed", requester, Map.of());
        assertThat(issued.status()).isEqualTo(201);
        String token = (String) issued.get("token");
        String path = "/api/v1/changes/calendar.ics?feed=" + token;
        HttpResponse<String> feed = subscribe("http://localhost:" + port + path);
        assertThat(feed.statusCode()).isEqualTo(200);
        assertThat(feed.body()).contains(mine).contains("UID:").doesNotContain(others);
        assertThat(feed.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(jdbc.sql("SELECT count(*) FROM change_calendar_feed WHERE token_hash = sha256(convert_to(?, 'UTF8'))").param(token)
                .query(Long.class).single()).isEqualTo(1);

        // the token opens the feed and nothing else
        assertThat(subscribe("http://localhost:" + port + "/api/v1/changes?feed=" + token).statusCode()).isEqualTo(401);
        assertThat(subscribe("http://localhost:" + port + "/api/v1/changes/calendar.ics?feed=olc_wrong").statusCode()).isEqualTo(401);
        assertThat(subscribe("http://localhost:" + port + "/api/v1/changes/calendar.ics").statusCode()).isEqualTo(401);

        api.post("/api/v1/accounts/" + name + "/disable", api.admin(), Map.of());
        assertThat(subscribe("http://localhost:" + port + path).statusCode()).isEqualTo(401);
        api.post("/api/v1/accounts/" + name + "/enable", api.admin(), Map.of());
        assertThat(subscribe("http://localhost:" + port + path).statusCode()).isEqualTo(200);
    }

    @Test
    void aTeamFeedShowsTheChangesNamingTheTeamAndTheBlackouts() {
        String manager = api.person(Api.unique("mgr"), "change-manager");
        String team = create(api, manager, with(ready("Firewall rules", ChangeFixtures.LOW, 3), "stakeholders",
                List.of(Map.of("group", "network-team"))));
        ok(api, manager, team, "submit", null);
        String other = create(api, manager, ready("Unrelated", ChangeFixtures.LOW, 3));
        ok(api, manager, other, "submit", null);
        // far enough ahead not to stand in the way of other tests' changes, inside the feed's 180 days
        java.time.Instant day = java.time.Instant.now().plus(java.time.Duration.ofDays(150)).truncatedTo(java.time.temporal.ChronoUnit.DAYS);
        api.post("/api/v1/changes/windows", manager, Map.of("kind", "blackout", "name", "Black Friday", "start",
                day.toString(), "end", day.plus(java.time.Duration.ofDays(1)).toString()));
        Api.Response feed = api.get("/api/v1/changes/calendar.ics?team=network-team", manager);
        assertThat(feed.body()).contains(team).doesNotContain(other).contains("SUMMARY:Blackout: Black Friday");
        assertThat(api.get("/api/v1/changes/calendar.ics?team=nobody", manager).get("field")).isEqualTo("team");
        assertThat(api.get("/api/v1/changes/calendar.ics?scope=all", manager).body()).contains(team).contains(other);
    }
}
