package org.opsledger.change.internal;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** One change request as stored (IS.012 6.2.3). Items, stakeholders, votes and the timeline are kept beside it. */
record ChangeRequest(UUID id, long seq, String number, String title, ChangeType type, UUID templateId, ChangeState state,
        String description, String implementationPlan, String testPlan, String testEvidence, String testEnvironment,
        String fallbackPlan, String securityAssessment, boolean complianceConfirmed, String emergencyJustification,
        Instant plannedStart, Instant plannedEnd, Map<String, Boolean> riskAnswers, RiskLevel riskFromQuestionnaire,
        RiskLevel riskFromItems, RiskLevel risk, RiskLevel riskOverrideLevel, String riskOverrideJustification,
        String riskOverrideBy, boolean networkDevice, String requester, String implementer, String approvedBy,
        String securityApprovedBy, Instant createdAt, Instant submittedAt, Instant approvedAt, Instant startedAt,
        Instant finishedAt, Instant reviewDue, Instant reviewedAt, String reviewedBy, String reviewNotes, Instant closedAt,
        String outcome, String outcomeNotes, int version, Instant updatedAt) {

    static String number(long seq) {
        return String.format(java.util.Locale.ROOT, "CHG-%06d", seq); // an ID: Arabic-Indic digits under ar-EG
    }

    /** IS.012 6.2.2: High and Medium risk need CAB approval; standard and emergency changes follow their own paths. */
    boolean needsCab() {
        return type == ChangeType.NORMAL && risk != RiskLevel.LOW;
    }

    /** The values an audit entry records before and after a transition (no nulls: the audit maps refuse them). */
    Map<String, Object> auditView() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("number", number);
        m.put("type", type.wireName());
        m.put("state", state.wireName());
        m.put("risk", risk.wireName());
        put(m, "riskOverride", riskOverrideLevel == null ? null : riskOverrideLevel.wireName());
        put(m, "implementer", implementer);
        put(m, "approvedBy", approvedBy);
        put(m, "securityApprovedBy", securityApprovedBy);
        put(m, "plannedStart", plannedStart == null ? null : plannedStart.toString());
        put(m, "outcome", outcome);
        put(m, "plannedEnd", plannedEnd == null ? null : plannedEnd.toString());
        m.put("version", version);
        return m;
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    /** The same draft under a change's identity (a new one, or the one it replaces). */
    ChangeRequest identified(UUID newId, long newSeq, String newNumber, String newRequester, Instant created, int newVersion) {
        return new ChangeRequest(newId, newSeq, newNumber, title, type, templateId, state, description, implementationPlan, testPlan,
                testEvidence, testEnvironment, fallbackPlan, securityAssessment, complianceConfirmed, emergencyJustification,
                plannedStart, plannedEnd, riskAnswers, riskFromQuestionnaire, riskFromItems, risk, riskOverrideLevel,
                riskOverrideJustification, riskOverrideBy, networkDevice, newRequester, implementer, approvedBy, securityApprovedBy,
                created, submittedAt, approvedAt, startedAt, finishedAt, reviewDue, reviewedAt, reviewedBy, reviewNotes, closedAt,
                outcome, outcomeNotes, newVersion, updatedAt);
    }

    Builder toBuilder() {
        return new Builder(this);
    }

    /** Copies with a few fields changed (a transition changes several at once). */
    static final class Builder {
        ChangeState state;
        String implementer;
        String approvedBy;
        String securityApprovedBy;
        Instant plannedStart;
        Instant plannedEnd;
        RiskLevel riskFromItems;
        RiskLevel risk;
        RiskLevel riskOverrideLevel;
        String riskOverrideJustification;
        String riskOverrideBy;
        Instant submittedAt;
        Instant approvedAt;
        Instant startedAt;
        Instant finishedAt;
        Instant reviewDue;
        Instant reviewedAt;
        String reviewedBy;
        String reviewNotes;
        Instant closedAt;
        String outcome;
        String outcomeNotes;
        private final ChangeRequest c;

        private Builder(ChangeRequest c) {
            this.c = c;
            state = c.state;
            implementer = c.implementer;
            approvedBy = c.approvedBy;
            securityApprovedBy = c.securityApprovedBy;
            plannedStart = c.plannedStart;
            plannedEnd = c.plannedEnd;
            riskFromItems = c.riskFromItems;
            risk = c.risk;
            riskOverrideLevel = c.riskOverrideLevel;
            riskOverrideJustification = c.riskOverrideJustification;
            riskOverrideBy = c.riskOverrideBy;
            submittedAt = c.submittedAt;
            approvedAt = c.approvedAt;
            startedAt = c.startedAt;
            finishedAt = c.finishedAt;
            reviewDue = c.reviewDue;
            reviewedAt = c.reviewedAt;
            reviewedBy = c.reviewedBy;
            reviewNotes = c.reviewNotes;
            closedAt = c.closedAt;
            outcome = c.outcome;
            outcomeNotes = c.outcomeNotes;
        }

        ChangeRequest build(Instant now) {
            return new ChangeRequest(c.id, c.seq, c.number, c.title, c.type, c.templateId, state, c.description,
                    c.implementationPlan, c.testPlan, c.testEvidence, c.testEnvironment, c.fallbackPlan, c.securityAssessment,
                    c.complianceConfirmed, c.emergencyJustification, plannedStart, plannedEnd, c.riskAnswers,
                    c.riskFromQuestionnaire, riskFromItems, risk, riskOverrideLevel, riskOverrideJustification, riskOverrideBy,
                    c.networkDevice, c.requester, implementer, approvedBy, securityApprovedBy, c.createdAt, submittedAt,
                    approvedAt, startedAt, finishedAt, reviewDue, reviewedAt, reviewedBy, reviewNotes, closedAt, outcome, outcomeNotes,
                    c.version + 1, now);
        }
    }
}
