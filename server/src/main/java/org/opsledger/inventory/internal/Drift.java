package org.opsledger.inventory.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.UUID;

/**
 * One difference between an item's baseline and a later snapshot (IS.012 6.3.5): a setting or a
 * file whose value or hash is not the baseline's; {@code expected} null means added, {@code observed}
 * null means removed.
 */
record Drift(UUID itemId, String kind, String key, String expected, String observed, Instant observedAt) {

    /** Every difference between the baseline's settings and files and the snapshot's, settings first, by key. */
    static List<Drift> between(UUID itemId, Map<String, String> baselineSettings, Map<String, String> baselineFiles,
            Map<String, String> settings, Map<String, String> files, Instant observedAt) {
        List<Drift> out = new ArrayList<>();
        compare(out, itemId, "setting", baselineSettings, settings, observedAt);
        compare(out, itemId, "file", baselineFiles, files, observedAt);
        return out;
    }

    private static void compare(List<Drift> out, UUID itemId, String kind, Map<String, String> expected,
            Map<String, String> observed, Instant at) {
        TreeSet<String> keys = new TreeSet<>(expected.keySet());
        keys.addAll(observed.keySet());
        for (String key : keys) {
            String e = expected.get(key);
            String o = observed.get(key);
            if (!Objects.equals(e, o)) {
                out.add(new Drift(itemId, kind, key, e, o, at));
            }
        }
    }

    /** "setting sshd.PermitRootLogin: no → yes". */
    String describe() {
        return kind + " " + key + ": " + (expected == null ? "(absent)" : expected) + " → "
                + (observed == null ? "(absent)" : observed);
    }
}
