package org.opsledger.inventory.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opsledger.shared.ChangeCoverage;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/** Drift against approved change windows (IS.012 6.3.5, 6.3.7): one question per batch, covered or alert. */
class DriftReconciliationTest {

    private static final Instant T = Instant.parse("2026-11-20T10:00:00Z");

    /** A change module that knows fixed windows and counts the questions it is asked. */
    static final class Changes implements ChangeCoverage {
        final List<ApprovedWindow> windows = new ArrayList<>();
        int calls;

        @Override
        public List<ApprovedWindow> approvedWindows(Collection<UUID> itemIds, Instant from, Instant to) {
            calls++;
            return windows.stream().filter(w -> itemIds.contains(w.itemId()) && !w.end().isBefore(from) && !w.start().isAfter(to))
                    .toList();
        }
    }

    private static DriftReconciliation with(ChangeCoverage coverage) {
        StaticListableBeanFactory beans = new StaticListableBeanFactory(coverage == null ? Map.of() : Map.of("changes", coverage));
        return new DriftReconciliation(beans.getBeanProvider(ChangeCoverage.class));
    }

    @Test
    void aDriftInsideAnApprovedWindowOnThatItemIsAuthorisedWithTheChangeNumberAndTheRestAreAlerts() {
        UUID web = UUID.randomUUID();
        UUID db = UUID.randomUUID();
        Changes changes = new Changes();
        changes.windows.add(new ChangeCoverage.ApprovedWindow("CHG-000042", web, T.minusSeconds(3600), T.plusSeconds(3600)));
        List<Drift> batch = List.of(
                new Drift(web, "setting", "sshd.PermitRootLogin", "no", "yes", T),                 // inside the window
                new Drift(web, "setting", "ntp.server", "a", "b", T.plusSeconds(7200)),           // after it closed
                new Drift(db, "file", "/etc/my.cnf", "aa", "bb", T));                             // another item
        List<DriftReconciliation.Verdict> verdicts = with(changes).reconcile(batch);
        assertThat(verdicts).extracting(DriftReconciliation.Verdict::changeNumber)
                .containsExactly(Optional.of("CHG-000042"), Optional.empty(), Optional.empty());
        assertThat(changes.calls).isEqualTo(1);
    }

    @Test
    void withoutAChangeModuleEveryDriftItemIsAnAlert() {
        List<DriftReconciliation.Verdict> verdicts = with(null).reconcile(List.of(new Drift(UUID.randomUUID(), "setting", "k", "a", "b", T)));
        assertThat(verdicts).singleElement().satisfies(v -> assertThat(v.authorised()).isFalse());
    }

    @Test
    void tenThousandDriftItemsAreOneQuestion() {
        Changes changes = new Changes();
        List<Drift> batch = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            UUID item = UUID.randomUUID();
            if (i % 2 == 0) {
                changes.windows.add(new ChangeCoverage.ApprovedWindow("CHG-" + i, item, T, T.plusSeconds(60)));
            }
            batch.add(new Drift(item, "setting", "k" + i, "a", "b", T.plusSeconds(30)));
        }
        List<DriftReconciliation.Verdict> verdicts = with(changes).reconcile(batch);
        assertThat(verdicts.stream().filter(DriftReconciliation.Verdict::authorised).count()).isEqualTo(5_000);
        assertThat(changes.calls).isEqualTo(1);
    }

    @Test
    void differencesAreAddedChangedAndRemovedSettingsAndFiles() {
        UUID item = UUID.randomUUID();
        List<Drift> d = Drift.between(item, Map.of("a", "1", "b", "2"), Map.of("/etc/x", "h1"),
                Map.of("a", "1", "b", "3", "c", "4"), Map.of(), T);
        assertThat(d).extracting(Drift::describe).containsExactly("setting b: 2 → 3", "setting c: (absent) → 4",
                "file /etc/x: h1 → (absent)");
    }
}
