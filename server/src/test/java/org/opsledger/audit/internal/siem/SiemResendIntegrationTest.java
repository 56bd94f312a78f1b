package org.opsledger.audit.internal.siem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.opsledger.IntegrationTest;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * At least once when the receiver loses what it had not yet processed: a receiver that reads the
 * start of the first connection and then drops it, unread data and all (a crash), as syslog over
 * TCP cannot tell the sender. The forwarder had flushed and moved its cursor; after reconnecting it
 * sends the resend window again, and the second connection, read in full and split by its
 * octet-counting frames, holds every leaf once the repeats are dropped.
 */
class SiemResendIntegrationTest extends IntegrationTest {

    private static final Pattern LEAF = Pattern.compile(" audit \\[opsledger@32473 leaf=\"(\\d+)\"");

    @Autowired
    SiemForwarding forwarding;

    @Autowired
    AuditTrail trail;

    @Test
    void whatACrashedReceiverHadNotProcessedIsSentAgain() throws Exception {
        for (int i = 0; i < 300; i++) {
            trail.record(AuditEvent.of("siem.test", Access.UPDATE, "siem-test", "resend-" + i).change(null, Map.of("i", i)));
        }
        long newest = jdbc.sql("SELECT max(id) FROM audit_entry").query(Long.class).single();
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql("SELECT count(*) FROM audit_leaf WHERE entry_id = ?")
                .param(newest).query(Long.class).single() == 1);
        long size = jdbc.sql("SELECT max(leaf_index) + 1 FROM audit_leaf").query(Long.class).single();

        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            ByteArrayOutputStream kept = new ByteArrayOutputStream();
            Thread receiver = Thread.ofPlatform().daemon().start(() -> receive(server, kept));
            SiemSettings settings = SiemTestSupport.tcp(server.getLocalPort());
            try (SiemForwarder forwarder = forwarding.newForwarder(settings)) {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
                    forwarder.step();
                    return leaves(kept).containsAll(LongStream.range(0, size).boxed().toList());
                });
            }
            receiver.interrupt();
            Set<Long> received = leaves(kept);
            assertThat(received).as("after dropping repeats: every leaf, in leaf order")
                    .startsWith(LongStream.range(0, size).boxed().toArray(Long[]::new));
        }
    }

    /** First connection: read a little, then drop it. Later ones: keep everything. */
    private static void receive(ServerSocket server, ByteArrayOutputStream kept) {
        try {
            try (Socket first = server.accept()) {
                first.getInputStream().readNBytes(2_000); // then "crash": the rest is never read
                first.setSoLinger(true, 0);
            }
            while (!server.isClosed()) {
                try (Socket next = server.accept(); InputStream in = next.getInputStream()) {
                    byte[] buffer = new byte[8192];
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        synchronized (kept) {
                            kept.write(buffer, 0, n);
                        }
                    }
                }
            }
        } catch (IOException closed) {
            // the test is over
        }
    }

    /** Splits the octet-counted stream into messages and returns their leaf indexes, first arrivals in order. */
    private static Set<Long> leaves(ByteArrayOutputStream kept) {
        byte[] bytes;
        synchronized (kept) {
            bytes = kept.toByteArray();
        }
        List<String> messages = new ArrayList<>();
        int at = 0;
        while (at < bytes.length) {
            int space = at;
            while (space < bytes.length && bytes[space] != ' ') {
                space++;
            }
            if (space >= bytes.length) {
                break;
            }
            int length = Integer.parseInt(new String(bytes, at, space - at, StandardCharsets.US_ASCII));
            if (space + 1 + length > bytes.length) {
                break; // the rest has not arrived yet
            }
            messages.add(new String(bytes, space + 1, length, StandardCharsets.UTF_8));
            at = space + 1 + length;
        }
        Set<Long> leaves = new LinkedHashSet<>();
        for (String message : messages) {
            assertThat(message).startsWith("<");
            Matcher m = LEAF.matcher(message);
            if (m.find()) {
                leaves.add(Long.parseLong(m.group(1)));
            }
        }
        return leaves;
    }
}
