package org.opsledger.change.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opsledger.inventory.ConfigurationItemSummary;
import org.opsledger.inventory.ItemKind;
import org.opsledger.inventory.Lifecycle;
import org.opsledger.shared.CriticalityTier;
import org.opsledger.shared.Environment;
import org.opsledger.shared.ProblemException;

/** IS.012 6.2.1: the questionnaire, the items, the higher of the two. */
class RiskAssessmentTest {

    private static ConfigurationItemSummary item(CriticalityTier tier, Environment environment) {
        return new ConfigurationItemSummary(UUID.randomUUID(), "ci", ItemKind.SERVER, tier, environment, Lifecycle.ACTIVE);
    }

    @Test
    void theQuestionnaireScoresAddUp() {
        assertThat(RiskAssessment.fromQuestionnaire(Map.of())).isEqualTo(RiskLevel.LOW);
        assertThat(RiskAssessment.fromQuestionnaire(Map.of("userVisible", true))).isEqualTo(RiskLevel.LOW);
        assertThat(RiskAssessment.fromQuestionnaire(Map.of("serviceOutage", true))).isEqualTo(RiskLevel.MEDIUM);
        assertThat(RiskAssessment.fromQuestionnaire(Map.of("serviceOutage", true, "dataChange", true, "userVisible", false)))
                .isEqualTo(RiskLevel.MEDIUM);
        assertThat(RiskAssessment.fromQuestionnaire(Map.of("userVisible", true, "dataChange", true, "firstOfItsKind", true)))
                .isEqualTo(RiskLevel.HIGH);
    }

    @Test
    void productionAndCriticalityDecideTheItemsRisk() {
        assertThat(RiskAssessment.fromItems(List.of())).isEqualTo(RiskLevel.LOW);
        assertThat(RiskAssessment.fromItems(List.of(item(CriticalityTier.LOW, Environment.DEVELOPMENT),
                item(CriticalityTier.HIGH, Environment.PRODUCTION)))).isEqualTo(RiskLevel.HIGH);
        assertThat(RiskAssessment.fromItem(CriticalityTier.LOW, Environment.PRODUCTION)).isEqualTo(RiskLevel.MEDIUM);
        assertThat(RiskAssessment.fromItem(CriticalityTier.CRITICAL, Environment.TEST)).isEqualTo(RiskLevel.MEDIUM);
        assertThat(RiskAssessment.fromItem(CriticalityTier.HIGH, Environment.TEST)).isEqualTo(RiskLevel.LOW);
    }

    @Test
    void answersAreCheckedByName() {
        assertThatThrownBy(() -> RiskAssessment.answers(Map.of("astrology", true))).isInstanceOf(ProblemException.class)
                .extracting(e -> ((ProblemException) e).field()).isEqualTo("riskAnswers.astrology");
        assertThatThrownBy(() -> RiskAssessment.answers(Map.of("dataChange", "yes"))).isInstanceOf(ProblemException.class);
        assertThat(RiskAssessment.unanswered(Map.of("serviceOutage", false))).isEqualTo("userVisible");
    }

    @Test
    void csvCellsThatASpreadsheetWouldRunStayText() {
        assertThat(ChangeReports.cell("=1+2")).isEqualTo("'=1+2");
        assertThat(ChangeReports.cell("+x")).isEqualTo("'+x");
        assertThat(ChangeReports.cell("-x")).isEqualTo("'-x");
        assertThat(ChangeReports.cell("@SUM(A1)")).isEqualTo("'@SUM(A1)");
        assertThat(ChangeReports.cell("a,\"b\"")).isEqualTo("\"a,\"\"b\"\"\"");
        assertThat(ChangeReports.cell(-1.5)).isEqualTo("-1.5");
        assertThat(ChangeReports.cell(null)).isEmpty();
    }
}
