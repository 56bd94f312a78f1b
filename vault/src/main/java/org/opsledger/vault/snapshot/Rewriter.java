package org.opsledger.vault.snapshot;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opsledger.vault.Globs;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.repository.SharedLock;

/**
 * Takes paths out of snapshots that should never have held them (a private key, a file of personal data backed up by
 * mistake): each snapshot that has a path the patterns match is written anew over a tree without it, with the same
 * time of capture, host, paths and record, and the record says what it replaced, when, by whom, why and what went
 * ({@value #REWRITTEN_FROM} and {@value #REWRITTEN} tags, as an amendment's, and {@value #REWRITTEN_TREES}). The old
 * snapshot file is deleted; the data only it referenced goes with the next prune, and {@code recover} leaves it alone. A held snapshot is never rewritten (IS.012 6.6.7). Copies of it in other
 * repositories ({@code copy}, {@code tier}) are theirs to rewrite.
 */
public final class Rewriter {

    /** The tag naming the snapshot IDs a rewritten snapshot replaced, newest first, separated by spaces. */
    public static final String REWRITTEN_FROM = "rewritten-from";
    /**
     * The tag saying when, by whom, why and what was taken out, one line per rewrite, newest first:
     * {@code 2026-12-05T05:00:00Z by alice: INC-12 (removed 1 path(s) matching *.pem)}.
     */
    public static final String REWRITTEN = "rewritten";
    /**
     * The tag naming the root trees a rewritten snapshot replaced, newest first, separated by spaces: until a prune
     * frees them they are trees no snapshot names, and {@code vault recover} would bring back what was taken out.
     */
    public static final String REWRITTEN_TREES = "rewritten-trees";
    /**
     * The first format whose builds all know {@link #REWRITTEN_TREES}: recover leaves a rewritten tree alone. Format 4's
     * first builds did not (a helper's recover of one brought back a private key a rewrite had taken out).
     */
    public static final int FORMAT = 5;
    /** The removed paths a rewrite reports for each snapshot; it counts them all. */
    public static final int PATHS_LISTED = 100;

    /**
     * What a rewrite did to one snapshot: the paths it took out (at most {@link #PATHS_LISTED}, of {@code removed} in
     * all, whole directories as one) and the snapshot written in its place (null when nothing matched, or in a dry run).
     */
    public record Rewritten(SnapshotRef before, SnapshotRef after, long removed, List<String> paths) {
    }

    private final Repository repo;

    public Rewriter(Repository repo) {
        this.repo = repo;
    }

    /**
     * Rewrites each snapshot without the paths {@code excludes} match (backup's and restore's --exclude rule: the whole
     * path, as restore shows it, or its last name). Every snapshot is checked (held, a reason given) before any is
     * written; {@code dryRun} reports what would go and writes nothing.
     */
    public List<Rewritten> rewrite(List<SnapshotRef> snapshots, List<String> excludes, String reason, String by, boolean dryRun) {
        Amendment.requireReason("a rewrite", "rewritten", reason, by);
        if (excludes.isEmpty()) {
            throw new VaultException("a rewrite needs at least one --exclude pattern: what to take out of the snapshots");
        }
        if (!dryRun && repo.config().version() < FORMAT) {
            throw new VaultException("a rewrite needs a repository of format " + FORMAT + " or later (this one is " + repo.config().version()
                    + "): builds of the older format, which still open it, know no " + REWRITTEN_TREES + " record, and their `vault"
                    + " recover` would bring back what the rewrite took out; `vault upgrade` first");
        }
        List<Globs.Glob> globs = Globs.compile(excludes);
        Set<ObjectId> held = repo.holds().keySet();
        for (SnapshotRef s : snapshots) {
            if (held.contains(s.id())) {
                throw new VaultException("snapshot " + s.shortId() + " is under legal hold (IS.012 6.6.7): nothing is taken out of it"
                        + " until the hold is released");
            }
            // as backup refuses a pattern that matches a backup path: what is left would be an empty snapshot that looks like
            // a backup of it (`rewrite --exclude data` of a backup of /srv/data left /data empty, exit 0: a helper's)
            for (Node n : repo.loadTree(s.snapshot().tree()).nodes()) {
                String name = n.name() == null ? "null" : n.name();
                if (Globs.matchPathOrName(globs, "/" + name)) {
                    throw new VaultException("snapshot " + s.shortId() + ": the pattern matches its backup path /" + FileNames.display(name)
                            + " itself, which would leave nothing of it; `vault forget` removes a whole snapshot. Nothing was rewritten");
                }
            }
        }
        Instant now = Instant.now();
        List<Rewritten> out = new ArrayList<>();
        // a prune now waits for the trees this writes; not beside a key retirement or a repair (Repository#lock)
        try (SharedLock lock = dryRun ? null : repo.lock("rewrite")) {
            for (SnapshotRef s : snapshots) {
                List<String> paths = new ArrayList<>();
                long[] removed = {0};
                ObjectId root = rewriteTree(s.snapshot().tree(), "", "", globs, paths, removed, dryRun);
                if (removed[0] == 0 || dryRun) {
                    out.add(new Rewritten(s, null, removed[0], paths));
                    continue;
                }
                repo.flush(); // the new trees are in the index before a snapshot names them
                Snapshot record = rewritten(s, root, now, reason, by, removed[0], excludes);
                long before = out.stream().filter(r -> r.after() != null).count();
                out.add(new Rewritten(s, repo.replaceSnapshot(lock, s, record, "rewritten", (int) before), removed[0], paths));
            }
        }
        return out;
    }

    /** The record of {@code s} over {@code root}, saying what it replaced and what went. */
    private static Snapshot rewritten(SnapshotRef s, ObjectId root, Instant now, String reason, String by, long removed,
                                      List<String> excludes) {
        Map<String, String> tags = new LinkedHashMap<>(s.snapshot().tags() == null ? Map.of() : s.snapshot().tags());
        tags.put(REWRITTEN_FROM, RecordHistory.prepend(s.id().hex(), tags.get(REWRITTEN_FROM), RecordHistory.IDS));
        tags.put(REWRITTEN_TREES, RecordHistory.prepend(s.snapshot().tree().hex(), tags.get(REWRITTEN_TREES), RecordHistory.IDS));
        tags.put(REWRITTEN, RecordHistory.prepend(DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS)) + " by " + by
                + ": " + reason + " (removed " + removed + " path(s) matching " + String.join(", ", excludes) + ")",
                tags.get(REWRITTEN), RecordHistory.LINES));
        Snapshot old = s.snapshot();
        return old.withTree(root).withRecord(old.dataOwner(), old.classification(), old.retainUntil(), tags);
    }

    /**
     * The tree without the nodes the patterns match (a directory whole), its subtrees likewise; the same ID when
     * nothing under it matched, so untouched directories are not written again. {@code rel}: the tree's path as restore
     * shows it, without the leading slash; {@code exactRel} the same with its names' bytes, which the patterns match.
     */
    private ObjectId rewriteTree(ObjectId tree, String rel, String exactRel, List<Globs.Glob> globs, List<String> paths, long[] removed,
                                 boolean dryRun) {
        List<Node> nodes = new ArrayList<>();
        boolean changed = false;
        for (Node n : repo.loadTree(tree).nodes()) {
            String name = n.name() == null ? "null" : n.name();
            String display = rel.isEmpty() ? FileNames.display(name) : rel + "/" + FileNames.display(name);
            String exact = exactRel.isEmpty() ? name : exactRel + "/" + name;
            if (Globs.matchPathOrName(globs, "/" + exact)) {
                if (paths.size() < PATHS_LISTED) {
                    paths.add("/" + display);
                }
                removed[0]++;
                changed = true;
                continue;
            }
            if (n.type() == NodeType.DIR && n.subtree() != null) {
                ObjectId sub = rewriteTree(n.subtree(), display, exact, globs, paths, removed, dryRun);
                if (!sub.equals(n.subtree())) {
                    n = n.withSubtree(sub);
                    changed = true;
                }
            }
            nodes.add(n);
        }
        if (!changed) {
            return tree;
        }
        return dryRun ? NOT_WRITTEN : repo.saveTree(new Tree(nodes));
    }

    /** What a dry run gives for a tree it would write: an ID no tree has, so its parent counts as changed too. */
    private static final ObjectId NOT_WRITTEN = ObjectId.of(new byte[ObjectId.SIZE]);
}
