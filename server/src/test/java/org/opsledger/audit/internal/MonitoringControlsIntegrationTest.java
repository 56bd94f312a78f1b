package org.opsledger.audit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opsledger.IntegrationTest;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.opsledger.audit.controls.AuditEvaluators;
import org.opsledger.audit.internal.siem.SiemSettings;
import org.opsledger.audit.internal.siem.SiemTestSupport;
import org.opsledger.compliance.ControlEvaluator;
import org.opsledger.compliance.ControlStatus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/**
 * The monitoring controls decided from real records: clock checks against loopback NTP responders
 * (ECOMP 12) and a SIEM cursor moved by a real forwarder to a loopback TCP receiver (IS.012 6.7.2.5).
 */
class MonitoringControlsIntegrationTest extends IntegrationTest {

    @Autowired
    ClockCheck clockCheck;

    @Autowired
    List<ControlEvaluator> evaluators;

    @Autowired
    AuditTrail trail;

    @Autowired
    ApplicationContext context;

    private ControlEvaluator.Result shipped(String control, Instant now) {
        return evaluators.stream().filter(e -> e.controls().contains(control)).findFirst().orElseThrow().evaluate(control, now);
    }

    // ---- ECOMP 12 ----------------------------------------------------------------------------

    @Test
    void aNodeWhoseLatestCheckAgreesIsInSync() throws Exception {
        try (ClockCheckIntegrationTest.Responder server = new ClockCheckIntegrationTest.Responder(Duration.ofMillis(30), false)) {
            clockCheck.check(List.of(server.address()));
        }
        ControlEvaluator.Result result = shipped("ECOMP-12", Instant.now());
        assertThat(result.status()).as(result.reasons().toString()).isEqualTo(ControlStatus.COMPLIANT);
        java.util.regex.Pattern line = java.util.regex.Pattern.compile("opsledger/test-node against \\S+:\\d+ at \\S+: offset (-?\\d+\\.\\d) ms \\(audit entry (\\d+)\\)\\.");
        java.util.regex.Matcher m = result.reasons().stream().map(line::matcher).filter(java.util.regex.Matcher::matches).findFirst().orElseThrow();
        @SuppressWarnings("unchecked")
        Map<String, Object> after = (Map<String, Object>) org.opsledger.Api.json(jdbc.sql("SELECT body FROM audit_entry WHERE id = ?")
                .param(Long.parseLong(m.group(2))).query(String.class).single()).get("after");
        // the 30 ms the server's clock is off, within half the round trip the load made (and the 0.05 ms of printing it)
        assertThat(Double.parseDouble(m.group(1))).isCloseTo(30.0, org.assertj.core.api.Assertions.within(ClockCheckIntegrationTest.errorBoundMs(after) + 0.05));
    }

    @Test
    void anOffsetOverOneSecondInTheLatestRoundIsNotInSync() throws Exception {
        try (ClockCheckIntegrationTest.Responder good = new ClockCheckIntegrationTest.Responder(Duration.ZERO, false);
                ClockCheckIntegrationTest.Responder skewed = new ClockCheckIntegrationTest.Responder(Duration.ofSeconds(3), false)) {
            clockCheck.check(List.of(good.address(), skewed.address()));
        }
        ControlEvaluator.Result result = shipped("ECOMP-12", Instant.now());
        assertThat(result.status()).isEqualTo(ControlStatus.NOT_COMPLIANT);
        assertThat(result.reasons().getFirst()).contains("exceeds the 1.0 s allowed");
    }

    @Test
    void aCheckOlderThanItsIntervalPlusTenMinutesIsOverdueAndNoneInADayIsNotChecked() throws Exception {
        try (ClockCheckIntegrationTest.Responder server = new ClockCheckIntegrationTest.Responder(Duration.ZERO, false)) {
            clockCheck.check(List.of(server.address()));
        }
        Instant checked = Instant.now();
        assertThat(shipped("ECOMP-12", checked.plus(Duration.ofMinutes(69))).status()).isEqualTo(ControlStatus.COMPLIANT);
        ControlEvaluator.Result late = shipped("ECOMP-12", checked.plus(Duration.ofMinutes(71)));
        assertThat(late.status()).isEqualTo(ControlStatus.NOT_COMPLIANT);
        assertThat(late.reasons().getFirst()).contains("more than 60 min + 10 min ago");
        ControlEvaluator.Result none = shipped("ECOMP-12", checked.plus(Duration.ofDays(2)));
        assertThat(none.status()).isEqualTo(ControlStatus.NOT_COMPLIANT);
        assertThat(none.reasons().getFirst()).contains("the clock is not checked");
    }

    // ---- IS.012 6.7.2.5 ----------------------------------------------------------------------

    @Test
    void withForwardingOffNothingGoesToTheSiem() {
        ControlEvaluator.Result result = shipped("IS.012-6.7.2.5", Instant.now());
        assertThat(result.status()).isEqualTo(ControlStatus.NOT_COMPLIANT);
        assertThat(result.reasons().getFirst()).contains("not sent to an enterprise SIEM");
    }

    @Test
    void forwardedEntriesAreCompliantAndABacklogOlderThanTheThresholdIsNot() throws Exception {
        try (ServerSocket receiver = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> discardAll(receiver));
            SiemSettings settings = SiemTestSupport.tcp(receiver.getLocalPort());
            TrailMonitoring monitoring = new TrailMonitoring(jdbc, settings, Duration.ofHours(1), "");
            ControlEvaluator evaluator = AuditEvaluators.monitoring(monitoring);

            assertThat(evaluator.evaluate("IS.012-6.7.2.5", Instant.now()).reasons().getFirst())
                    .contains("no node has sent anything yet");

            long last = write(3);
            awaitLeaf(last);
            SiemTestSupport.forwardAll(context, settings);
            ControlEvaluator.Result sent = evaluator.evaluate("IS.012-6.7.2.5", Instant.now());
            assertThat(sent.status()).as(sent.reasons().toString()).isEqualTo(ControlStatus.COMPLIANT);
            long size = jdbc.sql("SELECT max(leaf_index) + 1 FROM audit_leaf").query(Long.class).single();
            assertThat(sent.reasons().getFirst()).startsWith(size + " of " + size + " ledger entries sent to " + settings.destination());

            awaitLeaf(write(2)); // not forwarded: waits in the ledger
            Instant now = Instant.now();
            assertThat(evaluator.evaluate("IS.012-6.7.2.5", now).status()).isEqualTo(ControlStatus.COMPLIANT);
            ControlEvaluator.Result lagging = evaluator.evaluate("IS.012-6.7.2.5", now.plus(Duration.ofMinutes(6)));
            assertThat(lagging.status()).isEqualTo(ControlStatus.NOT_COMPLIANT);
            assertThat(lagging.reasons()).anyMatch(r -> r.startsWith("2 waiting; the oldest since") && r.endsWith("allowed 5 min)."));
        }
    }

    private long write(int count) {
        for (int i = 0; i < count; i++) {
            trail.record(AuditEvent.of("siem.test", Access.UPDATE, "siem-test", "lag-" + i).change(null, Map.of("i", i)));
        }
        return jdbc.sql("SELECT max(id) FROM audit_entry").query(Long.class).single();
    }

    private void awaitLeaf(long entryId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql("SELECT count(*) FROM audit_leaf WHERE entry_id = ?")
                .param(entryId).query(Long.class).single() == 1);
    }

    private static void discardAll(ServerSocket receiver) {
        while (!receiver.isClosed()) {
            try (Socket s = receiver.accept(); InputStream in = s.getInputStream()) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (java.io.IOException closed) {
                return;
            }
        }
    }
}
