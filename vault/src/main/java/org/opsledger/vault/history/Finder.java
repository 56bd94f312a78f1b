package org.opsledger.vault.history;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.opsledger.vault.Globs;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.NodeType;
import org.opsledger.vault.snapshot.SnapshotRef;
import org.opsledger.vault.snapshot.Tree;

/**
 * Which snapshots hold a name: "the config broke some time last week — which backups have it, and
 * when did it change?". A subtree is searched once whatever number of snapshots share it, so
 * searching thirty daily snapshots of one tree costs little more than searching one; hits are handed
 * over as they are found, so the memory a search takes does not grow with the number of hits.
 */
public final class Finder {

    /** A path a snapshot holds whose last name the pattern matches. */
    public record Hit(SnapshotRef snapshot, String path, Node node) {
    }

    /** A node of a searched tree on the way to hits: its name matches, or its subtree holds hits, or both. */
    private record Lead(Node node, boolean matches, boolean descend) {
    }

    /**
     * How many leads the searched trees keep at most (≈300 bytes each with their nodes): past it the least
     * recently used tree is forgotten and searched again if a later snapshot holds it.
     */
    public static final int MAX_LEADS = 20_000;

    private final Repository repo;
    private final Globs.Glob pattern;
    /** Trees with no hit anywhere below them: an ID each, as the index holds one for every tree. */
    private final Set<ObjectId> barren = new HashSet<>();
    /** The leads of trees searched lately, most recently used last. */
    private final Map<ObjectId, List<Lead>> searched = new LinkedHashMap<>(64, 0.75f, true);
    private int leads;

    /** {@code glob} is matched against each name, as `--exclude` matches names ('*.conf', 'nginx.conf'). */
    public Finder(Repository repo, String glob) {
        this.repo = repo;
        this.pattern = Globs.compile(glob);
    }

    /**
     * Hands over each hit, snapshot by snapshot in the order given, paths in the order `vault ls` lists them
     * (a directory before what it holds); returns how many there were.
     */
    public long find(List<SnapshotRef> snapshots, Consumer<Hit> each) {
        long found = 0;
        for (SnapshotRef s : snapshots) {
            found += emit(s, s.snapshot().tree(), "", 0, each);
        }
        return found;
    }

    private long emit(SnapshotRef s, ObjectId tree, String dir, int depth, Consumer<Hit> each) {
        long found = 0;
        for (Lead lead : search(s, tree, depth)) {
            String path = dir + "/" + lead.node().name(); // its bytes, as ls shows them (FileNames)
            if (lead.matches()) {
                each.accept(new Hit(s, path, lead.node()));
                found++;
            }
            if (lead.descend()) {
                found += emit(s, lead.node().subtree(), path, depth + 1, each);
            }
        }
        return found;
    }

    private List<Lead> search(SnapshotRef s, ObjectId tree, int depth) {
        if (barren.contains(tree)) {
            return List.of();
        }
        List<Lead> known = searched.get(tree);
        if (known != null) {
            return known;
        }
        if (depth > Tree.MAX_DEPTH) { // a forged tree of 100,000 levels ended every find in a stack overflow (a tester's)
            throw Tree.tooDeep(s.shortId());
        }
        List<Lead> found = new ArrayList<>();
        for (Node n : repo.loadTree(tree).nodes()) {
            boolean matches = Node.isSafeName(n.name()) && pattern.matches(n.name()); // its bytes, as a tree holds them
            boolean descend = n.type() == NodeType.DIR && n.subtree() != null && !search(s, n.subtree(), depth + 1).isEmpty();
            if (matches || descend) {
                found.add(new Lead(n, matches, descend));
            }
        }
        if (found.isEmpty()) {
            barren.add(tree);
            return List.of();
        }
        List<Lead> result = List.copyOf(found);
        searched.put(tree, result);
        leads += result.size();
        var oldest = searched.entrySet().iterator();
        while (leads > MAX_LEADS && searched.size() > 1) {
            leads -= oldest.next().getValue().size();
            oldest.remove();
        }
        return result;
    }
}
