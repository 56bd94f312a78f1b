package org.opsledger.inventory.internal;

import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.opsledger.shared.ProblemException;

/**
 * Reads an XCCDF results file ({@code oscap xccdf eval --results}, XCCDF 1.1 or 1.2) as a stream:
 * the rule titles of the benchmark, then the last {@code <TestResult>}: when, which profile, the
 * score and each rule's result. The same hardened reader as discovery: no DTD, no entities.
 */
final class XccdfResults {

    static final int MAX_RULES = 50_000;

    record FailedRule(String id, String title, String severity, String result) {
    }

    record Assessment(String benchmark, String profile, String target, Instant assessedAt, BigDecimal score,
            BigDecimal scoreMaximum, int passed, int failed, int errors, int notApplicable, int other,
            List<FailedRule> failedRules) {
    }

    private XccdfResults() {
    }

    static Assessment read(InputStream in) {
        return SafeXml.read(in, XccdfResults::read);
    }

    private static Assessment read(XMLStreamReader r) throws XMLStreamException {
        Map<String, String> titles = new HashMap<>();
        String benchmark = null;
        Assessment last = null;
        String rule = null;
        boolean rootSeen = false;
        while (r.hasNext()) {
            int event = r.next();
            if (event == XMLStreamConstants.DTD || event == XMLStreamConstants.ENTITY_REFERENCE) {
                throw ProblemException.invalid("body", "document type declarations and entity references are refused in XCCDF results");
            }
            if (event != XMLStreamConstants.START_ELEMENT) {
                continue;
            }
            String name = r.getLocalName();
            if (!rootSeen) {
                rootSeen = true;
                if (!name.equals("Benchmark") && !name.equals("TestResult")) {
                    throw ProblemException.invalid("body", "not XCCDF results: the root element is <" + name + ">");
                }
                if (name.equals("Benchmark")) {
                    benchmark = r.getAttributeValue(null, "id");
                }
            }
            switch (name) {
                case "Rule" -> rule = r.getAttributeValue(null, "id");
                case "title" -> {
                    if (rule != null && titles.size() < MAX_RULES) {
                        titles.putIfAbsent(rule, text(r));
                    }
                    rule = null;
                }
                case "TestResult" -> last = testResult(r, benchmark, titles);
                default -> {
                }
            }
        }
        if (last == null) {
            throw ProblemException.invalid("body", "no <TestResult> in the file: run oscap xccdf eval with --results");
        }
        return last;
    }

    private static Assessment testResult(XMLStreamReader r, String benchmarkId, Map<String, String> titles)
            throws XMLStreamException {
        Instant at = time(r.getAttributeValue(null, "end-time"));
        if (at == null) {
            at = time(r.getAttributeValue(null, "start-time"));
        }
        String benchmark = benchmarkId;
        String profile = null;
        String target = null;
        BigDecimal score = null;
        BigDecimal maximum = null;
        int passed = 0;
        int failed = 0;
        int errors = 0;
        int notApplicable = 0;
        int other = 0;
        List<FailedRule> failedRules = new ArrayList<>();
        String ruleId = null;
        String severity = null;
        int depth = 1;
        while (depth > 0) {
            int event = r.next();
            if (event == XMLStreamConstants.ENTITY_REFERENCE) {
                throw ProblemException.invalid("body", "entity references are refused in XCCDF results");
            }
            if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
                continue;
            }
            if (event != XMLStreamConstants.START_ELEMENT) {
                continue;
            }
            depth++;
            switch (r.getLocalName()) {
                case "benchmark" -> {
                    String id = r.getAttributeValue(null, "id");
                    benchmark = id != null ? id : benchmark != null ? benchmark : r.getAttributeValue(null, "href");
                }
                case "profile" -> profile = r.getAttributeValue(null, "idref");
                case "target" -> {
                    target = r.getElementText().strip();
                    depth--;
                }
                case "rule-result" -> {
                    ruleId = r.getAttributeValue(null, "idref");
                    severity = r.getAttributeValue(null, "severity");
                }
                case "result" -> {
                    String result = r.getElementText().strip();
                    depth--;
                    switch (result) {
                        case "pass", "fixed" -> passed++;
                        case "fail" -> {
                            failed++;
                            if (failedRules.size() < MAX_RULES) {
                                failedRules.add(new FailedRule(ruleId, titles.get(ruleId), severity, result));
                            }
                        }
                        case "error", "unknown" -> {
                            errors++;
                            if (failedRules.size() < MAX_RULES) {
                                failedRules.add(new FailedRule(ruleId, titles.get(ruleId), severity, result));
                            }
                        }
                        case "notapplicable" -> notApplicable++;
                        default -> other++; // notchecked, notselected, informational
                    }
                }
                case "score" -> {
                    String max = r.getAttributeValue(null, "maximum");
                    String system = r.getAttributeValue(null, "system");
                    String value = r.getElementText().strip();
                    depth--;
                    if (score == null || "urn:xccdf:scoring:default".equals(system)) {
                        score = decimal(value);
                        maximum = max == null ? null : decimal(max);
                    }
                }
                default -> {
                }
            }
        }
        if (at == null) {
            throw ProblemException.invalid("body", "the <TestResult> has no start-time or end-time");
        }
        return new Assessment(benchmark == null ? "unknown" : benchmark, profile, target, at, score, maximum, passed, failed,
                errors, notApplicable, other, failedRules);
    }

    /** The text of the current element and its children (titles may hold XHTML markup), up to its end tag. */
    private static String text(XMLStreamReader r) throws XMLStreamException {
        StringBuilder sb = new StringBuilder();
        int depth = 1;
        while (depth > 0) {
            int event = r.next();
            switch (event) {
                case XMLStreamConstants.START_ELEMENT -> depth++;
                case XMLStreamConstants.END_ELEMENT -> depth--;
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA -> {
                    if (sb.length() < 1000) {
                        sb.append(r.getText());
                    }
                }
                case XMLStreamConstants.ENTITY_REFERENCE ->
                        throw ProblemException.invalid("body", "entity references are refused in XCCDF results");
                default -> {
                }
            }
        }
        String t = sb.toString().strip().replaceAll("\\s+", " ");
        return t.length() > 500 ? t.substring(0, 500) : t;
    }

    private static Instant time(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.strip()).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return java.time.LocalDateTime.parse(value.strip()).toInstant(java.time.ZoneOffset.UTC);
            } catch (DateTimeParseException again) {
                throw ProblemException.invalid("body", "a time is not ISO 8601: " + value);
            }
        }
    }

    private static BigDecimal decimal(String value) {
        try {
            return new BigDecimal(value);
        } catch (NumberFormatException e) {
            throw ProblemException.invalid("body", "a score is not a number: " + value);
        }
    }
}
