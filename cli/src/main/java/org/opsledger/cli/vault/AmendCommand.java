package org.opsledger.cli.vault;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.opsledger.cli.TerminalText;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.Amendment;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.SnapshotRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "amend", mixinStandardHelpOptions = true,
        description = {"Correct a snapshot's record: owner, classification, retention, tags (IS.012 6.6.5: accurate and complete).",
                "The snapshot is written anew with the same tree and time of capture (so it gets a new ID), and its record names the",
                "IDs it replaced, when, by whom and why. Retention is lengthened, never shortened; a held snapshot's record stays as it",
                "is until the hold is released. A copy made before in another repository is amended by the next copy or tier."})
final class AmendCommand implements Callable<Integer> {

    @Mixin
    RepoOptions repo;

    @Mixin
    SnapshotFilterOptions select;

    @Mixin
    RecordOptions record;

    @Parameters(paramLabel = "SNAPSHOT", arity = "1..*", description = "Snapshot IDs, unique prefixes or 'latest'.")
    List<String> snapshots;

    @Option(names = "--add-tag", paramLabel = "K=V", description = "Add this tag, or give the one of that name this value; repeatable.")
    List<String> addTags = new ArrayList<>();

    @Option(names = "--remove-tag", paramLabel = "K", description = "Remove this tag; repeatable.")
    List<String> removeTags = new ArrayList<>();

    @Option(names = "--reason", required = true, description = "Why the record is corrected (kept in it: the ticket, the register it follows).")
    String reason;

    @Option(names = "--by", description = "Who corrects it (default: the OS user).", defaultValue = RecordOptions.OS_USER)
    String by;

    @Override
    public Integer call() {
        Amendment amendment = new Amendment(record.owner(), record.classification(), record.retainUntil(),
                RecordOptions.byHand(RecordOptions.tags("--add-tag", addTags), "--add-tag"), java.util.Set.copyOf(removeTags), RecordOptions.why(reason),
                RecordOptions.who(by));
        List<Map<String, Object>> amended = new ArrayList<>();
        List<ObjectId> given = new ArrayList<>(); // a refused amend names them (one of a held snapshot named none: a helper's)
        try (Repository r = repo.open();
             Journaling journal = new Journaling(r, JournalEntry.Operation.AMEND, List.of(), given)) {
            List<SnapshotRef> found;
            List<SnapshotRef> after;
            try {
                found = select.findEach(r, snapshots);
                found.forEach(s -> given.add(s.id()));
                after = r.amend(found, amendment); // each checked before any is written
            } catch (RuntimeException e) {
                throw journal.failed(e);
            }
            // IS.012 6.6.5: each record names what it replaced and why; the journal keeps when, by whom, in one place
            List<String> replaced = new ArrayList<>();
            for (int i = 0; i < found.size(); i++) {
                replaced.add(found.get(i).shortId() + " → " + after.get(i).shortId());
            }
            List<ObjectId> named = new ArrayList<>(found.stream().map(SnapshotRef::id).toList()); // those replaced, then their successors
            named.addAll(after.stream().map(SnapshotRef::id).toList());
            journal.ended(JournalEntry.Outcome.OK, List.of(), named, false, 0, "amended "
                    + after.size() + " snapshot record(s) for " + amendment.reason() + " (by " + by + "): " + String.join(", ", replaced));
            for (int i = 0; i < found.size(); i++) {
                SnapshotRef before = found.get(i);
                Snapshot s = after.get(i).snapshot();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("replaced", before.id().hex());
                m.put("snapshot", after.get(i).id().hex());
                m.put("dataOwner", s.dataOwner());
                m.put("classification", s.classification());
                m.put("retainUntil", s.retainUntil() == null ? null : s.retainUntil().toString());
                m.put("tags", s.tags());
                amended.add(m);
                if (!repo.json) {
                    Output.out().println("snapshot " + before.shortId() + " amended: now " + after.get(i).shortId() + " (owner "
                            + TerminalText.escape(SnapshotsCommand.dash(s.dataOwner())) + ", " + SnapshotsCommand.dash(s.classification())
                            + ", retained until " + (s.retainUntil() == null ? "-" : s.retainUntil()) + ")");
                }
            }
        }
        if (repo.json) {
            Output.json(amended);
        }
        return 0;
    }
}
