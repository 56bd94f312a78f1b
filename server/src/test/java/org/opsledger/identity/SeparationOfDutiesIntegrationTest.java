package org.opsledger.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opsledger.Api;
import org.opsledger.IntegrationTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;

class SeparationOfDutiesIntegrationTest extends IntegrationTest {

    @Autowired
    SeparationOfDuties duties;

    @AfterEach
    void clear() {
        SecurityContextHolder.clearContext();
    }

    private long accounts(String username) {
        return jdbc.sql("SELECT count(*) FROM account WHERE username = ?").param(username).query(Long.class).single();
    }

    @Test
    void aDeveloperIsNeverAlsoAReleaseManagerOnCreation() {
        String name = Api.unique("dev");
        Api.Response r = api.post("/api/v1/accounts", api.admin(), Map.of("username", name, "displayName", "D",
                "kind", "person", "roles", List.of("developer", "release-manager")));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json()).containsEntry("rule", "developer-is-not-release-manager").containsEntry("source", "IS.012 6.5.4, 6.5.5");
        assertThat(accounts(name)).isZero();
        Map<String, Object> entry = lastAuditEntry("request.denied");
        assertThat(entry).containsEntry("outcome", "denied").containsEntry("objectId", name).containsEntry("actor", "admin");
        assertThat((String) entry.get("reason")).contains("developer-is-not-release-manager");
    }

    @Test
    void norWhenRolesChangeLater() {
        String name = Api.unique("dev");
        api.post("/api/v1/accounts", api.admin(), Map.of("username", name, "displayName", "D", "kind", "person", "roles", List.of("developer")));
        Api.Response r = api.put("/api/v1/accounts/" + name + "/roles", api.admin(), Map.of("roles", List.of("developer", "release-manager")));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.get("rule")).isEqualTo("developer-is-not-release-manager");
        assertThat(api.get("/api/v1/accounts/" + name, api.admin()).get("roles")).isEqualTo(List.of("developer"));
    }

    @Test
    void aPlatformAdministratorHoldsNoOtherRole() {
        String name = Api.unique("adm");
        Api.Response r = api.post("/api/v1/accounts", api.admin(), Map.of("username", name, "displayName", "A",
                "kind", "person", "roles", List.of("platform-administrator", "auditor")));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.get("rule")).isEqualTo("administrator-holds-no-other-role");
        assertThat(accounts(name)).isZero();
        // the database refuses it too, whatever the application does
        assertThatThrownBy(() -> jdbc.sql("""
                INSERT INTO account (id, username, display_name, kind, roles, created_at)
                VALUES (gen_random_uuid(), ?, 'x', 'person', '{platform-administrator,auditor}', now())""").param(name).update())
                .hasMessageContaining("administrator_holds_no_other_role");
    }

    @Test
    void nobodyAdministersTheirOwnAccount() {
        String admin = api.admin();
        for (String action : List.of("disable", "unlock", "password-reset")) {
            Api.Response r = api.post("/api/v1/accounts/admin/" + action, admin, "{}");
            assertThat(r.status()).as(action).isEqualTo(403);
            assertThat(r.get("rule")).isEqualTo("no-self-administration");
        }
        Api.Response roles = api.put("/api/v1/accounts/admin/roles", admin, Map.of("roles", List.of("auditor")));
        assertThat(roles.get("rule")).isEqualTo("no-self-administration");
        assertThat(api.get("/api/v1/me", admin).get("roles")).isEqualTo(List.of("platform-administrator"));
        // a second, named administrator may act on the first
        String second = api.person(Api.unique("admin2"), "platform-administrator");
        assertThat(api.post("/api/v1/accounts/admin/unlock", second, "{}").status()).isEqualTo(200);
    }

    @Test
    void theRequesterOfSomethingMayNotApproveIt() {
        SecurityContextHolder.getContext().setAuthentication(new TestingAuthenticationToken("carol", null, "ROLE_CAB_MEMBER"));
        long before = auditCount("request.denied", "CR-17");
        assertThatThrownBy(() -> duties.checkActor("requester-not-approver", "change-request", "CR-17", "carol"))
                .isInstanceOfSatisfying(SeparationOfDutiesViolation.class, v -> {
                    assertThat(v.rule()).isEqualTo("requester-not-approver");
                    assertThat(v.objectId()).isEqualTo("CR-17");
                });
        assertThat(auditCount("request.denied", "CR-17")).isEqualTo(before + 1);
        assertThat(lastAuditEntry("request.denied")).containsEntry("objectType", "change-request").containsEntry("actor", "carol");
        duties.checkActor("requester-not-approver", "change-request", "CR-17", "dave"); // someone else may
    }

    @Test
    void theAuthorOfAReleaseMayNotPromoteIt() {
        SecurityContextHolder.getContext().setAuthentication(new TestingAuthenticationToken("erin", null, "ROLE_RELEASE_MANAGER"));
        assertThatThrownBy(() -> duties.checkActor("author-not-promoter", "release", "R-3", "erin"))
                .isInstanceOf(SeparationOfDutiesViolation.class).hasMessageContaining("author");
        duties.checkActor("author-not-promoter", "release", "R-3", "frank");
    }

    @Test
    void theRulesAreListedForAuditors() {
        String auditor = api.person(Api.unique("aud"), "auditor");
        Api.Response r = api.get("/api/v1/separation-of-duties", auditor);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("administrator-holds-no-other-role", "developer-is-not-release-manager",
                "requester-not-approver", "author-not-promoter", "no-self-administration");
    }
}
