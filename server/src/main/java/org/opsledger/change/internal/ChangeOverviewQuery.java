package org.opsledger.change.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.opsledger.change.ChangeOverview;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** {@link ChangeOverview} in one query. */
@Component
class ChangeOverviewQuery implements ChangeOverview {

    private final JdbcClient jdbc;
    private final Clock clock;

    ChangeOverviewQuery(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    @Transactional(readOnly = true)
    public Summary summary() {
        Instant now = clock.instant();
        return jdbc.sql("SELECT (SELECT count(*) FROM change_request WHERE state = 'cab-review'), "
                + "(SELECT count(*) FROM change_request WHERE state IN ('approved', 'scheduled', 'implementing') AND planned_start >= ? "
                + "AND planned_start < ?), "
                + "(SELECT count(*) FROM change_request WHERE type = 'emergency' AND reviewed_at IS NULL AND review_due < ? "
                + "AND state NOT IN ('cancelled', 'rejected'))")
                .params(ChangeRepository.ts(now), ChangeRepository.ts(now.plus(Duration.ofDays(7))), ChangeRepository.ts(now))
                .query((rs, n) -> new Summary(rs.getLong(1), rs.getLong(2), rs.getLong(3))).single();
    }
}
