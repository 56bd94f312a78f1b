package org.opsledger.change.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.opsledger.identity.Role;
import org.opsledger.identity.SeparationOfDuties;
import org.opsledger.inventory.ConfigurationItemSummary;
import org.opsledger.inventory.ConfigurationItems;
import org.opsledger.shared.Environment;
import org.opsledger.shared.PageResult;
import org.opsledger.shared.ProblemException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Change requests and their workflow (IS.012 6.2). Each method is one transaction: the change row is
 * locked, the transition checked against {@link Workflow}, written with its timeline step and its
 * audit entry (before and after), and the stakeholders' messages queued — or nothing is written.
 */
@Service
class ChangeService {

    private static final Pattern EMAIL = Pattern.compile("[^@\\s<>\"']{1,64}@[^@\\s<>\"']{1,189}");

    /** {@code riskOverride}: a manual risk level with its justification (IS.012 6.2.1). */
    record RiskOverride(String level, String justification) {
    }

    /** A stakeholder as asked for: a person by e-mail (and name), or a configured group. */
    record StakeholderRequest(String name, String email, String group) {
    }

    /** What {@code POST /api/v1/changes} takes. */
    record NewChange(String title, String type, String templateId, String description, String implementationPlan, String testPlan,
            String testEvidence, String testEnvironment, String fallbackPlan, String securityAssessment, Boolean complianceConfirmed,
            String emergencyJustification, String plannedStart, String plannedEnd, RiskOverride riskOverride, List<String> items,
            Map<String, Object> riskAnswers, List<StakeholderRequest> stakeholders, String implementer) {
    }

    /** What the transition endpoints take; each uses the fields it needs. */
    record TransitionRequest(String comment, String reason, String notes, RiskOverride riskOverride, String plannedStart,
            String plannedEnd, String implementer) {

        static TransitionRequest empty() {
            return new TransitionRequest(null, null, null, null, null, null, null);
        }
    }

    /** A change with what is kept beside it. */
    record Details(ChangeRequest change, List<UUID> items, List<ChangeRepository.Stakeholder> stakeholders,
            List<ChangeRepository.Transition> timeline, List<CabVotes.Vote> votes, List<ChangeCalendar.Conflict> conflicts,
            List<StakeholderNotifications.Notification> notifications, Set<Workflow.Action> allowed) {
    }

    private final ChangeRepository changes;
    private final StandardTemplates templates;
    private final ChangeCalendar calendar;
    private final StakeholderNotifications notifications;
    private final CabVotes votes;
    private final ConfigurationItems inventory;
    private final SeparationOfDuties duties;
    private final AuditTrail audit;
    private final ChangeProperties properties;
    private final Clock clock;

    ChangeService(ChangeRepository changes, StandardTemplates templates, ChangeCalendar calendar, StakeholderNotifications notifications,
            CabVotes votes, ConfigurationItems inventory, SeparationOfDuties duties, AuditTrail audit,
            ChangeProperties properties, Clock clock) {
        this.changes = changes;
        this.templates = templates;
        this.calendar = calendar;
        this.notifications = notifications;
        this.votes = votes;
        this.inventory = inventory;
        this.duties = duties;
        this.audit = audit;
        this.properties = properties;
        this.clock = clock;
    }

    // ---------------------------------------------------------------- reading

    @Transactional(readOnly = true)
    ChangeRequest get(String key) {
        return changes.find(key).orElseThrow(() -> ProblemException.notFound("Change " + key));
    }

    @Transactional(readOnly = true)
    Details details(String key) {
        ChangeRequest c = get(key);
        List<UUID> items = changes.items(c.id());
        return new Details(c, items, changes.stakeholders(c.id()), changes.transitions(c.id()), votes.of(c.id()),
                calendar.conflicts(c.id(), items, c.plannedStart(), c.plannedEnd()), notifications.of(c.id()), Workflow.allowed(c));
    }

    @Transactional(readOnly = true)
    PageResult<ChangeRequest> list(ChangeRepository.Filter filter, int page, int size) {
        return new PageResult<>(changes.page(filter, size, PageResult.offset(page, size)), page, size, changes.count(filter));
    }

    /** The conflicts of the change's window, or of a proposed one, shown before approval. */
    @Transactional(readOnly = true)
    List<ChangeCalendar.Conflict> conflicts(String key, Instant start, Instant end) {
        ChangeRequest c = get(key);
        return calendar.conflicts(c.id(), changes.items(c.id()), or(start, c.plannedStart()), or(end, c.plannedEnd()));
    }

    // ---------------------------------------------------------------- creating

    /** A draft as asked for, checked, with its risk computed; not yet numbered. */
    private record Prepared(ChangeRequest change, Set<UUID> itemIds, List<ChangeRepository.Stakeholder> stakeholders,
            StandardTemplates.Template template, RiskLevel computed) {
    }

    /** Records a change request as a draft (IS.012 6.2.3), with its risk computed (6.2.1). */
    @Transactional
    ChangeRequest create(NewChange r) {
        Instant now = clock.instant();
        String actor = actor();
        Prepared p = prepare(r, actor, now);
        long seq = changes.nextSeq();
        ChangeRequest c = p.change().identified(UUID.randomUUID(), seq, ChangeRequest.number(seq), actor, now, 0);
        changes.insert(c);
        changes.addItems(c.id(), p.itemIds());
        changes.addStakeholders(c.id(), p.stakeholders());
        changes.addTransition(c.id(), new ChangeRepository.Transition("create", null, c.state().wireName(), actor, now, null));
        audit.record(AuditEvent.of("change.create", Access.CREATE, "change", c.number()).change(null, draftView(c, p)));
        return c;
    }

    /** Replaces what a draft says; only drafts change this way, by their requester or a change manager. */
    @Transactional
    ChangeRequest edit(String key, NewChange r) {
        ChangeRequest before = changes.lock(key).orElseThrow(() -> ProblemException.notFound("Change " + key));
        if (before.state() != ChangeState.DRAFT) {
            IllegalTransition refusal = new IllegalTransition(before.number(), "edit", before.state(), Workflow.allowed(before));
            audit.recordIndependently(AuditEvent.of("change.edit", Access.UPDATE, "change", before.number()).failed(refusal.getMessage()));
            throw refusal;
        }
        requireRequesterOrManager(before);
        Instant now = clock.instant();
        Prepared p = prepare(r, actor(), now);
        ChangeRequest after = p.change().identified(before.id(), before.seq(), before.number(), before.requester(), before.createdAt(),
                before.version() + 1);
        changes.updateDraft(after);
        changes.replaceItems(after.id(), p.itemIds());
        changes.replaceStakeholders(after.id(), p.stakeholders());
        changes.addTransition(after.id(), new ChangeRepository.Transition("edit", "draft", "draft", actor(), now, null));
        Map<String, Object> beforeView = draftView(before, null);
        beforeView.put("items", changes.items(before.id()).stream().map(UUID::toString).toList());
        audit.record(AuditEvent.of("change.edit", Access.UPDATE, "change", after.number()).change(beforeView, draftView(after, p)));
        return after;
    }

    private static Map<String, Object> draftView(ChangeRequest c, Prepared p) {
        Map<String, Object> view = c.auditView();
        view.put("title", c.title());
        if (p != null) {
            view.put("items", p.itemIds().stream().map(UUID::toString).toList());
            if (p.template() != null) {
                view.put("template", p.template().name());
            }
            if (c.riskOverrideLevel() != null) {
                view.put("computedRisk", p.computed().wireName());
                view.put("riskOverrideJustification", c.riskOverrideJustification());
            }
        }
        return view;
    }

    private Prepared prepare(NewChange r, String actor, Instant now) {
        String title = text(r.title(), "title", 200, true);
        ChangeType type = ChangeType.fromWireName(r.type() == null ? "" : r.type())
                .orElseThrow(() -> ProblemException.invalid("type", "type is 'standard', 'normal' or 'emergency'"));
        StandardTemplates.Template template = null;
        if (type == ChangeType.STANDARD) {
            if (r.templateId() == null) {
                throw ProblemException.invalid("templateId", "A standard change uses a pre-approved template: give its templateId");
            }
            template = templates.find(uuid(r.templateId(), "templateId")).filter(t -> !t.retired())
                    .orElseThrow(() -> ProblemException.invalid("templateId", "No such pre-approved template (or it is retired)"));
        } else if (r.templateId() != null) {
            throw ProblemException.invalid("templateId", "Only standard changes use a template");
        }
        String description = text(r.description(), "description", 20_000, false);
        String implementationPlan = or(text(r.implementationPlan(), "implementationPlan", 20_000, false),
                template == null ? null : template.implementationPlan());
        String testPlan = or(text(r.testPlan(), "testPlan", 20_000, false), template == null ? null : template.testPlan());
        String testEvidence = text(r.testEvidence(), "testEvidence", 20_000, false);
        String testEnvironment = r.testEnvironment() == null ? null : Environment.fromWireName(r.testEnvironment())
                .orElseThrow(() -> ProblemException.invalid("testEnvironment", "testEnvironment is development, test or production"))
                .wireName();
        String fallbackPlan = or(text(r.fallbackPlan(), "fallbackPlan", 20_000, false), template == null ? null : template.fallbackPlan());
        String securityAssessment = text(r.securityAssessment(), "securityAssessment", 20_000, false);
        String emergencyJustification = text(r.emergencyJustification(), "emergencyJustification", 20_000, false);
        if (emergencyJustification != null && type != ChangeType.EMERGENCY) {
            throw ProblemException.invalid("emergencyJustification", "Only emergency changes carry an emergency justification");
        }
        Instant start = instant(r.plannedStart(), "plannedStart", false);
        Instant end = instant(r.plannedEnd(), "plannedEnd", false);
        if (start != null && end != null && !end.isAfter(start)) {
            throw ProblemException.invalid("plannedEnd", "plannedEnd must be after plannedStart");
        }
        Map<String, Boolean> answers = RiskAssessment.answers(r.riskAnswers());
        Set<UUID> itemIds = new LinkedHashSet<>();
        if (r.items() != null) {
            if (r.items().size() > 500) {
                throw ProblemException.invalid("items", "At most 500 affected items per change");
            }
            r.items().forEach(i -> itemIds.add(uuid(i, "items")));
        }
        List<ConfigurationItemSummary> items = resolve(itemIds);
        List<ChangeRepository.Stakeholder> stakeholders = stakeholders(r.stakeholders());
        String implementer = text(r.implementer(), "implementer", 64, false);

        RiskLevel fromAnswers = RiskAssessment.fromQuestionnaire(answers);
        RiskLevel fromItems = RiskAssessment.fromItems(items);
        RiskLevel computed = fromAnswers.max(fromItems);
        boolean networkDevice = items.stream().anyMatch(ConfigurationItemSummary::networkDevice);
        RiskOverride override = r.riskOverride();
        RiskLevel overrideLevel = override == null ? null : checkOverride(override, computed);
        RiskLevel risk = overrideLevel == null ? computed : overrideLevel;
        if (type == ChangeType.STANDARD) {
            // IS.012 6.2.1: a standard change is Low risk by definition; anything riskier is a normal change
            if (risk != RiskLevel.LOW) {
                throw ProblemException.invalid(overrideLevel != null ? "riskOverride.level" : "items",
                        "A standard change is Low risk; this one is " + risk.wireName() + ": raise a normal change");
            }
            if (networkDevice) {
                throw ProblemException.invalid("items", "A change to a network device needs a security officer's approval "
                        + "(IS.012 6.3.6): raise a normal change");
            }
        }
        ChangeRequest c = new ChangeRequest(null, 0, null, title, type,
                template == null ? null : template.id(), ChangeState.DRAFT, description == null ? "" : description,
                implementationPlan, testPlan, testEvidence, testEnvironment, fallbackPlan, securityAssessment,
                Boolean.TRUE.equals(r.complianceConfirmed()), emergencyJustification, start, end, answers, fromAnswers, fromItems,
                risk, overrideLevel, overrideLevel == null ? null : override.justification().strip(), overrideLevel == null ? null : actor,
                networkDevice, actor, implementer, null, null, now, null, null, null, null, null, null, null, null, null, null, null, 0, now);
        return new Prepared(c, itemIds, stakeholders, template, computed);
    }

    /** IS.012 6.2.1: an override carries a justification; lowering the computed risk is the change manager's call. */
    private RiskLevel checkOverride(RiskOverride override, RiskLevel computed) {
        RiskLevel level = RiskLevel.fromWireName(override.level() == null ? "" : override.level())
                .orElseThrow(() -> ProblemException.invalid("riskOverride.level", "level is low, medium or high"));
        if (override.justification() == null || override.justification().strip().length() < 10) {
            throw ProblemException.invalid("riskOverride.justification",
                    "A risk override needs a justification of at least 10 characters");
        }
        if (level.compareTo(computed) < 0 && !hasRole(Role.CHANGE_MANAGER)) {
            throw ProblemException.forbidden("Only a change manager may set a risk below the computed " + computed.wireName()
                    + " (IS.012 6.2.2: the CAB is not bypassed by the requester)");
        }
        return level;
    }

    private List<ConfigurationItemSummary> resolve(Set<UUID> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<ConfigurationItemSummary> found = inventory.find(ids);
        if (found.size() != ids.size()) {
            Set<UUID> missing = new LinkedHashSet<>(ids);
            found.forEach(f -> missing.remove(f.id()));
            throw ProblemException.invalid("items", "No configuration item " + missing.iterator().next() + " in the inventory");
        }
        return found;
    }

    private List<ChangeRepository.Stakeholder> stakeholders(List<StakeholderRequest> requests) {
        List<ChangeRepository.Stakeholder> result = new ArrayList<>();
        if (requests == null) {
            return result;
        }
        for (StakeholderRequest s : requests) {
            if (s == null) {
                throw ProblemException.invalid("stakeholders", "A stakeholder is {name, email} or {group}");
            }
            if (s.group() != null) {
                if (!properties.groups().containsKey(s.group())) {
                    throw ProblemException.invalid("stakeholders", "No stakeholder group '" + s.group() + "'; the groups are: "
                            + String.join(", ", properties.groups().keySet().stream().sorted().toList()));
                }
                result.add(new ChangeRepository.Stakeholder("group", s.group(), null));
            } else {
                String email = s.email() == null ? "" : s.email().strip();
                if (email.length() > 254 || !EMAIL.matcher(email).matches()) {
                    throw ProblemException.invalid("stakeholders", "A stakeholder needs an e-mail address or a group");
                }
                String name = s.name() == null || s.name().isBlank() ? email : text(s.name(), "stakeholders", 200, true);
                result.add(new ChangeRepository.Stakeholder("person", name, email));
            }
        }
        if (result.stream().map(x -> x.kind() + ":" + x.name()).distinct().count() != result.size()) {
            throw ProblemException.invalid("stakeholders", "A stakeholder is named twice");
        }
        return result;
    }

    // ---------------------------------------------------------------- transitions

    /**
     * IS.012 6.2.4, 6.2.5, 6.2.7: a change is submitted only with its implementation plan, its test
     * plan with evidence from a lower environment, its fallback plan and the security and compliance
     * checks; a standard change is approved by its template at once.
     */
    @Transactional
    ChangeRequest submit(String key) {
        ChangeRequest before = lock(key, Workflow.Action.SUBMIT);
        requireRequesterOrManager(before);
        List<UUID> itemIds = changes.items(before.id());
        List<ConfigurationItemSummary> items = resolve(new LinkedHashSet<>(itemIds));
        List<ChangeRepository.Stakeholder> stakeholders = changes.stakeholders(before.id());
        checkSubmission(before, items, stakeholders);
        Instant now = clock.instant();
        ChangeRequest.Builder b = before.toBuilder();
        b.state = ChangeState.SUBMITTED;
        b.submittedAt = now;
        b.riskFromItems = RiskAssessment.fromItems(items);
        b.risk = recomputedRisk(before, items);
        ChangeRequest submitted = save(before, b, now, "submit", null);
        notifications.queue(submitted, stakeholders, "submitted", "Submitted for approval");
        if (before.type() != ChangeType.STANDARD) {
            return submitted;
        }
        // IS.012 6.2.1: the template was approved once; its use is recorded on every change that uses it
        StandardTemplates.Template template = templates.find(before.templateId()).orElseThrow();
        ChangeRequest.Builder a = submitted.toBuilder();
        a.state = ChangeState.APPROVED;
        a.approvedAt = now;
        a.approvedBy = "template:" + template.name();
        ChangeRequest approved = save(submitted, a, now, "approve", "pre-approved standard change template '" + template.name() + "'");
        notifications.queue(approved, stakeholders, "approved", "Approved (standard change)");
        return approved;
    }

    private void checkSubmission(ChangeRequest c, List<ConfigurationItemSummary> items, List<ChangeRepository.Stakeholder> stakeholders) {
        List<String[]> missing = new ArrayList<>();
        if (blank(c.implementationPlan())) {
            missing.add(new String[] {"implementationPlan", "an implementation plan (IS.012 6.2.4)"});
        }
        if (blank(c.testPlan())) {
            missing.add(new String[] {"testPlan", "a test plan (IS.012 6.2.4)"});
        }
        if (c.type() != ChangeType.STANDARD) {
            if (blank(c.testEvidence())) {
                missing.add(new String[] {"testEvidence", "test evidence from a lower environment (IS.012 6.2.4)"});
            }
            Environment highest = items.stream().map(ConfigurationItemSummary::environment).max(Enum::compareTo)
                    .orElse(Environment.PRODUCTION);
            if (c.testEnvironment() == null) {
                missing.add(new String[] {"testEnvironment", "the environment the tests ran in (IS.012 6.2.4)"});
            } else if (Environment.fromWireName(c.testEnvironment()).orElseThrow().compareTo(highest) >= 0
                    && highest != Environment.DEVELOPMENT) { // nothing is below development: changes there are tested there
                missing.add(new String[] {"testEnvironment", "tests in an environment below " + highest.wireName() + " (IS.012 6.2.4)"});
            }
            if (blank(c.securityAssessment())) {
                missing.add(new String[] {"securityAssessment", "the security checks that apply (IS.012 6.2.5)"});
            }
            if (!c.complianceConfirmed()) {
                missing.add(new String[] {"complianceConfirmed", "confirmation that compliance requirements are met (IS.012 6.2.5)"});
            }
            String unanswered = RiskAssessment.unanswered(c.riskAnswers());
            if (unanswered != null) {
                missing.add(new String[] {"riskAnswers." + unanswered, "every risk question answered (IS.012 6.2.1)"});
            }
            if (stakeholders.isEmpty()) {
                missing.add(new String[] {"stakeholders", "at least one stakeholder to inform (IS.012 6.2.6)"});
            }
        }
        if (blank(c.fallbackPlan())) {
            missing.add(new String[] {"fallbackPlan", "a fallback plan (IS.012 6.2.7)"});
        }
        if (c.type() == ChangeType.EMERGENCY && blank(c.emergencyJustification())) {
            missing.add(new String[] {"emergencyJustification", "why this cannot wait for the normal process (IS.012 6.2.8)"});
        }
        if (c.type() != ChangeType.EMERGENCY && (c.plannedStart() == null || c.plannedEnd() == null)) {
            missing.add(new String[] {c.plannedStart() == null ? "plannedStart" : "plannedEnd", "a planned window"});
        }
        if (!missing.isEmpty()) {
            throw ProblemException.invalid(missing.getFirst()[0], "Before submission " + c.number() + " needs: "
                    + String.join("; ", missing.stream().map(m -> m[1] + " [" + m[0] + "]").toList()));
        }
    }

    /**
     * The items' tier or environment may have changed since the draft: the risk is what they say now,
     * unless a justified override sets it.
     */
    private static RiskLevel recomputedRisk(ChangeRequest c, List<ConfigurationItemSummary> items) {
        return c.riskOverrideLevel() != null ? c.riskOverrideLevel() : c.riskFromQuestionnaire().max(RiskAssessment.fromItems(items));
    }

    /** The change manager confirms the risk (may override it, justified); High and Medium go to the CAB (IS.012 6.2.2). */
    @Transactional
    ChangeRequest assess(String key, TransitionRequest r) {
        ChangeRequest before = lock(key, Workflow.Action.ASSESS);
        Instant now = clock.instant();
        ChangeRequest.Builder b = before.toBuilder();
        b.state = ChangeState.ASSESSED;
        if (r.riskOverride() != null) {
            RiskLevel computed = before.riskFromQuestionnaire().max(before.riskFromItems());
            b.riskOverrideLevel = checkOverride(r.riskOverride(), computed);
            b.riskOverrideJustification = r.riskOverride().justification().strip();
            b.riskOverrideBy = actor();
            b.risk = b.riskOverrideLevel;
        }
        ChangeRequest assessed = save(before, b, now, "assess", r.comment() == null ? (r.riskOverride() == null ? null
                : "risk overridden to " + b.risk.wireName() + ": " + b.riskOverrideJustification) : r.comment());
        if (!assessed.needsCab()) {
            return assessed;
        }
        ChangeRequest.Builder c = assessed.toBuilder();
        c.state = ChangeState.CAB_REVIEW;
        ChangeRequest review = save(assessed, c, now, "cab-review", "IS.012 6.2.2: " + assessed.risk().wireName() + " risk needs CAB approval");
        return review;
    }

    /**
     * One approver: a Low-risk normal change after assessment, or an emergency change (IS.012 6.2.8:
     * one authorised approver is enough to start). Never the requester or the implementer; a change to
     * a network device needs the security officer's approval first (IS.012 6.3.6).
     */
    @Transactional
    ChangeRequest approve(String key, TransitionRequest r) {
        ChangeRequest before = lock(key, Workflow.Action.APPROVE);
        if (before.type() == ChangeType.EMERGENCY ? !hasRole(Role.CHANGE_MANAGER) && !hasRole(Role.CAB_MEMBER)
                : !hasRole(Role.CHANGE_MANAGER)) {
            throw ProblemException.forbidden(before.type() == ChangeType.EMERGENCY
                    ? "An emergency change is approved by a change manager or a CAB member"
                    : "A Low-risk change is approved by a change manager");
        }
        duties.checkActor("requester-not-approver", "change", before.number(), before.requester());
        duties.checkActor("implementer-not-approver", "change", before.number(), before.implementer());
        requireSecurityApproval(before);
        ChangeRequest approved = approved(before, actor(), r.comment());
        return approved;
    }

    /** IS.012 6.3.6: a change touching a network device is not approved without a security officer's approval. */
    void requireSecurityApproval(ChangeRequest c) {
        if (c.networkDevice() && c.securityApprovedBy() == null) {
            throw ProblemException.conflict(c.number() + " touches a network device: a security officer must approve it first "
                    + "(IS.012 6.3.6; POST /api/v1/changes/" + c.number() + "/cab-votes as security officer)", null);
        }
    }

    /** Writes the approval; called by {@link #approve} and by the CAB when its quorum approves. */
    ChangeRequest approved(ChangeRequest before, String approver, String comment) {
        Instant now = clock.instant();
        ChangeRequest.Builder b = before.toBuilder();
        b.state = ChangeState.APPROVED;
        b.approvedAt = now;
        b.approvedBy = approver;
        if (before.type() == ChangeType.EMERGENCY) {
            // IS.012 6.2.8: the full review follows within the configured number of days
            b.reviewDue = now.plus(Duration.ofDays(properties.emergencyReviewDays()));
        }
        ChangeRequest approved = save(before, b, now, "approve", comment);
        notifications.queue(approved, changes.stakeholders(before.id()), "approved", "Approved");
        return approved;
    }

    @Transactional
    ChangeRequest reject(String key, TransitionRequest r) {
        ChangeRequest before = lock(key, Workflow.Action.REJECT);
        String reason = text(r.reason(), "reason", 5_000, true);
        duties.checkActor("requester-not-approver", "change", before.number(), before.requester());
        return rejected(before, reason);
    }

    ChangeRequest rejected(ChangeRequest before, String reason) {
        Instant now = clock.instant();
        ChangeRequest.Builder b = before.toBuilder();
        b.state = ChangeState.REJECTED;
        b.closedAt = now;
        ChangeRequest rejected = save(before, b, now, "reject", reason);
        notifications.queue(rejected, changes.stakeholders(before.id()), "rejected", "Rejected: " + reason);
        return rejected;
    }

    /** Puts an approved change on the calendar; never inside a blackout window unless it is an emergency. */
    @Transactional
    ChangeRequest schedule(String key, TransitionRequest r) {
        ChangeRequest before = lock(key, Workflow.Action.SCHEDULE);
        Instant start = or(instant(r.plannedStart(), "plannedStart", false), before.plannedStart());
        Instant end = or(instant(r.plannedEnd(), "plannedEnd", false), before.plannedEnd());
        if (start == null || end == null) {
            throw ProblemException.invalid(start == null ? "plannedStart" : "plannedEnd", "A scheduled change has a planned window");
        }
        if (!end.isAfter(start)) {
            throw ProblemException.invalid("plannedEnd", "plannedEnd must be after plannedStart");
        }
        String implementer = or(text(r.implementer(), "implementer", 64, false), before.implementer());
        if (implementer == null) {
            throw ProblemException.invalid("implementer", "Name who carries the change out");
        }
        List<ChangeCalendar.Conflict> blackouts = calendar.conflicts(before.id(), changes.items(before.id()), start, end).stream()
                .filter(ChangeCalendar.Conflict::blocking).toList();
        if (!blackouts.isEmpty() && before.type() != ChangeType.EMERGENCY) {
            throw ProblemException.conflict(before.number() + " would be " + blackouts.getFirst().detail() + " ("
                    + blackouts.getFirst().start() + " to " + blackouts.getFirst().end() + "); choose another window", "plannedStart");
        }
        Instant now = clock.instant();
        ChangeRequest.Builder b = before.toBuilder();
        b.state = ChangeState.SCHEDULED;
        b.plannedStart = start;
        b.plannedEnd = end;
        b.implementer = implementer;
        ChangeRequest scheduled = save(before, b, now, "schedule", r.comment());
        notifications.queue(scheduled, changes.stakeholders(before.id()), "scheduled", "Scheduled for " + start + " to " + end);
        return scheduled;
    }

    /** The implementer starts; nobody implements a change they approved (separation of duties). */
    @Transactional
    ChangeRequest start(String key, TransitionRequest r) {
        ChangeRequest before = lock(key, Workflow.Action.START);
        String actor = actor();
        if (before.implementer() != null && !before.implementer().equals(actor) && !hasRole(Role.CHANGE_MANAGER)) {
            throw ProblemException.forbidden(before.number() + " is to be implemented by " + before.implementer());
        }
        duties.checkActor("implementer-not-approver", "change", before.number(), before.approvedBy());
        Instant now = clock.instant();
        ChangeRequest.Builder b = before.toBuilder();
        b.state = ChangeState.IMPLEMENTING;
        b.startedAt = now;
        b.implementer = before.implementer() == null ? actor : before.implementer();
        b.plannedStart = before.plannedStart() == null ? now : before.plannedStart(); // an emergency started unplanned
        ChangeRequest started = save(before, b, now, "start", r.comment());
        return started;
    }

    @Transactional
    ChangeRequest complete(String key, TransitionRequest r) {
        ChangeRequest before = lock(key, Workflow.Action.COMPLETE);
        requireImplementerOrManager(before);
        return finished(before, ChangeState.IMPLEMENTED, text(r.notes(), "notes", 20_000, false), "Implemented");
    }

    /** IS.012 6.2.7: a failed change says how the fallback was carried out. */
    @Transactional
    ChangeRequest fail(String key, TransitionRequest r) {
        ChangeRequest before = lock(key, Workflow.Action.FAIL);
        requireImplementerOrManager(before);
        String notes = text(r.notes(), "notes", 20_000, false);
        if (notes == null) {
            throw ProblemException.invalid("notes", "Say how the fallback plan was carried out (IS.012 6.2.7)");
        }
        return finished(before, ChangeState.FAILED, notes, "Failed; fallback carried out");
    }

    private ChangeRequest finished(ChangeRequest before, ChangeState state, String notes, String what) {
        Instant now = clock.instant();
        ChangeRequest.Builder b = before.toBuilder();
        b.state = state;
        b.finishedAt = now;
        b.outcome = state.wireName();
        b.outcomeNotes = notes;
        b.plannedEnd = before.plannedEnd() == null ? now : before.plannedEnd();
        ChangeRequest finished = save(before, b, now, state == ChangeState.FAILED ? "fail" : "complete", notes);
        notifications.queue(finished, changes.stakeholders(before.id()), "outcome", what);
        return finished;
    }

    /** The post-implementation review (for an emergency change, its full retrospective review: IS.012 6.2.8). */
    @Transactional
    ChangeRequest review(String key, TransitionRequest r) {
        ChangeRequest before = lock(key, Workflow.Action.REVIEW);
        String notes = text(r.notes(), "notes", 20_000, true);
        duties.checkActor("implementer-not-approver", "change", before.number(), before.implementer());
        Instant now = clock.instant();
        ChangeRequest.Builder b = before.toBuilder();
        b.state = ChangeState.REVIEWED;
        b.reviewedAt = now;
        b.reviewedBy = actor();
        b.reviewNotes = notes;
        return save(before, b, now, "review", before.reviewDue() != null && now.isAfter(before.reviewDue())
                ? "late: the review was due " + before.reviewDue() : null);
    }

    @Transactional
    ChangeRequest close(String key, TransitionRequest r) {
        ChangeRequest before = lock(key, Workflow.Action.CLOSE);
        Instant now = clock.instant();
        ChangeRequest.Builder b = before.toBuilder();
        b.state = ChangeState.CLOSED;
        b.closedAt = now;
        return save(before, b, now, "close", r.comment());
    }

    @Transactional
    ChangeRequest cancel(String key, TransitionRequest r) {
        ChangeRequest before = lock(key, Workflow.Action.CANCEL);
        requireRequesterOrManager(before);
        String reason = text(r.reason(), "reason", 5_000, true);
        Instant now = clock.instant();
        ChangeRequest.Builder b = before.toBuilder();
        b.state = ChangeState.CANCELLED;
        b.closedAt = now;
        ChangeRequest cancelled = save(before, b, now, "cancel", reason);
        notifications.queue(cancelled, changes.stakeholders(before.id()), "cancelled", "Cancelled: " + reason);
        return cancelled;
    }

    // ---------------------------------------------------------------- helpers

    /** Locks the change and checks the action is allowed in its state (409 listing the allowed ones otherwise). */
    private ChangeRequest lock(String key, Workflow.Action action) {
        ChangeRequest c = changes.lock(key).orElseThrow(() -> ProblemException.notFound("Change " + key));
        try {
            Workflow.check(c, action);
        } catch (IllegalTransition e) {
            audit.recordIndependently(AuditEvent.of("change." + action.wireName(), Access.UPDATE, "change", c.number())
                    .failed(e.getMessage()));
            throw e;
        }
        return c;
    }

    /** Writes a transition prepared in {@code b}: the new row (version checked), its timeline step and audit entry. */
    private ChangeRequest save(ChangeRequest before, ChangeRequest.Builder b, Instant now, String action, String comment) {
        ChangeRequest after = b.build(now);
        changes.update(after);
        step(before, after, action, comment);
        return after;
    }

    /** One timeline step and its audit entry, in the transition's transaction. */
    void step(ChangeRequest before, ChangeRequest after, String action, String comment) {
        String actor = actor();
        changes.addTransition(after.id(), new ChangeRepository.Transition(action, before.state().wireName(), after.state().wireName(),
                actor, after.updatedAt(), comment));
        Map<String, Object> afterView = after.auditView();
        if (comment != null) {
            afterView.put("comment", comment);
        }
        audit.record(AuditEvent.of("change." + action, Access.UPDATE, "change", after.number()).change(before.auditView(), afterView));
    }

    private void requireRequesterOrManager(ChangeRequest c) {
        if (!c.requester().equals(actor()) && !hasRole(Role.CHANGE_MANAGER)) {
            throw ProblemException.forbidden("Only the requester of " + c.number() + " or a change manager may do this");
        }
    }

    private void requireImplementerOrManager(ChangeRequest c) {
        if (!actor().equals(c.implementer()) && !hasRole(Role.CHANGE_MANAGER)) {
            throw ProblemException.forbidden("Only the implementer of " + c.number() + " or a change manager may do this");
        }
    }

    static String actor() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth == null ? "system" : auth.getName();
    }

    static boolean hasRole(Role role) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth != null && auth.getAuthorities().stream().anyMatch(a -> a.getAuthority().equals(role.authority()));
    }

    static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }

    /** A text field: stripped, null when blank (400 when required), at most {@code max} characters. */
    static String text(String value, String field, int max, boolean required) {
        String v = value == null ? null : value.strip();
        if (v == null || v.isEmpty()) {
            if (required) {
                throw ProblemException.invalid(field, field + " is required");
            }
            return null;
        }
        if (v.length() > max) {
            throw ProblemException.invalid(field, field + " is at most " + max + " characters");
        }
        return v;
    }

    static UUID uuid(String value, String field) {
        try {
            return UUID.fromString(value == null ? "" : value.strip());
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid(field, "'" + value + "' is not an id (a UUID)");
        }
    }

    /** An ISO-8601 instant ({@code 2026-11-23T22:00:00Z}); an offset is accepted and converted to UTC. */
    static Instant instant(String value, String field, boolean required) {
        if (value == null || value.isBlank()) {
            if (required) {
                throw ProblemException.invalid(field, field + " is required (ISO-8601, e.g. 2026-11-23T22:00:00Z)");
            }
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(value.strip()).toInstant();
        } catch (DateTimeParseException e) {
            throw ProblemException.invalid(field, field + " is not an ISO-8601 date and time with an offset, e.g. 2026-11-23T22:00:00Z");
        }
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                m.put((String) kv[i], kv[i + 1]);
            }
        }
        return m;
    }
}
