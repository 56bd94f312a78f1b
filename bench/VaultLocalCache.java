import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.opsledger.vault.archiver.Archiver;
import org.opsledger.vault.archiver.BackupOptions;
import org.opsledger.vault.archiver.BackupProgress;
import org.opsledger.vault.backend.Backend;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.cache.MetadataCache;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * Whether a local repository gains from the metadata cache (vault-format.md §14): its snapshot records, index and every
 * tree of the latest snapshot read without one and with a warm one, 21 rounds each, interleaved, after the password's
 * key derivation. The repository (made when REPO is not there): one backup of /usr/share/doc and /usr/include and 99
 * more records of it.
 *   bench/vault-java.sh VaultLocalCache.java REPO CACHE_DIR
 */
public class VaultLocalCache {
    static int walk(Repository repo, ObjectId tree) {
        int n = 1;
        for (Node node : repo.loadTree(tree).nodes()) {
            if (node.subtree() != null) {
                n += walk(repo, node.subtree());
            }
        }
        return n;
    }

    static double once(Path repoDir, Path cache) {
        Backend local = new LocalBackend(repoDir);
        Backend b = cache == null ? local : new MetadataCache(local, cache, MetadataCache.MOST_BYTES);
        try (Repository repo = Repository.open(b, "bench".toCharArray())) {
            long t = System.nanoTime(); // after the key slot's PBKDF2
            var snaps = repo.snapshots();
            repo.index();
            walk(repo, snaps.getLast().snapshot().tree());
            return (System.nanoTime() - t) / 1e9;
        }
    }

    public static void main(String[] a) {
        Path repo = Path.of(a[0]);
        if (!Files.exists(repo)) { // one backup of /usr/share/doc and /usr/include, and 99 more records of it
            try (Repository r = Repository.init(new LocalBackend(repo), "bench".toCharArray(), 100_000, "bench")) {
                SnapshotRef first = new Archiver(r, new BackupProgress())
                        .backup(BackupOptions.of(List.of(Path.of("/usr/share/doc"), Path.of("/usr/include")))
                                .withAllowSameDevice(true));
                Snapshot s = first.snapshot();
                for (int i = 1; i < 100; i++) {
                    r.saveSnapshot(new Snapshot(s.time().plusSeconds(i), s.tree(), null, s.paths(), s.hostname(), s.username(), s.tags(), s.kind(),
                            s.dataOwner(), s.classification(), s.retainUntil(), s.storageLocation(), s.sourceHost(), s.summary()));
                }
            }
        }
        Path cache = Path.of(a[1]);
        once(repo, cache); // fills the metadata cache
        once(repo, null); // warm the page cache and the JIT
        int rounds = 21;
        double[] without = new double[rounds], with = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            without[round] = once(repo, null);
            with[round] = once(repo, cache);
        }
        Arrays.sort(without);
        Arrays.sort(with);
        System.out.printf("%d rounds, median (min): without %.3f s (%.3f), with a warm cache %.3f s (%.3f)%n", rounds,
                without[rounds / 2], without[0], with[rounds / 2], with[0]);
    }
}
