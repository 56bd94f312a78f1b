package org.opsledger.inventory.internal;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Matches a scanned host to one known record (an inventory item, or an entry of the unauthorised-asset
 * queue), strongest identifier first (docs/inventory.md, "Matching"):
 * <ol>
 * <li>MAC address: a MAC names one network interface; the first record carrying one of the host's MACs wins.</li>
 * <li>hostname: exactly one record carries one of the host's names.</li>
 * <li>IP address: exactly one record carries one of the host's addresses (addresses move, so this is last).</li>
 * </ol>
 * When a rule finds several records it does not decide: the next rule may; if none decides and some
 * rule found several, the host is ambiguous.
 */
final class HostMatching<T extends HostMatching.Known> {

    /** What a record is recognised by. */
    interface Known {
        List<String> macAddresses();

        List<String> hostnames();

        List<String> ipAddresses();
    }

    /** How a host matched. */
    sealed interface Match<T> {
    }

    record Found<T>(T record, String rule) implements Match<T> {
    }

    record Ambiguous<T>(Set<T> candidates) implements Match<T> {
    }

    record None<T>() implements Match<T> {
    }

    private final Map<String, Set<T>> byMac = new HashMap<>();
    private final Map<String, Set<T>> byHostname = new HashMap<>();
    private final Map<String, Set<T>> byIp = new HashMap<>();

    void add(T record) {
        record.macAddresses().forEach(m -> byMac.computeIfAbsent(m, k -> new LinkedHashSet<>()).add(record));
        record.hostnames().forEach(h -> byHostname.computeIfAbsent(h, k -> new LinkedHashSet<>()).add(record));
        record.ipAddresses().forEach(i -> byIp.computeIfAbsent(i, k -> new LinkedHashSet<>()).add(record));
    }

    Match<T> match(ScannedHost host) {
        Set<T> byMacFound = candidates(byMac, host.macAddresses());
        if (!byMacFound.isEmpty()) {
            return new Found<>(byMacFound.iterator().next(), "mac");
        }
        Set<T> byName = candidates(byHostname, host.hostnames());
        if (byName.size() == 1) {
            return new Found<>(byName.iterator().next(), "hostname");
        }
        Set<T> byAddress = candidates(byIp, host.ipAddresses());
        if (byAddress.size() == 1) {
            return new Found<>(byAddress.iterator().next(), "ip");
        }
        if (byName.size() > 1 || byAddress.size() > 1) {
            Set<T> all = new LinkedHashSet<>(byName);
            all.addAll(byAddress);
            return new Ambiguous<>(all);
        }
        return new None<>();
    }

    private static <T> Set<T> candidates(Map<String, Set<T>> index, List<String> keys) {
        Set<T> out = new LinkedHashSet<>();
        for (String key : keys) {
            Set<T> found = index.get(key);
            if (found != null) {
                out.addAll(found);
            }
        }
        return out;
    }
}
