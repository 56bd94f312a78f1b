package org.opsledger.audit.internal.siem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opsledger.IntegrationTest;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A receiver that accepts the connection and then never reads: once the socket buffers are full the
 * write blocks, and without a watchdog forwarding would hang for good. With one, the send fails after
 * the write timeout, the failure is recorded, and the forwarder backs off and tries again.
 */
class SiemStalledReceiverIntegrationTest extends IntegrationTest {

    @Autowired
    SiemForwarding forwarding;

    @Autowired
    AuditTrail trail;

    @Autowired
    TransactionTemplate transactions;

    @Test
    void aReceiverThatStopsReadingFailsTheSendAfterTheWriteTimeoutInsteadOfHangingForwarding() throws Exception {
        String padding = "x".repeat(2_000);
        transactions.executeWithoutResult(tx -> {
            for (int i = 0; i < 8_000; i++) { // about 20 MB of messages: more than any socket buffer holds
                trail.record(AuditEvent.of("siem.test", Access.UPDATE, "siem-test", "stall-" + i).change(null, Map.of("pad", padding)));
            }
        });
        long newest = jdbc.sql("SELECT max(id) FROM audit_entry").query(Long.class).single();
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.sql("SELECT count(*) FROM audit_leaf WHERE entry_id = ?")
                .param(newest).query(Long.class).single() == 1);

        try (ServerSocket server = new ServerSocket()) {
            server.setReceiveBufferSize(4096);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            List<Socket> held = new ArrayList<>(); // accepted and never read
            Thread acceptor = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) {
                        held.add(server.accept());
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            SiemSettings settings = SiemTestSupport.withWriteTimeout(
                    SiemTestSupport.settings(SiemSettings.Transport.TCP, SiemSettings.Format.ECS, server.getLocalPort(), null, 20_000),
                    Duration.ofSeconds(1));
            try (SiemForwarder forwarder = forwarding.newForwarder(settings)) {
                SiemForwarder.Step step = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                    SiemForwarder.Step s = forwarder.step();
                    while (!(s instanceof SiemForwarder.Step.Failing)) {
                        s = forwarder.step();
                    }
                    return s;
                });
                assertThat(((SiemForwarder.Step.Failing) step).reason()).contains("took no data for 1 s");
            }
            assertThat(lastAuditEntry(SiemForwarder.ACTION)).containsEntry("outcome", "failure")
                    .containsEntry("objectId", settings.destination());
            acceptor.interrupt();
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
