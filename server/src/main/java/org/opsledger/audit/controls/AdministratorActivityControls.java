package org.opsledger.audit.controls;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.opsledger.audit.PrivilegedAccounts;
import org.opsledger.compliance.ControlEvaluator;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Administrators' actions are in the trail (ECOMP 6.1.8, 7.1). Over the review period
 * ({@code opsledger.audit.review-every}, 30 days): every account that holds a privileged role and
 * signed in during the period has entries flagged privileged in it — the trail flags every action
 * taken under a privileged role, a logout included, so a privileged session that left none was not
 * recorded — and the server's latest integrity check found no entry missing from the trail.
 */
@Component
class AdministratorActivityControls implements ControlEvaluator {

    /** Signing in: a UI login or an API token request. */
    private static final String[] SIGN_INS = {"auth.login", "auth.token"};
    private static final int MAX_LISTED = 10;

    private final JdbcClient jdbc;
    private final PrivilegedAccounts privileged;
    private final SelfCheckRecords checks;
    private final Duration period;

    AdministratorActivityControls(JdbcClient jdbc, PrivilegedAccounts privileged, SelfCheckRecords checks,
            @Value("${opsledger.audit.review-every:30d}") Duration period) {
        this.jdbc = jdbc;
        this.privileged = privileged;
        this.checks = checks;
        this.period = period;
    }

    @Override
    public Set<String> controls() {
        return Set.of("ECOMP-7.1", "ECOMP-6.1.8");
    }

    /** One privileged account's period: sign-ins, the latest of them, and its entries flagged privileged. */
    private record Activity(String actor, long signIns, Instant lastSignIn, long lastSignInEntry, long privilegedEntries) {
    }

    @Override
    public Result evaluate(String controlId, Instant now) {
        if (!controls().contains(controlId)) {
            throw new IllegalArgumentException(controlId);
        }
        List<String> holders = privileged.holders();
        List<Activity> active = holders.isEmpty() ? List.of() : jdbc.sql("""
                SELECT actor, count(*) FILTER (WHERE action = ANY (?) AND outcome = 'success'),
                       max(occurred_at) FILTER (WHERE action = ANY (?) AND outcome = 'success'),
                       max(id) FILTER (WHERE action = ANY (?) AND outcome = 'success'),
                       count(*) FILTER (WHERE (body::jsonb ->> 'privileged')::boolean)
                FROM audit_entry WHERE actor = ANY (?) AND occurred_at > ? AND occurred_at <= ?
                GROUP BY actor ORDER BY actor""")
                .param(SIGN_INS).param(SIGN_INS).param(SIGN_INS).param(holders.toArray(String[]::new))
                .param(Timestamp.from(now.minus(period))).param(Timestamp.from(now))
                .query((rs, n) -> new Activity(rs.getString(1), rs.getLong(2),
                        rs.getTimestamp(3) == null ? null : rs.getTimestamp(3).toInstant(), rs.getLong(4), rs.getLong(5)))
                .list().stream().filter(a -> a.signIns() > 0).toList();
        List<String> problems = new ArrayList<>();
        List<String> facts = new ArrayList<>();
        for (Activity a : active) {
            if (a.privilegedEntries() == 0) {
                problems.add(a.actor() + " holds a privileged role and signed in " + a.signIns() + " time(s) in the last "
                        + period.toDays() + " days (latest at " + a.lastSignIn() + ", audit entry " + a.lastSignInEntry()
                        + ") but no entry of theirs in that time is flagged privileged: their actions are not in the trail.");
            } else if (facts.size() < MAX_LISTED) {
                facts.add(a.actor() + ": " + a.signIns() + " sign-in(s), " + a.privilegedEntries()
                        + " entries flagged privileged in the last " + period.toDays() + " days.");
            }
        }
        facts.addFirst(holders.size() + " account(s) hold a privileged role; " + active.size() + " signed in during the last "
                + period.toDays() + " days.");
        Optional<SelfCheckRecords.Check> check = checks.last();
        if (check.isEmpty() || !check.get().recentAt(now)) {
            problems.add("The trail's completeness has not been checked in the last 24 h (the leader checks every 6 h).");
        } else if (check.get().foundGaps() || !check.get().passed()) {
            problems.add("The integrity check of " + check.get().time() + " (audit entry " + check.get().id()
                    + ") found the trail incomplete or altered: " + check.get().reason());
        } else {
            facts.add("The integrity check of " + check.get().time() + " (audit entry " + check.get().id()
                    + ") found every committed entry in the tree and every leaf with its row: nothing was removed.");
        }
        return problems.isEmpty() ? Result.compliant(facts.toArray(String[]::new)) : Result.notCompliant(problems);
    }
}
