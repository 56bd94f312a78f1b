package org.opsledger.cli.vault;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import org.opsledger.cli.TerminalText;
import org.opsledger.vault.copier.Copier;
import org.opsledger.vault.copier.Tiering;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.journal.HoldHistory;
import org.opsledger.vault.journal.Journal;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.prune.Forgetter;
import org.opsledger.vault.prune.RetentionPolicy;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.LegalHold;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "tier", mixinStandardHelpOptions = true,
        description = {"Move snapshots past the near-line period (default 30d) to long-term storage (IS.012 6.6.1.3).",
                "Each is copied once, then forgotten near-line unless held (a held snapshot stays in both, held in both)."})
final class TierCommand implements Callable<Integer> {

    @Mixin
    RepoOptions repo;

    @Mixin
    SecondRepositoryOptions.Target longTerm;

    @Option(names = "--near-line", paramLabel = "DURATION", description = "Near-line period (default ${DEFAULT-VALUE}; days, months and years by the calendar of each snapshot's backup host, as forget's --keep-within counts them). "
            + RepoOptions.DURATION_UNITS, defaultValue = "30d")
    String nearLine;

    @Override
    public Integer call() {
        longTerm.checkLocation();
        String to = longTerm.location();
        RetentionPolicy.Within period = RepoOptions.within("--near-line", nearLine);
        java.time.ZoneId zone = LocalZone.forCountingDays("tier"); // the near-line period's days (a retention ends as Snapshot#retentionEnded says)
        RepoOptions.Password sourcePassword = repo.password();
        RepoOptions.Password targetPassword = longTerm.password(sourcePassword);
        List<Tiering.Moved> moved;
        // what was moved so far: a tier that fails or is stopped part-way has copied those and forgotten them near-line,
        // and both journals name them (a signal's entry reads these lists too)
        List<ObjectId> sources = Collections.synchronizedList(new ArrayList<>());
        List<ObjectId> copies = Collections.synchronizedList(new ArrayList<>());
        List<ObjectId> replacedCopies = Collections.synchronizedList(new ArrayList<>()); // the older copies amended records replaced there
        List<Forgetter.Group> emptied = new ArrayList<>();
        List<org.opsledger.vault.snapshot.SnapshotRef> expired = new ArrayList<>();
        List<org.opsledger.vault.snapshot.SnapshotRef> dueOnes = new ArrayList<>();
        String longTermId;
        try (Repository near = repo.open(sourcePassword)) {
            // IS.012 6.6.1.3: a tier that did not reach long-term storage is recorded, whatever stopped it
            try (Journaling journal = new Journaling(near, JournalEntry.Operation.TIER, List.of(to), sources)) {
                try (Repository far = longTerm.open(repo, targetPassword, sourcePassword)) {
                    Copier.requireAnotherRepository(near, far); // one failed entry, not one on each side
                    Tiering tiering = new Tiering(near, far, zone);
                    Instant now = Instant.now();
                    Tiering.Plan plan = tiering.plan(period, now); // a tier that runs backwards is refused here, as that one
                    longTermId = far.config().id();
                    // the long-term repository's journal says what it received, and from where (IS.012 6.6.5)
                    String from = near.backend().location();
                    try (Journaling received = new Journaling(far, JournalEntry.Operation.TIER, List.of(from), copies)) {
                        try {
                            var due = plan.due();
                            expired.addAll(plan.pastRetention());
                            dueOnes.addAll(due);
                            if (!due.isEmpty()) { // kill -9 writes no entry: this one stands for the tier until its own is written
                                journal.standIn(due.stream().map(s -> s.id()).toList(), "it was to move " + due.size()
                                        + " snapshot(s) older than " + nearLine + " to " + to + "; those no longer here it moved");
                            }
                            // named before the original is forgotten: a tier stopped then names what it moved (a helper's)
                            moved = tiering.move(due, (s, copy) -> {
                                copies.add(copy.snapshot().id());
                                if (copy.amendedCopy() != null && !copy.amendedCopyHeld()) { // deleted: named, as copy names it
                                    copies.add(copy.amendedCopy());
                                    replacedCopies.add(copy.amendedCopy());
                                }
                                sources.add(s.id());
                            }, batch -> { // before its originals go near-line: a kill -9 then left no entry there naming their copies
                                List<ObjectId> named = List.copyOf(copies);
                                received.standIn(named, "it had received the " + sources.size() + " snapshot(s) older than " + nearLine
                                        + " from " + from + " whose copies it names here, and was still moving those due");
                            }, m -> journalHoldsPlaced(far, m, from));
                        } catch (RuntimeException e) {
                            throw received.failed(e);
                        }
                        // as copy's: what was copied before is said so (a held snapshot stays near-line and is "received" each
                        // night again: a helper's), and a tier that moved nothing writes nothing there (§13)
                        long before = moved.stream().filter(Tiering.Moved::copiedBefore).count();
                        if (moved.isEmpty()) {
                            received.forgo();
                        } else {
                            received.ended(JournalEntry.Outcome.OK, List.of(from), CopyCommand.withOriginals(copies, replacedCopies, sources),
                                    false, 0, JournalEntry.RECEIVED + moved.size() + " snapshot(s) older than " + nearLine + " from " + from
                                    + (before > 0 ? " (" + before + " of them copied before)" : "") + JournalEntry.copiesReplaced(replacedCopies.size())
                                    + JournalEntry.originalsNamed(sources.size()));
                        }
                    }
                } catch (RuntimeException e) {
                    throw journal.failed(e);
                }
                long forgotten = moved.stream().filter(Tiering.Moved::forgottenNearLine).count();
                // a source with no snapshot near-line now has had no backup within the near-line period: stopped?
                java.util.Set<Forgetter.Group> left = new java.util.HashSet<>();
                near.snapshots().forEach(s -> left.add(new Forgetter.Group(s.snapshot().hostname(), s.snapshot().paths())));
                // unless its backups ended on purpose (IS.012 6.4.3): decommissioned after the newest snapshot moved
                Forgetter decommissions = new Forgetter(near, zone)
                        .decommissioned(new org.opsledger.vault.journal.Journal(near).decommissionTimes());
                moved.stream().filter(Tiering.Moved::forgottenNearLine).map(m -> new Forgetter.Group(m.host(), m.paths())).distinct()
                        .filter(g -> !left.contains(g) && !decommissions.decommissioned(g, dueOnes)).forEach(emptied::add);
                // those forgotten named first, so that check knows one put back (it knew only a forget's: a helper's)
                List<ObjectId> named = new ArrayList<>();
                moved.stream().filter(Tiering.Moved::forgottenNearLine).forEach(m -> named.add(m.source()));
                moved.stream().filter(m -> !m.forgottenNearLine()).forEach(m -> named.add(m.source()));
                journal.ended(JournalEntry.Outcome.OK, List.of(to), named, false, 0,
                        JournalEntry.inLongTermStorage(moved.size(), nearLine, to) + "; "
                                + JournalEntry.forgottenNearLine(forgotten) + ", " + moved.stream().filter(Tiering.Moved::held).count()
                                + " kept (held)");
            }
        }
        if (repo.json) { // the long-term repository named as the text's last line names it, when nothing moved too
            java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
            out.put("to", to);
            out.put("longTermRepositoryId", longTermId);
            out.put("moved", moved);
            Output.json(out);
        } else {
            for (Tiering.Moved m : moved) {
                Output.out().printf(java.util.Locale.ROOT, "%s -> %s%s%s%n", m.source().shortHex(), m.copy().shortHex(), m.copiedBefore() ? " (copied before" + CopyCommand.copiedAgain(m.blobsCopiedAgain()) + ")"
                                : m.amendedCopy() != null ? " (its record amended, " + (m.amendedCopyHeld() ? "beside " + m.amendedCopy().shortHex()
                                + ", which is under legal hold there and stays as it was)" : "replacing " + m.amendedCopy().shortHex() + ")") : "",
                        m.held() ? "  kept near-line: legal hold" : m.forgottenNearLine() ? "  forgotten near-line (prune frees its data)"
                                : "  " + Forgetter.GONE_MEANWHILE.replace("gone meanwhile", "gone near-line meanwhile"));
                CopyCommand.warnOfACopyBeforeRewrite(m.source().shortHex(), m.copyBeforeRewrite(), to);
            }
            Output.out().println(moved.size() + " snapshot(s) older than " + nearLine + " are in long-term storage at " + TerminalText.escape(to)
                    + " (repository " + longTermId + ")");
        }
        if (!expired.isEmpty()) { // IS.012 6.6.1.3: long-term storage per the retention requirements, and theirs ended
            var first = expired.getFirst();
            Output.err().println("note: " + expired.size() + " snapshot(s) older than " + nearLine + " were not moved: their retention"
                    + " ended (first " + first.shortId() + ", retained until " + first.snapshot().retainUntil() + "); `vault forget`"
                    + " removes them");
        }
        for (Forgetter.Group g : emptied) { // as forget warns: the last line an operator reads
            Output.err().println("warning: this moved every snapshot of " + ForgetReport.source(g) + " to long-term storage:"
                    + " it has had no backup within " + nearLine + "; have its backups stopped? (`vault due` names it until it is"
                    + " decommissioned)");
        }
        return 0;
    }

    /**
     * A hold entry in the long-term journal for each matter the move held the copy for there: that journal outlives the
     * near-line one, and keeps who placed each hold (§13) as a `vault hold` there would have written it.
     */
    private static void journalHoldsPlaced(Repository far, Tiering.Moved m, String from) {
        Journal journal = new Journal(far);
        if (!journal.kept()) {
            return;
        }
        for (LegalHold.Matter matter : m.holdsPlaced()) {
            try {
                // dated now, when it is placed here, and the near-line hold's time in its detail (HoldHistory.carried)
                journal.record(JournalEntry.of(JournalEntry.Operation.HOLD, JournalEntry.Outcome.OK, Instant.now(), List.of(),
                        List.of(m.copy()), false, 0, HoldHistory.carried(matter, m.source(), from)));
            } catch (RuntimeException e) {
                Output.err().println("warning: the journal entry of the hold on " + m.copy().shortHex() + " was not written: " + e.getMessage());
            }
        }
    }
}
