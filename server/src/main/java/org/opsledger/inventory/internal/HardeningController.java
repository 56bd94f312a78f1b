package org.opsledger.inventory.internal;

import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Clock;
import java.util.UUID;
import org.opsledger.shared.PageResult;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Hardening results (IS.012 6.3.4): OpenSCAP XCCDF results per item, and the items overdue for one. */
@RestController
class HardeningController {

    private final HardeningService hardening;
    private final Clock clock;

    HardeningController(HardeningService hardening, Clock clock) {
        this.hardening = hardening;
        this.clock = clock;
    }

    @PostMapping(path = "/api/v1/items/{id}/hardening", consumes = {"application/xml", "text/xml"})
    @PreAuthorize(InventoryAccess.SUBMIT_SNAPSHOT)
    @Operation(summary = "Import an XCCDF results file (oscap xccdf eval --results) as the item's hardening assessment")
    ResponseEntity<HardeningService.Assessment> importResults(@PathVariable UUID id, HttpServletRequest request)
            throws IOException {
        HardeningService.Assessment a = hardening.importResults(id, request.getInputStream());
        return ResponseEntity.status(a.alreadyImported() ? 200 : 201).body(a);
    }

    @GetMapping("/api/v1/items/{id}/hardening")
    @PreAuthorize(InventoryAccess.READ)
    PageResult<HardeningService.Assessment> assessments(@PathVariable UUID id, @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "20") int size) {
        return hardening.of(id, Math.max(0, page), PageResult.clampSize(size));
    }

    @GetMapping("/api/v1/hardening/overdue")
    @PreAuthorize(InventoryAccess.READ)
    @Operation(summary = "Servers, workstations, network devices and databases in use not assessed within a quarter")
    PageResult<HardeningService.Overdue> overdue(@RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "50") int size) {
        return hardening.overdue(clock.instant(), Math.max(0, page), PageResult.clampSize(size));
    }
}
