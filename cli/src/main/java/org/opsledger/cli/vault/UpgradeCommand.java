package org.opsledger.cli.vault;

import java.util.concurrent.Callable;
import org.opsledger.vault.repository.Repository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "upgrade", mixinStandardHelpOptions = true,
        description = {"Move a repository of an older format to this build's (3: compressed index files, a third of their size;",
                "4: a journal of backups, restores and checks, `vault journal`). Builds of an older format cannot open it afterwards",
                "(before 2026-12-04: format 2; before 2026-12-05: format 3). Runs alone; nothing is written when nothing is old."})
final class UpgradeCommand implements Callable<Integer> {

    @Mixin
    RepoOptions repo;

    @Override
    public Integer call() {
        Repository.Upgrade u;
        try (Repository opened = repo.open()) {
            u = opened.upgrade();
        }
        if (repo.json) {
            Output.json(u);
        } else if (u.from() == u.to() && u.indexFiles() == 0) {
            Output.out().println("upgrade: the repository is in format " + u.to() + " already; nothing to do");
        } else if (u.indexFiles() == 0) {
            Output.out().println("upgrade: format " + u.from() + " → " + u.to() + "; the index is as that format keeps it");
        } else {
            Output.out().println("upgrade: format " + u.from() + " → " + u.to() + "; the index written again in " + u.indexFiles()
                    + " file(s): " + Output.bytes(u.indexBytesBefore()) + " → " + Output.bytes(u.indexBytesAfter()));
        }
        return 0;
    }
}
