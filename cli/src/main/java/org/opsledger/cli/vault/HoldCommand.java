package org.opsledger.cli.vault;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.opsledger.cli.CliException;
import org.opsledger.cli.TerminalText;
import org.opsledger.vault.journal.HoldHistory;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.LegalHold;
import org.opsledger.vault.snapshot.SnapshotRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "hold", mixinStandardHelpOptions = true,
        description = {"Place a legal hold: the snapshot is never forgotten or pruned until released (IS.012 6.6.7).",
                "A snapshot held already is held for this matter too, until each is released.",
                "On an S3 bucket with Object Lock, also an S3 legal hold on the snapshot's objects (lifted by the last release)."})
final class HoldCommand implements Callable<Integer> {

    @Mixin
    RepoOptions repo;

    @Mixin
    SnapshotFilterOptions select;

    @Parameters(paramLabel = "SNAPSHOT")
    String snapshot;

    @Option(names = "--reason", required = true, description = "Why (matter, case number, instruction from Legal).")
    String reason;

    @Option(names = "--by", description = "Who placed it (default: the OS user).", defaultValue = RecordOptions.OS_USER)
    String by;

    @Override
    public Integer call() {
        reason = RecordOptions.why(reason);
        by = RecordOptions.who(by);
        if (HoldHistory.placed(by, reason).length() > HoldHistory.MAX_PLACED) { // kept whole in the journal, carried too (a re-tester's)
            throw new CliException("--reason is too long: the journal keeps a hold's matter and who placed it in "
                    + HoldHistory.MAX_PLACED + " characters, to tell each matter from every other; name the matter in fewer"
                    + " (a case number and a few words)", 2);
        }
        try (Repository r = repo.open()) {
            SnapshotRef held;
            LegalHold h;
            // IS.012 6.6.7: when a hold was placed and released, by whom, for which matter, outlives the hold record
            Instant asked = Instant.now();
            boolean already;
            int storeHoldsBefore;
            try (Journaling journal = new Journaling(r, JournalEntry.Operation.HOLD, List.of(), new java.util.ArrayList<>())) {
                held = journal.find(() -> select.find(r, snapshot), SnapshotRef::id);
                LegalHold before = r.holds().get(held.id());
                storeHoldsBefore = before == null ? 0 : before.storeHoldsOrEmpty().size();
                try {
                    h = r.hold(held, reason, by);
                } catch (RuntimeException e) {
                    throw journal.failed(e);
                }
                already = h.matter(reason).heldAt().isBefore(asked); // held for this matter already: nothing changed, no entry
                if (!already) {
                    journal.ended(JournalEntry.Outcome.OK, List.of(), List.of(held.id()), false, 0, HoldHistory.placed(by, reason));
                }
            }
            if (repo.json) {
                Output.json(h);
            } else if (already) {
                LegalHold.Matter m = h.matter(reason);
                Output.out().println("snapshot " + h.snapshot().shortHex() + " is held for " + TerminalText.escape(reason)
                        + " already (since " + SnapshotsCommand.TIME.format(m.heldAt()) + " UTC, by " + TerminalText.escape(m.heldBy())
                        + ")" + (h.storeHoldsOrEmpty().size() > storeHoldsBefore ? "" : ": nothing changed"));
                if (h.storeHoldsOrEmpty().size() > storeHoldsBefore) { // IS.012 6.6.7: files copied into a bucket with Object Lock had none
                    Output.out().println("S3 legal hold (Object Lock) placed on " + (h.storeHoldsOrEmpty().size() - storeHoldsBefore)
                            + " object version(s) that had none");
                }
            } else {
                Output.out().println("snapshot " + h.snapshot().shortHex() + " is under legal hold " + forMatters(h));
                Output.out().println(h.storeHoldsOrEmpty().isEmpty()
                        ? "the store has no Object Lock: the hold is enforced by forget and prune, not by the store"
                        : "S3 legal hold (Object Lock) placed on " + h.storeHolds().size() + " object version(s)");
            }
        }
        return 0;
    }

    /**
     * "for M-1" or "for 2 matters: "M-1", "M-2"", escaped for the terminal: each of several quoted, as a reason may hold
     * "; " itself ("case-1; case-2" and "case-3" read as 3 matters: a helper's).
     */
    static String forMatters(LegalHold h) {
        List<String> reasons = h.matters().stream().map(m -> m.reason()).toList();
        return "for " + (reasons.size() == 1 ? TerminalText.escape(reasons.getFirst())
                : reasons.size() + " matters: " + String.join(", ", reasons.stream().map(TerminalText::quoted).toList()));
    }
}
