package org.opsledger.change.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The change calendar as iCalendar for Outlook and Thunderbird: a person's changes or a team's, with
 * the blackout windows. Calendar clients cannot send a bearer token, so each person may create one
 * feed token (shown once, stored as its SHA-256) that authenticates as them on this feed only.
 */
@Service
class CalendarFeed {

    static final String PREFIX = "olc_";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final EnumSet<ChangeState> SHOWN = EnumSet.of(ChangeState.SUBMITTED, ChangeState.ASSESSED, ChangeState.CAB_REVIEW,
            ChangeState.APPROVED, ChangeState.SCHEDULED, ChangeState.IMPLEMENTING, ChangeState.IMPLEMENTED, ChangeState.FAILED,
            ChangeState.REVIEWED, ChangeState.CLOSED);

    record IssuedFeed(String username, String token, String url) {
    }

    private final JdbcClient jdbc;
    private final ChangeRepository changes;
    private final AuditTrail audit;
    private final ChangeProperties properties;
    private final Clock clock;

    CalendarFeed(JdbcClient jdbc, ChangeRepository changes, AuditTrail audit, ChangeProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.changes = changes;
        this.audit = audit;
        this.properties = properties;
        this.clock = clock;
    }

    /** A new feed token for the current person; the previous one stops working. */
    @Transactional
    IssuedFeed issue() {
        String username = ChangeService.actor();
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        jdbc.sql("INSERT INTO change_calendar_feed (username, token_hash, created_at) VALUES (?, ?, ?) "
                + "ON CONFLICT (username) DO UPDATE SET token_hash = EXCLUDED.token_hash, created_at = EXCLUDED.created_at")
                .params(username, sha256(token), ChangeRepository.ts(clock.instant())).update();
        audit.record(AuditEvent.of("change.calendar-feed.issue", Access.CREATE, "calendar-feed", username));
        return new IssuedFeed(username, token, properties.baseUrl() + "/api/v1/changes/calendar.ics?feed=" + token);
    }

    @Transactional
    void revoke() {
        String username = ChangeService.actor();
        jdbc.sql("DELETE FROM change_calendar_feed WHERE username = ?").param(username).update();
        audit.record(AuditEvent.of("change.calendar-feed.revoke", Access.DELETE, "calendar-feed", username));
    }

    /** The person a feed token belongs to. */
    @Transactional(readOnly = true)
    Optional<String> owner(String token) {
        if (token == null || !token.startsWith(PREFIX) || token.length() > 100) {
            return Optional.empty();
        }
        return jdbc.sql("SELECT username FROM change_calendar_feed WHERE token_hash = ?").param(sha256(token)).query(String.class).optional();
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The feed: a team's changes (those naming the group as stakeholder), else the person's own
     * (requested, implementing or named), or every change for {@code all}; from 30 days back to 180 ahead.
     */
    @Transactional(readOnly = true)
    String render(String username, String team, boolean all) {
        Instant now = clock.instant();
        Instant from = now.minus(Duration.ofDays(30));
        Instant to = now.plus(Duration.ofDays(180));
        ChangeRepository.Filter filter = new ChangeRepository.Filter(List.copyOf(SHOWN), null, null, null,
                team != null || all ? null : username, null, null, from, to);
        List<ChangeRequest> list = changes.all(filter, 5000);
        if (team != null) {
            List<String> numbers = jdbc.sql("SELECT c.number FROM change_request c JOIN change_stakeholder s ON s.change_id = c.id "
                    + "WHERE s.kind = 'group' AND s.name = ?").param(team).query(String.class).list();
            list = list.stream().filter(c -> numbers.contains(c.number())).toList();
        }
        String name = team != null ? "OpsLedger changes: " + team : all ? "OpsLedger changes" : "OpsLedger changes: " + username;
        ICalendar ics = new ICalendar(name);
        for (ChangeRequest c : list) {
            String status = switch (c.state()) {
                case SUBMITTED, ASSESSED, CAB_REVIEW -> "TENTATIVE";
                default -> "CONFIRMED";
            };
            ics.event(c.id() + "@opsledger", c.updatedAt(), c.plannedStart(), c.plannedEnd(), c.number() + " " + c.title(),
                    "State: " + c.state().wireName() + "\nRisk: " + c.risk().wireName() + "\nType: " + c.type().wireName()
                            + (c.implementer() == null ? "" : "\nImplementer: " + c.implementer()) + "\n\n" + c.description(),
                    properties.baseUrl() + "/changes/" + c.number(), status, c.version(), "Change " + c.risk().wireName() + " risk");
        }
        jdbc.sql("SELECT id, name, starts_at, ends_at, created_at FROM change_window WHERE kind = 'blackout' AND ends_at > ? AND starts_at < ? "
                + "ORDER BY starts_at LIMIT 500").params(ChangeRepository.ts(from), ChangeRepository.ts(to))
                .query((rs, n) -> ics.event(rs.getString(1) + "@opsledger", ChangeRepository.instant(rs, "created_at"),
                        ChangeRepository.instant(rs, "starts_at"), ChangeRepository.instant(rs, "ends_at"), "Blackout: " + rs.getString(2),
                        "No changes in this window", null, "CONFIRMED", 0, "Blackout"))
                .list();
        return ics.end();
    }
}
