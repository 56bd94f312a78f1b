package org.opsledger.change.internal;

import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.opsledger.shared.PageResult;
import org.opsledger.shared.ProblemException;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/changes}: change requests and one endpoint per workflow transition (IS.012 6.2). */
@RestController
@RequestMapping("/api/v1/changes")
class ChangeController {

    static final String READERS = "hasAnyRole('REQUESTER','CHANGE_MANAGER','CAB_MEMBER','IMPLEMENTER','SECURITY_OFFICER','AUDITOR')";

    private final ChangeService service;
    private final CabVotes votes;

    ChangeController(ChangeService service, CabVotes votes) {
        this.service = service;
        this.votes = votes;
    }

    @GetMapping
    @PreAuthorize(READERS)
    @Operation(summary = "List change requests, newest first; filter by state (comma-separated), type, risk, requester, item, "
            + "text (title or CHG number) and planned window")
    PageResult<ChangeView> list(@RequestParam(required = false) String state, @RequestParam(required = false) String type,
            @RequestParam(required = false) String risk, @RequestParam(required = false) String requester,
            @RequestParam(required = false) String item, @RequestParam(required = false) String q,
            @RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
        return service.list(filter(state, type, risk, requester, item, q, from, to), Math.max(0, page), PageResult.clampSize(size))
                .map(ChangeView::summary);
    }

    static ChangeRepository.Filter filter(String state, String type, String risk, String requester, String item, String q,
            String from, String to) {
        List<ChangeState> states = state == null || state.isBlank() ? null : Arrays.stream(state.split(",")).map(String::strip)
                .map(s -> ChangeState.fromWireName(s).orElseThrow(() -> ProblemException.invalid("state", "Unknown state '" + s + "'")))
                .toList();
        ChangeType t = type == null || type.isBlank() ? null : ChangeType.fromWireName(type)
                .orElseThrow(() -> ProblemException.invalid("type", "type is standard, normal or emergency"));
        RiskLevel r = risk == null || risk.isBlank() ? null : RiskLevel.fromWireName(risk)
                .orElseThrow(() -> ProblemException.invalid("risk", "risk is low, medium or high"));
        UUID i = item == null || item.isBlank() ? null : ChangeService.uuid(item, "item");
        if (q != null && q.length() > 200) {
            throw ProblemException.invalid("q", "q is at most 200 characters");
        }
        Instant f = ChangeService.instant(from, "from", false);
        Instant until = ChangeService.instant(to, "to", false);
        return new ChangeRepository.Filter(states, t, r, requester == null || requester.isBlank() ? null : requester, null, i, q, f,
                until);
    }

    @PostMapping
    @PreAuthorize("hasAnyRole('REQUESTER','CHANGE_MANAGER')")
    @Operation(summary = "Record a change request as a draft; its risk is computed from the questionnaire and the items")
    ResponseEntity<ChangeView> create(@RequestBody ChangeService.NewChange request) {
        ChangeRequest c = service.create(request);
        return ResponseEntity.created(URI.create("/api/v1/changes/" + c.number())).body(view(c.number()));
    }

    @GetMapping("/{id}")
    @PreAuthorize(READERS)
    @Operation(summary = "A change request (by CHG number or id) with its items, stakeholders, timeline, votes, conflicts and messages")
    ChangeView get(@PathVariable String id) {
        return view(id);
    }

    @PutMapping("/{id}")
    @PreAuthorize("hasAnyRole('REQUESTER','CHANGE_MANAGER')")
    @Operation(summary = "Replace what a draft says (same body as create); only drafts, by their requester or a change manager")
    ChangeView edit(@PathVariable String id, @RequestBody ChangeService.NewChange request) {
        return view(service.edit(id, request).number());
    }

    private ChangeView view(String id) {
        ChangeService.Details d = service.details(id);
        return ChangeView.of(d.change(), d);
    }

    private static ChangeService.TransitionRequest body(ChangeService.TransitionRequest r) {
        return r == null ? ChangeService.TransitionRequest.empty() : r;
    }

    @PostMapping("/{id}/submit")
    @PreAuthorize("hasAnyRole('REQUESTER','CHANGE_MANAGER')")
    @Operation(summary = "Submit a draft: needs the plans, test evidence from a lower environment, the fallback and the checks")
    ChangeView submit(@PathVariable String id) {
        return view(service.submit(id).number());
    }

    @PostMapping("/{id}/assess")
    @PreAuthorize("hasRole('CHANGE_MANAGER')")
    @Operation(summary = "Assess a submitted change (optionally override its risk, justified); High and Medium go to the CAB")
    ChangeView assess(@PathVariable String id, @RequestBody(required = false) ChangeService.TransitionRequest r) {
        return view(service.assess(id, body(r)).number());
    }

    @PostMapping("/{id}/approve")
    @PreAuthorize("hasAnyRole('CHANGE_MANAGER','CAB_MEMBER')")
    @Operation(summary = "Approve a Low-risk change (change manager) or an emergency change (one authorised approver)")
    ChangeView approve(@PathVariable String id, @RequestBody(required = false) ChangeService.TransitionRequest r) {
        return view(service.approve(id, body(r)).number());
    }

    @PostMapping("/{id}/reject")
    @PreAuthorize("hasAnyRole('CHANGE_MANAGER','CAB_MEMBER')")
    ChangeView reject(@PathVariable String id, @RequestBody(required = false) ChangeService.TransitionRequest r) {
        return view(service.reject(id, body(r)).number());
    }

    @PostMapping("/{id}/schedule")
    @PreAuthorize("hasRole('CHANGE_MANAGER')")
    @Operation(summary = "Schedule an approved change (plannedStart, plannedEnd, implementer); never inside a blackout window")
    ChangeView schedule(@PathVariable String id, @RequestBody(required = false) ChangeService.TransitionRequest r) {
        return view(service.schedule(id, body(r)).number());
    }

    @PostMapping("/{id}/start")
    @PreAuthorize("hasAnyRole('IMPLEMENTER','CHANGE_MANAGER')")
    ChangeView start(@PathVariable String id, @RequestBody(required = false) ChangeService.TransitionRequest r) {
        return view(service.start(id, body(r)).number());
    }

    @PostMapping("/{id}/complete")
    @PreAuthorize("hasAnyRole('IMPLEMENTER','CHANGE_MANAGER')")
    ChangeView complete(@PathVariable String id, @RequestBody(required = false) ChangeService.TransitionRequest r) {
        return view(service.complete(id, body(r)).number());
    }

    @PostMapping("/{id}/fail")
    @PreAuthorize("hasAnyRole('IMPLEMENTER','CHANGE_MANAGER')")
    @Operation(summary = "Record a failed change; notes say how the fallback was carried out")
    ChangeView fail(@PathVariable String id, @RequestBody(required = false) ChangeService.TransitionRequest r) {
        return view(service.fail(id, body(r)).number());
    }

    @PostMapping("/{id}/review")
    @PreAuthorize("hasAnyRole('CHANGE_MANAGER','CAB_MEMBER')")
    @Operation(summary = "Record the post-implementation review (for emergency changes: the retrospective review)")
    ChangeView review(@PathVariable String id, @RequestBody(required = false) ChangeService.TransitionRequest r) {
        return view(service.review(id, body(r)).number());
    }

    @PostMapping("/{id}/close")
    @PreAuthorize("hasRole('CHANGE_MANAGER')")
    ChangeView close(@PathVariable String id, @RequestBody(required = false) ChangeService.TransitionRequest r) {
        return view(service.close(id, body(r)).number());
    }

    @PostMapping("/{id}/cancel")
    @PreAuthorize("hasAnyRole('REQUESTER','CHANGE_MANAGER')")
    ChangeView cancel(@PathVariable String id, @RequestBody(required = false) ChangeService.TransitionRequest r) {
        return view(service.cancel(id, body(r)).number());
    }

    @GetMapping("/{id}/cab-votes")
    @PreAuthorize(READERS)
    List<CabVotes.Vote> votes(@PathVariable String id) {
        return votes.of(service.get(id).id());
    }

    @PostMapping("/{id}/cab-votes")
    @PreAuthorize("hasAnyRole('CAB_MEMBER','SECURITY_OFFICER')")
    @Operation(summary = "Vote on a change in CAB review (approve/reject with a comment), or give the security officer's decision "
            + "on a network-device change (capacity=security)")
    ResponseEntity<ChangeView> vote(@PathVariable String id, @RequestBody CabVotes.VoteRequest r) {
        CabVotes.Result result = votes.vote(id, r);
        return ResponseEntity.status(201).body(view(result.change().number()));
    }

    @GetMapping("/{id}/conflicts")
    @PreAuthorize(READERS)
    @Operation(summary = "Conflicts of the change's planned window (or of a proposed start/end): blackouts, other changes on the "
            + "same items, items' maintenance windows")
    List<ChangeCalendar.Conflict> conflicts(@PathVariable String id, @RequestParam(required = false) String start,
            @RequestParam(required = false) String end) {
        return service.conflicts(id, ChangeService.instant(start, "start", false), ChangeService.instant(end, "end", false));
    }

    @GetMapping("/risk-questions")
    @PreAuthorize(READERS)
    @Operation(summary = "The risk questionnaire (IS.012 6.2.1): answer each with true or false in riskAnswers")
    List<RiskAssessment.Question> questions() {
        return RiskAssessment.QUESTIONS;
    }
}
