package org.opsledger.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opsledger.change.ChangeFixtures.create;
import static org.opsledger.change.ChangeFixtures.ok;
import static org.opsledger.change.ChangeFixtures.ready;
import static org.opsledger.change.ChangeFixtures.with;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opsledger.Api;
import org.opsledger.IntegrationTest;

/**
 * The inventory's drift reconciled with the change module's real approved changes (IS.012 6.3.5, 6.3.7):
 * a difference from the baseline inside an approved change's window on that item is authorised and
 * names the change; the same difference on another item, or outside any approved window, is an alert.
 */
class DriftReconciledWithChangesIntegrationTest extends IntegrationTest {

    private String assets;
    private String tool;
    private String officer;
    private String requester;
    private String manager;

    @BeforeEach
    void people() {
        assets = api.person(Api.unique("am"), "asset-manager");
        tool = api.person(Api.unique("sa"), "system-administrator");
        officer = api.person(Api.unique("so"), "security-officer");
        requester = api.person(Api.unique("req"), "requester");
        manager = api.person(Api.unique("mgr"), "change-manager");
    }

    private String itemWithBaseline(Instant at) {
        String item = (String) api.post("/api/v1/items", assets, Map.of("name", Api.unique("web"), "kind", "server", "tier", "low",
                "environment", "development", "owner", "Web team", "classification", "internal")).get("id");
        Api.Response first = snapshot(item, at, "no");
        String baseline = (String) ((Map<?, ?>) first.get("snapshot")).get("id");
        assertThat(api.post("/api/v1/items/" + item + "/snapshots/" + baseline + "/approve", officer, Map.of()).status()).isEqualTo(200);
        return item;
    }

    private Api.Response snapshot(String item, Instant at, String permitRootLogin) {
        Api.Response r = api.post("/api/v1/items/" + item + "/snapshots", tool, Map.of("observedAt", at.toString(), "source", "ansible-facts",
                "settings", Map.of("sshd.PermitRootLogin", permitRootLogin), "files", Map.of()));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r;
    }

    /** A low-risk normal change on {@code item} whose planned window is the current hour and the next. */
    private String approvedChange(String item) {
        String number = create(api, requester, with(ready("Harden sshd", ChangeFixtures.LOW, 0), "items", List.of(item),
                "testEnvironment", "development"));
        ok(api, requester, number, "submit", null);
        ok(api, manager, number, "assess", null);
        assertThat(ok(api, manager, number, "approve", null).get("state")).isEqualTo("approved");
        return number;
    }

    @Test
    void driftInsideAnApprovedChangesWindowIsAuthorisedAndNamesTheChangeDriftElsewhereIsAnAlert() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String covered = itemWithBaseline(now.minus(3, ChronoUnit.HOURS));
        String other = itemWithBaseline(now.minus(3, ChronoUnit.HOURS));
        String number = approvedChange(covered);

        Api.Response authorised = snapshot(covered, now, "yes");
        assertThat(authorised.get("differences")).isEqualTo(1);
        assertThat(authorised.get("authorised")).isEqualTo(1);
        assertThat(authorised.get("alerts")).isEqualTo(0);
        Map<String, Object> drift = api.get("/api/v1/drift?status=authorized&item=" + covered, officer).items().getFirst();
        assertThat(drift).containsEntry("changeNumber", number).containsEntry("key", "sshd.PermitRootLogin");

        // the same difference on an item the change does not name is an unauthorised change
        Api.Response alert = snapshot(other, now, "yes");
        assertThat(alert.get("alerts")).isEqualTo(1);
        assertThat(api.get("/api/v1/drift?status=alert&item=" + other, officer).get("totalItems")).isEqualTo(1);
    }

    @Test
    void anAlertRaisedBeforeItsChangeWasApprovedIsAuthorisedWhenReconciledAgain() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String item = itemWithBaseline(now.minus(3, ChronoUnit.HOURS));
        assertThat(snapshot(item, now, "yes").get("alerts")).isEqualTo(1);

        // the change for it is approved afterwards, with a window that includes the observation
        String number = approvedChange(item);
        Api.Response reconciled = api.post("/api/v1/drift/reconcile", officer, Map.of());
        assertThat(reconciled.status()).as(reconciled.body()).isEqualTo(200);
        assertThat(api.get("/api/v1/drift?status=alert&item=" + item, officer).get("totalItems")).isEqualTo(0);
        assertThat(api.get("/api/v1/drift?status=authorized&item=" + item, officer).items().getFirst())
                .containsEntry("changeNumber", number);
    }
}
