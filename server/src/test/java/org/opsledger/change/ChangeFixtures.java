package org.opsledger.change;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.opsledger.Api;

/** Request bodies for change tests: a change ready to submit, with its risk answered. */
public final class ChangeFixtures {

    /** Answers that score Low (IS.012 6.2.1 questionnaire). */
    public static final Map<String, Object> LOW = Map.of("serviceOutage", false, "userVisible", false, "securityRelevant", false,
            "firstOfItsKind", false, "fallbackUntested", false, "dataChange", false);

    /** Answers that score Medium (outage: 3). */
    static final Map<String, Object> MEDIUM = Map.of("serviceOutage", true, "userVisible", false, "securityRelevant", false,
            "firstOfItsKind", false, "fallbackUntested", false, "dataChange", false);

    /** Answers that score High (3 + 2 + 2). */
    static final Map<String, Object> HIGH = Map.of("serviceOutage", true, "userVisible", true, "securityRelevant", true,
            "firstOfItsKind", false, "fallbackUntested", false, "dataChange", false);

    private ChangeFixtures() {
    }

    /** A normal change with everything submission asks for, planned {@code daysAhead} days from now for two hours. */
    public static Map<String, Object> ready(String title, Map<String, Object> answers, int daysAhead) {
        Instant start = Instant.now().plus(daysAhead, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
        Map<String, Object> m = new HashMap<>();
        m.put("title", title);
        m.put("type", "normal");
        m.put("description", "Patch the web tier");
        m.put("implementationPlan", "1. drain node\n2. apply patch\n3. undrain");
        m.put("testPlan", "Smoke tests on the test environment");
        m.put("testEvidence", "Run #42 on test: 120 passed");
        m.put("testEnvironment", "test");
        m.put("fallbackPlan", "Reinstall the previous package version");
        m.put("securityAssessment", "No change to access rules or encryption");
        m.put("complianceConfirmed", true);
        m.put("plannedStart", start.toString());
        m.put("plannedEnd", start.plus(2, ChronoUnit.HOURS).toString());
        m.put("riskAnswers", answers);
        m.put("stakeholders", List.of(Map.of("name", "Service owner", "email", "owner@example.org")));
        return m;
    }

    public static Map<String, Object> with(Map<String, Object> base, Object... kv) {
        Map<String, Object> m = new HashMap<>(base);
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] == null) {
                m.remove((String) kv[i]);
            } else {
                m.put((String) kv[i], kv[i + 1]);
            }
        }
        return m;
    }

    /** Creates the change and returns its number; fails the test if it is refused. */
    static String create(Api api, String token, Map<String, Object> body) {
        Api.Response r = api.post("/api/v1/changes", token, body);
        if (r.status() != 201) {
            throw new AssertionError("create change: " + r.status() + " " + r.body());
        }
        return (String) r.get("number");
    }

    static Api.Response act(Api api, String token, String number, String action, Object body) {
        return api.post("/api/v1/changes/" + number + "/" + action, token, body == null ? Map.of() : body);
    }

    /** Performs the action and fails the test unless it succeeds. */
    static Map<String, Object> ok(Api api, String token, String number, String action, Object body) {
        Api.Response r = act(api, token, number, action, body);
        if (r.status() / 100 != 2) {
            throw new AssertionError(action + " " + number + ": " + r.status() + " " + r.body());
        }
        return r.json();
    }
}
