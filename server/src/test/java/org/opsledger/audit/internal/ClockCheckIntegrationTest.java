package org.opsledger.audit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.IntegrationTest;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * ECOMP 12 against NTP servers on loopback: a small responder in this test answers SNTP requests
 * as a real server does (RFC 5905 packet), with whatever error its clock is given.
 */
class ClockCheckIntegrationTest extends IntegrationTest {

    @Autowired
    ClockCheck clockCheck;

    @Test
    void aServerThatAgreesIsRecordedAsInSync() throws Exception {
        try (Responder server = new Responder(Duration.ofMillis(40), false)) {
            List<ClockCheck.Reading> readings = clockCheck.check(List.of(server.address()));
            assertThat(readings).singleElement().satisfies(r -> assertThat(r.inSync()).as(r.reason()).isTrue());
            Map<String, Object> entry = lastEntryFor(server.address());
            assertThat(entry).containsEntry("outcome", "success").containsEntry("actor", "system")
                    .containsEntry("objectType", "time-server");
            @SuppressWarnings("unchecked")
            Map<String, Object> after = (Map<String, Object>) entry.get("after");
            assertThat(offsetMs(after)).isCloseTo(40.0, within(errorBoundMs(after)));
            assertThat(after).containsEntry("stratum", 2);
        }
    }

    @Test
    void anOffsetOverOneSecondOrNoAnswerIsAnAlarm() throws Exception {
        try (Responder skewed = new Responder(Duration.ofSeconds(-5), false);
                Responder bogus = new Responder(Duration.ZERO, true);
                DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            InetSocketAddress silentAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort());
            List<ClockCheck.Reading> readings = clockCheck.check(List.of(skewed.address(), bogus.address(), silentAddress));
            assertThat(readings).extracting(ClockCheck.Reading::inSync).containsExactly(false, false, false);
            assertThat(readings.get(0).reason()).matches("offset -[45]\\.\\d\\d\\d s exceeds the 1\\.0 s allowed");
            assertThat(readings.get(1).reason()).isEqualTo("no answer: reply does not echo our request (bogus packet)");
            assertThat(readings.get(2).reason()).startsWith("no answer: no reply within");
            assertThat(lastEntryFor(skewed.address())).containsEntry("outcome", "failure")
                    .containsEntry("reason", readings.get(0).reason());
            @SuppressWarnings("unchecked")
            Map<String, Object> skewedAfter = (Map<String, Object>) lastEntryFor(skewed.address()).get("after");
            assertThat(offsetMs(skewedAfter)).isCloseTo(-5000.0, within(errorBoundMs(skewedAfter)));
            assertThat(lastEntryFor(silentAddress)).containsEntry("outcome", "failure");
        }
    }

    @Test
    void aRealChronyServerOnLoopbackAnswersInSync(@TempDir Path dir) throws Exception {
        Path chronyd = Path.of("/usr/sbin/chronyd");
        assumeTrue(Files.isExecutable(chronyd), "needs chrony (apt-get install chrony)");
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        // serves its own clock at stratum 8; -x: never touches this machine's clock
        Path config = Files.writeString(dir.resolve("chrony.conf"), String.join("\n", "port " + port,
                "bindaddress 127.0.0.1", "allow 127.0.0.1", "local stratum 8", "cmdport 0",
                "pidfile " + dir.resolve("chronyd.pid"), "driftfile " + dir.resolve("drift"), ""));
        Process chrony = new ProcessBuilder(chronyd.toString(), "-x", "-d", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("chronyd.log").toFile()).start();
        try {
            InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            List<ClockCheck.Reading> readings = List.of();
            for (int attempt = 0; attempt < 20 && (readings.isEmpty() || !readings.get(0).inSync()); attempt++) {
                Thread.sleep(250); // until chronyd listens
                readings = clockCheck.check(List.of(server));
            }
            assertThat(readings).singleElement().satisfies(r -> assertThat(r.inSync()).as(r.reason()).isTrue());
            @SuppressWarnings("unchecked")
            Map<String, Object> after = (Map<String, Object>) lastEntryFor(server).get("after");
            assertThat(after).containsEntry("stratum", 8); // the local stratum chronyd was given
            assertThat(offsetMs(after)).isCloseTo(0.0, within(errorBoundMs(after) + 1.0)); // chronyd's own clock is this machine's
        } finally {
            chrony.destroy();
            chrony.waitFor();
        }
    }

    @Test
    void ntpTimestampsRoundTrip() {
        Instant now = Instant.parse("2026-11-23T11:58:07.123456789Z");
        Instant back = SntpClient.fromNtp(SntpClient.toNtp(now));
        assertThat(Duration.between(now, back).abs()).isLessThan(Duration.ofNanos(2));
        // RFC 5905 figure 4: the NTP era 0 prime epoch is 1900-01-01
        assertThat(SntpClient.toNtp(Instant.parse("1900-01-01T00:00:00Z"))).isZero();
    }

    static double offsetMs(Map<String, Object> after) {
        return ((Number) after.get("offsetMs")).doubleValue();
    }

    /**
     * How far a measured offset may be from the server's true error: half the round trip (RFC 5905 8: the request's and the
     * reply's ways are unknown, and their sum is the delay), and a microsecond of rounding. The delay is whatever the
     * machine's load made it (a reply read 60 ms late under load gives a 40 ms error as 10 ms, the edge of the ±30 ms this
     * test allowed), and never more than the check's timeout of 3 s.
     */
    static double errorBoundMs(Map<String, Object> after) {
        double delayMs = ((Number) after.get("delayMs")).doubleValue();
        assertThat(delayMs).as("the round trip").isBetween(0.0, 3000.0);
        return delayMs / 2 + 0.001;
    }

    private Map<String, Object> lastEntryFor(InetSocketAddress server) {
        String name = server.getHostString() + ":" + server.getPort();
        return jdbc.sql("SELECT body FROM audit_entry WHERE action = ? AND object_id = ? ORDER BY id DESC LIMIT 1")
                .param(ClockCheck.ACTION).param(name).query((rs, n) -> org.opsledger.Api.json(rs.getString(1))).single();
    }

    /** An SNTP server on loopback whose clock is off by {@code skew}; {@code bogus} answers without echoing the request. */
    static final class Responder implements AutoCloseable {
        private final DatagramSocket socket;
        private final Thread thread;

        Responder(Duration skew, boolean bogus) throws Exception {
            socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            thread = Thread.ofPlatform().daemon().start(() -> {
                byte[] buffer = new byte[48];
                while (!socket.isClosed()) {
                    try {
                        DatagramPacket request = new DatagramPacket(buffer, buffer.length);
                        socket.receive(request);
                        long now = SntpClient.toNtp(Instant.now().plus(skew));
                        ByteBuffer reply = ByteBuffer.allocate(48);
                        reply.put(0, (byte) 0b00_100_100); // LI 0, version 4, mode 4 (server)
                        reply.put(1, (byte) 2); // stratum 2
                        reply.putLong(24, bogus ? 42 : ByteBuffer.wrap(buffer).getLong(40)); // origin = client's transmit
                        reply.putLong(32, now); // receive
                        reply.putLong(40, now); // transmit
                        socket.send(new DatagramPacket(reply.array(), 48, request.getSocketAddress()));
                    } catch (java.io.IOException e) {
                        return; // closed
                    }
                }
            });
        }

        InetSocketAddress address() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
        }

        @Override
        public void close() throws InterruptedException {
            socket.close();
            thread.join(1000);
        }
    }
}
