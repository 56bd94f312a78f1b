package org.opsledger.compliance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opsledger.compliance.Control.Evaluation;
import org.opsledger.compliance.Control.Mapping;

/** The shipped control catalog ({@code catalog/controls.yaml}) and the rules its loader enforces. */
class ControlCatalogTest {

    private static ControlCatalog catalog;

    @BeforeAll
    static void loadDefault() {
        catalog = ControlCatalog.loadDefault();
    }

    // ---- the shipped catalog -------------------------------------------------------------

    @Test
    void holdsEveryNumberedRequirementOfBothDocuments() {
        Map<String, Long> bySource = catalog.controls().stream()
                .collect(Collectors.groupingBy(Control::source, Collectors.counting()));
        // IS.012 section 6: 94 numbered items. ECOMP: 86 numbered items plus section 3 (ECOMP-3) and
        // section 12's lead statement (ECOMP-12).
        assertThat(bySource).containsOnly(Map.entry("IS.012", 94L), Map.entry("ECOMP", 88L));
        assertThat(catalog.controls()).hasSize(182);
        assertThat(catalog.size()).isEqualTo(182);
        assertThat(catalog.controls().stream().filter(c -> c.source().equals("ECOMP") && !c.number().contains(".")))
                .extracting(Control::id).containsExactly("ECOMP-3", "ECOMP-12");
    }

    @Test
    void keepsDocumentOrder() {
        List<Control> controls = catalog.controls();
        assertThat(controls.getFirst().id()).isEqualTo("IS.012-6.1.1");
        assertThat(controls.getLast().id()).isEqualTo("ECOMP-15.1.7");
        Comparator<Control> documentOrder = Comparator
                .comparing((Control c) -> c.source().equals("IS.012") ? 0 : 1)
                .thenComparing(c -> numberParts(c.number()), ControlCatalogTest::compareNumbers);
        assertThat(controls).isSortedAccordingTo(documentOrder);
    }

    @Test
    void findsControlsAndTheirChildren() {
        assertThat(catalog.find("IS.012-6.6.1.1")).get()
                .satisfies(c -> {
                    assertThat(c.section()).isEqualTo("6.6");
                    assertThat(c.sectionTitle()).isEqualTo("Data Backup and Restoration");
                    assertThat(c.parent()).isEqualTo("IS.012-6.6.1");
                });
        assertThat(catalog.find("ECOMP-6.1.4")).get()
                .satisfies(c -> {
                    assertThat(c.section()).isEqualTo("6");
                    assertThat(c.sectionTitle()).isEqualTo("Audit logging");
                    assertThat(c.parent()).isEqualTo("ECOMP-6.1");
                });
        assertThat(catalog.find("ECOMP-6.1").orElseThrow().parent()).isNull();
        assertThat(catalog.find("IS.012-6.6").isPresent()).as("sections are fields, not entries").isFalse();
        assertThat(catalog.find("IS.012-1.1")).isEmpty();

        assertThat(catalog.children("IS.012-6.6.1")).extracting(Control::id)
                .containsExactly("IS.012-6.6.1.1", "IS.012-6.6.1.2", "IS.012-6.6.1.3");
        assertThat(catalog.children("IS.012-6.7.2.4")).extracting(Control::id).containsExactly(
                "IS.012-6.7.2.4.1", "IS.012-6.7.2.4.2", "IS.012-6.7.2.4.3",
                "IS.012-6.7.2.4.4", "IS.012-6.7.2.4.5", "IS.012-6.7.2.4.6");
        assertThat(catalog.children("ECOMP-6.1")).hasSize(9);
        assertThat(catalog.children("IS.012-6.7.1")).hasSize(17);
        assertThat(catalog.children("IS.012-6.6.1.1")).isEmpty();
        assertThat(catalog.children("no-such-id")).isEmpty();
    }

    @Test
    void parentIsTheEnclosingNumberedItemWheneverOneExists() {
        for (Control control : catalog.controls()) {
            String number = control.number();
            String enclosing = number.contains(".")
                    ? control.source() + "-" + number.substring(0, number.lastIndexOf('.'))
                    : null;
            String expected = enclosing != null && catalog.find(enclosing).isPresent() ? enclosing : null;
            assertThat(control.parent()).as("parent of %s", control.id()).isEqualTo(expected);
        }
    }

    @Test
    void everyControlOfASectionSharesItsSectionTitle() {
        Map<String, List<String>> titles = catalog.controls().stream().collect(Collectors.groupingBy(
                c -> c.source() + " " + c.section(),
                Collectors.mapping(Control::sectionTitle, Collectors.collectingAndThen(
                        Collectors.toSet(), s -> s.stream().sorted().toList()))));
        assertThat(titles).allSatisfy((section, names) -> assertThat(names).as(section).hasSize(1));
        assertThat(titles).hasSize(7 + 15);
    }

    @Test
    void everyIs012ControlCarriesItsSectionsMappingAndEcompControlsNone() {
        for (Control control : catalog.controls()) {
            if (control.source().equals("IS.012")) {
                assertThat(control.mapping().nist80053()).as("NIST 800-53 mapping of %s", control.id()).isNotEmpty();
            } else {
                assertThat(control.mapping().isEmpty()).as("ECOMP has no mapping table: %s", control.id()).isTrue();
            }
        }
        // IS.012 section 7, deduplicated per section.
        assertThat(catalog.find("IS.012-6.6.6.3").orElseThrow().mapping())
                .isEqualTo(new Mapping(List.of("CP-9"), List.of("CSC 10"), List.of("PR.IP-4")));
        Mapping change = catalog.find("IS.012-6.2.2").orElseThrow().mapping();
        assertThat(change.nist80053()).containsExactly("CM-1", "CM-3", "CM-4", "CM-5", "CM-9", "AC-5");
        assertThat(change.cis()).containsExactly("CSC 3", "CSC 5");
        assertThat(change.nistCsf()).containsExactly("ID.GV-1", "PR.IP-1", "PR.AC-4");
        Map<String, List<Mapping>> bySection = catalog.controls().stream()
                .filter(c -> c.source().equals("IS.012"))
                .collect(Collectors.groupingBy(Control::section,
                        Collectors.mapping(Control::mapping, Collectors.collectingAndThen(
                                Collectors.toSet(), List::copyOf))));
        assertThat(bySection).allSatisfy((section, mappings) -> assertThat(mappings).as(section).hasSize(1));
    }

    @Test
    void evaluationsNameTheModuleThatProvesThem() {
        assertEvaluation("IS.012-6.2.2", Evaluation.AUTOMATIC, "change");     // CAB approval
        assertEvaluation("IS.012-6.5.4", Evaluation.AUTOMATIC, "release");    // developers cannot promote
        assertEvaluation("IS.012-6.6.1.1", Evaluation.AUTOMATIC, "backup");   // weekly full
        assertEvaluation("IS.012-6.6.7", Evaluation.AUTOMATIC, "backup");     // legal holds
        assertEvaluation("IS.012-6.7.1.3", Evaluation.ATTESTED, null);        // contract clauses
        assertEvaluation("ECOMP-6.4", Evaluation.AUTOMATIC, "audit");         // admins cannot erase own logs
        assertEvaluation("ECOMP-12", Evaluation.AUTOMATIC, "audit");          // clock synchronisation
        assertEvaluation("IS.012-6.7.2.5", Evaluation.AUTOMATIC, "audit");    // logs sent to the SIEM
        assertEvaluation("ECOMP-12.1", Evaluation.ATTESTED, null);            // the time service's own protection
        assertEvaluation("ECOMP-12.2", Evaluation.ATTESTED, null);
        assertEvaluation("ECOMP-1.8", Evaluation.AUTOMATIC, "identity");      // session timeout
        assertEvaluation("ECOMP-3", Evaluation.AUTOMATIC, "identity");        // separation of duties
        assertEvaluation("ECOMP-8.1", Evaluation.ATTESTED, null);             // locked cabinets

        List<String> wrong = catalog.controls().stream()
                .filter(c -> c.evaluation() == Evaluation.AUTOMATIC
                        ? !Control.MODULES.contains(c.module()) : c.module() != null)
                .map(c -> c.id() + " " + c.evaluation() + " module=" + c.module())
                .toList();
        assertThat(wrong).as("automatic controls name a known module, attested ones none").isEmpty();
    }

    @Test
    void titlesAreShortAndSummariesAreOneSentence() {
        List<String> longTitles = catalog.controls().stream()
                .filter(c -> c.title().split("\\s+").length > 8)
                .map(c -> c.id() + ": " + c.title())
                .toList();
        List<String> notOneSentence = catalog.controls().stream()
                .filter(c -> !c.summary().endsWith(".") || c.summary().contains(". ") || c.summary().length() >= 240)
                .map(c -> c.id() + ": " + c.summary())
                .toList();
        assertThat(longTitles).as("titles of more than 8 words").isEmpty();
        assertThat(notOneSentence).as("summaries that are not one sentence").isEmpty();
    }

    // ---- the loader's rules --------------------------------------------------------------

    @Test
    void rejectsADuplicateId() {
        String yaml = catalogOf(entry("IS.012-6.6.1", null), entry("IS.012-6.6.1", null));
        assertThatThrownBy(() -> load(yaml))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("entry #2 (IS.012-6.6.1)")
                .hasMessageContaining("duplicate id");
    }

    @Test
    void rejectsAnUnknownParent() {
        String yaml = catalogOf(entry("IS.012-6.6.1", null), entry("IS.012-6.6.2.1", "IS.012-6.6.2"));
        assertThatThrownBy(() -> load(yaml))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("IS.012-6.6.2.1")
                .hasMessageContaining("unknown parent 'IS.012-6.6.2'");
    }

    @Test
    void rejectsAParentThatDoesNotEncloseTheItem() {
        String yaml = catalogOf(entry("IS.012-6.6.1", null), entry("IS.012-6.6.2.1", "IS.012-6.6.1"));
        assertThatThrownBy(() -> load(yaml))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("IS.012-6.6.2.1")
                .hasMessageContaining("not an enclosing item");
    }

    @Test
    void rejectsAMissingSummary() {
        String yaml = catalogOf(entry("IS.012-6.6.1", null).replaceAll("(?m)^    summary: .*\\n", ""));
        assertThatThrownBy(() -> load(yaml))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("entry #1 (IS.012-6.6.1)")
                .hasMessageContaining("summary is required");
    }

    @Test
    void rejectsAnUnknownField() {
        String yaml = catalogOf(entry("IS.012-6.6.1", null) + "    owner: \"someone\"\n");
        assertThatThrownBy(() -> load(yaml))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("IS.012-6.6.1")
                .hasMessageContaining("unknown field 'owner'");
    }

    @Test
    void rejectsAnAutomaticControlWithoutAModule() {
        String yaml = catalogOf(entry("IS.012-6.6.1", null).replace("    module: backup\n", ""));
        assertThatThrownBy(() -> load(yaml))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("IS.012-6.6.1")
                .hasMessageContaining("needs a module");
    }

    @Test
    void rejectsAnUnquotedSectionNumber() {
        String yaml = catalogOf(entry("IS.012-6.6.1", null).replace("section: \"6.6\"", "section: 6.6"));
        assertThatThrownBy(() -> load(yaml))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("section must be a string");
    }

    @Test
    void rejectsAMalformedId() {
        String yaml = catalogOf(entry("IS.012-7.1", null).replace("section: \"6.6\"", "section: \"7\""));
        assertThatThrownBy(() -> load(yaml))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("IS.012-7.1")
                .hasMessageContaining("id must look like");
    }

    @Test
    void rejectsDuplicateYamlKeysAndArbitraryTypes() {
        String duplicateKey = catalogOf(entry("IS.012-6.6.1", null) + "    title: \"again\"\n");
        assertThatThrownBy(() -> load(duplicateKey))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not valid YAML");
        String arbitraryType = "version: 1\ncontrols: !!java.util.ArrayList []\n";
        assertThatThrownBy(() -> load(arbitraryType))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void loadsAWellFormedCatalog() {
        ControlCatalog small = load(catalogOf(entry("IS.012-6.6.1", null), entry("IS.012-6.6.1.1", "IS.012-6.6.1")));
        assertThat(small.controls()).extracting(Control::id).containsExactly("IS.012-6.6.1", "IS.012-6.6.1.1");
        assertThat(small.children("IS.012-6.6.1")).extracting(Control::id).containsExactly("IS.012-6.6.1.1");
        assertThat(small.find("IS.012-6.6.1.1").orElseThrow().module()).isEqualTo("backup");
    }

    @Test
    void controlRejectsBlankTextAndAttestedControlsWithAModule() {
        assertThatThrownBy(() -> control("IS.012-6.6.1", " ", Evaluation.ATTESTED, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("title is required");
        assertThatThrownBy(() -> control("IS.012-6.6.1", "Title", Evaluation.ATTESTED, "backup"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attested control names no module");
        assertThatThrownBy(() -> control("IS.012-6.6.1", "Title", Evaluation.AUTOMATIC, "payroll"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown module 'payroll'");
        assertThatThrownBy(() -> control("ECOMP-1.1", "Title", Evaluation.ATTESTED, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("source is 'IS.012'");
    }

    // ---- helpers -------------------------------------------------------------------------

    private static void assertEvaluation(String id, Evaluation evaluation, String module) {
        Control control = catalog.find(id).orElseThrow(() -> new AssertionError(id + " missing"));
        assertThat(control.evaluation()).as("evaluation of %s", id).isEqualTo(evaluation);
        assertThat(control.module()).as("module of %s", id).isEqualTo(module);
    }

    private static Control control(String id, String title, Evaluation evaluation, String module) {
        return new Control(id, "IS.012", "6.6", "Data Backup and Restoration", null, title, "A summary.",
                Mapping.none(), evaluation, module);
    }

    private static ControlCatalog load(String yaml) {
        return ControlCatalog.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    private static String catalogOf(String... entries) {
        return "version: 1\ncontrols:\n" + String.join("", entries);
    }

    private static String entry(String id, String parent) {
        return "  - id: \"" + id + "\"\n"
                + "    source: \"IS.012\"\n"
                + "    section: \"6.6\"\n"
                + "    sectionTitle: \"Data Backup and Restoration\"\n"
                + (parent == null ? "" : "    parent: \"" + parent + "\"\n")
                + "    title: \"A title\"\n"
                + "    summary: \"A summary.\"\n"
                + "    mapping: {nist80053: [\"CP-9\"], cis: [\"CSC 10\"], nistCsf: [\"PR.IP-4\"]}\n"
                + "    evaluation: automatic\n"
                + "    module: backup\n";
    }

    private static int[] numberParts(String number) {
        return Arrays.stream(number.split("\\.")).mapToInt(Integer::parseInt).toArray();
    }

    private static int compareNumbers(int[] a, int[] b) {
        return Arrays.compare(a, b);
    }
}
