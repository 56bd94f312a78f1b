package org.opsledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.opsledger.identity.Role;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every {@code /api/v1} endpoint × every role, against the expectation written down here. An
 * endpoint added later without a line in {@link #EXPECTED} fails this test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationMatrixIntegrationTest extends IntegrationTest {

    /** Who may call an endpoint. */
    sealed interface Allowed {
        boolean permits(Role role);
    }

    /** No credentials needed (the endpoint checks a password itself). */
    record Public() implements Allowed {
        public boolean permits(Role role) {
            return true;
        }
    }

    /** Any authenticated account. */
    record Anyone() implements Allowed {
        public boolean permits(Role role) {
            return true;
        }
    }

    record Only(Set<Role> roles) implements Allowed {
        public boolean permits(Role role) {
            return roles.contains(role);
        }
    }

    private static Only only(Role... roles) {
        return new Only(Set.of(roles));
    }

    private static final Only ACCOUNT_READERS = only(Role.PLATFORM_ADMINISTRATOR, Role.SECURITY_OFFICER, Role.AUDITOR);
    private static final Only ADMIN = only(Role.PLATFORM_ADMINISTRATOR);
    private static final Only CHANGE_READERS = only(Role.REQUESTER, Role.CHANGE_MANAGER, Role.CAB_MEMBER, Role.IMPLEMENTER,
            Role.SECURITY_OFFICER, Role.AUDITOR);
    private static final Only CHANGE_REPORT_READERS = only(Role.CHANGE_MANAGER, Role.CAB_MEMBER, Role.SECURITY_OFFICER, Role.AUDITOR);
    /** Everyone but the platform administrator reads the inventory; the asset manager keeps it. */
    private static final Only INVENTORY_READERS =
            new Only(java.util.EnumSet.complementOf(java.util.EnumSet.of(Role.PLATFORM_ADMINISTRATOR)));
    private static final Only ASSET_MANAGER = only(Role.ASSET_MANAGER);
    private static final Only DOCUMENT_READERS =
            only(Role.ASSET_MANAGER, Role.SYSTEM_ADMINISTRATOR, Role.SECURITY_OFFICER, Role.AUDITOR);

    /** The written-down expectation: "METHOD pattern" → who may call it. */
    static final Map<String, Allowed> EXPECTED = Map.ofEntries(
            Map.entry("POST /api/v1/auth/token", new Public()),
            Map.entry("POST /api/v1/auth/password", new Public()),
            Map.entry("GET /api/v1/me", new Anyone()),
            Map.entry("GET /api/v1/separation-of-duties", new Anyone()),
            Map.entry("GET /api/v1/tokens", new Anyone()),
            Map.entry("POST /api/v1/tokens", new Anyone()),
            Map.entry("DELETE /api/v1/tokens/{id}", new Anyone()),
            Map.entry("GET /api/v1/accounts", ACCOUNT_READERS),
            Map.entry("GET /api/v1/accounts/{username}", ACCOUNT_READERS),
            Map.entry("POST /api/v1/accounts", ADMIN),
            Map.entry("PUT /api/v1/accounts/{username}/roles", ADMIN),
            Map.entry("POST /api/v1/accounts/{username}/disable", ADMIN),
            Map.entry("POST /api/v1/accounts/{username}/enable", ADMIN),
            Map.entry("POST /api/v1/accounts/{username}/unlock", ADMIN),
            Map.entry("POST /api/v1/accounts/{username}/password-reset", ADMIN),
            Map.entry("POST /api/v1/accounts/{username}/tokens", ADMIN),
            Map.entry("GET /api/v1/audit", only(Role.AUDITOR, Role.SECURITY_OFFICER)),
            Map.entry("GET /api/v1/audit/checkpoint", only(Role.AUDITOR, Role.SECURITY_OFFICER)),
            Map.entry("GET /api/v1/audit/key", new Anyone()),
            Map.entry("GET /api/v1/audit/proofs/inclusion", only(Role.AUDITOR, Role.SECURITY_OFFICER)),
            Map.entry("GET /api/v1/audit/proofs/consistency", only(Role.AUDITOR, Role.SECURITY_OFFICER)),
            Map.entry("GET /api/v1/audit/export", only(Role.AUDITOR, Role.SECURITY_OFFICER)),
            Map.entry("GET /api/v1/controls", new Anyone()),
            Map.entry("GET /api/v1/controls/{id}", new Anyone()),
            Map.entry("GET /api/v1/controls/{id}/attestations", new Anyone()),
            Map.entry("POST /api/v1/controls/{id}/attestations", only(Role.SECURITY_OFFICER)),
            Map.entry("GET /api/v1/attestations/{id}/evidence", only(Role.SECURITY_OFFICER, Role.AUDITOR)),
            Map.entry("GET /api/v1/changes", CHANGE_READERS),
            Map.entry("POST /api/v1/changes", only(Role.REQUESTER, Role.CHANGE_MANAGER)),
            Map.entry("GET /api/v1/changes/{id}", CHANGE_READERS),
            Map.entry("PUT /api/v1/changes/{id}", only(Role.REQUESTER, Role.CHANGE_MANAGER)),
            Map.entry("POST /api/v1/changes/{id}/submit", only(Role.REQUESTER, Role.CHANGE_MANAGER)),
            Map.entry("POST /api/v1/changes/{id}/assess", only(Role.CHANGE_MANAGER)),
            Map.entry("POST /api/v1/changes/{id}/approve", only(Role.CHANGE_MANAGER, Role.CAB_MEMBER)),
            Map.entry("POST /api/v1/changes/{id}/reject", only(Role.CHANGE_MANAGER, Role.CAB_MEMBER)),
            Map.entry("POST /api/v1/changes/{id}/schedule", only(Role.CHANGE_MANAGER)),
            Map.entry("POST /api/v1/changes/{id}/start", only(Role.IMPLEMENTER, Role.CHANGE_MANAGER)),
            Map.entry("POST /api/v1/changes/{id}/complete", only(Role.IMPLEMENTER, Role.CHANGE_MANAGER)),
            Map.entry("POST /api/v1/changes/{id}/fail", only(Role.IMPLEMENTER, Role.CHANGE_MANAGER)),
            Map.entry("POST /api/v1/changes/{id}/review", only(Role.CHANGE_MANAGER, Role.CAB_MEMBER)),
            Map.entry("POST /api/v1/changes/{id}/close", only(Role.CHANGE_MANAGER)),
            Map.entry("POST /api/v1/changes/{id}/cancel", only(Role.REQUESTER, Role.CHANGE_MANAGER)),
            Map.entry("GET /api/v1/changes/{id}/cab-votes", CHANGE_READERS),
            Map.entry("POST /api/v1/changes/{id}/cab-votes", only(Role.CAB_MEMBER, Role.SECURITY_OFFICER)),
            Map.entry("GET /api/v1/changes/{id}/conflicts", CHANGE_READERS),
            Map.entry("GET /api/v1/changes/risk-questions", CHANGE_READERS),
            Map.entry("GET /api/v1/changes/windows", CHANGE_READERS),
            Map.entry("GET /api/v1/changes/notifications", new Anyone()),
            Map.entry("POST /api/v1/changes/windows", only(Role.CHANGE_MANAGER)),
            Map.entry("GET /api/v1/changes/templates", CHANGE_READERS),
            Map.entry("POST /api/v1/changes/templates", only(Role.CHANGE_MANAGER)),
            Map.entry("GET /api/v1/changes/reports/emergency", CHANGE_REPORT_READERS),
            Map.entry("GET /api/v1/changes/reports/process", CHANGE_REPORT_READERS),
            Map.entry("GET /api/v1/changes/reports/process.csv", CHANGE_REPORT_READERS),
            Map.entry("GET /api/v1/changes/process-reviews", CHANGE_REPORT_READERS),
            Map.entry("POST /api/v1/changes/process-reviews", only(Role.CHANGE_MANAGER)),
            Map.entry("GET /api/v1/changes/cab-meetings", CHANGE_READERS),
            Map.entry("GET /api/v1/changes/calendar.ics", CHANGE_READERS),
            Map.entry("POST /api/v1/changes/calendar-feed", CHANGE_READERS),
            Map.entry("DELETE /api/v1/changes/calendar-feed", CHANGE_READERS),
            Map.entry("POST /api/v1/changes/cab-meetings", only(Role.CHANGE_MANAGER)),
            Map.entry("GET /api/v1/changes/cab-meetings/{meetingId}", CHANGE_READERS),
            Map.entry("POST /api/v1/items", ASSET_MANAGER),
            Map.entry("GET /api/v1/items", INVENTORY_READERS),
            Map.entry("GET /api/v1/items/{id}", INVENTORY_READERS),
            Map.entry("PUT /api/v1/items/{id}", ASSET_MANAGER),
            Map.entry("PATCH /api/v1/items/{id}", ASSET_MANAGER),
            Map.entry("GET /api/v1/items/{id}/relationships", INVENTORY_READERS),
            Map.entry("POST /api/v1/items/{id}/relationships", ASSET_MANAGER),
            Map.entry("DELETE /api/v1/items/{id}/relationships/{relationshipId}", ASSET_MANAGER),
            Map.entry("GET /api/v1/items/{id}/software", INVENTORY_READERS),
            Map.entry("POST /api/v1/items/{id}/software", ASSET_MANAGER),
            Map.entry("DELETE /api/v1/items/{id}/software/{softwareId}", ASSET_MANAGER),
            Map.entry("POST /api/v1/items/{id}/sbom", ASSET_MANAGER),
            Map.entry("POST /api/v1/discovery/nmap", ASSET_MANAGER),
            Map.entry("POST /api/v1/items/{id}/snapshots", only(Role.ASSET_MANAGER, Role.SYSTEM_ADMINISTRATOR)),
            Map.entry("GET /api/v1/items/{id}/snapshots", INVENTORY_READERS),
            Map.entry("GET /api/v1/items/{id}/snapshots/{snapshotId}", INVENTORY_READERS),
            Map.entry("POST /api/v1/items/{id}/snapshots/{snapshotId}/approve", only(Role.ASSET_MANAGER, Role.SECURITY_OFFICER)),
            Map.entry("POST /api/v1/items/{id}/hardening", only(Role.ASSET_MANAGER, Role.SYSTEM_ADMINISTRATOR)),
            Map.entry("GET /api/v1/items/{id}/hardening", INVENTORY_READERS),
            Map.entry("GET /api/v1/hardening/overdue", INVENTORY_READERS),
            Map.entry("POST /api/v1/items/{id}/eol-exceptions",
                    only(Role.ASSET_MANAGER, Role.SYSTEM_ADMINISTRATOR, Role.SECURITY_OFFICER)),
            Map.entry("GET /api/v1/eol-exceptions", INVENTORY_READERS),
            Map.entry("POST /api/v1/eol-exceptions/{id}/approve", only(Role.SECURITY_OFFICER)),
            Map.entry("POST /api/v1/eol-exceptions/{id}/reject", only(Role.SECURITY_OFFICER)),
            Map.entry("POST /api/v1/items/{id}/documents", only(Role.ASSET_MANAGER, Role.SYSTEM_ADMINISTRATOR)),
            Map.entry("GET /api/v1/items/{id}/documents", DOCUMENT_READERS),
            Map.entry("GET /api/v1/documents/{id}", DOCUMENT_READERS),
            Map.entry("GET /api/v1/drift", INVENTORY_READERS),
            Map.entry("POST /api/v1/drift/{id}/resolve", only(Role.ASSET_MANAGER, Role.SECURITY_OFFICER)),
            Map.entry("POST /api/v1/drift/reconcile", only(Role.ASSET_MANAGER, Role.SECURITY_OFFICER)),
            Map.entry("GET /api/v1/discovery/unauthorized", INVENTORY_READERS),
            Map.entry("GET /api/v1/discovery/unauthorized/{id}", INVENTORY_READERS),
            Map.entry("POST /api/v1/discovery/unauthorized/{id}/disposition", ASSET_MANAGER),
            Map.entry("GET /api/v1/openapi.json", new Anyone()),
            Map.entry("GET /api/v1/openapi.json/swagger-config", new Anyone()),
            Map.entry("GET /api/v1/openapi.json.yaml", new Anyone()),
            Map.entry("GET /api/v1/docs", new Anyone()));

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    private final Map<Role, String> tokens = new EnumMap<>(Role.class);
    private String target;

    @BeforeAll
    void accounts() {
        Api setup = new Api("http://localhost:" + port);
        for (Role role : Role.values()) {
            tokens.put(role, setup.person(Api.unique("m-" + role.wireName().substring(0, 4)), role.wireName()));
        }
    }

    private Set<String> endpoints() {
        Set<String> found = new TreeSet<>();
        for (RequestMappingInfo info : mappings.getHandlerMethods().keySet()) {
            Set<String> patterns = info.getPatternValues();
            var methods = info.getMethodsCondition().getMethods();
            for (String pattern : patterns) {
                if (pattern.startsWith("/api/")) {
                    if (methods.isEmpty()) {
                        found.add("GET " + pattern);
                    } else {
                        methods.forEach(m -> found.add(m.name() + " " + pattern));
                    }
                }
            }
        }
        return found;
    }

    @Test
    void everyApiEndpointHasAWrittenDownExpectation() {
        Set<String> missing = new TreeSet<>(endpoints());
        missing.removeAll(EXPECTED.keySet());
        assertThat(missing).as("endpoints without an entry in AuthorizationMatrixIntegrationTest.EXPECTED").isEmpty();
        Set<String> stale = new TreeSet<>(EXPECTED.keySet());
        stale.removeAll(endpoints());
        assertThat(stale).as("entries for endpoints that no longer exist").isEmpty();
    }

    @Test
    void everyRoleGetsExactlyWhatTheMatrixSays() {
        List<String> wrong = new ArrayList<>();
        for (String endpoint : new TreeSet<>(EXPECTED.keySet())) {
            Allowed allowed = EXPECTED.get(endpoint);
            if (allowed instanceof Public) {
                continue; // checked by the login tests: they need no token
            }
            int anonymous = call(endpoint, null).status();
            if (anonymous != 401) {
                wrong.add(endpoint + " without credentials: " + anonymous + " (expected 401)");
            }
            for (Role role : Role.values()) {
                Api.Response r = call(endpoint, tokens.get(role));
                boolean permitted = r.status() != 401 && r.status() != 403;
                if (permitted != allowed.permits(role)) {
                    wrong.add(endpoint + " as " + role.wireName() + ": " + r.status() + " " + r.body());
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    /** Calls an endpoint with a well-formed request, so only authorisation can refuse it. */
    private Api.Response call(String endpoint, String token) {
        String method = endpoint.substring(0, endpoint.indexOf(' '));
        String pattern = endpoint.substring(endpoint.indexOf(' ') + 1);
        if (pattern.contains("{username}")) {
            target = Api.unique("t");
            api.post("/api/v1/accounts", api.admin(), Map.of("username", target, "displayName", "Target", "kind", "service",
                    "roles", List.of("requester")));
        }
        String path = pattern.replace("{username}", String.valueOf(target)).replace("{group}", "default")
                .replace("/controls/{id}", "/controls/IS.012-6.2.2")
                .replaceAll("\\{\\w*(id|Id)\\}", UUID.randomUUID().toString());
        if (endpoint.equals("POST /api/v1/controls/{id}/attestations")) {
            return api.multipart(path, token, Map.of("status", "compliant", "statement", "matrix",
                    "expiresAt", Instant.now().plus(30, ChronoUnit.DAYS).toString()), null, null);
        }
        if (endpoint.equals("POST /api/v1/items/{id}/documents")) {
            return api.multipart(path, token, Map.of("kind", "other", "title", "matrix"), "a.txt", new byte[] {1});
        }
        if (endpoint.equals("POST /api/v1/discovery/nmap") || endpoint.equals("POST /api/v1/items/{id}/hardening")) {
            return api.send("POST", path + "?dryRun=true", token, "application/xml", "<nmaprun/>");
        }
        Object body = switch (pattern) {
            case "/api/v1/accounts" -> Map.of("username", Api.unique("n"), "displayName", "N", "kind", "service", "roles", List.of());
            case "/api/v1/accounts/{username}/roles" -> Map.of("roles", List.of("auditor"));
            case "/api/v1/accounts/{username}/tokens", "/api/v1/tokens" -> Map.of("name", "matrix");
            default -> Map.of();
        };
        return switch (method) {
            case "GET" -> api.get(path, token);
            case "DELETE" -> api.delete(path, token);
            case "PUT" -> api.put(path, token, body);
            case "PATCH" -> api.send("PATCH", path, token, "application/json", Api.toJson(body));
            default -> api.post(path, token, body);
        };
    }
}
