package org.opsledger.cli.vault;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.opsledger.cli.CliException;
import org.opsledger.cli.TerminalText;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.journal.HoldHistory;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.repository.KeyEpochs;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.LegalHold;
import org.opsledger.vault.snapshot.RecordHistory;
import org.opsledger.vault.snapshot.SnapshotRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "release", mixinStandardHelpOptions = true,
        description = {"Release a legal hold; retention rules apply again once no matter holds the snapshot.",
                "A snapshot held for several matters is released for the one --reason names; it stays held for the others."})
final class ReleaseCommand implements Callable<Integer> {

    @Mixin
    RepoOptions repo;

    @Mixin
    SnapshotFilterOptions select;

    @Parameters(paramLabel = "SNAPSHOT")
    String snapshot;

    @Option(names = "--reason", paramLabel = "MATTER", description = "The matter to release, as its hold's reason says (needed when several hold the snapshot).")
    String matter;

    @Option(names = "--snapshot-gone", paramLabel = "WHY", description = {"Release by the journal a matter on a snapshot gone from the"
            + " repository with its hold record (deleted outside the vault): why the matter is over (Legal's instruction, a ticket),",
            "kept in the journal with --by. Prune and dispose stay refused until then (IS.012 6.6.7)."})
    String snapshotGone;

    @Option(names = "--by", description = "Who releases it, with --snapshot-gone (default: the OS user).", defaultValue = RecordOptions.OS_USER)
    String by;

    @Override
    public Integer call() {
        matter = RecordOptions.matter(matter); // as hold takes it (exit 1 here: a re-tester's)
        snapshotGone = RecordOptions.goneWhy(snapshotGone);
        by = RecordOptions.who(by);
        try (Repository r = repo.open()) {
            ObjectId id;
            String[] unreadable = {""};
            List<ObjectId> formerIds = new ArrayList<>(); // the IDs a key retirement replaced: the journal's holds may name them
            LegalHold left;
            try (Journaling journal = new Journaling(r, JournalEntry.Operation.RELEASE, List.of(), new ArrayList<>())) {
                HoldHistory.GoneRelease[] gone = {null};
                id = journal.find(() -> {
                    try {
                        SnapshotRef found = select.find(r, snapshot);
                        if (snapshotGone != null) {
                            throw new CliException("--snapshot-gone releases a matter on a snapshot gone from the repository, and "
                                    + found.shortId() + " is here: release it without", 2);
                        }
                        RecordHistory.entries(found.snapshot(), KeyEpochs.RESEALED_FROM, RecordHistory.IDS)
                                .forEach(former -> formerIds.add(ObjectId.parse(former)));
                        return found.id();
                    } catch (VaultException notReadable) {
                        // a hold on a damaged snapshot keeps prune stopped: it is released by ID
                        unreadable[0] = " (its snapshot file cannot be read: `vault repair` takes it out of use)";
                        var held = r.heldUnreadable(snapshot);
                        if (held.isPresent()) {
                            return held.get();
                        }
                        // IS.012 6.6.7: gone with its record, a held snapshot's matter is released by the journal, explicitly
                        gone[0] = HoldHistory.goneRelease(r, r.listSnapshots().readable(), snapshot, matter).orElseThrow(() -> notReadable);
                        if (snapshotGone == null) {
                            throw new VaultException("snapshot " + gone[0].snapshot().shortHex() + " is gone from the repository with its"
                                    + " hold record, and the journal records it held for " + gone[0].placed() + ", never released: when"
                                    + " that matter is over, " + org.opsledger.vault.repository.ReferencedBlobs.releaseGone(
                                    gone[0].snapshot(), gone[0].placed().matter()) + " releases it");
                        }
                        return gone[0].snapshot();
                    }
                }, held -> held);
                if (gone[0] != null) {
                    journal.run(() -> HoldHistory.releasedGone(gone[0], by, snapshotGone), detail -> detail);
                    report(id, gone[0].others().stream().map(HoldHistory.Placed::matter).toList(), " by the journal (its snapshot is gone"
                            + " from the repository)" + (gone[0].others().isEmpty() ? "" : "; the journal records it held for "
                            + gone[0].others().size() + " other matter(s)"));
                    return 0;
                }
                ObjectId held = id;
                // IS.012 6.6.7: the last matter a hold record lists is not released while the journal says another holds it too
                String[] releasing = {matter};
                left = journal.run(() -> {
                    releasing[0] = HoldHistory.releasing(r, held, formerIds, matter);
                    HoldHistory.released(releasing[0], null, by, snapshotGone); // too long for the journal: refused before the release
                    return r.release(held, matter);
                }, still -> HoldHistory.released(releasing[0], still, by, snapshotGone)); // its WHY kept, the record there or not
            }
            if (left == null) {
                report(id, List.of(), unreadable[0]);
            } else if (repo.json) {
                report(id, left.matters().stream().map(LegalHold.Matter::reason).toList(), "");
            } else {
                Output.out().println("released the legal hold on snapshot " + id.shortHex() + " for " + TerminalText.escape(matter)
                        + "; it stays under legal hold " + HoldCommand.forMatters(left));
            }
        }
        return 0;
    }

    /** What the release says: the snapshot released, and the matters that still hold it (--json; null: not listed). */
    private void report(ObjectId id, List<String> stillHeldFor, String tail) {
        if (repo.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("released", id.hex());
            m.put("stillHeldFor", stillHeldFor);
            Output.json(m);
        } else {
            Output.out().println("released the legal hold on snapshot " + id.shortHex() + tail);
        }
    }
}
