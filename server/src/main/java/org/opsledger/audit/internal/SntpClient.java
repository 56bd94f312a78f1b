package org.opsledger.audit.internal;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Asks one NTP server for the time (SNTP, RFC 4330; packet and arithmetic of RFC 5905 7.3 and 8)
 * and reports how far this node's clock is from it. Rejects answers that are not a server's reply
 * to this very request (the origin timestamp must echo ours: RFC 5905 8, "bogus packet"), kiss-o'-
 * death packets (stratum 0) and unsynchronised servers (leap indicator 3).
 */
final class SntpClient {

    /** Seconds from 1900-01-01 (NTP era 0) to 1970-01-01. */
    private static final long NTP_EPOCH_OFFSET = 2_208_988_800L;
    private static final int PACKET = 48;

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    SntpClient(Clock clock) {
        this.clock = clock;
    }

    /** The answer of one server. */
    sealed interface Answer {
        /** offset: server time minus ours (RFC 5905 8 theta); delay: round trip (delta). */
        record Answered(Duration offset, Duration delay, int stratum) implements Answer {
        }

        record NoAnswer(String reason) implements Answer {
        }
    }

    Answer query(InetSocketAddress server, Duration timeout) {
        byte[] request = new byte[PACKET];
        request[0] = 0b00_100_011; // LI 0, version 4, mode 3 (client)
        // Transmit timestamp: our time, with random low bits so the echo cannot be guessed (RFC 5905 9.1).
        Instant t1 = clock.instant();
        long transmit = toNtp(t1) ^ (random.nextInt() & 0xFFL);
        ByteBuffer.wrap(request).putLong(40, transmit);
        byte[] reply = new byte[PACKET];
        Instant t4;
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            socket.send(new DatagramPacket(request, PACKET, server));
            DatagramPacket packet = new DatagramPacket(reply, PACKET);
            socket.receive(packet);
            t4 = clock.instant();
            if (packet.getLength() < PACKET) {
                return new Answer.NoAnswer("short reply (" + packet.getLength() + " bytes)");
            }
        } catch (SocketTimeoutException e) {
            return new Answer.NoAnswer("no reply within " + timeout.toMillis() + " ms");
        } catch (IOException | IllegalArgumentException e) {
            return new Answer.NoAnswer(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        ByteBuffer in = ByteBuffer.wrap(reply);
        int leap = (reply[0] >> 6) & 0b11;
        int mode = reply[0] & 0b111;
        int stratum = reply[1] & 0xFF;
        if (mode != 4) {
            return new Answer.NoAnswer("not a server reply (mode " + mode + ")");
        }
        if (in.getLong(24) != transmit) {
            return new Answer.NoAnswer("reply does not echo our request (bogus packet)");
        }
        if (stratum == 0) {
            return new Answer.NoAnswer("kiss-o'-death from the server");
        }
        if (leap == 3) {
            return new Answer.NoAnswer("the server's own clock is not synchronised");
        }
        long t1Ntp = transmit;
        long t2 = in.getLong(32);
        long t3 = in.getLong(40);
        if (t3 == 0) {
            return new Answer.NoAnswer("reply without a transmit timestamp");
        }
        long t4Ntp = toNtp(t4);
        // RFC 5905 8: theta = ((T2 - T1) + (T3 - T4)) / 2, delta = (T4 - T1) - (T3 - T2), in 32.32 fixed point
        long offset = ((t2 - t1Ntp) + (t3 - t4Ntp)) / 2;
        long delay = (t4Ntp - t1Ntp) - (t3 - t2);
        return new Answer.Answered(fromFixed(offset), fromFixed(Math.max(0, delay)), stratum);
    }

    /** 32.32 fixed-point seconds since 1900 (era 0). */
    static long toNtp(Instant time) {
        long seconds = time.getEpochSecond() + NTP_EPOCH_OFFSET;
        long fraction = ((long) time.getNano() << 32) / 1_000_000_000L;
        return (seconds << 32) | fraction;
    }

    static Instant fromNtp(long ntp) {
        long seconds = (ntp >>> 32) - NTP_EPOCH_OFFSET;
        long nanos = ((ntp & 0xFFFF_FFFFL) * 1_000_000_000L) >>> 32;
        return Instant.ofEpochSecond(seconds, nanos);
    }

    private static Duration fromFixed(long fixed) {
        long seconds = fixed >> 32;
        long nanos = ((fixed & 0xFFFF_FFFFL) * 1_000_000_000L) >>> 32;
        return Duration.ofSeconds(seconds).plusNanos(nanos);
    }
}
