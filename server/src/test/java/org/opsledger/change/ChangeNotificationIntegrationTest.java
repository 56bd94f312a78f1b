package org.opsledger.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opsledger.change.ChangeFixtures.create;
import static org.opsledger.change.ChangeFixtures.ok;
import static org.opsledger.change.ChangeFixtures.ready;
import static org.opsledger.change.ChangeFixtures.with;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opsledger.Api;
import org.opsledger.IntegrationTest;

/** IS.012 6.2.6: stakeholders hear of submission, approval, schedule and outcome, by e-mail over real SMTP. */
class ChangeNotificationIntegrationTest extends IntegrationTest {

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
            .withPerMethodLifecycle(true);

    private List<String> subjectsTo(String address) throws Exception {
        return Arrays.stream(SMTP.getReceivedMessages()).filter(m -> {
            try {
                return Arrays.stream(m.getAllRecipients()).anyMatch(a -> a.toString().equals(address));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).map(m -> {
            try {
                return m.getSubject();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    @Test
    void aPersonSeesInTheUiTheNotificationsSentToTheirAddressWhateverTheirRole() {
        // a help-desk person is no change reader, but a stakeholder all the same
        String name = Api.unique("stake");
        String address = name + "@example.org";
        String initial = "Initial-" + java.util.UUID.randomUUID();
        assertThat(api.post("/api/v1/accounts", api.admin(), Map.of("username", name, "displayName", "Stakeholder", "email", address,
                "kind", "person", "roles", List.of("help-desk"), "password", initial)).status()).isEqualTo(201);
        api.post("/api/v1/auth/password", null, Map.of("username", name, "currentPassword", initial, "newPassword", "Stakeholder-Pass-1"));
        String stakeholder = api.login(name, "Stakeholder-Pass-1");
        String requester = api.person(Api.unique("req"), "requester");
        String number = create(api, requester, with(ready("Told in the UI", ChangeFixtures.LOW, 12), "stakeholders",
                List.of(Map.of("name", "Stakeholder", "email", address.toUpperCase(java.util.Locale.ROOT)))));
        ok(api, requester, number, "submit", null);

        Api.Response mine = api.get("/api/v1/changes/notifications", stakeholder);
        assertThat(mine.status()).as(mine.body()).isEqualTo(200);
        assertThat(mine.items()).extracting(n -> n.get("changeNumber") + " " + n.get("event"))
                .containsExactly(number + " submitted");
        assertThat(api.get("/api/v1/changes/notifications", requester).items())
                .noneMatch(n -> number.equals(n.get("changeNumber")));
    }

    @Test
    void stakeholdersAreMailedOnSubmissionApprovalScheduleAndOutcome() throws Exception {
        String requester = api.person(Api.unique("req"), "requester");
        String manager = api.person(Api.unique("mgr"), "change-manager");
        String implementerName = Api.unique("impl");
        String implementer = api.person(implementerName, "implementer");
        String owner = Api.unique("owner") + "@example.org";
        String number = create(api, requester, with(ready("Mailed change", ChangeFixtures.LOW, 11), "stakeholders",
                List.of(Map.of("name", "Owner", "email", owner), Map.of("group", "network-team"))));
        ok(api, requester, number, "submit", null);
        ok(api, manager, number, "assess", null);
        ok(api, manager, number, "approve", null);
        ok(api, manager, number, "schedule", Map.of("implementer", implementerName));
        ok(api, implementer, number, "start", null);
        ok(api, implementer, number, "complete", null);

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while ((subjectsTo(owner).size() < 4 || subjectsTo("noc@example.org").stream().filter(t -> t.contains(number)).count() < 4)
                && System.nanoTime() < deadline) {
            SMTP.waitForIncomingEmail(2000, 1);
        }
        assertThat(subjectsTo(owner)).containsExactly("[" + number + "] Submitted for approval: Mailed change",
                "[" + number + "] Approved: Mailed change", subjectsTo(owner).get(2), "[" + number + "] Implemented: Mailed change");
        assertThat(subjectsTo(owner).get(2)).startsWith("[" + number + "] Scheduled for ");
        assertThat(subjectsTo("noc@example.org").stream().filter(t -> t.contains(number))).hasSize(4);
        MimeMessage first = Arrays.stream(SMTP.getReceivedMessages()).filter(m -> {
            try {
                return m.getSubject().startsWith("[" + number + "]");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).findFirst().orElseThrow();
        assertThat(first.getFrom()[0].toString()).isEqualTo("opsledger@localhost");
        assertThat(String.valueOf(first.getContent())).contains("/changes/" + number);

        // shown in the UI and the API: every message and whether it went out. The outbox marks a message sent after the
        // mail server took it: the last one can be in the server's hands and still pending here for a moment (CI saw it)
        List<?> notifications = (List<?>) api.get("/api/v1/changes/" + number, manager).get("notifications");
        for (long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
             notifications.stream().anyMatch(n -> !"sent".equals(((Map<?, ?>) n).get("status"))) && System.nanoTime() < until; ) {
            Thread.sleep(100);
            notifications = (List<?>) api.get("/api/v1/changes/" + number, manager).get("notifications");
        }
        assertThat(notifications).hasSize(12).allSatisfy(n -> assertThat(((Map<?, ?>) n).get("status")).isEqualTo("sent"));
    }

    @Test
    void whenTheMailServerIsDownTheChangeStillMovesAndTheMessageWaitsForTheRetry() throws Exception {
        SMTP.stop();
        String requester = api.person(Api.unique("req"), "requester");
        String owner = Api.unique("owner") + "@example.org";
        String number = create(api, requester, with(ready("Mail server down", ChangeFixtures.LOW, 12), "stakeholders",
                List.of(Map.of("email", owner))));
        Map<String, Object> submitted = ok(api, requester, number, "submit", null);
        assertThat(submitted.get("state")).isEqualTo("submitted");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<?, ?> message;
        do {
            Thread.sleep(200);
            message = (Map<?, ?>) ((List<?>) api.get("/api/v1/changes/" + number, requester).get("notifications")).getFirst();
        } while (((Number) message.get("attempts")).intValue() == 0 && System.nanoTime() < deadline);
        assertThat(message.get("status")).isEqualTo("pending");
        assertThat(message.get("lastError")).isNotNull();

        SMTP.start();
        // the back-off has passed, as far as the outbox is concerned; the retry loop runs every minute,
        // the test runs one round itself instead of waiting
        jdbc.sql("UPDATE change_notification SET next_attempt_at = now() WHERE id = ?").param(((Number) message.get("id")).longValue())
                .update();
        assertThat(retry()).isGreaterThanOrEqualTo(1);
        assertThat(subjectsTo(owner)).containsExactly("[" + number + "] Submitted for approval: Mail server down");
    }

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.context.ApplicationContext context;

    private int retry() throws Exception {
        Object notifications = context.getBean(Class.forName("org.opsledger.change.internal.StakeholderNotifications"));
        java.lang.reflect.Method send = notifications.getClass().getDeclaredMethod("sendPending");
        send.setAccessible(true);
        return (int) send.invoke(notifications);
    }
}
