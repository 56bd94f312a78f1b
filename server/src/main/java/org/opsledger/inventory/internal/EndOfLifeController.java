package org.opsledger.inventory.internal;

import io.swagger.v3.oas.annotations.Operation;
import java.util.UUID;
import org.opsledger.shared.PageResult;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** End-of-life exceptions (IS.012 6.4.3). */
@RestController
class EndOfLifeController {

    private final EndOfLifeService eol;

    EndOfLifeController(EndOfLifeService eol) {
        this.eol = eol;
    }

    @PostMapping("/api/v1/items/{id}/eol-exceptions")
    @PreAuthorize(InventoryAccess.REQUEST_EXCEPTION)
    @Operation(summary = "Ask for an exception to keep an item in use past its vendor support, until expiresOn")
    ResponseEntity<EndOfLifeService.EolException> request(@PathVariable UUID id,
            @RequestBody EndOfLifeService.NewException request) {
        return ResponseEntity.status(201).body(eol.request(id, request));
    }

    @GetMapping("/api/v1/eol-exceptions")
    @PreAuthorize(InventoryAccess.READ)
    PageResult<EndOfLifeService.EolException> list(@RequestParam(required = false) String status,
            @RequestParam(required = false) UUID item, @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "50") int size) {
        return eol.list(status, item, Math.max(0, page), PageResult.clampSize(size));
    }

    @PostMapping("/api/v1/eol-exceptions/{id}/approve")
    @PreAuthorize(InventoryAccess.SECURITY_OFFICER)
    @Operation(summary = "Approve an end-of-life exception (a security officer who did not request it)")
    EndOfLifeService.EolException approve(@PathVariable UUID id,
            @RequestBody(required = false) EndOfLifeService.Decision decision) {
        return eol.decide(id, true, decision);
    }

    @PostMapping("/api/v1/eol-exceptions/{id}/reject")
    @PreAuthorize(InventoryAccess.SECURITY_OFFICER)
    EndOfLifeService.EolException reject(@PathVariable UUID id, @RequestBody EndOfLifeService.Decision decision) {
        return eol.decide(id, false, decision);
    }
}
