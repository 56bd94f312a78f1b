package org.opsledger.audit.controls;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.opsledger.audit.AuditSelfCheck;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The server's latest integrity check of the trail, as its {@link AuditSelfCheck} entry records it. */
@Component
class SelfCheckRecords {

    /** How recent a check must be to count. */
    static final Duration CHECK_AGE = Duration.ofHours(24);

    /** One recorded check: its outcome, the verdict on the tree and the entries it found outside it. */
    record Check(long id, Instant time, String outcome, String reason, String verdict, long notInTree) {

        boolean passed() {
            return "success".equals(outcome);
        }

        boolean recentAt(Instant now) {
            return Duration.between(time, now).compareTo(CHECK_AGE) <= 0;
        }

        /** Whether it found the table and the tree apart: an entry missing, the log truncated, or entries not in the tree. */
        boolean foundGaps() {
            return "missing".equals(verdict) || "truncated".equals(verdict) || notInTree > 0;
        }
    }

    private final JdbcClient jdbc;

    SelfCheckRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<Check> last() {
        return jdbc.sql("""
                SELECT id, occurred_at, outcome, body::jsonb ->> 'reason', body::jsonb -> 'after' ->> 'verdict',
                       coalesce((body::jsonb -> 'after' ->> 'notInTree')::bigint, 0)
                FROM audit_entry WHERE action = ? AND actor = ? ORDER BY id DESC LIMIT 1""")
                .param(AuditSelfCheck.ACTION).param(AuditSelfCheck.ACTOR)
                .query((rs, n) -> new Check(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getLong(6)))
                .optional();
    }
}
