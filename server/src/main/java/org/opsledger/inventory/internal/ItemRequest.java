package org.opsledger.inventory.internal;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.opsledger.inventory.ItemKind;
import org.opsledger.inventory.Lifecycle;
import org.opsledger.shared.CriticalityTier;
import org.opsledger.shared.DataClassification;
import org.opsledger.shared.Environment;
import org.opsledger.shared.ProblemException;

/**
 * What {@code POST} and {@code PUT /api/v1/items} send: every field as text, so that a bad value
 * is refused with the field's name rather than a parse error. {@link #validate()} turns it into
 * checked values or throws a 400 naming the first bad field.
 */
record ItemRequest(String name, String kind, String tier, String environment, String lifecycle, String owner,
        String custodian, String classification, List<String> hostnames, List<String> ipAddresses,
        List<String> macAddresses, String serial, String vendorSupportEnds, String location) {

    static final int MAX_IDENTIFIERS = 64;
    private static final Set<String> FIELDS = Set.of("name", "kind", "tier", "environment", "lifecycle", "owner",
            "custodian", "classification", "hostnames", "ipAddresses", "macAddresses", "serial", "vendorSupportEnds",
            "location");

    /** The checked values of a request. */
    record Fields(String name, ItemKind kind, CriticalityTier tier, Environment environment, Lifecycle lifecycle,
            String owner, String custodian, DataClassification classification, List<String> hostnames,
            List<String> ipAddresses, List<String> macAddresses, String serial, LocalDate vendorSupportEnds,
            String location) {
    }

    static ItemRequest of(ConfigurationItem i) {
        return new ItemRequest(i.name(), i.kind().wireName(), i.tier().wireName(), i.environment().wireName(),
                i.lifecycle().wireName(), i.owner(), i.custodian(), i.classification().wireName(), i.hostnames(),
                i.ipAddresses(), i.macAddresses(), i.serial(),
                i.vendorSupportEnds() == null ? null : i.vendorSupportEnds().toString(), i.location());
    }

    /**
     * A JSON merge patch (RFC 7396) on this request: a field present replaces the value, a field set
     * to null clears it, a field left out stays.
     */
    ItemRequest patch(Map<String, Object> patch) {
        if (patch == null || patch.isEmpty()) {
            throw ProblemException.invalid(null, "The patch changes nothing: send the fields to change");
        }
        for (String key : patch.keySet()) {
            if (!FIELDS.contains(key)) {
                throw ProblemException.invalid(key, "Unknown field '" + key + "'");
            }
        }
        return new ItemRequest(text(patch, "name", name), text(patch, "kind", kind), text(patch, "tier", tier),
                text(patch, "environment", environment), text(patch, "lifecycle", lifecycle),
                text(patch, "owner", owner), text(patch, "custodian", custodian),
                text(patch, "classification", classification), list(patch, "hostnames", hostnames),
                list(patch, "ipAddresses", ipAddresses), list(patch, "macAddresses", macAddresses),
                text(patch, "serial", serial), text(patch, "vendorSupportEnds", vendorSupportEnds),
                text(patch, "location", location));
    }

    Fields validate() {
        String checkedName = required("name", name, 200);
        ItemKind checkedKind = choice("kind", kind, ItemKind::fromWireName, Arrays.stream(ItemKind.values()).map(ItemKind::wireName));
        CriticalityTier checkedTier = choice("tier", tier, CriticalityTier::fromWireName,
                Arrays.stream(CriticalityTier.values()).map(CriticalityTier::wireName));
        Environment checkedEnvironment = choice("environment", environment, Environment::fromWireName,
                Arrays.stream(Environment.values()).map(Environment::wireName));
        Lifecycle checkedLifecycle = lifecycle == null ? Lifecycle.ACTIVE : choice("lifecycle", lifecycle,
                Lifecycle::fromWireName, Arrays.stream(Lifecycle.values()).map(Lifecycle::wireName));
        // IS.012 6.3.1 with ECOMP 1: every asset has an accountable owner and a classification
        String checkedOwner = required("owner", owner, 200);
        String checkedCustodian = optional("custodian", custodian, 200);
        DataClassification checkedClassification = choice("classification", classification,
                DataClassification::fromWireName, Arrays.stream(DataClassification.values()).map(DataClassification::wireName));
        List<String> checkedHostnames = identifiers("hostnames", hostnames, Identifiers::hostname,
                "a hostname is letters, digits, '-' and '_' in dot-separated labels of up to 63 characters");
        List<String> checkedIps = identifiers("ipAddresses", ipAddresses, Identifiers::ipAddress,
                "an IP address is IPv4 dotted decimal or an IPv6 literal");
        List<String> checkedMacs = identifiers("macAddresses", macAddresses, Identifiers::mac,
                "a MAC address is six hexadecimal pairs separated by ':' or '-'");
        String checkedSerial = optional("serial", serial, 100);
        LocalDate supportEnds = null;
        if (vendorSupportEnds != null && !vendorSupportEnds.isBlank()) {
            try {
                supportEnds = LocalDate.parse(vendorSupportEnds.strip());
            } catch (DateTimeParseException e) {
                throw ProblemException.invalid("vendorSupportEnds", "vendorSupportEnds is a date: YYYY-MM-DD");
            }
        }
        String checkedLocation = optional("location", location, 200);
        return new Fields(checkedName, checkedKind, checkedTier, checkedEnvironment, checkedLifecycle, checkedOwner,
                checkedCustodian, checkedClassification, checkedHostnames, checkedIps, checkedMacs, checkedSerial,
                supportEnds, checkedLocation);
    }

    private static String required(String field, String value, int max) {
        String v = optional(field, value, max);
        if (v == null) {
            throw ProblemException.invalid(field, field + " is required");
        }
        return v;
    }

    private static String optional(String field, String value, int max) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        if (v.length() > max || v.chars().anyMatch(Character::isISOControl)) {
            throw ProblemException.invalid(field, field + " is at most " + max + " characters, without control characters");
        }
        return v;
    }

    private static <E> E choice(String field, String value, Function<String, Optional<E>> parse,
            java.util.stream.Stream<String> allowed) {
        if (value == null || value.isBlank()) {
            throw ProblemException.invalid(field, field + " is required; one of " + String.join(", ", allowed.toList()));
        }
        return parse.apply(value.strip()).orElseThrow(() -> ProblemException.invalid(field,
                "Unknown " + field + " '" + value + "'; one of " + String.join(", ", allowed.toList())));
    }

    private static List<String> identifiers(String field, List<String> values, Function<String, Optional<String>> parse,
            String rule) {
        if (values == null) {
            return List.of();
        }
        if (values.size() > MAX_IDENTIFIERS) {
            throw ProblemException.invalid(field, "At most " + MAX_IDENTIFIERS + " " + field);
        }
        Set<String> out = new LinkedHashSet<>();
        for (String value : values) {
            out.add(parse.apply(value).orElseThrow(() -> ProblemException.invalid(field,
                    "'" + abbreviate(value) + "' is not valid: " + rule)));
        }
        return List.copyOf(out);
    }

    private static String abbreviate(String value) {
        String v = String.valueOf(value);
        return v.length() > 60 ? v.substring(0, 60) + "…" : v;
    }

    private static String text(Map<String, Object> patch, String field, String current) {
        if (!patch.containsKey(field)) {
            return current;
        }
        Object v = patch.get(field);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw ProblemException.invalid(field, field + " is a string");
    }

    private static List<String> list(Map<String, Object> patch, String field, List<String> current) {
        if (!patch.containsKey(field)) {
            return current;
        }
        Object v = patch.get(field);
        if (v == null) {
            return List.of();
        }
        if (v instanceof List<?> l && l.stream().allMatch(e -> e instanceof String)) {
            List<String> out = new ArrayList<>();
            l.forEach(e -> out.add((String) e));
            return out;
        }
        throw ProblemException.invalid(field, field + " is a list of strings");
    }
}
