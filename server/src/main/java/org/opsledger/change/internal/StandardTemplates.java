package org.opsledger.change.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
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
 * Standard changes (IS.012 6.2.1): templates a change manager pre-approves once; each change made
 * from one is Low risk, needs no CAB, and records which template it used.
 */
@Service
class StandardTemplates {

    record Template(UUID id, String name, String description, String implementationPlan, String testPlan, String fallbackPlan,
            String approvedBy, Instant approvedAt, boolean retired, long uses) {
    }

    record NewTemplate(String name, String description, String implementationPlan, String testPlan, String fallbackPlan) {
    }

    private static final String SELECT = "SELECT t.id, t.name, t.description, t.implementation_plan, t.test_plan, t.fallback_plan, "
            + "t.approved_by, t.approved_at, t.retired, (SELECT count(*) FROM change_request c WHERE c.template_id = t.id) AS uses "
            + "FROM change_template t";

    private final JdbcClient jdbc;
    private final AuditTrail audit;
    private final Clock clock;

    StandardTemplates(JdbcClient jdbc, AuditTrail audit, Clock clock) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    Template create(NewTemplate r) {
        String name = ChangeService.text(r.name(), "name", 200, true);
        String description = ChangeService.text(r.description(), "description", 20_000, true);
        String implementationPlan = ChangeService.text(r.implementationPlan(), "implementationPlan", 20_000, true);
        String testPlan = ChangeService.text(r.testPlan(), "testPlan", 20_000, true);
        String fallbackPlan = ChangeService.text(r.fallbackPlan(), "fallbackPlan", 20_000, true);
        if (jdbc.sql("SELECT count(*) FROM change_template WHERE name = ?").param(name).query(Long.class).single() > 0) {
            throw ProblemException.conflict("A template named '" + name + "' exists", "name");
        }
        Template t = new Template(UUID.randomUUID(), name, description, implementationPlan, testPlan, fallbackPlan,
                ChangeService.actor(), clock.instant(), false, 0);
        jdbc.sql("INSERT INTO change_template (id, name, description, implementation_plan, test_plan, fallback_plan, approved_by, approved_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)").params(t.id(), name, description, implementationPlan, testPlan, fallbackPlan,
                t.approvedBy(), ChangeRepository.ts(t.approvedAt())).update();
        audit.record(AuditEvent.of("change.template.create", Access.CREATE, "change-template", t.id().toString())
                .change(null, ChangeService.map("name", name, "approvedBy", t.approvedBy())));
        return t;
    }

    @Transactional(readOnly = true)
    Optional<Template> find(UUID id) {
        return jdbc.sql(SELECT + " WHERE t.id = ?").param(id).query(StandardTemplates::row).optional();
    }

    @Transactional(readOnly = true)
    PageResult<Template> list(int page, int size) {
        List<Template> items = jdbc.sql(SELECT + " ORDER BY t.name LIMIT ? OFFSET ?").params(size, PageResult.offset(page, size))
                .query(StandardTemplates::row).list();
        return new PageResult<>(items, page, size, jdbc.sql("SELECT count(*) FROM change_template").query(Long.class).single());
    }

    private static Template row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Template(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), ChangeRepository.instant(rs, "approved_at"), rs.getBoolean(9), rs.getLong(10));
    }
}
