package org.opsledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Hostile and careless input: a clear 4xx, nothing half-written, the attempt in the audit record. */
class BadInputIntegrationTest extends IntegrationTest {

    private String admin;

    @BeforeEach
    void login() {
        admin = api.admin();
    }

    private long entriesAbout(String account) {
        return jdbc.sql("SELECT count(*) FROM audit_entry WHERE object_type = 'account' AND object_id = ?").param(account)
                .query(Long.class).single();
    }

    private long accountRows() {
        return jdbc.sql("SELECT count(*) FROM account").query(Long.class).single();
    }

    private void assertRejectedAndRecorded(Api.Response r, int status, long accountsBefore) {
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json()).containsEntry("status", status).containsKey("title");
        assertThat(accountRows()).isEqualTo(accountsBefore);
        Map<String, Object> entry = lastAuditEntry("request.rejected");
        assertThat(entry).containsEntry("outcome", "failure").containsEntry("objectId", "POST /api/v1/accounts");
    }

    @Test
    void malformedJson() {
        long before = accountRows();
        Api.Response r = api.post("/api/v1/accounts", admin, "{\"username\": \"x\", ");
        assertRejectedAndRecorded(r, 400, before);
        assertThat((String) r.get("detail")).contains("not valid JSON");
    }

    @Test
    void unknownFieldsAreNamed() {
        long before = accountRows();
        Api.Response r = api.post("/api/v1/accounts", admin, Map.of("username", Api.unique("u"), "displayName", "U",
                "kind", "person", "roles", List.of(), "isAdmin", true));
        assertRejectedAndRecorded(r, 400, before);
        assertThat(r.get("field")).isEqualTo("isAdmin");
    }

    @Test
    void oversizedBodiesAreRefusedBeforeTheyAreRead() {
        long before = accountRows();
        String huge = "{\"username\":\"big\",\"displayName\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        Api.Response r = api.post("/api/v1/accounts", admin, huge);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(accountRows()).isEqualTo(before);
        Map<String, Object> entry = lastAuditEntry("request.rejected");
        assertThat(entry).containsEntry("actor", "admin").containsEntry("objectId", "POST /api/v1/accounts");
        assertThat((String) entry.get("reason")).contains("over the 1048576-byte limit");
    }

    @Test
    void wrongTypesAndValuesNameTheField() {
        long before = accountRows();
        Api.Response kind = api.post("/api/v1/accounts", admin, Map.of("username", Api.unique("k"), "displayName", "K", "kind", "robot"));
        assertRejectedAndRecorded(kind, 400, before);
        assertThat(kind.get("field")).isEqualTo("kind");

        Api.Response role = api.post("/api/v1/accounts", admin, Map.of("username", Api.unique("r"), "displayName", "R",
                "kind", "person", "roles", List.of("god")));
        assertRejectedAndRecorded(role, 400, before);
        assertThat(role.get("field")).isEqualTo("roles");

        Api.Response page = api.get("/api/v1/accounts?page=abc", admin);
        assertThat(page.status()).isEqualTo(400);
        assertThat(page.get("field")).isEqualTo("page");
    }

    @Test
    void sqlInjectionInAUserNameIsRefusedAndInTextIsStoredAsText() {
        long before = accountRows();
        Api.Response name = api.post("/api/v1/accounts", admin, Map.of("username", "x'; DROP TABLE account; --",
                "displayName", "X", "kind", "person"));
        assertRejectedAndRecorded(name, 400, before);
        assertThat(name.get("field")).isEqualTo("username");

        String evil = "Robert'); DROP TABLE account;-- <script>alert(1)</script>";
        String username = Api.unique("bobby");
        Api.Response created = api.post("/api/v1/accounts", admin, Map.of("username", username, "displayName", evil, "kind", "service"));
        assertThat(created.status()).isEqualTo(201);
        assertThat(api.get("/api/v1/accounts/" + username, admin).get("displayName")).isEqualTo(evil);
        assertThat(accountRows()).isEqualTo(before + 1);

        // filters are parameters, never SQL
        String auditor = api.person(Api.unique("aud"), "auditor");
        Api.Response search = api.get("/api/v1/audit?actor=%27%20OR%201%3D1%20--", auditor);
        assertThat(search.status()).isEqualTo(200);
        assertThat(search.json()).containsEntry("totalItems", 0);
    }

    @Test
    void everyWrongPasswordIsRecordedUntilTheAccountLocks() {
        String name = Api.unique("target");
        api.person(name, "requester");
        long before = entriesAbout(name);
        for (int i = 0; i < 7; i++) {
            Api.Response r = api.post("/api/v1/auth/token", null, Map.of("username", name, "password", "guess-number-" + i));
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.get("detail")).isEqualTo("Wrong user name or password, or the account is locked");
        }
        // 7 failed logins and 1 lock
        assertThat(entriesAbout(name) - before).isEqualTo(8);
        assertThat(jdbc.sql("SELECT locked_until > now() FROM account WHERE username = ?").param(name).query(Boolean.class).single()).isTrue();
    }

    @Test
    void anUnknownUserIsRecordedLikeAnyFailedLogin() {
        Api.Response r = api.post("/api/v1/auth/token", null, Map.of("username", "nobody-here", "password", "whatever-it-is"));
        assertThat(r.status()).isEqualTo(401);
        assertThat(lastAuditEntry("auth.token")).containsEntry("actor", "nobody-here").containsEntry("reason", "unknown user name");
    }

    @Test
    void thePasswordChangeEndpointCannotBeUsedToGuessPasswords() {
        String name = Api.unique("guessed");
        api.person(name, "requester");
        for (int i = 0; i < 5; i++) {
            Api.Response r = api.post("/api/v1/auth/password", null,
                    Map.of("username", name, "currentPassword", "guess-" + i, "newPassword", "Whatever-New-Pass-1"));
            assertThat(r.status()).isEqualTo(401);
        }
        // the five wrong guesses locked the account, exactly as five wrong logins would
        assertThat(jdbc.sql("SELECT locked_until > now() FROM account WHERE username = ?").param(name).query(Boolean.class).single()).isTrue();
        assertThat(jdbc.sql("SELECT count(*) FROM audit_entry WHERE action = 'auth.password-change' AND object_id = ? AND outcome = 'failure'")
                .param(name).query(Long.class).single()).isEqualTo(5);
    }
}
