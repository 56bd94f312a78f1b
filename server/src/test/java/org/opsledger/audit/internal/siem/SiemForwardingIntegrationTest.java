package org.opsledger.audit.internal.siem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.IntegrationTest;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * SIEM forwarding against a real receiver (IS.012 6.7.2.5; issue 3): Debian's rsyslogd on loopback,
 * started by the test, over TLS (RFC 5425) and plain TCP (RFC 6587), with CEF and ECS payloads. The
 * test reads the file rsyslog wrote: after dropping repeats by sequence number, every leaf of the
 * ledger is there, in leaf order, each with the canonical entry the database holds — also across a
 * receiver outage, which the trail records once when it starts and once when it ends.
 */
@ExtendWith(OutputCaptureExtension.class)
class SiemForwardingIntegrationTest extends IntegrationTest {

    private static final Pattern LINE = Pattern.compile(
            "^(audit|checkpoint) \\[opsledger@32473 (leaf|checkpoint)=\"(\\d+)\" (entry|size)=\"(\\d+)\"] (.*)$");

    @Autowired
    SiemForwarding forwarding;

    @Autowired
    AuditTrail trail;

    @TempDir
    Path dir;

    private RsyslogReceiver receiver;
    private SiemForwarder forwarder;
    private ScheduledExecutorService stepping;
    private final AtomicReference<SiemForwarder.Step> lastStep = new AtomicReference<>();

    @BeforeEach
    void needsRsyslog() {
        assumeTrue(RsyslogReceiver.installed(), "needs rsyslogd (apt-get install rsyslog rsyslog-gnutls)");
    }

    @AfterEach
    void stopAll() throws Exception {
        stopForwarding();
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void everyEntryArrivesOverTlsInOrderAsEcsAndAnOutageLosesNothing() throws Exception {
        receiver = new RsyslogReceiver(dir, true);
        receiver.start();
        SiemSettings settings = settings(SiemSettings.Transport.TLS, SiemSettings.Format.ECS, receiver);
        startForwarding(settings);

        writeEntries("before-outage", 40);
        long size = awaitEverythingReceived();
        assertArrivedInOrderAndIntact(size, SiemSettings.Format.ECS);

        receiver.stop();
        writeEntries("during-outage", 30);
        await().atMost(Duration.ofSeconds(30)).until(() -> lastStep.get() instanceof SiemForwarder.Step.Failing);
        Map<String, Object> alarm = lastAuditEntry(SiemForwarder.ACTION);
        assertThat(alarm).containsEntry("outcome", "failure").containsEntry("objectId", settings.destination())
                .containsEntry("actor", "system");
        assertThat((String) alarm.get("reason")).startsWith("forwarding fails: ");

        receiver.start();
        writeEntries("after-outage", 10);
        size = awaitEverythingReceived();
        assertArrivedInOrderAndIntact(size, SiemSettings.Format.ECS);
        Map<String, Object> recovery = lastAuditEntry(SiemForwarder.ACTION);
        assertThat(recovery).containsEntry("outcome", "success").containsEntry("objectId", settings.destination());
        assertThat(jdbc.sql("SELECT count(*) FROM audit_entry WHERE action = ? AND object_id = ?")
                .params(SiemForwarder.ACTION, settings.destination()).query(Long.class).single())
                .as("one alarm and one recovery for the outage, not one per message").isEqualTo(2);
    }

    @Test
    void aReceiverKilledMidStreamLosesNothingOnceRepeatsAreDropped() throws Exception {
        receiver = new RsyslogReceiver(dir, true);
        receiver.start();
        startForwarding(settings(SiemSettings.Transport.TLS, SiemSettings.Format.ECS, receiver));
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            Future<?> writing = writer.submit(() -> {
                for (int i = 0; i < 60; i++) {
                    writeEntries("stream-" + i, 10);
                    Thread.sleep(20);
                }
                return null;
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.lines().size() > 100);
            receiver.kill(); // mid-stream: whatever rsyslog had read but not yet written is lost
            Thread.sleep(500);
            receiver.start();
            writing.get(60, TimeUnit.SECONDS);
        } finally {
            writer.shutdownNow();
        }
        assertArrivedInOrderAndIntact(awaitEverythingReceived(), SiemSettings.Format.ECS);
    }

    @Test
    void aResendStartsBackByTheWindowButNotBeforeWhatTheBrokenConnectionStartedFrom() {
        writeEntries("window", 5);
        long newest = jdbc.sql("SELECT max(id) FROM audit_entry").query(Long.class).single();
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql("SELECT count(*) FROM audit_leaf WHERE entry_id = ?")
                .param(newest).query(Long.class).single() == 1);
        SiemCursor cursor = new SiemCursor(jdbc, "test://window");
        long size = jdbc.sql("SELECT max(leaf_index) + 1 FROM audit_leaf").query(Long.class).single();
        long lastCheckpoint = jdbc.sql("SELECT max(id) FROM audit_checkpoint").query(Long.class).single();
        SiemCursor.Position sent = new SiemCursor.Position(size, lastCheckpoint + 1);
        assertThat(cursor.resendFrom(sent, new SiemCursor.Position(0, 0), 3).leaf()).isEqualTo(size - 3);
        assertThat(cursor.resendFrom(sent, new SiemCursor.Position(size - 1, 0), 3).leaf()).isEqualTo(size - 1);
        // the checkpoints from there on go again too: the first one covering the resend's start
        SiemCursor.Position from = cursor.resendFrom(sent, new SiemCursor.Position(0, 0), 3);
        long expected = jdbc.sql("SELECT min(id) FROM audit_checkpoint WHERE tree_size >= ?").param(size - 3)
                .query(Long.class).single();
        assertThat(from.checkpoint()).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(SiemSettings.Transport.class)
    void cefPayloadsArriveOverPlainTcpAndTls(SiemSettings.Transport transport) throws Exception {
        receiver = new RsyslogReceiver(dir, transport == SiemSettings.Transport.TLS);
        receiver.start();
        startForwarding(settings(transport, SiemSettings.Format.CEF, receiver));
        writeEntries("cef-" + transport, 25);
        assertArrivedInOrderAndIntact(awaitEverythingReceived(), SiemSettings.Format.CEF);
    }

    @Test
    void theForwardingServiceSendsOnItsOwnThreadUntilStopped() throws Exception {
        receiver = new RsyslogReceiver(dir, false);
        receiver.start();
        SiemForwarding service = new SiemForwarding(dataSource,
                settings(SiemSettings.Transport.TCP, SiemSettings.Format.ECS, receiver), trail, java.time.Clock.systemUTC());
        service.start();
        try {
            assertThat(service.isRunning()).isTrue();
            writeEntries("service", 5);
            assertArrivedInOrderAndIntact(awaitEverythingReceived(), SiemSettings.Format.ECS);
        } finally {
            service.stop();
        }
        assertThat(service.isRunning()).isFalse();
        // the lock is free again: another forwarder can lead
        try (SiemForwarder next = forwarding.newForwarder(settings(SiemSettings.Transport.TCP, SiemSettings.Format.ECS, receiver))) {
            assertThat(next.step()).isNotInstanceOf(SiemForwarder.Step.Follower.class);
        }
    }

    @Test
    void aReceiverThatWantsAClientCertificateGetsOneWithAnEncryptedKeyWhosePasswordIsNeverLogged(CapturedOutput output)
            throws Exception {
        String password = "key-pass-" + java.util.UUID.randomUUID();
        receiver = new RsyslogReceiver(dir, true, true);
        receiver.makeClientCertificate(password);
        receiver.start();
        SiemSettings anonymous = settings(SiemSettings.Transport.TLS, SiemSettings.Format.CEF, receiver);
        SiemSettings settings = SiemTestSupport.withCertificates(anonymous, anonymous.trustFile(), dir.resolve("client.pem"),
                dir.resolve("client.key"), password);
        assertThat(settings.toString()).contains("client.key (password set)").doesNotContain(password);

        startForwarding(anonymous);
        await().atMost(Duration.ofSeconds(30)).until(() -> lastStep.get() instanceof SiemForwarder.Step.Failing);
        assertThat(((SiemForwarder.Step.Failing) lastStep.get()).reason()).contains("closed the connection after the handshake");
        stopForwarding();
        assertThat(receiver.lines()).as("nothing reaches a receiver that refused the connection").isEmpty();

        startForwarding(settings);
        writeEntries("mutual-tls", 5);
        assertArrivedInOrderAndIntact(awaitEverythingReceived(), SiemSettings.Format.CEF);
        assertThat(output.getAll()).doesNotContain(password);
    }

    @Test
    void aReceiverWhoseCertificateIsNotTrustedGetsNothing() throws Exception {
        receiver = new RsyslogReceiver(dir, true);
        receiver.start();
        RsyslogReceiver other = new RsyslogReceiver(dir.resolve("other-ca"), true); // a CA the receiver's certificate is not from
        SiemSettings settings = settings(SiemSettings.Transport.TLS, SiemSettings.Format.ECS, receiver);
        settings = SiemTestSupport.withCertificates(settings, other.caFile(), null, null, null);
        startForwarding(settings);
        writeEntries("untrusted", 3);
        await().atMost(Duration.ofSeconds(30)).until(() -> lastStep.get() instanceof SiemForwarder.Step.Failing);
        assertThat(((SiemForwarder.Step.Failing) lastStep.get()).reason()).contains("SSLHandshakeException");
        assertThat(receiver.lines()).isEmpty();
        assertThat(lastAuditEntry(SiemForwarder.ACTION)).containsEntry("outcome", "failure")
                .containsEntry("objectId", settings.destination());
    }

    private static SiemSettings settings(SiemSettings.Transport transport, SiemSettings.Format format, RsyslogReceiver to) {
        return SiemTestSupport.settings(transport, format, to.port(),
                transport == SiemSettings.Transport.TLS ? to.caFile() : null);
    }

    private void stopForwarding() throws InterruptedException {
        if (stepping != null) {
            stepping.shutdown();
            stepping.awaitTermination(20, TimeUnit.SECONDS);
            stepping = null;
        }
        if (forwarder != null) {
            forwarder.close();
            forwarder = null;
        }
        lastStep.set(null);
    }

    private void startForwarding(SiemSettings settings) {
        forwarder = forwarding.newForwarder(settings);
        stepping = Executors.newSingleThreadScheduledExecutor();
        stepping.scheduleWithFixedDelay(() -> lastStep.set(forwarder.step()), 0, 50, TimeUnit.MILLISECONDS);
    }

    private void writeEntries(String batch, int count) {
        for (int i = 0; i < count; i++) {
            trail.record(AuditEvent.of("siem.test", Access.UPDATE, "siem-test", batch + "-" + i)
                    .change(Map.of("n", i), Map.of("n", i + 1, "text", "quote \" backslash \\ bracket ] equals = é")));
        }
    }

    /** Waits until the ledger holds every entry written so far and the receiver has every leaf of it. */
    private long awaitEverythingReceived() {
        long newest = jdbc.sql("SELECT max(id) FROM audit_entry").query(Long.class).single();
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql("SELECT count(*) FROM audit_leaf WHERE entry_id = ?")
                .param(newest).query(Long.class).single() == 1);
        long size = jdbc.sql("SELECT max(leaf_index) + 1 FROM audit_leaf").query(Long.class).single();
        await().atMost(Duration.ofSeconds(60)).until(() -> firstByLeaf(received()).size() >= size);
        return size;
    }

    private record Received(String kind, long number, long second, String payload) {
    }

    /** Where a record of this forwarder starts in rsyslog's file. */
    private static final Pattern RECORD = Pattern.compile("(audit|checkpoint) \\[opsledger@32473 ");

    private List<Received> received() throws Exception {
        List<Received> all = new ArrayList<>();
        int torn = 0;
        for (String line : receiver.lines()) {
            // rsyslog killed (SIGKILL) while writing its file leaves its last line cut short, and the restarted one's first
            // line runs on from it: the cut piece is the receiver's, not a message this forwarder sent (the whole one is
            // sent again from the window). CI under load met one, its JSON ending inside a string that the next line's
            // leaf="1… closed
            Matcher next = RECORD.matcher(line);
            if (next.find(1)) {
                torn++;
                line = line.substring(next.start());
            }
            assertThat(torn).as("lines cut short: only the one rsyslog was writing when a test killed it").isLessThanOrEqualTo(1);
            Matcher m = LINE.matcher(line);
            assertThat(m.matches()).as("rsyslog wrote a line this forwarder did not send: %s", line).isTrue();
            all.add(new Received(m.group(1), Long.parseLong(m.group(3)), Long.parseLong(m.group(5)), m.group(6)));
        }
        return all;
    }

    /** Dedupe by sequence number: the first arrival of each leaf, in arrival order. */
    private static Map<Long, Received> firstByLeaf(List<Received> all) {
        Map<Long, Received> first = new LinkedHashMap<>();
        all.stream().filter(r -> r.kind().equals("audit")).forEach(r -> first.putIfAbsent(r.number(), r));
        return first;
    }

    private void assertArrivedInOrderAndIntact(long size, SiemSettings.Format format) throws Exception {
        List<Received> all = received();
        Map<Long, Received> first = firstByLeaf(all);
        assertThat(first.keySet()).as("after dedupe: every leaf once, in leaf order")
                .startsWith(java.util.stream.LongStream.range(0, size).boxed().toArray(Long[]::new));
        Map<Long, String> bodies = new LinkedHashMap<>();
        jdbc.sql("SELECT l.leaf_index, e.body FROM audit_leaf l JOIN audit_entry e ON e.id = l.entry_id WHERE l.leaf_index < ?")
                .param(size).query(rs -> {
                    bodies.put(rs.getLong(1), rs.getString(2));
                });
        for (Received r : first.values()) {
            if (r.number() < size) {
                assertThat(payloadSequence(r.payload(), format)).isEqualTo(r.number());
                assertThat(payloadEntry(r.payload(), format)).as("leaf %d", r.number()).isEqualTo(bodies.get(r.number()));
            }
        }
        // each checkpoint arrives after the entries it covers
        long seenLeaves = 0;
        for (Received r : all) {
            if (r.kind().equals("audit")) {
                seenLeaves = Math.max(seenLeaves, r.number() + 1);
            } else {
                assertThat(r.second()).as("checkpoint %d's size", r.number()).isLessThanOrEqualTo(seenLeaves);
            }
        }
        assertThat(all).anyMatch(r -> r.kind().equals("checkpoint"));
    }

    private static long payloadSequence(String payload, SiemSettings.Format format) {
        if (format == SiemSettings.Format.ECS) {
            Map<?, ?> ecs = EntryFields.JSON.readValue(payload, Map.class);
            return ((Number) ((Map<?, ?>) ecs.get("event")).get("sequence")).longValue();
        }
        Matcher m = Pattern.compile(" cn1=(\\d+) ").matcher(payload);
        assertThat(m.find()).as(payload).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static String payloadEntry(String payload, SiemSettings.Format format) {
        if (format == SiemSettings.Format.ECS) {
            Map<?, ?> ecs = EntryFields.JSON.readValue(payload, Map.class);
            return (String) ((Map<?, ?>) ecs.get("event")).get("original");
        }
        assertThat(payload).startsWith("CEF:0|OpsLedger|OpsLedger|1|");
        Matcher m = Pattern.compile(" cs6=(.*)$").matcher(payload);
        assertThat(m.find()).as(payload).isTrue();
        return SiemPayloadTest.unescape(m.group(1));
    }

}
