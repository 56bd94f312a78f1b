package org.opsledger.inventory.internal;

import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.opsledger.shared.PageResult;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/items}: the inventory of configuration items (IS.012 6.3.1). */
@RestController
@RequestMapping("/api/v1/items")
class ItemController {

    private final ItemService items;

    ItemController(ItemService items) {
        this.items = items;
    }

    @PostMapping
    @PreAuthorize(InventoryAccess.WRITE)
    @Operation(summary = "Add a configuration item to the inventory")
    ResponseEntity<ItemView> create(@RequestBody ItemRequest request) {
        ConfigurationItem item = items.create(request);
        return ResponseEntity.created(URI.create("/api/v1/items/" + item.id())).body(items.view(item));
    }

    @GetMapping("/{id}")
    @PreAuthorize(InventoryAccess.READ)
    @Operation(summary = "One configuration item")
    ItemView get(@PathVariable UUID id) {
        return items.view(items.get(id));
    }

    @PutMapping("/{id}")
    @PreAuthorize(InventoryAccess.WRITE)
    @Operation(summary = "Replace a configuration item's fields")
    ItemView replace(@PathVariable UUID id, @RequestBody ItemRequest request) {
        return items.view(items.replace(id, request));
    }

    @PatchMapping("/{id}")
    @PreAuthorize(InventoryAccess.WRITE)
    @Operation(summary = "Change some of a configuration item's fields (JSON merge patch, RFC 7396)")
    ItemView patch(@PathVariable UUID id, @RequestBody Map<String, Object> patch) {
        return items.view(items.patch(id, patch));
    }

    @GetMapping
    @PreAuthorize(InventoryAccess.READ)
    @Operation(summary = "Search the inventory: q matches a substring of the name, a hostname, an address or the serial; "
            + "stale=true lists items discovery has not seen for opsledger.inventory.stale-after-days")
    PageResult<ItemView> list(@RequestParam(required = false) String q, @RequestParam(required = false) String kind,
            @RequestParam(required = false) String tier, @RequestParam(required = false) String environment,
            @RequestParam(required = false) String lifecycle, @RequestParam(required = false) String classification,
            @RequestParam(required = false) String owner, @RequestParam(required = false) Boolean pastVendorSupport,
            @RequestParam(required = false) Boolean stale, @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "50") int size) {
        return items.list(items.filter(q, kind, tier, environment, lifecycle, classification, owner, pastVendorSupport, stale),
                Math.max(0, page), PageResult.clampSize(size)).map(items::view);
    }
}
