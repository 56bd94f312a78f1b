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

/** Snapshots and baselines of items, and the drift queue (IS.012 6.3.3, 6.3.5, 6.3.7). */
@RestController
class DriftController {

    private final SnapshotService snapshots;
    private final DriftService drift;

    DriftController(SnapshotService snapshots, DriftService drift) {
        this.snapshots = snapshots;
        this.drift = drift;
    }

    @PostMapping("/api/v1/items/{id}/snapshots")
    @PreAuthorize(InventoryAccess.SUBMIT_SNAPSHOT)
    @Operation(summary = "Record a configuration snapshot (settings and file SHA-256 hashes); differences from the "
            + "baseline become drift items, reconciled with approved changes")
    ResponseEntity<SnapshotService.Recorded> record(@PathVariable UUID id, @RequestBody SnapshotService.NewSnapshot request) {
        return ResponseEntity.status(201).body(snapshots.record(id, request));
    }

    @GetMapping("/api/v1/items/{id}/snapshots")
    @PreAuthorize(InventoryAccess.READ)
    @Operation(summary = "An item's snapshots, newest first (contents at /snapshots/{snapshotId})")
    PageResult<SnapshotService.Snapshot> snapshots(@PathVariable UUID id, @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "50") int size) {
        return snapshots.list(id, Math.max(0, page), PageResult.clampSize(size));
    }

    @GetMapping("/api/v1/items/{id}/snapshots/{snapshotId}")
    @PreAuthorize(InventoryAccess.READ)
    SnapshotService.Snapshot snapshot(@PathVariable UUID id, @PathVariable UUID snapshotId) {
        return snapshots.get(id, snapshotId);
    }

    @PostMapping("/api/v1/items/{id}/snapshots/{snapshotId}/approve")
    @PreAuthorize(InventoryAccess.APPROVE)
    @Operation(summary = "Approve a snapshot as the item's baseline")
    SnapshotService.Snapshot approve(@PathVariable UUID id, @PathVariable UUID snapshotId) {
        return snapshots.approve(id, snapshotId);
    }

    @GetMapping("/api/v1/drift")
    @PreAuthorize(InventoryAccess.READ)
    @Operation(summary = "The drift queue: status alert (default), authorized, resolved or all; item narrows to one item")
    PageResult<DriftService.DriftItem> queue(@RequestParam(required = false) String status,
            @RequestParam(required = false) UUID item, @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "50") int size) {
        return drift.list(status, item, Math.max(0, page), PageResult.clampSize(size));
    }

    @PostMapping("/api/v1/drift/{id}/resolve")
    @PreAuthorize(InventoryAccess.APPROVE)
    @Operation(summary = "Resolve an unauthorised-change alert, saying what was done")
    DriftService.DriftItem resolve(@PathVariable UUID id, @RequestBody DriftService.Resolution request) {
        return drift.resolve(id, request);
    }

    @PostMapping("/api/v1/drift/reconcile")
    @PreAuthorize(InventoryAccess.APPROVE)
    @Operation(summary = "Check every open alert against approved changes again")
    DriftService.Reconciled reconcile() {
        return drift.reconcileOpenAlerts();
    }
}
