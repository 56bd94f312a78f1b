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

/** {@code /api/v1/items/{id}/relationships}: how items relate (IS.012 6.3.1). */
@RestController
@RequestMapping("/api/v1/items/{id}")
class RelationshipController {

    private final RelationshipService relationships;

    RelationshipController(RelationshipService relationships) {
        this.relationships = relationships;
    }

    @GetMapping("/relationships")
    @PreAuthorize(InventoryAccess.READ)
    @Operation(summary = "An item's relationships, both directions")
    PageResult<RelationshipService.Relationship> relationships(@PathVariable UUID id,
            @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "100") int size) {
        return relationships.of(id, Math.max(0, page), PageResult.clampSize(size));
    }

    @PostMapping("/relationships")
    @PreAuthorize(InventoryAccess.WRITE)
    @Operation(summary = "Relate this item to another: runs-on, depends-on, connects-to, backed-up-by")
    ResponseEntity<RelationshipService.Relationship> relate(@PathVariable UUID id,
            @RequestBody RelationshipService.NewRelationship request) {
        return ResponseEntity.status(201).body(relationships.add(id, request));
    }

    @DeleteMapping("/relationships/{relationshipId}")
    @PreAuthorize(InventoryAccess.WRITE)
    ResponseEntity<Void> unrelate(@PathVariable UUID id, @PathVariable UUID relationshipId) {
        relationships.remove(id, relationshipId);
        return ResponseEntity.noContent().build();
    }
}
