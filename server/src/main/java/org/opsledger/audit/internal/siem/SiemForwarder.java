package org.opsledger.audit.internal.siem;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.sql.DataSource;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.opsledger.audit.internal.LeaderSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the ledger's entries and signed checkpoints to one SIEM destination (IS.012 6.7.2.5; issue
 * 3), in leaf order: only entries the integrator has appended, a committed and gap-free order. Each
 * batch is framed, written and flushed, and only then is the cursor advanced in the database.
 *
 * <p><b>At least once.</b> Syslog has no acknowledgements: what was written into a connection that
 * then broke may be lost. After a broken connection, and when a node takes over, the next
 * connection starts {@code resend-on-reconnect} entries back (never before what the broken
 * connection started from); the receiver drops repeats by the sequence number (the leaf index).
 *
 * <p><b>One node at a time</b> (advisory lock, as the integrator). An outage is recorded in the
 * audit trail once when it starts and once when forwarding recovers; retries back off from
 * {@code retry-min} to {@code retry-max}. Business transactions never wait for any of this.
 *
 * <p>Not thread-safe: one thread calls {@link #step()}; {@link #close()} may come from another.
 */
final class SiemForwarder implements AutoCloseable {

    /** The advisory lock key of the forwarder: "OpsLSIEM" in ASCII. */
    static final long LEADER_LOCK = 0x4f70734c5349454dL;
    static final String ACTION = "siem.forward";
    static final String OBJECT_TYPE = "siem-destination";

    private static final Logger log = LoggerFactory.getLogger(SiemForwarder.class);

    private final SiemSettings settings;
    private final SiemPayload payload;
    private final AuditTrail trail;
    private final Clock clock;
    private final LeaderSession session;

    private SiemCursor cursor;
    private SiemCursor.Position position;
    private SiemCursor.Position connectedAt;
    private boolean resendDue;
    private Instant failingSince;
    private Duration backoff;
    private Instant nextAttempt = Instant.EPOCH;
    private SSLContext tls;
    private volatile SyslogConnection syslog;

    SiemForwarder(DataSource dataSource, SiemSettings settings, AuditTrail trail, Clock clock) {
        this.settings = settings;
        this.payload = SiemPayload.of(settings.format());
        this.trail = trail;
        this.clock = clock;
        this.session = new LeaderSession(dataSource, LEADER_LOCK);
    }

    /** What one step did. */
    sealed interface Step {
        /** Another node forwards. */
        record Follower() implements Step {
        }

        /** Backing off after a failure until {@code until}. */
        record Waiting(Instant until) implements Step {
        }

        /** Nothing new to send. */
        record Idle() implements Step {
        }

        /** Sent {@code messages}; the cursor is now {@code position}. */
        record Forwarded(int messages, SiemCursor.Position position) implements Step {
        }

        /** The destination could not be reached or the send failed. */
        record Failing(String reason) implements Step {
        }
    }

    /** Sends the next batch, if there is one and this node leads. */
    Step step() {
        Instant now = clock.instant();
        if (now.isBefore(nextAttempt)) {
            return new Step.Waiting(nextAttempt);
        }
        try {
            LeaderSession.Lead lead = session.hold();
            if (lead == LeaderSession.Lead.NONE) {
                return new Step.Follower();
            }
            if (lead == LeaderSession.Lead.TAKEN) {
                resume();
            }
            if (!cursor.hasWork(position)) {
                return new Step.Idle();
            }
            try {
                connect();
                SiemCursor.Batch batch = cursor.batch(position, settings.batchSize());
                syslog.send(frames(batch), settings.writeTimeout());
                position = batch.end();
                cursor.advance(position, now);
                if (failingSince != null) {
                    recovered(now);
                }
                backoff = null;
                return new Step.Forwarded(batch.messages().size(), position);
            } catch (IOException | GeneralSecurityException e) {
                return failed(e, now);
            }
        } catch (SQLException | RuntimeException e) {
            // The database went away: give up the lead; the next step (here or elsewhere) resumes from the cursor.
            log.warn("SIEM forwarding to {} lost its database session; retrying: {}", settings.destination(), e.toString());
            disconnect();
            session.release();
            return new Step.Follower();
        }
    }

    boolean isLeader() {
        return session.isLeader();
    }

    private void resume() {
        cursor = new SiemCursor(session.jdbc(), settings.destination());
        SiemCursor.Saved saved = cursor.load();
        position = saved.position();
        failingSince = saved.failingSince();
        connectedAt = new SiemCursor.Position(0, 0);
        resendDue = true; // what the previous leader had in flight is unknown
        disconnect();
        log.info("This node now forwards the audit trail to {} from leaf {}", settings.destination(), position.leaf());
    }

    private void connect() throws IOException, GeneralSecurityException {
        if (syslog != null && syslog.peerClosed(Duration.ZERO)) {
            log.info("The SIEM receiver {} closed the connection; reconnecting", settings.destination());
            disconnect();
        }
        if (syslog != null) {
            return;
        }
        if (settings.transport() == SiemSettings.Transport.TLS && tls == null) {
            tls = PemTrust.context(settings);
        }
        syslog = SyslogConnection.open(settings, tls);
        if (resendDue) {
            position = cursor.resendFrom(position, connectedAt, settings.resendOnReconnect());
            cursor.rewind(position);
            resendDue = false;
        }
        connectedAt = position;
    }

    private byte[] frames(SiemCursor.Batch batch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(batch.messages().size() * 1024);
        batch.messages().forEach(message -> out.writeBytes(payload.frame(message)));
        return out.toByteArray();
    }

    private Step failed(Exception e, Instant now) {
        disconnect();
        String reason = describe(e);
        backoff = backoff == null ? settings.retryMin() : min(backoff.multipliedBy(2), settings.retryMax());
        nextAttempt = now.plus(backoff);
        cursor.failing(now, reason);
        if (failingSince == null) {
            failingSince = now;
            log.warn("SIEM forwarding to {} fails: {}; retrying with back-off", settings.destination(), reason);
            trail.recordIndependently(event().failed("forwarding fails: " + reason));
        }
        return new Step.Failing(reason);
    }

    private void recovered(Instant now) {
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("failingSince", failingSince.toString());
        after.put("outageSeconds", Duration.between(failingSince, now).toSeconds());
        after.put("nextLeaf", position.leaf());
        cursor.recovered();
        log.info("SIEM forwarding to {} recovered after {}", settings.destination(), Duration.between(failingSince, now));
        failingSince = null;
        trail.recordIndependently(event().change(null, after));
    }

    private AuditEvent event() {
        return AuditEvent.of(ACTION, Access.EXECUTE, OBJECT_TYPE, settings.destination()).by("system");
    }

    /** The exception's kind and message; none of them carries a password (they are never in the settings' text). */
    private static String describe(Exception e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private void disconnect() {
        SyslogConnection open = syslog;
        syslog = null;
        if (open != null) {
            open.close();
            resendDue = true;
        }
    }

    @Override
    public void close() {
        disconnect(); // unblocks a send stuck on a receiver that stopped reading
        session.release();
    }
}
