package org.opsledger.compliance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opsledger.compliance.Control.Mapping;

/**
 * Re-reads the two source documents in {@code shared/seeds/} and proves that the control catalog
 * holds exactly their numbered requirements: none missing, none invented, same order, same
 * section headings, and for IS.012 the section 7 control mapping.
 *
 * <p>The seeds are found by walking up from the working directory and looking for
 * {@code shared/seeds} under each ancestor (the repository is a clone with {@code shared/} beside
 * it); the system property {@code opsledger.seeds.dir} overrides that. Without the seeds the
 * test is skipped and says where it looked.
 */
class SeedCoverageTest {

    static final String SEEDS_PROPERTY = "opsledger.seeds.dir";
    static final String POLICY_FILE = "000_c3410fcbc19b7251.txt";    // ECOMP
    static final String STANDARD_FILE = "004_293e20cc3c059025.txt";  // IS.012

    /** Longest run of words a summary may share with the seeds: summaries are paraphrases. */
    static final int MAX_SHARED_WORDS = 7;

    private static List<SeedRequirement> standard;
    private static List<SeedRequirement> policy;
    private static Map<String, Mapping> standardMapping;
    private static String seedText;
    private static ControlCatalog catalog;

    private static String notFound;

    @BeforeAll
    static void readSeeds() throws IOException {
        List<Path> searched = new ArrayList<>();
        Path seeds = locateSeeds(searched);
        if (seeds == null) {
            notFound = "seeds not found at " + searched + "; set -D" + SEEDS_PROPERTY + "=<dir> to point at them";
            return;
        }
        List<String> standardLines = Files.readAllLines(seeds.resolve(STANDARD_FILE), StandardCharsets.UTF_8);
        List<String> policyLines = Files.readAllLines(seeds.resolve(POLICY_FILE), StandardCharsets.UTF_8);
        standard = SeedParser.standardRequirements(standardLines);
        standardMapping = SeedParser.standardMapping(standardLines);
        policy = SeedParser.policyRequirements(policyLines, SeedParser.LEAD_REQUIREMENTS);
        seedText = String.join("\n", standardLines) + "\n" + String.join("\n", policyLines);
        catalog = ControlCatalog.loadDefault();
    }

    /** Skips (and says why) a test that needs the seed documents when they are not around. */
    private static void requireSeeds() {
        Assumptions.assumeTrue(notFound == null, () -> notFound);
    }

    @Test
    void seedsHoldTheExpectedNumberOfRequirements() {
        requireSeeds();
        assertThat(standard).as("IS.012 section 6 numbered items").hasSize(94);
        assertThat(standard.getFirst().id()).isEqualTo("IS.012-6.1.1");
        assertThat(standard.getLast().id()).isEqualTo("IS.012-6.7.2.7");
        assertThat(policy.stream().filter(r -> r.id().contains("."))).as("ECOMP numbered items").hasSize(86);
        assertThat(policy.stream().filter(r -> !r.id().contains(".")))
                .as("ECOMP sections that are a requirement themselves").extracting(SeedRequirement::id)
                .containsExactly("ECOMP-3", "ECOMP-12");
    }

    @Test
    void everyRequirementHasACatalogEntryAndEveryEntryARequirement() {
        requireSeeds();
        Set<String> inSeeds = new LinkedHashSet<>();
        standard.forEach(r -> inSeeds.add(r.id()));
        policy.forEach(r -> inSeeds.add(r.id()));
        Set<String> inCatalog = new LinkedHashSet<>();
        catalog.controls().forEach(c -> inCatalog.add(c.id()));

        List<String> missing = inSeeds.stream().filter(id -> !inCatalog.contains(id)).toList();
        List<String> invented = inCatalog.stream().filter(id -> !inSeeds.contains(id)).toList();
        if (!missing.isEmpty() || !invented.isEmpty()) {
            fail("control catalog out of step with the seeds:%n  requirements without a catalog entry: %s%n"
                    + "  catalog entries not in the seeds: %s", missing, invented);
        }
        assertThat(List.copyOf(inCatalog)).as("catalog in document order").containsExactlyElementsOf(inSeeds);
    }

    @Test
    void sectionsAndTitlesMatchTheDocuments() {
        requireSeeds();
        List<String> mismatches = new ArrayList<>();
        for (SeedRequirement requirement : concat(standard, policy)) {
            catalog.find(requirement.id()).ifPresent(control -> {
                if (!control.section().equals(requirement.section())
                        || !control.sectionTitle().equals(requirement.sectionTitle())) {
                    mismatches.add(control.id() + ": catalog says section " + control.section() + " '"
                            + control.sectionTitle() + "', document says " + requirement.section() + " '"
                            + requirement.sectionTitle() + "'");
                }
            });
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void is012MappingsAreSection7s() {
        requireSeeds();
        assertThat(standardMapping).containsOnlyKeys("6.1", "6.2", "6.3", "6.4", "6.5", "6.6", "6.7");
        List<String> mismatches = new ArrayList<>();
        for (Control control : catalog.controls()) {
            if (!control.source().equals(Control.IS012)) {
                continue;
            }
            Mapping expected = standardMapping.get(control.section());
            if (!control.mapping().equals(expected)) {
                mismatches.add(control.id() + ": " + control.mapping() + " but section 7 gives " + expected);
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void summariesAreParaphrasesNotCopies() {
        requireSeeds();
        Set<String> seedRuns = wordRuns(seedText, MAX_SHARED_WORDS + 1);
        List<String> copied = new ArrayList<>();
        for (Control control : catalog.controls()) {
            for (String text : List.of(control.title(), control.summary())) {
                wordRuns(text, MAX_SHARED_WORDS + 1).stream().filter(seedRuns::contains).findFirst()
                        .ifPresent(run -> copied.add(control.id() + ": \"" + run + "\""));
            }
        }
        assertThat(copied).as("titles/summaries sharing more than %d consecutive words with the seeds",
                MAX_SHARED_WORDS).isEmpty();
    }

    @Test
    void parserIgnoresTableOfContentsMappingTableAndVersionHistory() {
        List<String> lines = List.of(
                "Table of contents",
                "6. Standard Statements.....\t3",
                "6.1. Standard Operating Procedures\t3",
                "1. PURPOSE",
                "- 1.1. **Operations Management Standard** purpose.",
                "6. STANDARD STATEMENTS",
                "6.1. Standard Operating Procedures",
                "- 6.1.1. First item.",
                " - 6.1.1.1. Indented sub-item.",
                "- 6.1.1.2. Sub-item that lost its indentation.",
                "7. CONTROL MAPPING",
                "Section\tNIST 800-53\tCIS 20\tNIST CSF",
                "6.1. Standard Operating Procedures\tAU-1\t-\tID.GV-1",
                "\tAU-2\tCSC 6\tPR.PT-1",
                "\tAU-1\t-\tID.GV-1",
                "9. DOCUMENT CHANGE CONTROL",
                "0.90\tSomeone\t10/01/2017\tCorrections",
                "1.0\tSomeone\t06/01/2018\tReview",
                "9.1 Annual Review");
        assertThat(SeedParser.standardRequirements(lines)).extracting(SeedRequirement::id)
                .containsExactly("IS.012-6.1.1", "IS.012-6.1.1.1", "IS.012-6.1.1.2");
        assertThat(SeedParser.standardMapping(lines)).containsExactly(Map.entry("6.1",
                new Mapping(List.of("AU-1", "AU-2"), List.of("CSC 6"), List.of("ID.GV-1", "PR.PT-1"))));

        List<String> policyLines = List.of(
                "Agencies are required to implement:",
                "1. Controls for securing removable/portable media:",
                "1.1. First.",
                "1.2.  Second, double-spaced.",
                "2. Separation of Duties:",
                "Prose only.",
                "3. Audit logging:",
                "3.1. Record events:",
                "3.1.1. System identity;");
        assertThat(SeedParser.policyRequirements(policyLines, Set.of())).extracting(SeedRequirement::id)
                .containsExactly("ECOMP-1.1", "ECOMP-1.2", "ECOMP-2", "ECOMP-3.1", "ECOMP-3.1.1");
        assertThat(SeedParser.policyRequirements(policyLines, Set.of("3"))).extracting(SeedRequirement::id)
                .as("a lead statement that is a requirement of its own comes before the section's items")
                .containsExactly("ECOMP-1.1", "ECOMP-1.2", "ECOMP-2", "ECOMP-3", "ECOMP-3.1", "ECOMP-3.1.1");
    }

    // ---- locating the seeds --------------------------------------------------------------

    static Path locateSeeds(List<Path> searched) {
        String override = System.getProperty(SEEDS_PROPERTY);
        if (override != null && !override.isBlank()) {
            Path dir = Path.of(override).toAbsolutePath().normalize();
            searched.add(dir);
            return hasSeeds(dir) ? dir : null;
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("seeds");
            searched.add(candidate);
            if (hasSeeds(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static boolean hasSeeds(Path dir) {
        return Files.isRegularFile(dir.resolve(STANDARD_FILE)) && Files.isRegularFile(dir.resolve(POLICY_FILE));
    }

    // ---- reading the seeds ---------------------------------------------------------------

    /** A numbered requirement as the document states it. */
    record SeedRequirement(String id, String section, String sectionTitle) {
    }

    /** Extracts the numbered requirements from the plain-text renderings of the two documents. */
    static final class SeedParser {

        /** IS.012 body headings are upper case ("6. STANDARD STATEMENTS"); its table of contents is not. */
        private static final Pattern STANDARD_HEADING = Pattern.compile("^(\\d+)\\. ([A-Z][A-Z ]+)$");
        /** "6.6. Data Backup and Restoration" (no list dash). */
        private static final Pattern STANDARD_SECTION = Pattern.compile("^(6\\.\\d+)\\.\\s+(\\S.*?)\\s*$");
        /** "- 6.6.1. text" or " - 6.6.1.1. text": a list item three or more levels deep. */
        private static final Pattern STANDARD_ITEM = Pattern.compile("^\\s*-\\s*(6(?:\\.\\d+){2,})\\.\\s+\\S.*$");
        /** ECOMP section headings end with a colon: "6. Audit logging:". */
        private static final Pattern POLICY_SECTION = Pattern.compile("^(\\d+)\\.\\s+(\\S.*?):\\s*$");
        /** "6.1.4. text", "4.1.  text". */
        private static final Pattern POLICY_ITEM = Pattern.compile("^(\\d+(?:\\.\\d+)+)\\.\\s+\\S.*$");
        /** Anything that looks numbered; such a line must be understood or the parser fails. */
        private static final Pattern LOOKS_NUMBERED = Pattern.compile("^\\s*-?\\s*\\d+\\.\\d+");

        static List<SeedRequirement> standardRequirements(List<String> lines) {
            List<SeedRequirement> items = new ArrayList<>();
            String section = null;
            String sectionTitle = null;
            for (String line : standardSection(lines, "6")) {
                Matcher m;
                if ((m = STANDARD_ITEM.matcher(line)).matches()) {
                    String number = m.group(1);
                    if (section == null || !number.startsWith(section + ".")) {
                        throw new IllegalStateException("IS.012 item " + number + " outside its section: " + line);
                    }
                    items.add(new SeedRequirement(Control.IS012 + "-" + number, section, sectionTitle));
                } else if ((m = STANDARD_SECTION.matcher(line)).matches()) {
                    section = m.group(1);
                    sectionTitle = m.group(2);
                } else if (LOOKS_NUMBERED.matcher(line).find()) {
                    throw new IllegalStateException("IS.012 section 6: cannot read numbered line: " + line);
                }
            }
            return items;
        }

        /** IS.012 section 7: for each 6.x section, its NIST 800-53, CIS and CSF ids, deduplicated. */
        static Map<String, Mapping> standardMapping(List<String> lines) {
            Map<String, List<List<String>>> columns = new LinkedHashMap<>();
            String section = null;
            for (String line : standardSection(lines, "7")) {
                if (line.isBlank() || line.startsWith("Section\t")) {
                    continue;
                }
                String[] cells = line.split("\t", -1);
                if (!cells[0].isBlank()) {
                    Matcher m = STANDARD_SECTION.matcher(cells[0]);
                    if (!m.matches()) {
                        throw new IllegalStateException("IS.012 section 7: cannot read row: " + line);
                    }
                    section = m.group(1);
                    columns.put(section, List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
                }
                if (section == null || cells.length < 4) {
                    throw new IllegalStateException("IS.012 section 7: cannot read row: " + line);
                }
                for (int i = 0; i < 3; i++) {
                    String value = cells[i + 1].strip();
                    List<String> column = columns.get(section).get(i);
                    if (!value.isEmpty() && !value.equals("-") && !column.contains(value)) {
                        column.add(value);
                    }
                }
            }
            Map<String, Mapping> mapping = new LinkedHashMap<>();
            columns.forEach((s, c) -> mapping.put(s, new Mapping(c.get(0), c.get(1), c.get(2))));
            return mapping;
        }

        /** The lines of one upper-case body section of IS.012, excluding its heading. */
        private static List<String> standardSection(List<String> lines, String number) {
            List<String> body = new ArrayList<>();
            boolean inside = false;
            for (String line : lines) {
                Matcher heading = STANDARD_HEADING.matcher(line.strip());
                if (heading.matches()) {
                    inside = heading.group(1).equals(number);
                } else if (inside) {
                    body.add(line);
                }
            }
            return body;
        }

        /**
         * ECOMP sections whose lead statement is a requirement that their numbered items do not
         * restate. Section 12: "clocks must be synchronised with an agreed time source"; 12.1 and
         * 12.2 only say how the time service itself is protected.
         */
        static final Set<String> LEAD_REQUIREMENTS = Set.of("12");

        /**
         * ECOMP: every numbered item under the numbered sections; a section that has prose but no
         * numbered items (section 3, Separation of Duties) is itself one requirement, and so is a
         * section in {@code leadRequirements}, ahead of its items.
         */
        static List<SeedRequirement> policyRequirements(List<String> lines, Set<String> leadRequirements) {
            List<SeedRequirement> items = new ArrayList<>();
            String section = null;
            String sectionTitle = null;
            boolean sectionHasItems = false;
            int expectedSection = 1;
            for (String line : lines) {
                Matcher m;
                if ((m = POLICY_ITEM.matcher(line)).matches()) {
                    String number = m.group(1);
                    if (section == null || !number.startsWith(section + ".")) {
                        throw new IllegalStateException("ECOMP item " + number + " outside its section: " + line);
                    }
                    items.add(new SeedRequirement(Control.ECOMP + "-" + number, section, sectionTitle));
                    sectionHasItems = true;
                } else if ((m = POLICY_SECTION.matcher(line)).matches()) {
                    if (section != null && !sectionHasItems) {
                        items.add(new SeedRequirement(Control.ECOMP + "-" + section, section, sectionTitle));
                    }
                    section = m.group(1);
                    sectionTitle = m.group(2);
                    sectionHasItems = leadRequirements.contains(section);
                    if (Integer.parseInt(section) != expectedSection++) {
                        throw new IllegalStateException("ECOMP sections out of sequence at: " + line);
                    }
                    if (sectionHasItems) {
                        items.add(new SeedRequirement(Control.ECOMP + "-" + section, section, sectionTitle));
                    }
                } else if (LOOKS_NUMBERED.matcher(line).find()) {
                    throw new IllegalStateException("ECOMP: cannot read numbered line: " + line);
                }
            }
            if (section != null && !sectionHasItems) {
                items.add(new SeedRequirement(Control.ECOMP + "-" + section, section, sectionTitle));
            }
            return items;
        }
    }

    // ---- helpers -------------------------------------------------------------------------

    private static Set<String> wordRuns(String text, int length) {
        String[] words = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", " ").strip().split(" ");
        Set<String> runs = new LinkedHashSet<>();
        for (int i = 0; i + length <= words.length; i++) {
            runs.add(String.join(" ", java.util.Arrays.copyOfRange(words, i, i + length)));
        }
        return runs;
    }

    private static List<SeedRequirement> concat(List<SeedRequirement> a, List<SeedRequirement> b) {
        List<SeedRequirement> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
