package org.opsledger.cli.vault;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.opsledger.cli.TerminalText;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.backend.BackendException;
import org.opsledger.vault.backend.MissingFileException;
import org.opsledger.vault.history.SnapshotSizes;
import org.opsledger.vault.index.IndexEntry;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.repository.SharedLock;
import org.opsledger.vault.snapshot.SnapshotRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Sizes (all snapshots' files as restored, the unique data, as stored), the deduplication and compression ratios and, per key epoch, how many blobs were sealed (the random-nonce bound is 2^32).")
final class StatsCommand implements Callable<Integer> {

    @Mixin
    RepoOptions repo;

    @Override
    public Integer call() {
        boolean whole;
        try (Repository r = repo.open();
             SharedLock reading = r.readLock("stats")) { // a prune meanwhile deletes no pack stats reads, a key retire or repair waits
            long stored = 0;
            long raw = 0;
            Map<Integer, Long> blobsPerEpoch = new TreeMap<>();
            for (IndexEntry e : r.index().entries().values()) {
                stored += e.length();
                raw += e.rawLength();
                blobsPerEpoch.merge(r.index().epochOf(e.pack()), 1L, Long::sum);
            }
            long packBytes = r.backend().listSizes("data").values().stream().mapToLong(Long::longValue).sum(); // no HEAD per pack
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("repository", r.backend().location());
            m.put("id", r.config().id());
            Repository.SnapshotListing listing = r.listSnapshots();
            List<SnapshotRef> snapshots = SnapshotsCommand.readableWarningOfTheRest(listing);
            m.put("snapshots", snapshots.size());
            whole = listing.unreadable().isEmpty();
            SnapshotSizes sizes = new SnapshotSizes(r);
            SnapshotSizes.Size restored = new SnapshotSizes.Size(0, 0);
            for (SnapshotRef s : snapshots) {
                try {
                    restored = restored.plus(sizes.of(s));
                } catch (VaultException e) { // a damaged or missing tree: the other snapshots are still counted
                    if (e instanceof BackendException && !(e instanceof MissingFileException)) {
                        throw e; // the store, not the snapshot: unreachable, refusing
                    }
                    Output.err().println("warning: snapshot " + s.shortId() + " is not counted: " + e.getMessage());
                    whole = false;
                }
            }
            m.put("holds", r.holds().size());
            m.put("packs", r.index().packs().size());
            m.put("blobs", r.index().size());
            m.put("restoreFiles", restored.files()); // each snapshot's files as a restore writes them (restic's restore size)
            m.put("restoreBytes", restored.bytes());
            m.put("uniqueRawBytes", raw);
            m.put("storedBlobBytes", stored);
            m.put("packFileBytes", packBytes);
            m.put("currentEpoch", r.keys().currentEpoch());
            m.put("retiredEpochs", r.keys().keyring().retired());
            m.put("blobsPerEpoch", blobsPerEpoch);
            m.put("keySlots", r.keySlots().size());
            m.put("deduplicationRatio", ratio(restored.bytes(), raw));
            m.put("compressionRatio", ratio(raw, stored));
            if (repo.json) {
                Output.json(m);
            } else {
                Output.out().printf(java.util.Locale.ROOT, "repository      %s (ID %s)%n", TerminalText.escape(r.backend().location()), r.config().id());
                Output.out().printf(java.util.Locale.ROOT, "snapshots       %d (%d under legal hold)%n", m.get("snapshots"), m.get("holds"));
                Output.out().printf(java.util.Locale.ROOT, "restore size    %s in %d files, all snapshots together%n", Output.bytes(restored.bytes()),
                        restored.files());
                Output.out().printf(java.util.Locale.ROOT, "packs / blobs   %d / %d%n", m.get("packs"), m.get("blobs"));
                Output.out().printf(java.util.Locale.ROOT, "unique data     %s, stored as %s (%s in pack files)%n", Output.bytes(raw), Output.bytes(stored),
                        Output.bytes(packBytes));
                Output.out().printf(java.util.Locale.ROOT, "ratios          deduplication %s, compression %s%n", times(m.get("deduplicationRatio")),
                        times(m.get("compressionRatio")));
                Output.out().printf(java.util.Locale.ROOT, "key epochs      current %d, retired %s, blobs held per epoch %s%n", r.keys().currentEpoch(),
                        r.keys().keyring().retired(), blobsPerEpoch);
                Output.out().printf(java.util.Locale.ROOT, "key slots       %d%n", m.get("keySlots"));
            }
        }
        return whole ? 0 : BackupCommand.INCOMPLETE;
    }

    /**
     * {@code of} over {@code to} to two decimals; null (no ratio) when either is 0: an empty repository, or no snapshot
     * that could be sized (every one damaged, or all forgotten and not yet pruned), which printed "deduplication 0.00×".
     */
    private static Double ratio(long of, long to) {
        return of == 0 || to == 0 ? null : Math.round(100.0 * of / to) / 100.0;
    }

    private static String times(Object ratio) {
        return ratio == null ? "none (nothing to compare)" : String.format(java.util.Locale.ROOT, "%.2f×", (Double) ratio);
    }
}
