package org.opsledger.change.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.opsledger.shared.PageResult;
import org.opsledger.shared.ProblemException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * CAB meetings (IS.012 6.2.2): each gets an agenda of the changes due for the board when it is
 * called — those in CAB review and emergency changes awaiting their retrospective review — in the
 * order of their planned start.
 */
@Service
class CabMeetings {

    record AgendaItem(int position, String number, String title, String type, String risk, String state, Instant plannedStart,
            String requester) {
    }

    record Meeting(UUID id, String title, Instant startsAt, String createdBy, Instant createdAt, List<AgendaItem> agenda) {
    }

    record NewMeeting(String title, String startsAt) {
    }

    private final JdbcClient jdbc;
    private final AuditTrail audit;
    private final Clock clock;

    CabMeetings(JdbcClient jdbc, AuditTrail audit, Clock clock) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
    }

    /** The changes due for the board now. */
    @Transactional(readOnly = true)
    List<AgendaItem> due() {
        return jdbc.sql("SELECT 0, number, title, type, risk, state, planned_start, requester FROM change_request "
                + "WHERE state = 'cab-review' OR (type = 'emergency' AND state IN ('implemented', 'failed') AND reviewed_at IS NULL) "
                + "ORDER BY planned_start NULLS FIRST, seq LIMIT 200").query(CabMeetings::item).list();
    }

    @Transactional
    Meeting create(NewMeeting r) {
        String title = ChangeService.text(r.title(), "title", 200, true);
        Instant startsAt = ChangeService.instant(r.startsAt(), "startsAt", true);
        Instant now = clock.instant();
        UUID id = UUID.randomUUID();
        jdbc.sql("INSERT INTO cab_meeting (id, title, starts_at, created_by, created_at) VALUES (?, ?, ?, ?, ?)")
                .params(id, title, ChangeRepository.ts(startsAt), ChangeService.actor(), ChangeRepository.ts(now)).update();
        jdbc.sql("INSERT INTO cab_meeting_item (meeting_id, change_id, position) SELECT ?, id, row_number() OVER "
                + "(ORDER BY planned_start NULLS FIRST, seq) FROM change_request WHERE state = 'cab-review' OR (type = 'emergency' "
                + "AND state IN ('implemented', 'failed') AND reviewed_at IS NULL) ORDER BY planned_start NULLS FIRST, seq LIMIT 200")
                .param(id).update();
        Meeting m = get(id);
        audit.record(AuditEvent.of("change.cab-meeting.create", Access.CREATE, "cab-meeting", id.toString()).change(null,
                ChangeService.map("title", title, "startsAt", startsAt.toString(), "agenda", m.agenda().stream().map(AgendaItem::number).toList())));
        return m;
    }

    @Transactional(readOnly = true)
    Meeting get(UUID id) {
        List<AgendaItem> agenda = jdbc.sql("SELECT i.position, c.number, c.title, c.type, c.risk, c.state, c.planned_start, c.requester "
                + "FROM cab_meeting_item i JOIN change_request c ON c.id = i.change_id WHERE i.meeting_id = ? ORDER BY i.position")
                .param(id).query(CabMeetings::item).list();
        return jdbc.sql("SELECT id, title, starts_at, created_by, created_at FROM cab_meeting WHERE id = ?").param(id)
                .query((rs, n) -> new Meeting(rs.getObject(1, UUID.class), rs.getString(2), ChangeRepository.instant(rs, "starts_at"),
                        rs.getString(4), ChangeRepository.instant(rs, "created_at"), agenda))
                .optional().orElseThrow(() -> ProblemException.notFound("CAB meeting " + id));
    }

    @Transactional(readOnly = true)
    PageResult<Meeting> list(int page, int size) {
        List<Meeting> meetings = jdbc.sql("SELECT id FROM cab_meeting ORDER BY starts_at DESC, id LIMIT ? OFFSET ?")
                .params(size, PageResult.offset(page, size)).query(UUID.class).list().stream().map(this::get).toList();
        return new PageResult<>(meetings, page, size, jdbc.sql("SELECT count(*) FROM cab_meeting").query(Long.class).single());
    }

    private static AgendaItem item(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new AgendaItem(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                ChangeRepository.instant(rs, "planned_start"), rs.getString(8));
    }
}
