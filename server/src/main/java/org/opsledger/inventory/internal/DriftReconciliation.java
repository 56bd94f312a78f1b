package org.opsledger.inventory.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.opsledger.shared.ChangeCoverage;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Decides whether each drift item was an authorised change (IS.012 6.3.5, 6.3.7: "changes must be
 * consistent with details recorded in the change request ticket"): a change approved for that item
 * whose window includes the observation authorises it; otherwise it is an unauthorised-change alert.
 * One question to the change module per batch, however many items the batch holds. Without a change
 * module, nothing is covered: every drift item is an alert.
 */
@Component
class DriftReconciliation {

    /** The verdict on one drift item: the change that covers it, or none (an alert). */
    record Verdict(Drift drift, Optional<String> changeNumber) {
        boolean authorised() {
            return changeNumber.isPresent();
        }
    }

    private final ObjectProvider<ChangeCoverage> coverage;

    DriftReconciliation(ObjectProvider<ChangeCoverage> coverage) {
        this.coverage = coverage;
    }

    List<Verdict> reconcile(List<Drift> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        ChangeCoverage changes = coverage.getIfAvailable();
        List<ChangeCoverage.ApprovedWindow> windows = List.of();
        if (changes != null) {
            Set<UUID> items = new LinkedHashSet<>();
            Instant from = Instant.MAX;
            Instant to = Instant.MIN;
            for (Drift d : batch) {
                items.add(d.itemId());
                from = d.observedAt().isBefore(from) ? d.observedAt() : from;
                to = d.observedAt().isAfter(to) ? d.observedAt() : to;
            }
            windows = changes.approvedWindows(items, from, to);
        }
        // the most recently started window wins when several cover the same observation
        List<ChangeCoverage.ApprovedWindow> ordered = new ArrayList<>(windows);
        ordered.sort(Comparator.comparing(ChangeCoverage.ApprovedWindow::start).reversed());
        java.util.Map<UUID, List<ChangeCoverage.ApprovedWindow>> byItem = new java.util.HashMap<>();
        for (ChangeCoverage.ApprovedWindow w : ordered) {
            byItem.computeIfAbsent(w.itemId(), k -> new ArrayList<>()).add(w);
        }
        List<Verdict> verdicts = new ArrayList<>(batch.size());
        for (Drift d : batch) {
            Optional<String> change = byItem.getOrDefault(d.itemId(), List.of()).stream()
                    .filter(w -> w.covers(d.itemId(), d.observedAt())).map(ChangeCoverage.ApprovedWindow::changeNumber)
                    .findFirst();
            verdicts.add(new Verdict(d, change));
        }
        return verdicts;
    }
}
