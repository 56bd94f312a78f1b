package org.opsledger.cli.vault;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.opsledger.cli.TerminalText;
import org.opsledger.vault.checker.RepairResult;
import org.opsledger.vault.checker.Repairer;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.repository.Repository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "repair", mixinStandardHelpOptions = true,
        description = {"After `check` found damage: rebuild the index from the packs' headers and, with --read-data, take damaged"
                + " packs out of use, keeping every blob that still reads.",
                "A lost blob is stored again by the next backup of the same sources, and every snapshot needing it is whole again."
                        + " Runs alone: refused while a backup, prune or copy holds a lock."})
final class RepairCommand implements Callable<Integer> {

    @Mixin
    RepoOptions repo;

    @Mixin
    ReadDataOptions read;

    @Option(names = {"-n", "--dry-run"}, description = "Report what is wrong and what would be saved; write nothing.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        double percent = read.percent();
        RepairResult res;
        int exit;
        // a repair changes the repository (damaged files moved aside, blobs salvaged): the journal keeps what it did; a dry run writes none
        repo.storeItself = true; // it tells what the store holds: a kept copy of a file whose stored bytes are damaged is whole
        try (Repository r = repo.open();
             Journaling journal = dryRun ? null : new Journaling(r, JournalEntry.Operation.REPAIR, List.of(), List.of())) {
            Repairer repairer = new Repairer(r, read.threads);
            try (AutoCloseable bar = Output.progress(repo.json, () -> repairer.packsDone().get() + " packs read")) {
                res = repairer.repair(percent, dryRun);
            } catch (RuntimeException e) {
                throw journal == null ? e : journal.failed(e);
            }
            exit = res.blobsLost() > 0 || res.snapshotsLost() > 0 || res.filesLeft() > 0 || res.snapshotsGone() != null
                    ? BackupCommand.INCOMPLETE : 0;
            if (journal != null) {
                journal.losing(repairer.lostJournalEntries()); // not said deleted by the checks after (§13)
                // the held snapshots whose record it replaced: an auditor's `journal --snapshot` saw the matters placed and
                // nothing after, while the record held a placeholder no entry placed (a tester's)
                journal.ended(exit == 0 ? JournalEntry.Outcome.OK : JournalEntry.Outcome.INCOMPLETE, List.of(), res.holdsReplaced().stream()
                        .map(f -> Repository.idOfName(f.name())).toList(), false, exit, summary(res));
            }
        }
        if (repo.json) {
            Output.json(Map.of("result", res, "blobsLost", res.blobsLost(), "blobsDropped", res.blobsDropped(), "snapshotsLost", res.snapshotsLost()));
        } else {
            print(res);
        }
        return exit;
    }

    private static void print(RepairResult r) {
        String would = r.dryRun() ? "would be " : "";
        r.indexProblems().forEach(p -> Output.out().println("index: " + TerminalText.escape(p) + ": " + would + "replaced"));
        if (r.packsIndexedAgain() > 0) {
            Output.out().printf(java.util.Locale.ROOT, "index: %d pack(s) %sindexed again from their own headers%n", r.packsIndexedAgain(), would);
        }
        r.packsUnreadable().forEach(p -> Output.out().println("warning: " + TerminalText.escape(p) + " (in no index; prune removes it)"));
        for (RepairResult.RepairedPack p : r.packs()) {
            if (p.problem().startsWith(RepairResult.HEADERLESS)) { // which blobs it held is known of those found whole alone: none is lost to it
                Output.out().printf(java.util.Locale.ROOT, "pack %s %s: %d blob(s) found whole by their own seals, %ssalvaged into new packs; %s%n",
                        p.pack(), TerminalText.escape(p.problem()), p.blobsSalvaged(), would, p.keptAs() == null
                        ? "not kept (it could not be sized)" : would + "kept as " + p.keptAs() + " (it may have held the blobs in no index below)"
                        + (p.bytesNotRead() == 0 ? "" : " (" + Output.bytes(p.bytesNotRead()) + " did not read: zeros there)"));
                continue;
            }
            Output.out().printf(java.util.Locale.ROOT, "pack %s %s: %d blob(s) %ssalvaged into new packs, %d lost%s%n", p.pack(), TerminalText.escape(p.problem()),
                    p.blobsSalvaged(), would, p.lostBlobs().size(), p.keptAs() == null ? "" : "; " + would + "kept as " + p.keptAs()
                    + (p.bytesNotRead() == 0 ? "" : " (" + Output.bytes(p.bytesNotRead()) + " did not read: zeros there)"));
            if (!p.lostBlobs().isEmpty()) {
                // a snapshot whose trees are lost too names nothing here: "needed by snapshot(s) ; file(s) " (a re-tester's)
                Output.out().println(r.neededByNone(p) ? "  needed by no snapshot (every snapshot's trees read): nothing is lost with them"
                        : p.snapshots().isEmpty() ? "  lost: needed by no snapshot whose trees could be read (`vault check`"
                        + " names those it could not walk)" : "  lost: needed by snapshot(s) " + String.join(", ", p.snapshots())
                        + "; file(s) " + TerminalText.escape(String.join(", ", p.files())));
            }
        }
        RepairResult.Unindexed u = r.unindexed();
        if (!u.blobs().isEmpty()) {
            Output.out().printf(java.util.Locale.ROOT, "in no index: %d blob(s) a snapshot needs, in no pack whose header or index lists them%n",
                    u.blobs().size());
            Output.out().println("  lost: needed by snapshot(s) " + String.join(", ", u.snapshots()) + "; file(s) "
                    + TerminalText.escape(String.join(", ", u.files())));
        }
        for (RepairResult.DamagedFile f : r.files()) {
            Output.out().printf(java.util.Locale.ROOT, "%s %s: %s%s%n", TerminalText.escape(f.name()), TerminalText.escape(f.problem()),
                    f.keptAs() == null ? "" : would + "kept as " + TerminalText.escape(f.keptAs()) + "; ", f.outcome());
        }
        Output.out().println(summary(r) + (r.filesLeft() == 0 ? "" : " (above)"));
    }

    /** The line a repair ends with: what it read, and what was lost. */
    private static String summary(RepairResult r) {
        String would = r.dryRun() ? "would be " : "";
        List<String> lost = new ArrayList<>();
        if (r.blobsLost() > 0) {
            lost.add(r.blobsLost() + " blob(s) " + would + "lost: back up the sources of the snapshots named again (a backup stores"
                    + " each lost blob it finds again, and every snapshot needing it is whole again), then `vault check --read-data`;"
                    + " forget the snapshots whose sources are gone");
        }
        if (r.snapshotsLost() > 0) {
            lost.add(r.snapshotsLost() + " snapshot file(s) " + would + "lost: forget and prune run again; run `vault recover` before"
                    + " a prune frees what only they referenced");
        }
        if (r.blobsDropped() > 0) { // a forgotten snapshot's data before a prune: no loss (a helper's)
            lost.add(r.blobsDropped() + " blob(s) that no snapshot needs " + would + "dropped" + (lost.isEmpty() ? "; nothing " + would + "lost" : ""));
        }
        List<RepairResult.DamagedFile> holds = r.holdsReplaced(); // IS.012 6.6.7: the journal is the hold's record of its life
        String held = holds.isEmpty() ? "" : "; hold record of " + Repository.idOfName(holds.getFirst().name()).shortHex() + " damaged: "
                + would + "replaced by a placeholder that keeps it held, its matters unknown to it (`vault journal --snapshot` names"
                + " them), kept as " + holds.getFirst().keptAs() + (holds.size() > 1 ? " (and " + (holds.size() - 1) + " more hold record(s))" : "");
        // snapshots/ lost: "nothing to repair", exit 0, while `vault recover` brought every file back (a helper's)
        return String.format(java.util.Locale.ROOT, "repair: read %d pack(s), %s; %s%s%s", r.packsRead(), Output.bytes(r.bytesRead()),
                !r.changed() ? (r.files().isEmpty() && r.snapshotsGone() == null && lost.isEmpty() ? "nothing to repair"
                        : "nothing it can repair" + (lost.isEmpty() ? "" : "; " + String.join("; ", lost)))
                        : lost.isEmpty() ? (r.dryRun() ? "nothing would be lost" : "nothing was lost") : String.join("; ", lost),
                held + (r.filesLeft() == 0 ? "" : "; " + r.filesLeft() + " damaged file(s) left in place"),
                r.snapshotsGone() == null ? "" : "; " + TerminalText.escape(r.snapshotsGone()));
    }
}
