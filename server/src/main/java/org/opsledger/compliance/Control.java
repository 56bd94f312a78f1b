package org.opsledger.compliance;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One numbered requirement of the IS.012 Operations Management Standard (section 6) or of the
 * Enterprise Communications &amp; Operations Management Policy (ECOMP), as catalogued in
 * {@code catalog/controls.yaml}.
 *
 * <p>{@code title} and {@code summary} are OpsLedger's own paraphrases; the documents stay the
 * authority. {@code mapping} is the IS.012 section 7 mapping of the section the control sits
 * in (empty for ECOMP controls). {@code module} names the OpsLedger module whose records prove
 * an {@link Evaluation#AUTOMATIC automatic} control and is {@code null} for an
 * {@link Evaluation#ATTESTED attested} one.
 *
 * @param id           {@code IS.012-6.6.1.1}, {@code ECOMP-6.1.4}, {@code ECOMP-3}
 * @param source       {@code IS.012} or {@code ECOMP}
 * @param section      the document section holding the item: {@code 6.6}, {@code 6}
 * @param sectionTitle that section's heading
 * @param parent       id of the enclosing numbered item, or {@code null} for a top-level item
 */
public record Control(
        String id,
        String source,
        String section,
        String sectionTitle,
        String parent,
        String title,
        String summary,
        Mapping mapping,
        Evaluation evaluation,
        String module) {

    public static final String IS012 = "IS.012";
    public static final String ECOMP = "ECOMP";

    /** IS.012 items all live in section 6; ECOMP items are numbered from section 1. */
    public static final Pattern ID_PATTERN = Pattern.compile("(IS\\.012-6(\\.\\d+)+|ECOMP-\\d+(\\.\\d+)*)");

    /** The OpsLedger modules whose records can prove a control (DESIGN.md, "Shape"). */
    public static final Set<String> MODULES = Set.of(
            "identity", "audit", "change", "inventory", "release",
            "backup", "media", "fault", "capacity", "compliance");

    /** How a control's status is established. */
    public enum Evaluation {
        /** A query over OpsLedger's own records proves it. */
        AUTOMATIC,
        /** A person uploads evidence (with an expiry) to show it. */
        ATTESTED
    }

    /** IS.012 section 7: the NIST SP 800-53, CIS 20 and NIST CSF controls mapped to a section. */
    public record Mapping(List<String> nist80053, List<String> cis, List<String> nistCsf) {

        private static final Mapping NONE = new Mapping(List.of(), List.of(), List.of());

        public Mapping {
            nist80053 = nist80053 == null ? List.of() : List.copyOf(nist80053);
            cis = cis == null ? List.of() : List.copyOf(cis);
            nistCsf = nistCsf == null ? List.of() : List.copyOf(nistCsf);
        }

        /** The empty mapping, used for ECOMP controls. */
        public static Mapping none() {
            return NONE;
        }

        public boolean isEmpty() {
            return nist80053.isEmpty() && cis.isEmpty() && nistCsf.isEmpty();
        }
    }

    public Control {
        requireText(id, "id", id);
        if (!ID_PATTERN.matcher(id).matches()) {
            throw new IllegalArgumentException("control '" + id
                    + "': id must look like IS.012-6.6.1.1 or ECOMP-6.1.4");
        }
        requireText(source, "source", id);
        String expectedSource = id.startsWith(IS012 + "-") ? IS012 : ECOMP;
        if (!source.equals(expectedSource)) {
            throw new IllegalArgumentException("control '" + id + "': source is '" + source
                    + "' but the id says " + expectedSource);
        }
        requireText(section, "section", id);
        String number = number(id);
        if (!(number.equals(section) || number.startsWith(section + "."))) {
            throw new IllegalArgumentException("control '" + id + "': section '" + section
                    + "' does not contain item " + number);
        }
        requireText(sectionTitle, "sectionTitle", id);
        if (parent != null) {
            if (parent.isBlank()) {
                parent = null;
            } else if (!id.startsWith(parent + ".")) {
                throw new IllegalArgumentException("control '" + id + "': parent '" + parent
                        + "' is not an enclosing item of " + id);
            }
        }
        requireText(title, "title", id);
        requireText(summary, "summary", id);
        mapping = mapping == null ? Mapping.none() : mapping;
        Objects.requireNonNull(evaluation, () -> "control '" + id + "': evaluation is required");
        switch (evaluation) {
            case AUTOMATIC -> {
                if (module == null || module.isBlank()) {
                    throw new IllegalArgumentException("control '" + id
                            + "': an automatic control needs a module, one of " + MODULES);
                }
                if (!MODULES.contains(module)) {
                    throw new IllegalArgumentException("control '" + id + "': unknown module '"
                            + module + "', expected one of " + MODULES);
                }
            }
            case ATTESTED -> {
                if (module != null && !module.isBlank()) {
                    throw new IllegalArgumentException("control '" + id
                            + "': an attested control names no module (found '" + module + "')");
                }
                module = null;
            }
        }
    }

    /** The item's number within its document: {@code 6.6.1.1} for {@code IS.012-6.6.1.1}. */
    public String number() {
        return number(id);
    }

    public boolean isAutomatic() {
        return evaluation == Evaluation.AUTOMATIC;
    }

    private static String number(String id) {
        return id.substring(id.indexOf('-') + 1);
    }

    private static void requireText(String value, String field, String id) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("control '" + (id == null ? "?" : id) + "': "
                    + field + " is required and must not be blank");
        }
    }
}
