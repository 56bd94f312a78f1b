package org.opsledger.cli.vault;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
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

    @Override
    public Integer call() {
        matter = RecordOptions.matter(matter); // as hold takes it (exit 1 here: a re-tester's)
        try (Repository r = repo.open()) {
            ObjectId id;
            String[] unreadable = {""};
            List<ObjectId> formerIds = new ArrayList<>(); // the IDs a key retirement replaced: the journal's holds may name them
            LegalHold left;
            try (Journaling journal = new Journaling(r, JournalEntry.Operation.RELEASE, List.of(), new ArrayList<>())) {
                id = journal.find(() -> {
                    try {
                        SnapshotRef found = select.find(r, snapshot);
                        RecordHistory.entries(found.snapshot(), KeyEpochs.RESEALED_FROM, RecordHistory.IDS)
                                .forEach(former -> formerIds.add(ObjectId.parse(former)));
                        return found.id();
                    } catch (VaultException notReadable) {
                        // a hold on a damaged snapshot keeps prune stopped: it is released by ID
                        unreadable[0] = " (its snapshot file cannot be read: `vault repair` takes it out of use)";
                        return r.heldUnreadable(snapshot).orElseThrow(() -> notReadable);
                    }
                }, held -> held);
                ObjectId held = id;
                // IS.012 6.6.7: the last matter a hold record lists is not released while the journal says another holds it too
                String[] releasing = {matter};
                left = journal.run(() -> {
                    releasing[0] = HoldHistory.releasing(r, held, formerIds, matter);
                    return r.release(held, matter);
                }, still -> HoldHistory.released(releasing[0], still));
            }
            if (repo.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("released", id.hex());
                m.put("stillHeldFor", left == null ? List.of() : left.matters().stream().map(LegalHold.Matter::reason).toList());
                Output.json(m);
            } else if (left != null) {
                Output.out().println("released the legal hold on snapshot " + id.shortHex() + " for " + TerminalText.escape(matter)
                        + "; it stays under legal hold " + HoldCommand.forMatters(left));
            } else {
                Output.out().println("released the legal hold on snapshot " + id.shortHex() + unreadable[0]);
            }
        }
        return 0;
    }
}
