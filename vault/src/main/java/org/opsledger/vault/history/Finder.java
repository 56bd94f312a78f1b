package org.opsledger.vault.history;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.FileNames;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.NodeType;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * Which snapshots hold a name: "the config broke some time last week — which backups have it, and
 * when did it change?". A subtree is searched once whatever number of snapshots share it, so
 * searching thirty daily snapshots of one tree costs little more than searching one.
 */
public final class Finder {

    /** A path a snapshot holds whose last name the pattern matches. */
    public record Hit(SnapshotRef snapshot, String path, Node node) {
    }

    private record Relative(String path, Node node) {
    }

    private final Repository repo;
    private final PathMatcher pattern;
    /** Each subtree's hits, by tree ID, relative to the subtree. */
    private final Map<ObjectId, List<Relative>> searched = new HashMap<>();

    /** {@code glob} is matched against each name, as `--exclude` matches names ('*.conf', 'nginx.conf'). */
    public Finder(Repository repo, String glob) {
        this.repo = repo;
        try {
            this.pattern = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        } catch (IllegalArgumentException e) {
            throw new VaultException(glob + " is not a glob pattern: " + e.getMessage());
        }
    }

    public List<Hit> find(List<SnapshotRef> snapshots) {
        List<Hit> out = new ArrayList<>();
        for (SnapshotRef s : snapshots) {
            for (Relative r : search(s.snapshot().tree())) {
                out.add(new Hit(s, r.path(), r.node()));
            }
        }
        return out;
    }

    private List<Relative> search(ObjectId tree) {
        List<Relative> known = searched.get(tree);
        if (known != null) {
            return known;
        }
        List<Relative> hits = new ArrayList<>();
        for (Node n : repo.loadTree(tree).nodes()) {
            String name = FileNames.display(n.name());
            if (Node.isSafeName(n.name()) && pattern.matches(Path.of(name))) {
                hits.add(new Relative("/" + name, n));
            }
            if (n.type() == NodeType.DIR && n.subtree() != null) {
                for (Relative r : search(n.subtree())) {
                    hits.add(new Relative("/" + name + r.path(), r.node()));
                }
            }
        }
        List<Relative> result = hits.isEmpty() ? List.of() : List.copyOf(hits);
        searched.put(tree, result);
        return result;
    }
}
