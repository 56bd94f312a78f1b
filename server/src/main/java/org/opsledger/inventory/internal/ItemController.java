package org.opsledger.inventory.internal;

import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.opsledger.inventory.ItemKind;
import org.opsledger.inventory.Lifecycle;
import org.opsledger.shared.CriticalityTier;
import org.opsledger.shared.DataClassification;
import org.opsledger.shared.Environment;
import org.opsledger.shared.PageResult;
import org.opsledger.shared.ProblemException;
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
        return ResponseEntity.created(URI.create("/api/v1/items/" + item.id())).body(ItemView.of(item, items.today()));
    }

    @GetMapping("/{id}")
    @PreAuthorize(InventoryAccess.READ)
    @Operation(summary = "One configuration item")
    ItemView get(@PathVariable UUID id) {
        return ItemView.of(items.get(id), items.today());
    }

    @PutMapping("/{id}")
    @PreAuthorize(InventoryAccess.WRITE)
    @Operation(summary = "Replace a configuration item's fields")
    ItemView replace(@PathVariable UUID id, @RequestBody ItemRequest request) {
        return ItemView.of(items.replace(id, request), items.today());
    }

    @PatchMapping("/{id}")
    @PreAuthorize(InventoryAccess.WRITE)
    @Operation(summary = "Change some of a configuration item's fields (JSON merge patch, RFC 7396)")
    ItemView patch(@PathVariable UUID id, @RequestBody Map<String, Object> patch) {
        return ItemView.of(items.patch(id, patch), items.today());
    }

    @GetMapping
    @PreAuthorize(InventoryAccess.READ)
    @Operation(summary = "Search the inventory: q matches a substring of the name, a hostname, an address or the serial")
    PageResult<ItemView> list(@RequestParam(required = false) String q, @RequestParam(required = false) String kind,
            @RequestParam(required = false) String tier, @RequestParam(required = false) String environment,
            @RequestParam(required = false) String lifecycle, @RequestParam(required = false) String classification,
            @RequestParam(required = false) String owner, @RequestParam(required = false) Boolean pastVendorSupport,
            @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
        var today = items.today();
        return items.list(filter(q, kind, tier, environment, lifecycle, classification, owner, pastVendorSupport, today),
                Math.max(0, page), PageResult.clampSize(size)).map(i -> ItemView.of(i, today));
    }

    static ItemRepository.Filter filter(String q, String kind, String tier, String environment, String lifecycle,
            String classification, String owner, Boolean pastVendorSupport, java.time.LocalDate today) {
        String query = q == null || q.isBlank() ? null : q.strip();
        if (query != null && query.length() > 200) {
            throw ProblemException.invalid("q", "A search is at most 200 characters");
        }
        return new ItemRepository.Filter(query,
                option("kind", kind, ItemKind::fromWireName, Arrays.stream(ItemKind.values()).map(ItemKind::wireName).toList()),
                option("tier", tier, CriticalityTier::fromWireName,
                        Arrays.stream(CriticalityTier.values()).map(CriticalityTier::wireName).toList()),
                option("environment", environment, Environment::fromWireName,
                        Arrays.stream(Environment.values()).map(Environment::wireName).toList()),
                option("lifecycle", lifecycle, Lifecycle::fromWireName,
                        Arrays.stream(Lifecycle.values()).map(Lifecycle::wireName).toList()),
                option("classification", classification, DataClassification::fromWireName,
                        Arrays.stream(DataClassification.values()).map(DataClassification::wireName).toList()),
                owner == null || owner.isBlank() ? null : owner.strip(), pastVendorSupport, today);
    }

    private static <E> E option(String field, String value, Function<String, Optional<E>> parse, java.util.List<String> allowed) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return parse.apply(value.strip()).orElseThrow(() -> ProblemException.invalid(field,
                "Unknown " + field + " '" + value + "'; one of " + String.join(", ", allowed)));
    }
}
