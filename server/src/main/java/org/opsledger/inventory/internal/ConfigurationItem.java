package org.opsledger.inventory.internal;

import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.opsledger.inventory.ConfigurationItemSummary;
import org.opsledger.inventory.ItemKind;
import org.opsledger.inventory.Lifecycle;
import org.opsledger.shared.CriticalityTier;
import org.opsledger.shared.DataClassification;
import org.opsledger.shared.Environment;

/**
 * A configuration item as the inventory keeps it (IS.012 6.3.1): what it is, who owns it, how to
 * recognise it on the network, and where it is in its life.
 */
record ConfigurationItem(UUID id, String name, ItemKind kind, CriticalityTier tier, Environment environment,
        Lifecycle lifecycle, String owner, String custodian, DataClassification classification, List<String> hostnames,
        List<String> ipAddresses, List<String> macAddresses, String serial, LocalDate vendorSupportEnds, String location,
        Instant lastSeenAt, Instant createdAt, String createdBy, Instant updatedAt, String updatedBy, int version) {

    ConfigurationItem {
        hostnames = List.copyOf(hostnames);
        ipAddresses = List.copyOf(ipAddresses);
        macAddresses = List.copyOf(macAddresses);
    }

    ConfigurationItemSummary summary() {
        return new ConfigurationItemSummary(id, name, kind, tier, environment, lifecycle);
    }

    /** IS.012 6.4.3: still in use after the vendor stopped supporting it. */
    boolean pastVendorSupport(LocalDate today) {
        return vendorSupportEnds != null && vendorSupportEnds.isBefore(today) && lifecycle != Lifecycle.DECOMMISSIONED;
    }

    /** Lower-case name and identifiers, what the inventory search matches substrings in. */
    String searchText() {
        StringBuilder sb = new StringBuilder(name.toLowerCase(java.util.Locale.ROOT));
        hostnames.forEach(h -> sb.append(' ').append(h));
        ipAddresses.forEach(i -> sb.append(' ').append(i));
        macAddresses.forEach(m -> sb.append(' ').append(m.toLowerCase(java.util.Locale.ROOT)));
        if (serial != null) {
            sb.append(' ').append(serial.toLowerCase(java.util.Locale.ROOT));
        }
        return sb.toString();
    }

    /** The values an audit entry records before and after a change (ECOMP 6.1.7). */
    Map<String, Object> auditView() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("kind", kind.wireName());
        m.put("tier", tier.wireName());
        m.put("environment", environment.wireName());
        m.put("lifecycle", lifecycle.wireName());
        m.put("owner", owner);
        m.put("custodian", custodian == null ? "" : custodian);
        m.put("classification", classification.wireName());
        m.put("hostnames", hostnames);
        m.put("ipAddresses", ipAddresses);
        m.put("macAddresses", macAddresses);
        m.put("serial", serial == null ? "" : serial);
        m.put("vendorSupportEnds", vendorSupportEnds == null ? "" : vendorSupportEnds.toString());
        m.put("location", location == null ? "" : location);
        return m;
    }
}
