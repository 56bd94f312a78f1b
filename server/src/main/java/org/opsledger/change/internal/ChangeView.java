package org.opsledger.change.internal;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A change request as the API shows it. */
record ChangeView(UUID id, String number, String title, String type, UUID templateId, String state, String description,
        String implementationPlan, String testPlan, String testEvidence, String testEnvironment, String fallbackPlan,
        String securityAssessment, boolean complianceConfirmed, String emergencyJustification, Instant plannedStart,
        Instant plannedEnd, Risk risk, boolean networkDevice, String requester, String implementer, String approvedBy,
        String securityApprovedBy, Instant createdAt, Instant submittedAt, Instant approvedAt, Instant startedAt,
        Instant finishedAt, Instant reviewDue, Instant reviewedAt, String reviewedBy, String reviewNotes, Instant closedAt,
        String outcome, String outcomeNotes, int version, List<String> allowedActions, List<UUID> items,
        List<ChangeRepository.Stakeholder> stakeholders, List<ChangeRepository.Transition> timeline, List<CabVotes.Vote> votes,
        List<ChangeCalendar.Conflict> conflicts, List<StakeholderNotifications.Notification> notifications) {

    /**
     * IS.012 6.2.1: the level in force, what the questionnaire and the items said, and any override.
     */
    record Risk(String level, String fromQuestionnaire, String fromItems, Map<String, Boolean> answers, Override override) {
    }

    record Override(String level, String justification, String by) {
    }

    static ChangeView summary(ChangeRequest c) {
        return of(c, null);
    }

    static ChangeView of(ChangeRequest c, ChangeService.Details d) {
        Override override = c.riskOverrideLevel() == null ? null
                : new Override(c.riskOverrideLevel().wireName(), c.riskOverrideJustification(), c.riskOverrideBy());
        Risk risk = new Risk(c.risk().wireName(), c.riskFromQuestionnaire().wireName(), c.riskFromItems().wireName(), c.riskAnswers(),
                override);
        return new ChangeView(c.id(), c.number(), c.title(), c.type().wireName(), c.templateId(), c.state().wireName(),
                c.description(), c.implementationPlan(), c.testPlan(), c.testEvidence(), c.testEnvironment(), c.fallbackPlan(),
                c.securityAssessment(), c.complianceConfirmed(), c.emergencyJustification(), c.plannedStart(), c.plannedEnd(), risk,
                c.networkDevice(), c.requester(), c.implementer(), c.approvedBy(), c.securityApprovedBy(), c.createdAt(),
                c.submittedAt(), c.approvedAt(), c.startedAt(), c.finishedAt(), c.reviewDue(), c.reviewedAt(), c.reviewedBy(),
                c.reviewNotes(), c.closedAt(), c.outcome(), c.outcomeNotes(), c.version(),
                Workflow.allowed(c).stream().sorted().map(Workflow.Action::wireName).toList(),
                d == null ? null : d.items(), d == null ? null : d.stakeholders(), d == null ? null : d.timeline(),
                d == null ? null : d.votes(), d == null ? null : d.conflicts(), d == null ? null : d.notifications());
    }
}
