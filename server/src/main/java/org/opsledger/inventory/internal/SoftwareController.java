package org.opsledger.inventory.internal;

import io.swagger.v3.oas.annotations.Operation;
import java.util.UUID;
import org.opsledger.shared.PageResult;
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

/** {@code /api/v1/items/{id}/software} and {@code /sbom}: software installed on an asset (IS.012 6.3.1). */
@RestController
@RequestMapping("/api/v1/items/{id}")
class SoftwareController {

    private final SoftwareService software;

    SoftwareController(SoftwareService software) {
        this.software = software;
    }

    @GetMapping("/software")
    @PreAuthorize(InventoryAccess.READ)
    @Operation(summary = "Software installed on an item")
    PageResult<SoftwareService.Software> software(@PathVariable UUID id, @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "100") int size) {
        return software.of(id, Math.max(0, page), PageResult.clampSize(size));
    }

    @PostMapping("/software")
    @PreAuthorize(InventoryAccess.WRITE)
    @Operation(summary = "Record software installed on an item")
    ResponseEntity<SoftwareService.Software> addSoftware(@PathVariable UUID id, @RequestBody SoftwareService.NewSoftware request) {
        return ResponseEntity.status(201).body(software.add(id, request));
    }

    @DeleteMapping("/software/{softwareId}")
    @PreAuthorize(InventoryAccess.WRITE)
    ResponseEntity<Void> removeSoftware(@PathVariable UUID id, @PathVariable UUID softwareId) {
        software.remove(id, softwareId);
        return ResponseEntity.noContent().build();
    }

    @PostMapping(path = "/sbom", consumes = {"application/json", "application/vnd.cyclonedx+json"})
    @PreAuthorize(InventoryAccess.WRITE)
    @Operation(summary = "Import a CycloneDX SBOM (JSON) as the item's software; replaces the previous SBOM's list")
    SoftwareService.SbomImport importSbom(@PathVariable UUID id, @RequestBody String sbom) {
        return software.importSbom(id, sbom);
    }
}
