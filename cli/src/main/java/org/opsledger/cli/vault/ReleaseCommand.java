package org.opsledger.cli.vault;

import java.util.Map;
import java.util.concurrent.Callable;
import org.opsledger.vault.repository.Repository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "release", mixinStandardHelpOptions = true, description = "Release a legal hold; retention rules apply again.")
final class ReleaseCommand implements Callable<Integer> {

    @Mixin
    RepoOptions repo;

    @Mixin
    SnapshotFilterOptions select;

    @Parameters(paramLabel = "SNAPSHOT")
    String snapshot;

    @Override
    public Integer call() {
        try (Repository r = repo.open()) {
            var s = r.findSnapshot(snapshot, select.filter());
            r.release(s);
            if (repo.json) {
                Output.json(Map.of("released", s.id().hex()));
            } else {
                Output.out().println("released the legal hold on snapshot " + s.shortId());
            }
        }
        return 0;
    }
}
