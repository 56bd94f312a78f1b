package org.opsledger.change.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code opsledger.change.*}.
 *
 * @param cabQuorumMedium     CAB votes needed before a Medium-risk change is decided (IS.012 6.2.2)
 * @param cabQuorumHigh       CAB votes needed before a High-risk change is decided
 * @param emergencyReviewDays days within which an emergency change must have its full review (IS.012 6.2.8)
 * @param processReviewEvery  how often the change process itself is reviewed (IS.012 6.2.9)
 * @param groups              stakeholder groups and teams: name → e-mail addresses (IS.012 6.2.6)
 * @param mailFrom            the sender of notifications
 * @param notificationRetry   how often unsent notifications are retried
 * @param baseUrl             the address people open the UI at, for links in mails and the calendar feed
 */
@ConfigurationProperties("opsledger.change")
record ChangeProperties(Integer cabQuorumMedium, Integer cabQuorumHigh, Integer emergencyReviewDays, Duration processReviewEvery,
        Map<String, List<String>> groups, String mailFrom, Duration notificationRetry, String baseUrl) {

    ChangeProperties {
        cabQuorumMedium = cabQuorumMedium == null ? 2 : cabQuorumMedium;
        cabQuorumHigh = cabQuorumHigh == null ? 3 : cabQuorumHigh;
        emergencyReviewDays = emergencyReviewDays == null ? 5 : emergencyReviewDays;
        processReviewEvery = processReviewEvery == null ? Duration.ofDays(90) : processReviewEvery;
        groups = groups == null ? Map.of() : Map.copyOf(groups);
        mailFrom = mailFrom == null ? "opsledger@localhost" : mailFrom;
        notificationRetry = notificationRetry == null ? Duration.ofMinutes(1) : notificationRetry;
        baseUrl = baseUrl == null ? "http://localhost:8080" : baseUrl;
    }

    int quorum(RiskLevel risk) {
        return risk == RiskLevel.HIGH ? cabQuorumHigh : cabQuorumMedium;
    }
}
