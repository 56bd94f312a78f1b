package org.opsledger.vault.checker;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.opsledger.vault.OsUser;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.backend.BackendException;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.journal.Journal;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.pack.BlobType;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.repository.SharedLock;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.NodeType;
import org.opsledger.vault.snapshot.RecordHistory;
import org.opsledger.vault.snapshot.Rewriter;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.SnapshotRef;
import org.opsledger.vault.snapshot.Tree;

/**
 * {@code vault recover} (docs/vault-format.md §12), as {@code restic recover}: a snapshot file lost to damage
 * ({@code vault repair} takes it out of use) takes with it only the ID of its root tree; the trees and data stay
 * in the packs until a prune frees them. This writes one snapshot whose root holds, as a directory named by its
 * ID, every tree that no snapshot and no other tree references; restore, ls and find then reach their files. A
 * backup killed after writing its trees leaves such trees too, and they are recovered the same way; a snapshot forgotten
 * but not yet pruned, too (as restic's: a forget undone). The root trees a {@code rewrite} replaced are not: what it took
 * out stays out ({@link Rewriter#REWRITTEN_TREES} while the rewritten snapshot is here, the journal's rewrite entries
 * once it is gone: {@link JournalEntry#replacedTrees}). It runs alone (a running backup's trees are not referenced yet).
 */
public final class Recoverer {

    /** The tag every recovered snapshot carries. */
    public static final String TAG = "recovered-by";

    private final Repository repo;

    public Recoverer(Repository repo) {
        this.repo = repo;
    }

    /**
     * @param trees    the trees no snapshot or tree references, by ID
     * @param snapshot the snapshot written for them; null when there were none, or on a dry run
     */
    public record Recovered(List<String> trees, SnapshotRef snapshot) {
    }

    /** Recovers with a record that lacks owner, classification and retention (check names it; `vault amend` completes it). */
    public Recovered recover(boolean dryRun) {
        return recover(dryRun, null, null, null);
    }

    /**
     * Recovers with the IS.012 6.6.5.1 record the operator gives, once they know whose data it is (what the lost
     * snapshot file said of it is lost with it).
     *
     * @param owner          the data owner, or null: not known
     * @param classification the classification, or null: not known
     * @param retainUntil    the retention date, or null: not known
     */
    public Recovered recover(boolean dryRun, String owner, String classification, java.time.LocalDate retainUntil) {
        if (dryRun) {
            return new Recovered(unreferencedTrees().stream().map(ObjectId::hex).toList(), null);
        }
        try (SharedLock lock = repo.lock("recover")) {
            List<ObjectId> trees = unreferencedTrees();
            if (trees.isEmpty()) {
                return new Recovered(List.of(), null);
            }
            boolean shortUnique = trees.stream().map(ObjectId::shortHex).distinct().count() == trees.size();
            long now = java.nio.file.attribute.FileTime.from(Instant.now()).to(java.util.concurrent.TimeUnit.NANOSECONDS); // saturates at 2262, where a product wrapped to 1715 (a helper's)
            List<Node> dirs = new ArrayList<>();
            for (ObjectId t : trees) {
                dirs.add(new Node(shortUnique ? t.shortHex() : t.hex(), NodeType.DIR, 0700, now, now, 0, 0, 0, 0, 0, null, t, null));
            }
            ObjectId root = repo.saveTree(new Tree(dirs));
            repo.flush();
            String host = Repository.hostname();
            Snapshot s = new Snapshot(Instant.now(), root, null, List.of("/recovered"), host, OsUser.name(),
                    Map.of(TAG, "vault recover"), Snapshot.Kind.FULL, owner, classification, retainUntil,
                    repo.backend().location(), host, new Snapshot.Summary(0, trees.size(), 0, 0, 0, 0, 0));
            return new Recovered(trees.stream().map(ObjectId::hex).toList(), new SnapshotRef(lock.whileHeld(() -> repo.saveSnapshot(s)), s));
        }
    }

    /**
     * The root trees every rewrite replaced, as the journal keeps them (§13): the rewritten snapshot's record names them only
     * while it is here, and one forgotten (a retention run, a tier's near-line forget) left the old root to be recovered, the
     * key it held with it (h1's). A journal file that does not open may hold such an entry: nothing is recovered until
     * {@code vault repair} moves it aside.
     */
    private List<ObjectId> replacedByRewrites() {
        Journal journal = new Journal(repo);
        if (!journal.kept()) {
            return List.of(); // a format without a journal has no rewrite either (Rewriter.FORMAT)
        }
        Journal.Listing rewrites = journal.read(e -> e.operation() == JournalEntry.Operation.REWRITE && !e.replacedTrees().isEmpty());
        if (!rewrites.unreadable().isEmpty()) {
            throw new VaultException("the journal could not be read whole (" + rewrites.unreadable().getFirst() + "), and an entry of a"
                    + " rewrite in it may name trees that must not come back: nothing was recovered; `vault repair` moves a damaged"
                    + " journal file aside");
        }
        return rewrites.entries().stream().flatMap(e -> e.replacedTrees().stream()).toList();
    }

    /** Every indexed tree that opens and that no readable snapshot and no other tree names, by ID. */
    private List<ObjectId> unreferencedTrees() {
        Set<ObjectId> trees = new TreeSet<>();
        repo.freshIndex().entries().forEach((id, e) -> {
            if (e.type() == BlobType.TREE) {
                trees.add(id);
            }
        });
        Set<ObjectId> referenced = new HashSet<>();
        referenced.addAll(replacedByRewrites());
        repo.listSnapshots().readable().forEach(s -> {
            referenced.add(s.snapshot().tree());
            // what a rewrite took out stays out: its old roots, and through them what only they reach
            String replaced = s.snapshot().tags() == null ? null : s.snapshot().tags().get(Rewriter.REWRITTEN_TREES);
            if (replaced != null) {
                for (String hex : replaced.split(RecordHistory.IDS)) {
                    referenced.add(ObjectId.parse(hex));
                }
            }
        });
        List<ObjectId> unopened = new ArrayList<>();
        for (ObjectId t : trees) {
            try {
                for (Node n : repo.loadTree(t).nodes()) {
                    if (n.subtree() != null) {
                        referenced.add(n.subtree());
                    }
                }
            } catch (BackendException | org.opsledger.vault.Cancelled e) {
                throw e; // the store failed, or the job was cancelled: not the tree
            } catch (VaultException | IllegalArgumentException e) {
                unopened.add(t); // damaged (check names it): nothing to reach through it
            }
        }
        trees.removeAll(referenced);
        unopened.forEach(trees::remove);
        return List.copyOf(trees);
    }
}
