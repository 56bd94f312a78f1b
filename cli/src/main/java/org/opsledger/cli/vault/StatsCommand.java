package org.opsledger.cli.vault;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.opsledger.vault.index.IndexEntry;
import org.opsledger.vault.repository.Repository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Sizes, deduplication and, per key epoch, how many blobs were sealed (the random-nonce bound is 2^32).")
final class StatsCommand implements Callable<Integer> {

    @Mixin
    RepoOptions repo;

    @Override
    public Integer call() {
        boolean whole;
        try (Repository r = repo.open()) {
            long stored = 0;
            long raw = 0;
            Map<Integer, Long> blobsPerEpoch = new TreeMap<>();
            for (IndexEntry e : r.index().entries().values()) {
                stored += e.length();
                raw += e.rawLength();
                blobsPerEpoch.merge(r.index().epochOf(e.pack()), 1L, Long::sum);
            }
            long packBytes = r.backend().list("data").stream().mapToLong(r.backend()::size).sum();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("repository", r.backend().location());
            m.put("id", r.config().id());
            Repository.SnapshotListing listing = r.listSnapshots();
            m.put("snapshots", SnapshotsCommand.readableWarningOfTheRest(listing).size());
            whole = listing.unreadable().isEmpty();
            m.put("holds", r.holds().size());
            m.put("packs", r.index().packs().size());
            m.put("blobs", r.index().size());
            m.put("uniqueRawBytes", raw);
            m.put("storedBlobBytes", stored);
            m.put("packFileBytes", packBytes);
            m.put("currentEpoch", r.keys().currentEpoch());
            m.put("retiredEpochs", r.keys().keyring().retired());
            m.put("blobsPerEpoch", blobsPerEpoch);
            m.put("keySlots", r.keySlots().size());
            if (repo.json) {
                Output.json(m);
            } else {
                Output.out().printf("repository      %s (ID %s)%n", r.backend().location(), r.config().id());
                Output.out().printf("snapshots       %d (%d under legal hold)%n", m.get("snapshots"), m.get("holds"));
                Output.out().printf("packs / blobs   %d / %d%n", m.get("packs"), m.get("blobs"));
                Output.out().printf("unique data     %s, stored as %s (%s in pack files)%n", Output.bytes(raw), Output.bytes(stored),
                        Output.bytes(packBytes));
                Output.out().printf("key epochs      current %d, retired %s, blobs held per epoch %s%n", r.keys().currentEpoch(),
                        r.keys().keyring().retired(), blobsPerEpoch);
                Output.out().printf("key slots       %d%n", m.get("keySlots"));
            }
        }
        return whole ? 0 : BackupCommand.INCOMPLETE;
    }
}
