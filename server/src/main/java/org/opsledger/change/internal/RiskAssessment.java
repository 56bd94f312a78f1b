package org.opsledger.change.internal;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opsledger.inventory.ConfigurationItemSummary;
import org.opsledger.shared.CriticalityTier;
import org.opsledger.shared.Environment;
import org.opsledger.shared.ProblemException;

/**
 * IS.012 6.2.1: a change's risk category, from a questionnaire and from the criticality and
 * environment of the items it touches; the higher of the two wins.
 */
final class RiskAssessment {

    /** One question; answering "yes" adds its weight. */
    record Question(String id, String text, int weight) {
    }

    static final List<Question> QUESTIONS = List.of(
            new Question("serviceOutage", "Does the change need a service outage?", 3),
            new Question("userVisible", "Would users notice if it went wrong?", 2),
            new Question("securityRelevant", "Does it touch security controls, access rights or encryption?", 2),
            new Question("firstOfItsKind", "Is it the first change of its kind here?", 2),
            new Question("fallbackUntested", "Is the fallback untested?", 2),
            new Question("dataChange", "Does it change or migrate stored data?", 2));

    /** Questionnaire scores at or above these are High and Medium. */
    static final int HIGH_SCORE = 6;
    static final int MEDIUM_SCORE = 3;

    private RiskAssessment() {
    }

    /** Checks the answers' names and values; answers may be partial until submission. */
    static Map<String, Boolean> answers(Map<String, ?> raw) {
        Map<String, Boolean> answers = new LinkedHashMap<>();
        if (raw == null) {
            return answers;
        }
        raw.forEach((id, value) -> {
            if (QUESTIONS.stream().noneMatch(q -> q.id().equals(id))) {
                throw ProblemException.invalid("riskAnswers." + id, "Unknown risk question '" + id + "'; the questions are "
                        + String.join(", ", QUESTIONS.stream().map(Question::id).toList()));
            }
            if (!(value instanceof Boolean b)) {
                throw ProblemException.invalid("riskAnswers." + id, "Answer true or false");
            }
            answers.put(id, b);
        });
        return answers;
    }

    /** The first question not answered, or null. */
    static String unanswered(Map<String, Boolean> answers) {
        return QUESTIONS.stream().map(Question::id).filter(id -> !answers.containsKey(id)).findFirst().orElse(null);
    }

    static RiskLevel fromQuestionnaire(Map<String, Boolean> answers) {
        int score = QUESTIONS.stream().filter(q -> Boolean.TRUE.equals(answers.get(q.id()))).mapToInt(Question::weight).sum();
        return score >= HIGH_SCORE ? RiskLevel.HIGH : score >= MEDIUM_SCORE ? RiskLevel.MEDIUM : RiskLevel.LOW;
    }

    /** The riskiest item decides: production systems of high criticality are High. */
    static RiskLevel fromItems(Collection<ConfigurationItemSummary> items) {
        RiskLevel level = RiskLevel.LOW;
        for (ConfigurationItemSummary item : items) {
            level = level.max(fromItem(item.tier(), item.environment()));
        }
        return level;
    }

    static RiskLevel fromItem(CriticalityTier tier, Environment environment) {
        if (environment == Environment.PRODUCTION) {
            return tier == CriticalityTier.CRITICAL || tier == CriticalityTier.HIGH ? RiskLevel.HIGH : RiskLevel.MEDIUM;
        }
        if (environment == Environment.TEST && tier == CriticalityTier.CRITICAL) {
            return RiskLevel.MEDIUM;
        }
        return RiskLevel.LOW;
    }
}
