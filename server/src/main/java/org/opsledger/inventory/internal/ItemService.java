package org.opsledger.inventory.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.opsledger.shared.PageResult;
import org.opsledger.shared.ProblemException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Keeps the inventory (IS.012 6.3.1). Each change is one transaction with its audit entry, the
 * values before and after (ECOMP 6.1.7); an item is never deleted, it is decommissioned.
 */
@Service
class ItemService {

    private final ItemRepository items;
    private final AuditTrail audit;
    private final Clock clock;

    ItemService(ItemRepository items, AuditTrail audit, Clock clock) {
        this.items = items;
        this.audit = audit;
        this.clock = clock;
    }

    LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    @Transactional(readOnly = true)
    ConfigurationItem get(UUID id) {
        return items.find(id).orElseThrow(() -> ProblemException.notFound("Configuration item " + id));
    }

    @Transactional(readOnly = true)
    PageResult<ConfigurationItem> list(ItemRepository.Filter filter, int page, int size) {
        return new PageResult<>(items.page(filter, size, PageResult.offset(page, size)), page, size, items.count(filter));
    }

    @Transactional
    ConfigurationItem create(ItemRequest request) {
        ItemRequest.Fields f = request.validate();
        UUID id = UUID.randomUUID();
        refuseClash(id, f);
        Instant now = clock.instant();
        String actor = actor();
        ConfigurationItem item = build(id, f, null, now, actor, now, actor, 1);
        items.insert(item);
        audit.record(AuditEvent.of("item.create", Access.CREATE, "configuration-item", id.toString())
                .change(null, item.auditView()));
        return item;
    }

    /** Replaces an item's fields with the request's (PUT), or with the patched ones (PATCH). */
    @Transactional
    ConfigurationItem replace(UUID id, ItemRequest request) {
        ConfigurationItem before = items.lock(id).orElseThrow(() -> ProblemException.notFound("Configuration item " + id));
        return apply(before, request);
    }

    /** JSON merge patch (RFC 7396) of an item. */
    @Transactional
    ConfigurationItem patch(UUID id, Map<String, Object> patch) {
        ConfigurationItem before = items.lock(id).orElseThrow(() -> ProblemException.notFound("Configuration item " + id));
        return apply(before, ItemRequest.of(before).patch(patch));
    }

    private ConfigurationItem apply(ConfigurationItem before, ItemRequest request) {
        ItemRequest.Fields f = request.validate();
        refuseClash(before.id(), f);
        ConfigurationItem after = build(before.id(), f, before.lastSeenAt(), before.createdAt(), before.createdBy(),
                clock.instant(), actor(), before.version() + 1);
        if (after.auditView().equals(before.auditView())) {
            return before; // nothing changed: no new version, no entry
        }
        items.update(after);
        audit.record(AuditEvent.of("item.update", Access.UPDATE, "configuration-item", before.id().toString())
                .change(before.auditView(), after.auditView()));
        return after;
    }

    /** A MAC address or serial number names one device: two items cannot share one (discovery matches by them). */
    private void refuseClash(UUID id, ItemRequest.Fields f) {
        if (f.macAddresses().isEmpty() && f.serial() == null) {
            return;
        }
        items.findClash(id, f.macAddresses(), f.serial()).ifPresent(other -> {
            boolean mac = other.macAddresses().stream().anyMatch(f.macAddresses()::contains);
            throw ProblemException.conflict((mac ? "A MAC address" : "The serial number") + " of this item belongs to "
                    + other.name() + " (" + other.id() + ")", mac ? "macAddresses" : "serial");
        });
    }

    private static ConfigurationItem build(UUID id, ItemRequest.Fields f, Instant lastSeen, Instant createdAt,
            String createdBy, Instant updatedAt, String updatedBy, int version) {
        return new ConfigurationItem(id, f.name(), f.kind(), f.tier(), f.environment(), f.lifecycle(), f.owner(),
                f.custodian(), f.classification(), f.hostnames(), f.ipAddresses(), f.macAddresses(), f.serial(),
                f.vendorSupportEnds(), f.location(), lastSeen, createdAt, createdBy, updatedAt, updatedBy, version);
    }

    private static String actor() {
        var auth = SecurityContextHolder.getContext().getAuthentication();
        return auth == null ? "system" : auth.getName();
    }
}
