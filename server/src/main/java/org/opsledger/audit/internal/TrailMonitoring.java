package org.opsledger.audit.internal;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.opsledger.audit.AuditMonitoring;
import org.opsledger.audit.ClockStatus;
import org.opsledger.audit.ForwardingStatus;
import org.opsledger.audit.internal.siem.SiemSettings;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** Reads the clock checks (ECOMP 12) and the SIEM cursor (IS.012 6.7.2.5) from the trail's own tables. */
@Service
class TrailMonitoring implements AuditMonitoring {

    /** ECOMP 12 as this platform applies it: within one second of the agreed time source. */
    static final double MAX_OFFSET_MS = 1000;
    /** A check is overdue once its interval and this grace have passed. */
    static final Duration GRACE = Duration.ofMinutes(10);
    private static final Duration CLOCK_WINDOW = Duration.ofHours(24);

    private final JdbcClient jdbc;
    private final SiemSettings siem;
    private final Duration checkEvery;
    private final boolean serversConfigured;

    TrailMonitoring(JdbcClient jdbc, SiemSettings siem, @Value("${opsledger.audit.ntp-every:1h}") Duration checkEvery,
            @Value("${opsledger.audit.ntp-servers:}") String servers) {
        this.jdbc = jdbc;
        this.siem = siem;
        this.checkEvery = checkEvery;
        this.serversConfigured = !servers.isBlank();
    }

    @Override
    public ClockStatus clock(Instant now) {
        // each node's latest round (one pass over its servers, docs/audit-format.md 5) within the window
        Timestamp from = Timestamp.from(now.minus(CLOCK_WINDOW));
        Timestamp to = Timestamp.from(now);
        List<ClockStatus.Reading> readings = new ArrayList<>(jdbc.sql("""
                WITH checks AS (
                    SELECT id, occurred_at, body::jsonb AS b, object_id, outcome FROM audit_entry
                    WHERE action = ? AND occurred_at > ? AND occurred_at <= ?),
                latest AS (
                    SELECT DISTINCT ON (b ->> 'system') b ->> 'system' AS node, b -> 'after' ->> 'round' AS round
                    FROM checks ORDER BY b ->> 'system', id DESC)
                SELECT c.id, c.occurred_at, l.node, c.object_id, c.outcome, c.b ->> 'reason',
                       (c.b -> 'after' ->> 'offsetMs')::float8
                FROM checks c JOIN latest l ON c.b ->> 'system' = l.node
                    AND (c.b -> 'after' ->> 'round') IS NOT DISTINCT FROM l.round""")
                .param(ClockCheck.ACTION).param(from).param(to)
                .query((rs, n) -> {
                    Double offset = rs.getObject(7) == null ? null : rs.getDouble(7);
                    boolean inSync = "success".equals(rs.getString(5)) && offset != null && Math.abs(offset) <= MAX_OFFSET_MS;
                    return new ClockStatus.Reading(rs.getString(3), rs.getString(4), rs.getTimestamp(2).toInstant(), inSync,
                            offset, rs.getString(6), rs.getLong(1));
                })
                .list());
        readings.sort(Comparator.comparing(ClockStatus.Reading::at).reversed());
        if (readings.isEmpty()) {
            return new ClockStatus(ClockStatus.Verdict.NOT_CHECKED, readings, serversConfigured
                    ? "No clock check recorded in the last 24 h."
                    : "No time server is configured (opsledger.audit.ntp-servers): the clock is not checked.");
        }
        Optional<ClockStatus.Reading> alarm = readings.stream().filter(r -> !r.inSync()).findFirst();
        if (alarm.isPresent()) {
            ClockStatus.Reading r = alarm.get();
            return new ClockStatus(ClockStatus.Verdict.OUT_OF_SYNC, readings, r.system() + " against " + r.server() + " at "
                    + r.at() + ": " + (r.reason() != null ? r.reason() : "offset " + r.offsetMs() + " ms") + ".");
        }
        Instant due = now.minus(checkEvery).minus(GRACE);
        Optional<ClockStatus.Reading> late = readings.stream().filter(r -> r.at().isBefore(due)).findFirst();
        if (late.isPresent()) {
            ClockStatus.Reading r = late.get();
            return new ClockStatus(ClockStatus.Verdict.OVERDUE, readings, r.system() + " last checked its clock against "
                    + r.server() + " at " + r.at() + ", more than " + checkEvery.toMinutes() + " min + 10 min ago.");
        }
        double worst = readings.stream().mapToDouble(r -> Math.abs(r.offsetMs())).max().orElse(0);
        return new ClockStatus(ClockStatus.Verdict.IN_SYNC, readings, String.format(java.util.Locale.ROOT,
                "%d check(s) within the last %d min, largest offset %.1f ms.", readings.size(),
                checkEvery.plus(GRACE).toMinutes(), worst));
    }

    private record Cursor(long nextLeaf, Instant forwardedAt, Instant failingSince, String lastFailure) {
    }

    @Override
    public ForwardingStatus forwarding(Instant now) {
        long size = jdbc.sql("SELECT coalesce(max(leaf_index) + 1, 0) FROM audit_leaf").query(Long.class).single();
        if (!siem.enabled()) {
            return new ForwardingStatus(ForwardingStatus.State.OFF, null, size, 0, null, null, null, null,
                    siem.lagThreshold(), Duration.ZERO);
        }
        Optional<Cursor> cursor = jdbc.sql("""
                SELECT next_leaf, forwarded_at, failing_since, last_failure FROM siem_cursor WHERE destination = ?""")
                .param(siem.destination())
                .query((rs, n) -> new Cursor(rs.getLong(1), instant(rs.getTimestamp(2)), instant(rs.getTimestamp(3)),
                        rs.getString(4)))
                .optional();
        long forwarded = cursor.map(Cursor::nextLeaf).orElse(0L);
        Instant oldest = forwarded >= size ? null : jdbc.sql("""
                SELECT e.occurred_at FROM audit_leaf l JOIN audit_entry e ON e.id = l.entry_id
                WHERE l.leaf_index >= ? ORDER BY l.leaf_index LIMIT 1""")
                .param(forwarded).query((rs, n) -> rs.getTimestamp(1).toInstant()).optional().orElse(null);
        Duration lag = oldest == null || oldest.isAfter(now) ? Duration.ZERO : Duration.between(oldest, now);
        ForwardingStatus.State state;
        if (cursor.isEmpty()) {
            state = ForwardingStatus.State.NOT_STARTED;
        } else if (cursor.get().failingSince() != null) {
            state = ForwardingStatus.State.FAILING;
        } else if (forwarded >= size) {
            state = ForwardingStatus.State.UP_TO_DATE;
        } else {
            state = lag.compareTo(siem.lagThreshold()) > 0 ? ForwardingStatus.State.LAGGING : ForwardingStatus.State.BEHIND;
        }
        return new ForwardingStatus(state, siem.destination(), size, Math.min(forwarded, size), oldest,
                cursor.map(Cursor::forwardedAt).orElse(null), cursor.map(Cursor::failingSince).orElse(null),
                cursor.map(Cursor::lastFailure).orElse(null), siem.lagThreshold(), lag);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
