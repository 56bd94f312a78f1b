package org.opsledger.cli.vault;

import java.util.List;
import java.util.concurrent.Callable;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.prune.PruneResult;
import org.opsledger.vault.prune.Pruner;
import org.opsledger.vault.repository.Repository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "prune", mixinStandardHelpOptions = true,
        description = "Free data no snapshot needs (two-phase: safe while backups run; held snapshots keep all they reference).")
final class PruneCommand implements Callable<Integer> {

    @Mixin
    RepoOptions repo;

    @Mixin
    MaxUnusedOption maxUnused;

    @Mixin
    UnreadableJournalOption unreadableJournal;

    @Override
    public Integer call() {
        double share = maxUnused.share(); // before the repository opens: exit 2, no entry
        try (Repository r = repo.open(); Journaling journal = new Journaling(r, JournalEntry.Operation.PRUNE, List.of(), List.of())) {
            PruneResult res = journal.run(() -> unreadableJournal.applyTo(new Pruner(r, share), "prune").prune(), PruneCommand::line);
            if (repo.json) {
                Output.json(res);
            } else {
                print(res);
            }
        }
        return 0;
    }

    static void print(PruneResult r) {
        Output.out().println(line(r));
    }

    /** How {@link #line} starts. */
    static final String LINE = "prune: ";

    /** What a prune did, in one line (the journal keeps it too). */
    static String line(PruneResult r) {
        return String.format(java.util.Locale.ROOT, LINE + "%d pack(s) condemned (%d repacked), %d deleted, %d waiting for running commands, %d rescued, "
                        + "%d orphan(s) removed, %s freed%s%s", r.packsCondemned(), r.packsRepacked(), r.packsDeleted(), r.packsWaiting(),
                r.packsRescued(), r.orphanPacksDeleted(), Output.bytes(r.bytesFreed()),
                r.bytesRepacked() > 0 ? " (" + Output.bytes(r.bytesDeleted()) + " of packs deleted, " + Output.bytes(r.bytesRepacked())
                        + " still in use written again)" : "",
                r.journalEntriesCompacted() > 0 ? "; " + r.journalEntriesCompacted() + " journal entr(ies) gathered into segments" : "")
                + (r.bytesUnusedLeft() > 0 ? "; " + Output.bytes(r.bytesUnusedLeft()) + " no snapshot needs left in " + r.packsWithUnusedLeft()
                        + " pack(s) mostly in use (`--max-unused 0` takes it out)" : "");
    }
}
