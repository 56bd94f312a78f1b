package org.opsledger.inventory.internal;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/** A configuration item on the wire: enums by their wire names ({@code network-device}). */
record ItemView(UUID id, String name, String kind, String tier, String environment, String lifecycle, String owner,
        String custodian, String classification, List<String> hostnames, List<String> ipAddresses,
        List<String> macAddresses, String serial, LocalDate vendorSupportEnds, boolean pastVendorSupport,
        String location, Instant lastSeenAt, Instant createdAt, String createdBy, Instant updatedAt, String updatedBy,
        int version) {

    static ItemView of(ConfigurationItem i, LocalDate today) {
        return new ItemView(i.id(), i.name(), i.kind().wireName(), i.tier().wireName(), i.environment().wireName(),
                i.lifecycle().wireName(), i.owner(), i.custodian(), i.classification().wireName(), i.hostnames(),
                i.ipAddresses(), i.macAddresses(), i.serial(), i.vendorSupportEnds(), i.pastVendorSupport(today),
                i.location(), i.lastSeenAt(), i.createdAt(), i.createdBy(), i.updatedAt(), i.updatedBy(), i.version());
    }
}
