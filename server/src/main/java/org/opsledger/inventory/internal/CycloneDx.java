package org.opsledger.inventory.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.opsledger.shared.ProblemException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the components of a CycloneDX SBOM in JSON (specification 1.2–1.6): each component's name,
 * version, package URL and supplier, nested components included. Anything else in the document is
 * ignored.
 */
final class CycloneDx {

    static final int MAX_COMPONENTS = 50_000;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One component, as an item's installed software. */
    record Component(String name, String version, String purl, String supplier) {
    }

    /** The SBOM's serial number (may be null) and its components, duplicates removed. */
    record Bom(String serialNumber, List<Component> components) {
    }

    private CycloneDx() {
    }

    static Bom read(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json == null ? "" : json);
        } catch (JacksonException e) {
            throw ProblemException.invalid("sbom", "Not a JSON document");
        }
        if (root == null || !root.isObject() || !"CycloneDX".equals(root.path("bomFormat").asString(null))) {
            throw ProblemException.invalid("bomFormat", "Not a CycloneDX SBOM: bomFormat must be \"CycloneDX\" (JSON format)");
        }
        Set<Component> out = new LinkedHashSet<>();
        Deque<JsonNode> pending = new ArrayDeque<>();
        pending.push(root.path("components"));
        while (!pending.isEmpty()) {
            JsonNode list = pending.pop();
            if (!list.isArray()) {
                continue;
            }
            for (JsonNode c : list) {
                String name = text(c.path("name"), 300);
                if (name == null) {
                    throw ProblemException.invalid("components", "Every component needs a name");
                }
                String group = text(c.path("group"), 200);
                String supplier = text(c.path("supplier").path("name"), 300);
                if (supplier == null) {
                    supplier = text(c.path("publisher"), 300);
                }
                out.add(new Component(group == null ? name : group + "/" + name, text(c.path("version"), 200),
                        text(c.path("purl"), 1000), supplier));
                if (out.size() > MAX_COMPONENTS) {
                    throw ProblemException.invalid("components", "At most " + MAX_COMPONENTS + " components per SBOM");
                }
                pending.push(c.path("components"));
            }
        }
        return new Bom(text(root.path("serialNumber"), 200), List.copyOf(out));
    }

    private static String text(JsonNode node, int max) {
        if (!node.isString() || node.stringValue().isBlank()) {
            return null;
        }
        String v = node.stringValue().strip();
        return v.length() > max ? v.substring(0, max) : v;
    }
}
