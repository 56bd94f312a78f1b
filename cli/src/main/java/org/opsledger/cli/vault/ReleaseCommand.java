package org.opsledger.cli.vault;

import java.util.Map;
import java.util.concurrent.Callable;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.crypto.ObjectId;
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
            ObjectId id;
            String unreadable = "";
            try {
                id = r.findSnapshot(snapshot, select.filter()).id();
            } catch (VaultException notReadable) {
                // a hold on a damaged snapshot keeps prune stopped: it is released by ID
                id = r.heldUnreadable(snapshot).orElseThrow(() -> notReadable);
                unreadable = " (its snapshot file cannot be read: `vault repair` takes it out of use)";
            }
            r.release(id);
            if (repo.json) {
                Output.json(Map.of("released", id.hex()));
            } else {
                Output.out().println("released the legal hold on snapshot " + id.shortHex() + unreadable);
            }
        }
        return 0;
    }
}
