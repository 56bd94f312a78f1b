package org.opsledger.vault.repository;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.NodeType;
import org.opsledger.vault.snapshot.SnapshotRef;
import org.opsledger.vault.snapshot.Tree;

/** Every tree and data blob a set of snapshots needs. */
public final class ReferencedBlobs {

    private ReferencedBlobs() {
    }

    public static Set<ObjectId> of(Repository repo, Collection<SnapshotRef> snapshots) {
        Set<ObjectId> out = new HashSet<>();
        for (SnapshotRef s : snapshots) {
            add(repo, s.snapshot().tree(), out);
        }
        return out;
    }

    private static void add(Repository repo, ObjectId treeId, Set<ObjectId> out) {
        if (!out.add(treeId)) {
            return; // an identical subtree was already walked
        }
        Tree tree = repo.loadTree(treeId);
        for (Node n : tree.nodes()) {
            if (n.type() == NodeType.DIR && n.subtree() != null) {
                add(repo, n.subtree(), out);
            } else if (n.content() != null) {
                out.addAll(n.content());
            }
        }
    }
}
