package org.opsledger.change.internal;

import io.swagger.v3.oas.annotations.Operation;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.opsledger.shared.PageResult;
import org.opsledger.shared.ProblemException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Reports (IS.012 6.2.9, 6.2.10), process reviews and CAB meetings under {@code /api/v1/changes}. */
@RestController
@RequestMapping("/api/v1/changes")
class ChangeReportController {

    static final String REPORT_READERS = "hasAnyRole('CHANGE_MANAGER','CAB_MEMBER','SECURITY_OFFICER','AUDITOR')";

    private final ChangeReports reports;
    private final CabMeetings meetings;
    private final ChangeProperties properties;
    private final CalendarFeed feed;
    private final Clock clock;

    ChangeReportController(ChangeReports reports, CabMeetings meetings, ChangeProperties properties, CalendarFeed feed, Clock clock) {
        this.feed = feed;
        this.reports = reports;
        this.meetings = meetings;
        this.properties = properties;
        this.clock = clock;
    }

    /** A report's period: {@code [from, to)}, by default the configured review period up to now. */
    Instant[] period(String from, String to) {
        Instant t = ChangeService.or(ChangeService.instant(to, "to", false), clock.instant());
        Instant f = ChangeService.or(ChangeService.instant(from, "from", false), t.minus(properties.processReviewEvery()));
        if (!t.isAfter(f)) {
            throw ProblemException.invalid("to", "to must be after from");
        }
        return new Instant[] {f, t};
    }

    @GetMapping("/reports/emergency")
    @PreAuthorize(REPORT_READERS)
    @Operation(summary = "Emergency-change audit (IS.012 6.2.10): justification, approver, review on time or not, share per requester")
    ChangeReports.EmergencyReport emergency(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(defaultValue = "1000") int max) {
        Instant[] p = period(from, to);
        return reports.emergencies(p[0], p[1], Math.max(1, Math.min(10_000, max)));
    }

    @GetMapping("/reports/process")
    @PreAuthorize(REPORT_READERS)
    @Operation(summary = "Process review figures (IS.012 6.2.9): volumes, success and failure rates, emergency share, lead times, late reviews")
    ChangeReports.ProcessReport process(@RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        Instant[] p = period(from, to);
        return reports.process(p[0], p[1]);
    }

    @GetMapping(value = "/reports/process.csv", produces = "text/csv")
    @PreAuthorize(REPORT_READERS)
    @Operation(summary = "The process review figures as CSV (cells neutralised against formula injection)")
    ResponseEntity<String> processCsv(@RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        Instant[] p = period(from, to);
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("text/csv; charset=UTF-8"))
                .header("Content-Disposition", "attachment; filename=\"change-process-review.csv\"")
                .body(ChangeReports.csv(reports.process(p[0], p[1])));
    }

    @GetMapping("/process-reviews")
    @PreAuthorize(REPORT_READERS)
    PageResult<ChangeReports.ProcessReview> reviews(@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
        return reports.reviews(Math.max(0, page), PageResult.clampSize(size));
    }

    @PostMapping("/process-reviews")
    @PreAuthorize("hasRole('CHANGE_MANAGER')")
    @Operation(summary = "Record a review of the change process itself (IS.012 6.2.9)")
    ResponseEntity<ChangeReports.ProcessReview> review(@RequestBody ChangeReports.NewProcessReview r) {
        return ResponseEntity.status(201).body(reports.recordReview(r));
    }

    @GetMapping(value = "/calendar.ics", produces = "text/calendar")
    @PreAuthorize(ChangeController.READERS)
    @Operation(summary = "iCalendar (RFC 5545) feed: your changes, a team's (team=group name) or all (scope=all), with blackouts. "
            + "Calendar clients authenticate with ?feed=<token> from POST /api/v1/changes/calendar-feed")
    ResponseEntity<String> calendar(@RequestParam(required = false) String team, @RequestParam(required = false) String scope) {
        if (team != null && !properties.groups().containsKey(team)) {
            throw ProblemException.invalid("team", "No team (stakeholder group) '" + team + "'");
        }
        if (scope != null && !scope.equals("all") && !scope.equals("mine")) {
            throw ProblemException.invalid("scope", "scope is 'mine' or 'all'");
        }
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("text/calendar; charset=UTF-8"))
                .header("Cache-Control", "private, max-age=300")
                .body(feed.render(ChangeService.actor(), team, "all".equals(scope)));
    }

    @PostMapping("/calendar-feed")
    @PreAuthorize(ChangeController.READERS)
    @Operation(summary = "Create (or replace) your calendar feed token; the subscription URL is shown once")
    ResponseEntity<CalendarFeed.IssuedFeed> issueFeed() {
        return ResponseEntity.status(201).body(feed.issue());
    }

    @DeleteMapping("/calendar-feed")
    @PreAuthorize(ChangeController.READERS)
    @Operation(summary = "Revoke your calendar feed token")
    ResponseEntity<Void> revokeFeed() {
        feed.revoke();
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/cab-meetings")
    @PreAuthorize(ChangeController.READERS)
    PageResult<CabMeetings.Meeting> meetings(@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
        return meetings.list(Math.max(0, page), PageResult.clampSize(size));
    }

    @PostMapping("/cab-meetings")
    @PreAuthorize("hasRole('CHANGE_MANAGER')")
    @Operation(summary = "Call a CAB meeting; its agenda is the changes due for the board")
    ResponseEntity<CabMeetings.Meeting> meeting(@RequestBody CabMeetings.NewMeeting r) {
        return ResponseEntity.status(201).body(meetings.create(r));
    }

    @GetMapping("/cab-meetings/{meetingId}")
    @PreAuthorize(ChangeController.READERS)
    CabMeetings.Meeting meeting(@PathVariable String meetingId) {
        return meetings.get(ChangeService.uuid(meetingId, "meetingId"));
    }
}
