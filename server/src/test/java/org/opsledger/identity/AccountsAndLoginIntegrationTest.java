package org.opsledger.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opsledger.Api;
import org.opsledger.IntegrationTest;

class AccountsAndLoginIntegrationTest extends IntegrationTest {

    @Test
    @SuppressWarnings("unchecked")
    void theBootstrapAdministratorIsAPlatformAdministratorAndItsActionsAreMarkedPrivileged() {
        String admin = api.admin();
        Api.Response me = api.get("/api/v1/me", admin);
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json()).containsEntry("username", "admin").containsEntry("privileged", true)
                .containsEntry("roles", List.of("platform-administrator"));

        String name = Api.unique("priv");
        api.post("/api/v1/accounts", admin, Map.of("username", name, "displayName", "P", "kind", "service", "roles", List.of()));
        Map<String, Object> entry = lastAuditEntry("account.create");
        // ECOMP 6.1.1-6.1.9: system, time, user, client, address, protocol, outcome, object, access, privileged use
        assertThat(entry).containsEntry("system", "opsledger/test-node").containsEntry("actor", "admin")
                .containsEntry("userAgent", "opsledger-tests").containsEntry("protocol", "http")
                .containsEntry("outcome", "success").containsEntry("objectType", "account").containsEntry("objectId", name)
                .containsEntry("access", "create").containsEntry("privileged", true);
        assertThat((String) entry.get("address")).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
        assertThat((String) entry.get("time")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
        assertThat(((Map<String, Object>) entry.get("after"))).containsEntry("username", name).doesNotContainKey("passwordHash");
    }

    @Test
    void aPersonWithAnInitialPasswordMustChangeItBeforeGettingAToken() {
        String name = Api.unique("newbie");
        api.post("/api/v1/accounts", api.admin(), Map.of("username", name, "displayName", "New", "kind", "person",
                "roles", List.of("requester"), "password", "Initial-Pass-Word-7"));

        Api.Response refused = api.post("/api/v1/auth/token", null, Map.of("username", name, "password", "Initial-Pass-Word-7"));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.get("detail")).isEqualTo("password change required");

        Api.Response weak = api.post("/api/v1/auth/password", null,
                Map.of("username", name, "currentPassword", "Initial-Pass-Word-7", "newPassword", "short"));
        assertThat(weak.status()).isEqualTo(400);
        assertThat(weak.get("field")).isEqualTo("newPassword");

        assertThat(api.post("/api/v1/auth/password", null, Map.of("username", name, "currentPassword", "Initial-Pass-Word-7",
                "newPassword", "A-Much-Better-One-42")).status()).isEqualTo(204);
        String token = api.login(name, "A-Much-Better-One-42");
        assertThat(api.get("/api/v1/me", token).get("username")).isEqualTo(name);
        assertThat(api.get("/api/v1/me", token).get("privileged")).isEqualTo(false);
    }

    @Test
    void repeatedWrongPasswordsLockTheAccountEvenForTheRightPasswordUntilUnlocked() {
        String name = Api.unique("victim");
        api.person(name, "help-desk");
        // person() chose a random password; reset to a known one through the administrator
        String temporary = (String) api.post("/api/v1/accounts/" + name + "/password-reset", api.admin(), "{}").get("temporaryPassword");
        api.post("/api/v1/auth/password", null, Map.of("username", name, "currentPassword", temporary, "newPassword", "Known-Good-Pass-99"));

        for (int i = 0; i < 5; i++) {
            assertThat(api.post("/api/v1/auth/token", null, Map.of("username", name, "password", "wrong-guess-" + i)).status())
                    .isEqualTo(401);
        }
        Api.Response locked = api.post("/api/v1/auth/token", null, Map.of("username", name, "password", "Known-Good-Pass-99"));
        assertThat(locked.status()).isEqualTo(401);
        assertThat(locked.contentType()).startsWith("application/problem+json");
        assertThat((String) lastAuditEntry("auth.token").get("reason")).startsWith("account locked until");
        assertThat(lastAuditEntry("account.lock")).containsEntry("objectId", name).containsEntry("outcome", "failure");
        assertThat(jdbc.sql("SELECT count(*) FROM audit_entry WHERE action = 'auth.token' AND object_id = ? AND outcome = 'failure'")
                .param(name).query(Long.class).single()).isEqualTo(6);
        assertThat(api.get("/api/v1/accounts/" + name, api.admin()).get("locked")).isEqualTo(true);

        assertThat(api.post("/api/v1/accounts/" + name + "/unlock", api.admin(), "{}").status()).isEqualTo(200);
        assertThat(api.login(name, "Known-Good-Pass-99")).startsWith("olt_");
    }

    @Test
    void manyFailedLoginsFromOneAddressAcrossAccountsRefuseThatAddressButNoOther() throws Exception {
        // password spraying: one guess on each of many accounts never locks an account
        Api sprayer = new Api("http://127.0.0.1:" + port, InetAddress.getByName("127.0.0.3"));
        for (int i = 0; i < 50; i++) {
            assertThat(sprayer.post("/api/v1/auth/token", null, Map.of("username", Api.unique("guess"), "password", "Winter2026!!"))
                    .status()).isEqualTo(401);
        }
        Api.Response refused = sprayer.post("/api/v1/auth/token", null, Map.of("username", ADMIN, "password", ADMIN_PASSWORD));
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(lastAuditEntry("auth.token")).containsEntry("objectId", ADMIN).containsEntry("outcome", "denied")
                .containsEntry("reason", "too many failed logins from 127.0.0.3");
        // the account is not locked, and the administrator still logs in from another address
        assertThat(api.admin()).startsWith("olt_");
    }

    @Test
    void aServiceAccountNeverLogsInWithAPasswordAndUsesTokensTheAdministratorCreates() {
        String name = Api.unique("scanner");
        String admin = api.admin();
        Api.Response withPassword = api.post("/api/v1/accounts", admin, Map.of("username", name, "displayName", "Scanner",
                "kind", "service", "roles", List.of("asset-manager"), "password", "Service-Pass-Word-1"));
        assertThat(withPassword.status()).isEqualTo(400);
        assertThat(withPassword.get("field")).isEqualTo("password");

        assertThat(api.post("/api/v1/accounts", admin, Map.of("username", name, "displayName", "Scanner", "kind", "service",
                "roles", List.of("asset-manager"))).status()).isEqualTo(201);
        assertThat(api.post("/api/v1/auth/token", null, Map.of("username", name, "password", "anything-at-all")).status())
                .isEqualTo(401);

        Api.Response issued = api.post("/api/v1/accounts/" + name + "/tokens", admin, Map.of("name", "nightly import"));
        assertThat(issued.status()).isEqualTo(201);
        String token = (String) issued.get("token");
        assertThat(api.get("/api/v1/me", token).json()).containsEntry("username", name).containsEntry("kind", "service");
        // a service account cannot mint more tokens for itself
        assertThat(api.post("/api/v1/tokens", token, Map.of("name", "more")).status()).isEqualTo(403);
        // disabling the account revokes its tokens at once
        api.post("/api/v1/accounts/" + name + "/disable", admin, "{}");
        assertThat(api.get("/api/v1/me", token).status()).isEqualTo(401);
    }

    @Test
    void aPersonsApiTokenIsShownOnceStoredHashedAndRevocable() {
        String name = Api.unique("scripter");
        String session = api.person(name, "change-manager");
        Api.Response created = api.post("/api/v1/tokens", session, Map.of("name", "ci pipeline"));
        assertThat(created.status()).isEqualTo(201);
        String token = (String) created.get("token");
        assertThat(token).startsWith("olt_").hasSize(47);
        // stored as its SHA-256 only
        assertThat(jdbc.sql("SELECT count(*) FROM api_token WHERE token_hash = sha256(convert_to(?, 'UTF8'))").param(token)
                .query(Long.class).single()).isEqualTo(1);

        Api.Response listed = api.get("/api/v1/tokens", token);
        assertThat(listed.body()).doesNotContain(token).contains("ci pipeline");
        assertThat(api.get("/api/v1/me", token).get("username")).isEqualTo(name);

        assertThat(api.delete("/api/v1/tokens/" + created.get("id"), session).status()).isEqualTo(204);
        Api.Response after = api.get("/api/v1/me", token);
        assertThat(after.status()).isEqualTo(401);
        assertThat(lastAuditEntry("auth.bearer")).containsEntry("outcome", "failure");
    }

    @Test
    void requestsWithoutCredentialsGet401ProblemsAndHealthIsOpenForLoadBalancers() {
        Api.Response r = api.get("/api/v1/accounts", null);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(api.get("/actuator/health", null).status()).isEqualTo(200);
        assertThat(api.get("/actuator/env", null).status()).isIn(401, 302, 404);
    }
}
