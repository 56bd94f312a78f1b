package org.opsledger.compliance;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;

/**
 * The control catalog: every numbered requirement of IS.012 section 6 and of the ECOMP policy,
 * read from {@code catalog/controls.yaml} (see the comment at the top of that file for the
 * format). Immutable once loaded; controls keep document order.
 *
 * <p>Loading is strict: a duplicate id, a parent that is not an earlier entry, an unknown or
 * missing field, or a field of the wrong type fails with an {@link IllegalArgumentException}
 * naming the entry. The YAML is read with SnakeYAML's {@link SafeConstructor} (plain maps,
 * lists and scalars only, no arbitrary types), with aliases, nesting and size limited.
 */
public final class ControlCatalog {

    /** Classpath location of the catalog shipped with OpsLedger. */
    public static final String DEFAULT_RESOURCE = "catalog/controls.yaml";

    private static final int MAX_CODE_POINTS = 4 * 1024 * 1024;
    private static final int MAX_ALIASES = 20;
    private static final int MAX_NESTING = 20;

    private static final Set<String> ROOT_KEYS = Set.of("version", "controls");
    private static final Set<String> ENTRY_KEYS = Set.of("id", "source", "section", "sectionTitle",
            "parent", "title", "summary", "mapping", "evaluation", "module");
    private static final Set<String> MAPPING_KEYS = Set.of("nist80053", "cis", "nistCsf");
    private static final int SUPPORTED_VERSION = 1;

    private final List<Control> controls;
    private final Map<String, Control> byId;
    private final Map<String, List<Control>> childrenById;

    private ControlCatalog(List<Control> controls) {
        this.controls = List.copyOf(controls);
        Map<String, Control> ids = new LinkedHashMap<>();
        Map<String, List<Control>> children = new LinkedHashMap<>();
        for (Control control : controls) {
            ids.put(control.id(), control);
            if (control.parent() != null) {
                children.computeIfAbsent(control.parent(), p -> new ArrayList<>()).add(control);
            }
        }
        this.byId = Collections.unmodifiableMap(ids);
        children.replaceAll((id, list) -> List.copyOf(list));
        this.childrenById = Collections.unmodifiableMap(children);
    }

    /** Loads the catalog shipped with OpsLedger ({@value #DEFAULT_RESOURCE} on the classpath). */
    public static ControlCatalog loadDefault() {
        ClassLoader loader = Objects.requireNonNullElse(
                Thread.currentThread().getContextClassLoader(), ControlCatalog.class.getClassLoader());
        try (InputStream in = loader.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULT_RESOURCE + " is not on the classpath");
            }
            return load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DEFAULT_RESOURCE, e);
        }
    }

    /**
     * Reads a catalog in the {@code controls.yaml} format. The stream is read fully (UTF-8) but
     * not closed.
     *
     * @throws IllegalArgumentException if the document is not a valid catalog; the message names
     *                                  the offending entry
     */
    public static ControlCatalog load(InputStream in) {
        Objects.requireNonNull(in, "in");
        Object root;
        try {
            Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
            root = yaml().load(reader);
        } catch (YAMLException e) {
            throw new IllegalArgumentException("control catalog is not valid YAML: " + e.getMessage(), e);
        }
        return new ControlCatalog(parse(root));
    }

    /** Every control, in document order: IS.012 section 6 first, then the ECOMP policy. */
    public List<Control> controls() {
        return controls;
    }

    public Optional<Control> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The controls directly under {@code id} (e.g. 6.6.1.1–6.6.1.3 for IS.012-6.6.1), in order. */
    public List<Control> children(String id) {
        return childrenById.getOrDefault(id, List.of());
    }

    public int size() {
        return controls.size();
    }

    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setCodePointLimit(MAX_CODE_POINTS);
        DumperOptions dumperOptions = new DumperOptions();
        return new Yaml(new SafeConstructor(options), new Representer(dumperOptions), dumperOptions, options);
    }

    private static List<Control> parse(Object root) {
        if (!(root instanceof Map<?, ?> rootMap)) {
            throw new IllegalArgumentException("control catalog: expected a mapping with 'version' and "
                    + "'controls' at the top level");
        }
        rejectUnknownKeys(rootMap, ROOT_KEYS, "control catalog");
        Object version = rootMap.get("version");
        if (version != null && !Integer.valueOf(SUPPORTED_VERSION).equals(version)) {
            throw new IllegalArgumentException("control catalog: unsupported version " + version
                    + " (this OpsLedger reads version " + SUPPORTED_VERSION + ")");
        }
        if (!(rootMap.get("controls") instanceof List<?> entries)) {
            throw new IllegalArgumentException("control catalog: 'controls' must be a list of entries");
        }
        List<Control> controls = new ArrayList<>(entries.size());
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            int number = i + 1;
            if (!(entries.get(i) instanceof Map<?, ?> entry)) {
                throw new IllegalArgumentException("control catalog entry #" + number + ": expected a mapping");
            }
            String where = describe(entry, number);
            Control control = toControl(entry, where);
            Integer earlier = seen.putIfAbsent(control.id(), number);
            if (earlier != null) {
                throw new IllegalArgumentException(where + ": duplicate id, already used by entry #" + earlier);
            }
            if (control.parent() != null && !seen.containsKey(control.parent())) {
                throw new IllegalArgumentException(where + ": unknown parent '" + control.parent()
                        + "' (a parent must be an entry listed before its children)");
            }
            controls.add(control);
        }
        return controls;
    }

    private static Control toControl(Map<?, ?> entry, String where) {
        rejectUnknownKeys(entry, ENTRY_KEYS, where);
        String evaluationText = requiredString(entry, "evaluation", where);
        Control.Evaluation evaluation = switch (evaluationText) {
            case "automatic" -> Control.Evaluation.AUTOMATIC;
            case "attested" -> Control.Evaluation.ATTESTED;
            default -> throw new IllegalArgumentException(where + ": evaluation must be 'automatic' or "
                    + "'attested', not '" + evaluationText + "'");
        };
        String id = requiredString(entry, "id", where);
        String source = requiredString(entry, "source", where);
        String section = requiredString(entry, "section", where);
        String sectionTitle = requiredString(entry, "sectionTitle", where);
        String parent = optionalString(entry, "parent", where);
        String title = requiredString(entry, "title", where);
        String summary = requiredString(entry, "summary", where);
        Control.Mapping mapping = mapping(entry.get("mapping"), where);
        String module = optionalString(entry, "module", where);
        try {
            return new Control(id, source, section, sectionTitle, parent, title, summary, mapping,
                    evaluation, module);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " is invalid: " + e.getMessage(), e);
        }
    }

    private static Control.Mapping mapping(Object value, String where) {
        if (value == null) {
            throw new IllegalArgumentException(where + ": mapping is required (empty lists for ECOMP)");
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(where + ": mapping must be a mapping of nist80053, cis, nistCsf");
        }
        rejectUnknownKeys(map, MAPPING_KEYS, where + " mapping");
        return new Control.Mapping(
                stringList(map, "nist80053", where),
                stringList(map, "cis", where),
                stringList(map, "nistCsf", where));
    }

    private static List<String> stringList(Map<?, ?> map, String key, String where) {
        Object value = map.get(key);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException(where + ": mapping." + key + " must be a list");
        }
        List<String> result = new ArrayList<>(list.size());
        for (Object item : list) {
            if (!(item instanceof String s) || s.isBlank()) {
                throw new IllegalArgumentException(where + ": mapping." + key
                        + " must hold non-blank strings, found " + item);
            }
            if (result.contains(s)) {
                throw new IllegalArgumentException(where + ": mapping." + key + " lists " + s + " twice");
            }
            result.add(s);
        }
        return result;
    }

    private static String requiredString(Map<?, ?> entry, String key, String where) {
        String value = optionalString(entry, key, where);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(where + ": " + key + " is required and must not be blank");
        }
        return value;
    }

    private static String optionalString(Map<?, ?> entry, String key, String where) {
        Object value = entry.get(key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s)) {
            // An unquoted section such as 6.10 would arrive as the number 6.1: insist on quotes.
            throw new IllegalArgumentException(where + ": " + key + " must be a string (quote it), found "
                    + value.getClass().getSimpleName() + " " + value);
        }
        return s;
    }

    private static void rejectUnknownKeys(Map<?, ?> map, Set<String> allowed, String where) {
        for (Object key : map.keySet()) {
            if (!(key instanceof String k) || !allowed.contains(k)) {
                throw new IllegalArgumentException(where + ": unknown field '" + key + "' (allowed: "
                        + allowed.stream().sorted().toList() + ")");
            }
        }
    }

    private static String describe(Map<?, ?> entry, int number) {
        Object id = entry.get("id");
        return "control catalog entry #" + number + (id == null ? "" : " (" + id + ")");
    }
}
