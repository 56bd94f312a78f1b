package org.opsledger.cli.vault;

import java.util.List;
import java.util.concurrent.Callable;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.repository.Repository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "upgrade", mixinStandardHelpOptions = true,
        description = {"Move a repository of an older format to this build's.",
                "Format 3: compressed index files, a third of their size; 4: a journal of backups, restores and checks (`vault",
                "journal`); 5: what later builds of format 4 added, which its first builds misread (docs/adr/0007). Builds of an",
                "older format cannot open it afterwards (before 2026-12-04: format 2; before 2026-12-05: format 3; of 2026-12-05:",
                "format 4): upgrade once every host runs this build. Runs alone; nothing is written when nothing is old."})
final class UpgradeCommand implements Callable<Integer> {

    @Mixin
    RepoOptions repo;

    @Override
    public Integer call() {
        Repository.Upgrade u;
        String line;
        try (Repository opened = repo.open();
             Journaling journal = new Journaling(opened, JournalEntry.Operation.UPGRADE, List.of(), List.of())) {
            try {
                u = opened.upgrade();
            } catch (RuntimeException e) {
                throw journal.failed(e); // written where the format keeps a journal already
            }
            line = summary(u);
            if (u.from() != u.to() || u.indexFiles() > 0) { // a repository moved to format 4 keeps its first entry: this one
                journal.ended(JournalEntry.Outcome.OK, List.of(), List.of(), false, 0, line);
            }
        }
        if (repo.json) {
            Output.json(u);
        } else {
            Output.out().println(line);
        }
        return 0;
    }

    private static String summary(Repository.Upgrade u) {
        if (u.from() == u.to() && u.indexFiles() == 0) {
            return "upgrade: the repository is in format " + u.to() + " already; nothing to do";
        }
        if (u.indexFiles() == 0) {
            return "upgrade: format " + u.from() + " → " + u.to() + "; the index is as that format keeps it";
        }
        return "upgrade: format " + u.from() + " → " + u.to() + "; the index written again in " + u.indexFiles() + " file(s): "
                + Output.bytes(u.indexBytesBefore()) + " → " + Output.bytes(u.indexBytesAfter());
    }
}
