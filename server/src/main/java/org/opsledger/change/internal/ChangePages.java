package org.opsledger.change.internal;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opsledger.identity.SeparationOfDutiesViolation;
import org.opsledger.shared.PageResult;
import org.opsledger.shared.ProblemException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The change pages: list, a change with its timeline and actions, the CAB workbench, the calendar, the reports. */
@Controller
class ChangePages {

    private final ChangeService service;
    private final CabVotes votes;
    private final CabMeetings meetings;
    private final ChangeReports reports;
    private final ChangeCalendar calendar;
    private final ChangeProperties properties;
    private final StakeholderNotifications notifications;
    private final Clock clock;

    ChangePages(ChangeService service, CabVotes votes, CabMeetings meetings, ChangeReports reports, ChangeCalendar calendar,
            ChangeProperties properties, StakeholderNotifications notifications, Clock clock) {
        this.notifications = notifications;
        this.calendar = calendar;
        this.service = service;
        this.votes = votes;
        this.meetings = meetings;
        this.reports = reports;
        this.properties = properties;
        this.clock = clock;
    }

    @GetMapping("/changes")
    @PreAuthorize(ChangeController.READERS)
    String list(@RequestParam(required = false) String q, @RequestParam(required = false) String state,
            @RequestParam(required = false) String type, @RequestParam(required = false) String risk,
            @RequestParam(defaultValue = "0") int page, Model model) {
        model.addAttribute("section", "changes");
        model.addAttribute("q", q);
        model.addAttribute("state", state);
        model.addAttribute("type", type);
        model.addAttribute("risk", risk);
        model.addAttribute("states", Arrays.stream(ChangeState.values()).map(ChangeState::wireName).toList());
        try {
            model.addAttribute("page", service.list(ChangeController.filter(state, type, risk, null, null, q, null, null),
                    Math.max(0, page), 50));
        } catch (ProblemException e) {
            model.addAttribute("error", e.getMessage());
            model.addAttribute("page", new PageResult<ChangeRequest>(List.of(), 0, 50, 0));
        }
        return "change/list";
    }

    @GetMapping("/changes/new")
    @PreAuthorize("hasAnyRole('REQUESTER','CHANGE_MANAGER')")
    String form(Model model) {
        model.addAttribute("section", "changes");
        model.addAttribute("questions", RiskAssessment.QUESTIONS);
        model.addAttribute("groups", properties.groups().keySet().stream().sorted().toList());
        return "change/new";
    }

    @PostMapping("/changes")
    @PreAuthorize("hasAnyRole('REQUESTER','CHANGE_MANAGER')")
    String create(@RequestParam Map<String, String> form, @RequestParam(required = false) List<String> yes, RedirectAttributes flash) {
        Map<String, Object> answers = new LinkedHashMap<>();
        RiskAssessment.QUESTIONS.forEach(q -> answers.put(q.id(), yes != null && yes.contains(q.id())));
        List<ChangeService.StakeholderRequest> stakeholders = new ArrayList<>();
        if (!blank(form.get("stakeholderEmail"))) {
            stakeholders.add(new ChangeService.StakeholderRequest(form.get("stakeholderName"), form.get("stakeholderEmail"), null));
        }
        if (!blank(form.get("stakeholderGroup"))) {
            stakeholders.add(new ChangeService.StakeholderRequest(null, null, form.get("stakeholderGroup")));
        }
        List<String> items = blank(form.get("items")) ? List.of()
                : Arrays.stream(form.get("items").split("[,\\s]+")).filter(s -> !s.isBlank()).toList();
        ChangeService.RiskOverride override = blank(form.get("overrideLevel")) ? null
                : new ChangeService.RiskOverride(form.get("overrideLevel"), form.get("overrideJustification"));
        try {
            ChangeRequest c = service.create(new ChangeService.NewChange(form.get("title"), form.get("type"), blankToNull(form.get("templateId")),
                    form.get("description"), form.get("implementationPlan"), form.get("testPlan"), form.get("testEvidence"),
                    blankToNull(form.get("testEnvironment")), form.get("fallbackPlan"), form.get("securityAssessment"),
                    "on".equals(form.get("complianceConfirmed")), blankToNull(form.get("emergencyJustification")),
                    local(form.get("plannedStart")), local(form.get("plannedEnd")), override, items, answers, stakeholders,
                    blankToNull(form.get("implementer"))));
            flash.addFlashAttribute("message", c.number() + " recorded as a draft. Submit it when it is complete.");
            return "redirect:/changes/" + c.number();
        } catch (ProblemException e) {
            flash.addFlashAttribute("error", (e.field() == null ? "" : e.field() + ": ") + e.getMessage());
            return "redirect:/changes/new";
        }
    }

    /** {@code datetime-local} values are taken as UTC, as every time in OpsLedger. */
    private static String local(String value) {
        if (blank(value)) {
            return null;
        }
        try {
            return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC).toString();
        } catch (java.time.format.DateTimeParseException e) {
            return value;
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String blankToNull(String s) {
        return blank(s) ? null : s;
    }

    @GetMapping("/changes/{number:CHG-[0-9]+}")
    @PreAuthorize(ChangeController.READERS)
    String change(@PathVariable String number, Model model) {
        model.addAttribute("section", "changes");
        ChangeService.Details d = service.details(number);
        model.addAttribute("c", d.change());
        model.addAttribute("d", d);
        model.addAttribute("allowed", d.allowed().stream().sorted().map(Workflow.Action::wireName).filter(ChangePages::mayDo).toList());
        model.addAttribute("canVote", ChangeService.hasRole(org.opsledger.identity.Role.CAB_MEMBER)
                || ChangeService.hasRole(org.opsledger.identity.Role.SECURITY_OFFICER));
        return "change/change";
    }

    /** Who may take each action: the same roles as the API's endpoints. */
    static final Map<String, java.util.Set<org.opsledger.identity.Role>> ACTION_ROLES = actionRoles();

    private static Map<String, java.util.Set<org.opsledger.identity.Role>> actionRoles() {
        var cm = org.opsledger.identity.Role.CHANGE_MANAGER;
        var cab = org.opsledger.identity.Role.CAB_MEMBER;
        var req = org.opsledger.identity.Role.REQUESTER;
        var impl = org.opsledger.identity.Role.IMPLEMENTER;
        return Map.ofEntries(Map.entry("submit", java.util.Set.of(req, cm)), Map.entry("assess", java.util.Set.of(cm)),
                Map.entry("approve", java.util.Set.of(cm, cab)), Map.entry("reject", java.util.Set.of(cm, cab)),
                Map.entry("schedule", java.util.Set.of(cm)), Map.entry("start", java.util.Set.of(impl, cm)),
                Map.entry("complete", java.util.Set.of(impl, cm)), Map.entry("fail", java.util.Set.of(impl, cm)),
                Map.entry("review", java.util.Set.of(cm, cab)), Map.entry("close", java.util.Set.of(cm)),
                Map.entry("cancel", java.util.Set.of(req, cm)));
    }

    static boolean mayDo(String action) {
        return ACTION_ROLES.getOrDefault(action, java.util.Set.of()).stream().anyMatch(ChangeService::hasRole);
    }

    @PostMapping("/changes/{number:CHG-[0-9]+}/{action:submit|assess|approve|reject|schedule|start|complete|fail|review|close|cancel}")
    @PreAuthorize(ChangeController.READERS)
    String act(@PathVariable String number, @PathVariable String action, @RequestParam Map<String, String> form, RedirectAttributes flash) {
        if (!mayDo(action)) {
            throw new org.springframework.security.access.AccessDeniedException("Your roles do not permit " + action);
        }
        ChangeService.TransitionRequest r = new ChangeService.TransitionRequest(blankToNull(form.get("comment")),
                blankToNull(form.get("reason")), blankToNull(form.get("notes")), null, local(form.get("plannedStart")),
                local(form.get("plannedEnd")), blankToNull(form.get("implementer")));
        try {
            ChangeRequest c = switch (action) {
                case "submit" -> service.submit(number);
                case "assess" -> service.assess(number, r);
                case "approve" -> service.approve(number, r);
                case "reject" -> service.reject(number, r);
                case "schedule" -> service.schedule(number, r);
                case "start" -> service.start(number, r);
                case "complete" -> service.complete(number, r);
                case "fail" -> service.fail(number, r);
                case "review" -> service.review(number, r);
                case "close" -> service.close(number, r);
                default -> service.cancel(number, r);
            };
            flash.addFlashAttribute("message", c.number() + " is now " + c.state().wireName() + ".");
        } catch (ProblemException | IllegalTransition | SeparationOfDutiesViolation
                | org.springframework.security.access.AccessDeniedException e) {
            flash.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/changes/" + number;
    }

    @PostMapping("/changes/{number:CHG-[0-9]+}/vote")
    @PreAuthorize("hasAnyRole('CAB_MEMBER','SECURITY_OFFICER')")
    String vote(@PathVariable String number, @RequestParam String decision, @RequestParam(required = false) String comment,
            @RequestParam(required = false) String capacity, @RequestParam(required = false) String back, RedirectAttributes flash) {
        try {
            CabVotes.Result result = votes.vote(number, new CabVotes.VoteRequest(decision, comment, blankToNull(capacity)));
            flash.addFlashAttribute("message", "Vote recorded on " + number + "; it is " + result.change().state().wireName() + ".");
        } catch (ProblemException | SeparationOfDutiesViolation e) {
            flash.addFlashAttribute("error", e.getMessage());
        }
        return "cab".equals(back) ? "redirect:/changes/cab" : "redirect:/changes/" + number;
    }

    @GetMapping("/changes/cab")
    @PreAuthorize(ChangeController.READERS)
    String cab(Model model) {
        model.addAttribute("section", "changes");
        List<CabMeetings.AgendaItem> due = meetings.due();
        model.addAttribute("due", due);
        Map<String, List<CabVotes.Vote>> byChange = new LinkedHashMap<>();
        Map<String, List<ChangeCalendar.Conflict>> conflicts = new LinkedHashMap<>();
        for (CabMeetings.AgendaItem item : due) {
            ChangeService.Details d = service.details(item.number());
            byChange.put(item.number(), d.votes());
            conflicts.put(item.number(), d.conflicts());
        }
        model.addAttribute("votes", byChange);
        model.addAttribute("conflicts", conflicts);
        model.addAttribute("meetings", meetings.list(0, 5).items());
        model.addAttribute("quorumMedium", properties.cabQuorumMedium());
        model.addAttribute("quorumHigh", properties.cabQuorumHigh());
        return "change/cab";
    }

    @PostMapping("/changes/cab/meetings")
    @PreAuthorize("hasRole('CHANGE_MANAGER')")
    String meeting(@RequestParam String title, @RequestParam String startsAt, RedirectAttributes flash) {
        try {
            CabMeetings.Meeting m = meetings.create(new CabMeetings.NewMeeting(title, local(startsAt)));
            flash.addFlashAttribute("message", "Meeting called with " + m.agenda().size() + " change(s) on the agenda.");
        } catch (ProblemException e) {
            flash.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/changes/cab";
    }

    /** One day of the calendar grid and the changes planned on it. */
    record Day(LocalDate date, boolean inMonth, List<ChangeRequest> changes, List<ChangeCalendar.Window> blackouts) {
    }

    @GetMapping("/changes/calendar")
    @PreAuthorize(ChangeController.READERS)
    String calendar(@RequestParam(defaultValue = "month") String view, @RequestParam(required = false) String date, Model model) {
        model.addAttribute("section", "changes");
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        LocalDate anchor;
        try {
            anchor = date == null ? today : LocalDate.parse(date);
        } catch (java.time.format.DateTimeParseException e) {
            anchor = today;
        }
        boolean week = "week".equals(view);
        LocalDate first = week ? anchor.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
                : anchor.withDayOfMonth(1).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        LocalDate last = week ? first.plusDays(6)
                : anchor.with(TemporalAdjusters.lastDayOfMonth()).with(TemporalAdjusters.nextOrSame(DayOfWeek.SUNDAY));
        Instant from = first.atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant to = last.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        List<ChangeRequest> planned = service.list(new ChangeRepository.Filter(List.of(ChangeState.SUBMITTED, ChangeState.ASSESSED,
                ChangeState.CAB_REVIEW, ChangeState.APPROVED, ChangeState.SCHEDULED, ChangeState.IMPLEMENTING, ChangeState.IMPLEMENTED,
                ChangeState.FAILED, ChangeState.REVIEWED, ChangeState.CLOSED), null, null, null, null, null, null, from, to), 0,
                PageResult.MAX_SIZE).items();
        List<ChangeCalendar.Window> blackouts = calendar.list(from, to, 0, PageResult.MAX_SIZE).items().stream()
                .filter(w -> w.kind().equals("blackout")).toList();
        List<Day> days = new ArrayList<>();
        for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
            Instant dayStart = d.atStartOfDay().toInstant(ZoneOffset.UTC);
            Instant dayEnd = d.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
            days.add(new Day(d, week || d.getMonth() == anchor.getMonth(), planned.stream()
                    .filter(c -> c.plannedStart().isBefore(dayEnd) && c.plannedEnd().isAfter(dayStart))
                    .sorted(java.util.Comparator.comparing(ChangeRequest::plannedStart)).toList(),
                    blackouts.stream().filter(w -> w.start().isBefore(dayEnd) && w.end().isAfter(dayStart)).toList()));
        }
        model.addAttribute("view", week ? "week" : "month");
        model.addAttribute("anchor", anchor);
        model.addAttribute("previous", week ? anchor.minusWeeks(1) : anchor.minusMonths(1));
        model.addAttribute("next", week ? anchor.plusWeeks(1) : anchor.plusMonths(1));
        model.addAttribute("days", days);
        model.addAttribute("title", week ? "Week of " + first : anchor.getMonth() + " " + anchor.getYear());
        return "change/calendar";
    }

    /** IS.012 6.2.6: what a person was told about changes, whatever their role. */
    @GetMapping("/changes/notifications")
    @PreAuthorize("isAuthenticated()")
    String notifications(java.security.Principal me, @RequestParam(defaultValue = "0") int page, Model model) {
        model.addAttribute("section", "notifications");
        model.addAttribute("page", notifications.receivedBy(me.getName(), Math.max(0, page), 50));
        return "change/notifications";
    }

    @GetMapping("/changes/reports")
    @PreAuthorize(ChangeReportController.REPORT_READERS)
    String reports(Model model) {
        model.addAttribute("section", "changes");
        Instant now = clock.instant();
        Instant from = now.minus(properties.processReviewEvery());
        model.addAttribute("process", reports.process(from, now));
        model.addAttribute("emergency", reports.emergencies(from, now, 500));
        model.addAttribute("reviews", reports.reviews(0, 10).items());
        return "change/reports";
    }
}
