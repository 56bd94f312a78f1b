package org.opsledger.vault.repository;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.NodeType;
import org.opsledger.vault.snapshot.SnapshotRef;
import org.opsledger.vault.snapshot.Tree;

/** Every tree and data blob a set of snapshots needs. */
public final class ReferencedBlobs {

    private ReferencedBlobs() {
    }

    /**
     * Every tree and data blob the snapshots need. A tree no pack holds (lost to damage: `vault repair`)
     * stops it with an error naming the snapshot: what that tree references cannot be known.
     */
    public static Set<ObjectId> of(Repository repo, Collection<SnapshotRef> snapshots) {
        return collect(repo, snapshots, true);
    }

    /** The same, passing over a tree no pack holds: what of the snapshots is stored (for the store's legal holds). */
    public static Set<ObjectId> stored(Repository repo, Collection<SnapshotRef> snapshots) {
        return collect(repo, snapshots, false);
    }

    private static Set<ObjectId> collect(Repository repo, Collection<SnapshotRef> snapshots, boolean strict) {
        Set<ObjectId> out = new HashSet<>();
        for (SnapshotRef s : snapshots) {
            add(repo, s, s.snapshot().tree(), out, strict, 0);
        }
        return out;
    }

    private static void add(Repository repo, SnapshotRef s, ObjectId treeId, Set<ObjectId> out, boolean strict, int depth) {
        if (depth > Tree.MAX_DEPTH) {
            throw Tree.tooDeep(s.shortId());
        }
        if (!out.add(treeId)) {
            return; // an identical subtree was already walked
        }
        if (!repo.index().contains(treeId)) {
            if (strict) {
                throw new VaultException("snapshot " + s.shortId() + " needs tree " + treeId.shortHex() + ", which no index names:"
                        + " `vault repair` indexes again a pack whose index file was lost; if no pack holds it (`vault check` names"
                        + " its files), back up its sources again, which stores it anew, or forget the snapshot");
            }
            return;
        }
        Tree tree;
        try {
            tree = repo.loadTree(treeId);
        } catch (VaultException e) { // a malformed tree: the snapshot named, as check names it
            org.opsledger.vault.Cancelled.passOn(e, "the walk of the snapshots");
            throw new VaultException("snapshot " + s.shortId() + " needs tree " + treeId.shortHex() + ": " + e.getMessage(), e);
        }
        for (Node n : tree.nodes()) {
            if (n.type() == NodeType.DIR && n.subtree() != null) {
                add(repo, s, n.subtree(), out, strict, depth + 1);
            } else if (n.content() != null) {
                out.addAll(n.content());
            }
        }
    }
}
