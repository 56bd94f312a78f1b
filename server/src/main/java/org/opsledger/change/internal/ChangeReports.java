package org.opsledger.change.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.opsledger.shared.PageResult;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The reports that keep the process honest: the emergency-change audit (IS.012 6.2.10) and the
 * periodic review of the change process (IS.012 6.2.9), both over a period of change creation.
 */
@Service
class ChangeReports {

    /**
     * One emergency change for the audit.
     *
     * @param review {@code on-time}, {@code late} (reviewed after it was due), {@code overdue} (due and not reviewed)
     *               or {@code pending} (not yet due)
     */
    record EmergencyChange(String number, String title, String requester, String justification, String approvedBy,
            Instant approvedAt, Instant reviewDue, Instant reviewedAt, String review, String state) {
    }

    /** Per requester: how many of their changes were emergencies (misuse of the process shows here). */
    record RequesterShare(String requester, long changes, long emergencies, double emergencyShare) {
    }

    record EmergencyReport(Instant from, Instant to, int reviewDays, List<EmergencyChange> changes, List<RequesterShare> requesters,
            long overdue, long late) {
    }

    /**
     * The process review's figures.
     *
     * @param leadTimeHours  mean hours from submission to approval
     * @param cycleTimeHours mean hours from submission to the end of implementation
     */
    record ProcessReport(Instant from, Instant to, long total, long standard, long normal, long emergency, long implemented,
            long failed, long rejected, long cancelled, double successRate, double failureRate, double emergencyShare,
            Double leadTimeHours, Double cycleTimeHours, long lateReviews, long overdueReviews, List<EmergencyChange> lateOrOverdue,
            ProcessReview lastReview, Instant nextReviewDue) {

        ProcessReport withReviews(List<EmergencyChange> late, ProcessReview last, Duration every) {
            return new ProcessReport(from, to, total, standard, normal, emergency, implemented, failed, rejected, cancelled,
                    successRate, failureRate, emergencyShare, leadTimeHours, cycleTimeHours, lateReviews, overdueReviews, late, last,
                    last == null ? null : last.reviewedAt().plus(every));
        }
    }

    /** A recorded review of the change process (IS.012 6.2.9). */
    record ProcessReview(UUID id, String reviewer, Instant reviewedAt, Instant periodFrom, Instant periodTo, String notes) {
    }

    record NewProcessReview(String periodFrom, String periodTo, String notes) {
    }

    private static final String EMERGENCY_SELECT = "SELECT number, title, requester, emergency_justification, approved_by, approved_at, "
            + "review_due, reviewed_at, state, CASE WHEN reviewed_at IS NOT NULL AND reviewed_at <= review_due THEN 'on-time' "
            + "WHEN reviewed_at IS NOT NULL THEN 'late' WHEN review_due < :now THEN 'overdue' ELSE 'pending' END AS review "
            + "FROM change_request WHERE type = 'emergency'";

    private final JdbcClient jdbc;
    private final AuditTrail audit;
    private final ChangeProperties properties;
    private final Clock clock;

    ChangeReports(JdbcClient jdbc, AuditTrail audit, ChangeProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.properties = properties;
        this.clock = clock;
    }

    private static EmergencyChange emergency(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new EmergencyChange(rs.getString("number"), rs.getString("title"), rs.getString("requester"),
                rs.getString("emergency_justification"), rs.getString("approved_by"), ChangeRepository.instant(rs, "approved_at"),
                ChangeRepository.instant(rs, "review_due"), ChangeRepository.instant(rs, "reviewed_at"), rs.getString("review"),
                rs.getString("state"));
    }

    /** IS.012 6.2.10: every emergency change of the period, whether its review came on time, and who uses the path how often. */
    @Transactional(readOnly = true)
    EmergencyReport emergencies(Instant from, Instant to, int max) {
        Instant now = clock.instant();
        List<EmergencyChange> changes = jdbc.sql(EMERGENCY_SELECT + " AND created_at >= :from AND created_at < :to "
                + "ORDER BY created_at, seq LIMIT :max")
                .param("now", ChangeRepository.ts(now)).param("from", ChangeRepository.ts(from)).param("to", ChangeRepository.ts(to))
                .param("max", max).query(ChangeReports::emergency).list();
        List<RequesterShare> shares = jdbc.sql("SELECT requester, count(*) AS total, count(*) FILTER (WHERE type = 'emergency') AS em "
                + "FROM change_request WHERE created_at >= ? AND created_at < ? GROUP BY requester "
                + "HAVING count(*) FILTER (WHERE type = 'emergency') > 0 ORDER BY em DESC, requester LIMIT 1000")
                .params(ChangeRepository.ts(from), ChangeRepository.ts(to))
                .query((rs, n) -> new RequesterShare(rs.getString(1), rs.getLong(2), rs.getLong(3),
                        rs.getLong(2) == 0 ? 0 : (double) rs.getLong(3) / rs.getLong(2))).list();
        long[] counts = jdbc.sql("SELECT count(*) FILTER (WHERE reviewed_at IS NULL AND review_due < ? AND state NOT IN ('cancelled', 'rejected')), "
                + "count(*) FILTER (WHERE reviewed_at > review_due) FROM change_request WHERE type = 'emergency' AND created_at >= ? AND created_at < ?")
                .params(ChangeRepository.ts(now), ChangeRepository.ts(from), ChangeRepository.ts(to))
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)}).single();
        return new EmergencyReport(from, to, properties.emergencyReviewDays(), changes, shares, counts[0], counts[1]);
    }

    /** Emergency changes whose review is overdue now, at any time (for the evaluator and the dashboard). */
    @Transactional(readOnly = true)
    List<EmergencyChange> overdueReviews(Instant now, int max) {
        return jdbc.sql(EMERGENCY_SELECT + " AND reviewed_at IS NULL AND review_due < :now AND state NOT IN ('cancelled', 'rejected') "
                + "ORDER BY review_due LIMIT :max").param("now", ChangeRepository.ts(now)).param("max", max)
                .query(ChangeReports::emergency).list();
    }

    /** IS.012 6.2.9: volumes, success and failure, emergency share, lead times and late reviews of a period. */
    @Transactional(readOnly = true)
    ProcessReport process(Instant from, Instant to) {
        Instant now = clock.instant();
        return jdbc.sql("SELECT count(*), count(*) FILTER (WHERE type = 'standard'), count(*) FILTER (WHERE type = 'normal'), "
                + "count(*) FILTER (WHERE type = 'emergency'), count(*) FILTER (WHERE outcome = 'implemented'), "
                + "count(*) FILTER (WHERE outcome = 'failed'), count(*) FILTER (WHERE state = 'rejected'), "
                + "count(*) FILTER (WHERE state = 'cancelled'), "
                + "avg(extract(epoch FROM approved_at - submitted_at)) FILTER (WHERE approved_at IS NOT NULL AND submitted_at IS NOT NULL), "
                + "avg(extract(epoch FROM finished_at - submitted_at)) FILTER (WHERE finished_at IS NOT NULL AND submitted_at IS NOT NULL), "
                + "count(*) FILTER (WHERE type = 'emergency' AND reviewed_at > review_due), "
                + "count(*) FILTER (WHERE type = 'emergency' AND reviewed_at IS NULL AND review_due < ? AND state NOT IN ('cancelled', 'rejected')) "
                + "FROM change_request WHERE created_at >= ? AND created_at < ?")
                .params(ChangeRepository.ts(now), ChangeRepository.ts(from), ChangeRepository.ts(to))
                .query((rs, n) -> {
                    long total = rs.getLong(1);
                    long implemented = rs.getLong(5);
                    long failed = rs.getLong(6);
                    long finished = implemented + failed;
                    Double lead = rs.getObject(9) == null ? null : round(rs.getDouble(9) / 3600);
                    Double cycle = rs.getObject(10) == null ? null : round(rs.getDouble(10) / 3600);
                    return new ProcessReport(from, to, total, rs.getLong(2), rs.getLong(3), rs.getLong(4), implemented, failed,
                            rs.getLong(7), rs.getLong(8), finished == 0 ? 0 : round((double) implemented / finished),
                            finished == 0 ? 0 : round((double) failed / finished), total == 0 ? 0 : round((double) rs.getLong(4) / total),
                            lead, cycle, rs.getLong(11), rs.getLong(12), List.of(), null, null);
                }).single()
                .withReviews(lateOrOverdue(from, to, now), lastReview(), properties.processReviewEvery());
    }

    private List<EmergencyChange> lateOrOverdue(Instant from, Instant to, Instant now) {
        return jdbc.sql(EMERGENCY_SELECT + " AND created_at >= :from AND created_at < :to AND (reviewed_at > review_due OR "
                + "(reviewed_at IS NULL AND review_due < :now AND state NOT IN ('cancelled', 'rejected'))) ORDER BY review_due LIMIT 200")
                .param("now", ChangeRepository.ts(now)).param("from", ChangeRepository.ts(from)).param("to", ChangeRepository.ts(to))
                .query(ChangeReports::emergency).list();
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    @Transactional(readOnly = true)
    ProcessReview lastReview() {
        return jdbc.sql("SELECT id, reviewer, reviewed_at, period_from, period_to, notes FROM change_process_review "
                + "ORDER BY reviewed_at DESC LIMIT 1").query(ChangeReports::review).optional().orElse(null);
    }

    @Transactional(readOnly = true)
    PageResult<ProcessReview> reviews(int page, int size) {
        List<ProcessReview> items = jdbc.sql("SELECT id, reviewer, reviewed_at, period_from, period_to, notes FROM change_process_review "
                + "ORDER BY reviewed_at DESC LIMIT ? OFFSET ?").params(size, PageResult.offset(page, size)).query(ChangeReports::review).list();
        return new PageResult<>(items, page, size, jdbc.sql("SELECT count(*) FROM change_process_review").query(Long.class).single());
    }

    private static ProcessReview review(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new ProcessReview(rs.getObject(1, UUID.class), rs.getString(2), ChangeRepository.instant(rs, "reviewed_at"),
                ChangeRepository.instant(rs, "period_from"), ChangeRepository.instant(rs, "period_to"), rs.getString(6));
    }

    /** Records that the process was reviewed (IS.012 6.2.9), with the reviewer's findings. */
    @Transactional
    ProcessReview recordReview(NewProcessReview r) {
        Instant now = clock.instant();
        String notes = ChangeService.text(r.notes(), "notes", 20_000, true);
        Instant to = ChangeService.or(ChangeService.instant(r.periodTo(), "periodTo", false), now);
        Instant from = ChangeService.or(ChangeService.instant(r.periodFrom(), "periodFrom", false), to.minus(properties.processReviewEvery()));
        if (!to.isAfter(from)) {
            throw org.opsledger.shared.ProblemException.invalid("periodTo", "periodTo must be after periodFrom");
        }
        ProcessReview review = new ProcessReview(UUID.randomUUID(), ChangeService.actor(), now, from, to, notes);
        jdbc.sql("INSERT INTO change_process_review (id, reviewer, reviewed_at, period_from, period_to, notes) VALUES (?, ?, ?, ?, ?, ?)")
                .params(review.id(), review.reviewer(), ChangeRepository.ts(now), ChangeRepository.ts(from), ChangeRepository.ts(to), notes)
                .update();
        audit.record(AuditEvent.of("change.process-review", Access.CREATE, "change-process-review", review.id().toString())
                .change(null, ChangeService.map("periodFrom", from.toString(), "periodTo", to.toString(), "notes", notes)));
        return review;
    }

    /** RFC 4180 CSV of the process report; cells that a spreadsheet would run as a formula are neutralised. */
    static String csv(ProcessReport r) {
        List<List<Object>> rows = new ArrayList<>();
        rows.add(List.of("measure", "value"));
        rows.add(List.of("period from", r.from()));
        rows.add(List.of("period to", r.to()));
        rows.add(List.of("changes", r.total()));
        rows.add(List.of("standard", r.standard()));
        rows.add(List.of("normal", r.normal()));
        rows.add(List.of("emergency", r.emergency()));
        rows.add(List.of("implemented", r.implemented()));
        rows.add(List.of("failed", r.failed()));
        rows.add(List.of("rejected", r.rejected()));
        rows.add(List.of("cancelled", r.cancelled()));
        rows.add(List.of("success rate", r.successRate()));
        rows.add(List.of("failure rate", r.failureRate()));
        rows.add(List.of("emergency share", r.emergencyShare()));
        rows.add(List.of("mean lead time submission to approval (h)", r.leadTimeHours() == null ? "" : r.leadTimeHours()));
        rows.add(List.of("mean time submission to implementation (h)", r.cycleTimeHours() == null ? "" : r.cycleTimeHours()));
        rows.add(List.of("late emergency reviews", r.lateReviews()));
        rows.add(List.of("overdue emergency reviews", r.overdueReviews()));
        StringBuilder sb = new StringBuilder();
        rows.forEach(row -> line(sb, row));
        sb.append("\r\n");
        line(sb, List.of("change", "title", "requester", "justification", "approved by", "review due", "reviewed at", "review"));
        for (EmergencyChange e : r.lateOrOverdue()) {
            line(sb, java.util.Arrays.asList(e.number(), e.title(), e.requester(), e.justification(), e.approvedBy(), e.reviewDue(),
                    e.reviewedAt(), e.review()));
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<?> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(cell(cells.get(i)));
        }
        sb.append("\r\n");
    }

    /** OWASP CSV injection: a cell starting with = + - @ (or tab, CR) is prefixed with a quote so it stays text. */
    static String cell(Object value) {
        String s = value == null ? "" : value.toString();
        if (!s.isEmpty() && !(value instanceof Number) && "=+-@\t\r".indexOf(s.charAt(0)) >= 0) {
            s = "'" + s;
        }
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            s = "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
