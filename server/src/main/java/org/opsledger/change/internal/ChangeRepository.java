package org.opsledger.change.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The change tables; only this module reads or writes them. */
@Repository
class ChangeRepository {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String COLUMNS = "id, seq, number, title, type, template_id, state, description, implementation_plan, "
            + "test_plan, test_evidence, test_environment, fallback_plan, security_assessment, compliance_confirmed, "
            + "emergency_justification, planned_start, planned_end, risk_answers, risk_questionnaire, risk_items, risk, "
            + "risk_override_level, risk_override_justification, risk_override_by, network_device, requester, implementer, "
            + "approved_by, security_approved_by, created_at, submitted_at, approved_at, started_at, finished_at, review_due, "
            + "reviewed_at, reviewed_by, review_notes, closed_at, outcome, outcome_notes, version, updated_at";

    /** A list query's filters; null means "any". */
    record Filter(List<ChangeState> states, ChangeType type, RiskLevel risk, String requester, String involving, UUID item,
            String text, Instant from, Instant to) {

        static Filter none() {
            return new Filter(null, null, null, null, null, null, null, null, null);
        }
    }

    /** One step of a change's timeline. */
    record Transition(String action, String fromState, String toState, String actor, Instant at, String comment) {
    }

    /** A stakeholder: a person with an address or a configured group (IS.012 6.2.6). */
    record Stakeholder(String kind, String name, String email) {
    }

    private final JdbcClient jdbc;

    ChangeRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    long nextSeq() {
        return jdbc.sql("SELECT nextval('change_number_seq')").query(Long.class).single();
    }

    void insert(ChangeRequest c) {
        jdbc.sql("INSERT INTO change_request (" + COLUMNS + ") VALUES (:id, :seq, :number, :title, :type, :templateId, :state, "
                + ":description, :implementationPlan, :testPlan, :testEvidence, :testEnvironment, :fallbackPlan, :securityAssessment, "
                + ":complianceConfirmed, :emergencyJustification, :plannedStart, :plannedEnd, CAST(:riskAnswers AS jsonb), "
                + ":riskQuestionnaire, :riskItems, :risk, :riskOverrideLevel, :riskOverrideJustification, :riskOverrideBy, "
                + ":networkDevice, :requester, :implementer, :approvedBy, :securityApprovedBy, :createdAt, :submittedAt, "
                + ":approvedAt, :startedAt, :finishedAt, :reviewDue, :reviewedAt, :reviewedBy, :reviewNotes, :closedAt, "
                + ":outcome, :outcomeNotes, :version, :updatedAt)")
                .paramSource(params(c)).update();
    }

    /** Writes a transition's result; the caller holds the row lock, the version guards against anything else. */
    void update(ChangeRequest c) {
        int n = jdbc.sql("UPDATE change_request SET state = :state, implementer = :implementer, approved_by = :approvedBy, "
                + "security_approved_by = :securityApprovedBy, planned_start = :plannedStart, planned_end = :plannedEnd, "
                + "risk_items = :riskItems, risk = :risk, risk_override_level = :riskOverrideLevel, "
                + "risk_override_justification = :riskOverrideJustification, "
                + "risk_override_by = :riskOverrideBy, submitted_at = :submittedAt, approved_at = :approvedAt, "
                + "started_at = :startedAt, finished_at = :finishedAt, review_due = :reviewDue, reviewed_at = :reviewedAt, "
                + "reviewed_by = :reviewedBy, review_notes = :reviewNotes, closed_at = :closedAt, outcome = :outcome, "
                + "outcome_notes = :outcomeNotes, "
                + "version = :version, updated_at = :updatedAt WHERE id = :id AND version = :version - 1")
                .paramSource(params(c)).update();
        if (n != 1) {
            throw new org.springframework.dao.OptimisticLockingFailureException("change " + c.number() + " changed concurrently");
        }
    }

    /** Writes everything a draft says (its identity, requester and creation stay). */
    void updateDraft(ChangeRequest c) {
        int n = jdbc.sql("UPDATE change_request SET title = :title, type = :type, template_id = :templateId, description = :description, "
                + "implementation_plan = :implementationPlan, test_plan = :testPlan, test_evidence = :testEvidence, "
                + "test_environment = :testEnvironment, fallback_plan = :fallbackPlan, security_assessment = :securityAssessment, "
                + "compliance_confirmed = :complianceConfirmed, emergency_justification = :emergencyJustification, "
                + "planned_start = :plannedStart, planned_end = :plannedEnd, risk_answers = CAST(:riskAnswers AS jsonb), "
                + "risk_questionnaire = :riskQuestionnaire, risk_items = :riskItems, risk = :risk, risk_override_level = :riskOverrideLevel, "
                + "risk_override_justification = :riskOverrideJustification, risk_override_by = :riskOverrideBy, "
                + "network_device = :networkDevice, implementer = :implementer, version = :version, updated_at = :updatedAt "
                + "WHERE id = :id AND state = 'draft' AND version = :version - 1")
                .paramSource(params(c)).update();
        if (n != 1) {
            throw new org.springframework.dao.OptimisticLockingFailureException("change " + c.number() + " changed concurrently");
        }
    }

    void replaceItems(UUID changeId, Collection<UUID> items) {
        jdbc.sql("DELETE FROM change_item WHERE change_id = ?").param(changeId).update();
        addItems(changeId, items);
    }

    void replaceStakeholders(UUID changeId, Collection<Stakeholder> stakeholders) {
        jdbc.sql("DELETE FROM change_stakeholder WHERE change_id = ?").param(changeId).update();
        addStakeholders(changeId, stakeholders);
    }

    private static Map<String, Object> params(ChangeRequest c) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("id", c.id());
        p.put("seq", c.seq());
        p.put("number", c.number());
        p.put("title", c.title());
        p.put("type", c.type().wireName());
        p.put("templateId", c.templateId());
        p.put("state", c.state().wireName());
        p.put("description", c.description());
        p.put("implementationPlan", c.implementationPlan());
        p.put("testPlan", c.testPlan());
        p.put("testEvidence", c.testEvidence());
        p.put("testEnvironment", c.testEnvironment());
        p.put("fallbackPlan", c.fallbackPlan());
        p.put("securityAssessment", c.securityAssessment());
        p.put("complianceConfirmed", c.complianceConfirmed());
        p.put("emergencyJustification", c.emergencyJustification());
        p.put("plannedStart", ts(c.plannedStart()));
        p.put("plannedEnd", ts(c.plannedEnd()));
        p.put("riskAnswers", JSON.writeValueAsString(c.riskAnswers()));
        p.put("riskQuestionnaire", c.riskFromQuestionnaire().wireName());
        p.put("riskItems", c.riskFromItems().wireName());
        p.put("risk", c.risk().wireName());
        p.put("riskOverrideLevel", c.riskOverrideLevel() == null ? null : c.riskOverrideLevel().wireName());
        p.put("riskOverrideJustification", c.riskOverrideJustification());
        p.put("riskOverrideBy", c.riskOverrideBy());
        p.put("networkDevice", c.networkDevice());
        p.put("requester", c.requester());
        p.put("implementer", c.implementer());
        p.put("approvedBy", c.approvedBy());
        p.put("securityApprovedBy", c.securityApprovedBy());
        p.put("createdAt", ts(c.createdAt()));
        p.put("submittedAt", ts(c.submittedAt()));
        p.put("approvedAt", ts(c.approvedAt()));
        p.put("startedAt", ts(c.startedAt()));
        p.put("finishedAt", ts(c.finishedAt()));
        p.put("reviewDue", ts(c.reviewDue()));
        p.put("reviewedAt", ts(c.reviewedAt()));
        p.put("reviewedBy", c.reviewedBy());
        p.put("reviewNotes", c.reviewNotes());
        p.put("closedAt", ts(c.closedAt()));
        p.put("outcome", c.outcome());
        p.put("outcomeNotes", c.outcomeNotes());
        p.put("version", c.version());
        p.put("updatedAt", ts(c.updatedAt()));
        return p;
    }

    static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static ChangeRequest row(ResultSet rs, int n) throws SQLException {
        String override = rs.getString("risk_override_level");
        String template = rs.getString("template_id");
        return new ChangeRequest(rs.getObject("id", UUID.class), rs.getLong("seq"), rs.getString("number"), rs.getString("title"),
                ChangeType.of(rs.getString("type")), template == null ? null : UUID.fromString(template),
                ChangeState.of(rs.getString("state")), rs.getString("description"), rs.getString("implementation_plan"),
                rs.getString("test_plan"), rs.getString("test_evidence"), rs.getString("test_environment"),
                rs.getString("fallback_plan"), rs.getString("security_assessment"), rs.getBoolean("compliance_confirmed"),
                rs.getString("emergency_justification"), instant(rs, "planned_start"), instant(rs, "planned_end"),
                JSON.readValue(rs.getString("risk_answers"), new TypeReference<LinkedHashMap<String, Boolean>>() { }),
                RiskLevel.of(rs.getString("risk_questionnaire")), RiskLevel.of(rs.getString("risk_items")),
                RiskLevel.of(rs.getString("risk")), override == null ? null : RiskLevel.of(override),
                rs.getString("risk_override_justification"), rs.getString("risk_override_by"), rs.getBoolean("network_device"),
                rs.getString("requester"), rs.getString("implementer"), rs.getString("approved_by"),
                rs.getString("security_approved_by"), instant(rs, "created_at"), instant(rs, "submitted_at"),
                instant(rs, "approved_at"), instant(rs, "started_at"), instant(rs, "finished_at"), instant(rs, "review_due"),
                instant(rs, "reviewed_at"), rs.getString("reviewed_by"), rs.getString("review_notes"), instant(rs, "closed_at"),
                rs.getString("outcome"), rs.getString("outcome_notes"), rs.getInt("version"), instant(rs, "updated_at"));
    }

    /** {@code CHG-000123} or the change's UUID. */
    Optional<ChangeRequest> find(String key) {
        return query(key, "");
    }

    /** The same, holding the row lock until the transaction ends: transitions and votes serialise on it. */
    Optional<ChangeRequest> lock(String key) {
        return query(key, " FOR UPDATE");
    }

    private Optional<ChangeRequest> query(String key, String suffix) {
        if (key != null && key.matches("CHG-[0-9]{6,}")) {
            return jdbc.sql("SELECT " + COLUMNS + " FROM change_request WHERE number = ?" + suffix).param(key).query(ChangeRepository::row)
                    .optional();
        }
        try {
            UUID id = UUID.fromString(key);
            return jdbc.sql("SELECT " + COLUMNS + " FROM change_request WHERE id = ?" + suffix).param(id).query(ChangeRepository::row)
                    .optional();
        } catch (IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }

    List<ChangeRequest> page(Filter f, int limit, long offset) {
        List<Object> params = new ArrayList<>();
        String where = where(f, params);
        params.add(limit);
        params.add(offset);
        return jdbc.sql("SELECT " + COLUMNS + " FROM change_request" + where + " ORDER BY created_at DESC, seq DESC LIMIT ? OFFSET ?")
                .params(params).query(ChangeRepository::row).list();
    }

    long count(Filter f) {
        List<Object> params = new ArrayList<>();
        String where = where(f, params);
        return jdbc.sql("SELECT count(*) FROM change_request" + where).params(params).query(Long.class).single();
    }

    /** Every matching change, oldest first (calendar, reports): bounded by the caller's window. */
    List<ChangeRequest> all(Filter f, int max) {
        List<Object> params = new ArrayList<>();
        String where = where(f, params);
        params.add(max);
        return jdbc.sql("SELECT " + COLUMNS + " FROM change_request" + where + " ORDER BY planned_start NULLS LAST, seq LIMIT ?")
                .params(params).query(ChangeRepository::row).list();
    }

    private static String where(Filter f, List<Object> params) {
        List<String> clauses = new ArrayList<>();
        if (f.states() != null && !f.states().isEmpty()) {
            clauses.add("state IN (" + String.join(",", f.states().stream().map(s -> "?").toList()) + ")");
            f.states().forEach(s -> params.add(s.wireName()));
        }
        if (f.type() != null) {
            clauses.add("type = ?");
            params.add(f.type().wireName());
        }
        if (f.risk() != null) {
            clauses.add("risk = ?");
            params.add(f.risk().wireName());
        }
        if (f.requester() != null) {
            clauses.add("requester = ?");
            params.add(f.requester());
        }
        if (f.involving() != null) {
            clauses.add("(requester = ? OR implementer = ? OR id IN (SELECT change_id FROM change_stakeholder WHERE name = ?))");
            params.add(f.involving());
            params.add(f.involving());
            params.add(f.involving());
        }
        if (f.item() != null) {
            clauses.add("id IN (SELECT change_id FROM change_item WHERE item_id = ?)");
            params.add(f.item());
        }
        if (f.text() != null && !f.text().isBlank()) {
            String t = f.text().strip();
            if (t.matches("CHG-[0-9]{6,}")) {
                clauses.add("number = ?");
                params.add(t);
            } else {
                clauses.add("title ILIKE ? ESCAPE '\\'");
                params.add("%" + t.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
            }
        }
        if (f.from() != null) {
            clauses.add("planned_end > ?");
            params.add(ts(f.from()));
        }
        if (f.to() != null) {
            clauses.add("planned_start < ?");
            params.add(ts(f.to()));
        }
        return clauses.isEmpty() ? "" : " WHERE " + String.join(" AND ", clauses);
    }

    void addItems(UUID changeId, Collection<UUID> items) {
        for (UUID item : items) {
            jdbc.sql("INSERT INTO change_item (change_id, item_id) VALUES (?, ?)").params(changeId, item).update();
        }
    }

    List<UUID> items(UUID changeId) {
        return jdbc.sql("SELECT item_id FROM change_item WHERE change_id = ? ORDER BY item_id").param(changeId).query(UUID.class).list();
    }

    void addStakeholders(UUID changeId, Collection<Stakeholder> stakeholders) {
        for (Stakeholder s : stakeholders) {
            jdbc.sql("INSERT INTO change_stakeholder (change_id, kind, name, email) VALUES (?, ?, ?, ?)")
                    .params(changeId, s.kind(), s.name(), s.email()).update();
        }
    }

    List<Stakeholder> stakeholders(UUID changeId) {
        return jdbc.sql("SELECT kind, name, email FROM change_stakeholder WHERE change_id = ? ORDER BY kind DESC, name")
                .param(changeId).query((rs, n) -> new Stakeholder(rs.getString(1), rs.getString(2), rs.getString(3))).list();
    }

    void addTransition(UUID changeId, Transition t) {
        jdbc.sql("INSERT INTO change_transition (change_id, action, from_state, to_state, actor, at, comment) VALUES (?, ?, ?, ?, ?, ?, ?)")
                .params(changeId, t.action(), t.fromState(), t.toState(), t.actor(), ts(t.at()), t.comment()).update();
    }

    List<Transition> transitions(UUID changeId) {
        return jdbc.sql("SELECT action, from_state, to_state, actor, at, comment FROM change_transition WHERE change_id = ? ORDER BY id")
                .param(changeId).query((rs, n) -> new Transition(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        instant(rs, "at"), rs.getString(6))).list();
    }
}
