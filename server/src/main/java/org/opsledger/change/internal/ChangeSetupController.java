package org.opsledger.change.internal;

import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import org.opsledger.shared.PageResult;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** What the change manager sets up: blackout and maintenance windows, standard change templates. */
@RestController
@RequestMapping("/api/v1/changes")
class ChangeSetupController {

    private final ChangeCalendar calendar;
    private final StandardTemplates templates;

    ChangeSetupController(ChangeCalendar calendar, StandardTemplates templates) {
        this.calendar = calendar;
        this.templates = templates;
    }

    @GetMapping("/windows")
    @PreAuthorize(ChangeController.READERS)
    @Operation(summary = "Blackout and maintenance windows overlapping [from, to)")
    PageResult<ChangeCalendar.Window> windows(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
        return calendar.list(ChangeService.instant(from, "from", false), ChangeService.instant(to, "to", false), Math.max(0, page),
                PageResult.clampSize(size));
    }

    @PostMapping("/windows")
    @PreAuthorize("hasRole('CHANGE_MANAGER')")
    @Operation(summary = "Add a blackout window (no changes; optionally for one item) or a maintenance window of one item")
    ResponseEntity<ChangeCalendar.Window> addWindow(@RequestBody ChangeCalendar.NewWindow request) {
        ChangeCalendar.Window w = calendar.create(request);
        return ResponseEntity.created(URI.create("/api/v1/changes/windows/" + w.id())).body(w);
    }

    @GetMapping("/templates")
    @PreAuthorize(ChangeController.READERS)
    @Operation(summary = "Standard change templates (pre-approved, Low risk) with how often each was used")
    PageResult<StandardTemplates.Template> templates(@RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "50") int size) {
        return templates.list(Math.max(0, page), PageResult.clampSize(size));
    }

    @PostMapping("/templates")
    @PreAuthorize("hasRole('CHANGE_MANAGER')")
    @Operation(summary = "Pre-approve a standard change template")
    ResponseEntity<StandardTemplates.Template> addTemplate(@RequestBody StandardTemplates.NewTemplate request) {
        StandardTemplates.Template t = templates.create(request);
        return ResponseEntity.status(201).body(t);
    }
}
