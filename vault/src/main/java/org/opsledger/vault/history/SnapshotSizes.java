package org.opsledger.vault.history;

import java.util.HashMap;
import java.util.Map;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.NodeType;
import org.opsledger.vault.snapshot.SnapshotRef;
import org.opsledger.vault.snapshot.Tree;

/**
 * What a snapshot holds: how many files and how many bytes, the numerator of the repository's deduplication ratio. Each
 * name of a hard-linked file counts, as `vault ls` lists it (restic's restore size counts such a file once, and a
 * restore writes it once: counting it once would need each snapshot's inodes, not a sum per distinct subtree). A
 * subtree is summed once whatever number of snapshots share it (one entry per distinct tree is kept), so sizing thirty
 * daily snapshots of one tree reads little more than one.
 */
public final class SnapshotSizes {

    /** Regular files (stdin streams among them) and the bytes they hold. */
    public record Size(long files, long bytes) {

        public Size plus(Size other) {
            return new Size(files + other.files, bytes + other.bytes);
        }
    }

    private final Repository repo;
    private final Map<ObjectId, Size> sized = new HashMap<>();

    public SnapshotSizes(Repository repo) {
        this.repo = repo;
    }

    /** The size of {@code s}'s tree; a damaged or missing tree is a {@link org.opsledger.vault.VaultException}. */
    public Size of(SnapshotRef s) {
        return size(s.snapshot().tree(), 0, s);
    }

    private Size size(ObjectId tree, int depth, SnapshotRef s) {
        Size known = sized.get(tree);
        if (known != null) {
            return known;
        }
        if (depth > Tree.MAX_DEPTH) { // a crafted tree of 100,000 levels would end in a stack overflow
            throw Tree.tooDeep(s.shortId());
        }
        Size total = new Size(0, 0);
        for (Node n : repo.loadTree(tree).nodes()) {
            if (n.type() == NodeType.FILE) {
                total = total.plus(new Size(1, n.size()));
            } else if (n.type() == NodeType.DIR && n.subtree() != null) {
                total = total.plus(size(n.subtree(), depth + 1, s));
            }
        }
        sized.put(tree, total);
        return total;
    }
}
