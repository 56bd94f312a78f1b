package org.opsledger.vault.snapshot;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.BitSet;
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
     * Rewrites each snapshot without the paths {@code excludes} match (backup's --exclude rule, on the path each file was
     * backed up from: {@link SnapshotPaths#backedUpFrom}; a name anywhere). Every snapshot is checked (held, a reason
     * given, each pattern matching something in one of them) before any is written; {@code dryRun} reports what would go
     * and writes nothing.
     */
    public List<Rewritten> rewrite(List<SnapshotRef> snapshots, List<String> excludes, String reason, String by, boolean dryRun) {
        return rewrite(snapshots, excludes, reason, by, dryRun, planned -> { });
    }

    /**
     * {@link #rewrite(List, List, String, String, boolean)}, handing {@code beforeWriting} the snapshots it is about to
     * rewrite (those a pattern matches, with what each loses), once all are checked and before the first is written or any
     * old one deleted: a command records there what recover must leave alone (the old root trees) should it stop before its
     * own record of the rewrite is written (a full disk, SIGTERM, kill -9). A failure there rewrites nothing.
     */
    public List<Rewritten> rewrite(List<SnapshotRef> snapshots, List<String> excludes, String reason, String by, boolean dryRun,
                                   java.util.function.Consumer<List<Rewritten>> beforeWriting) {
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
                String from = SnapshotPaths.backedUpFrom(s.snapshot(), n.name() == null ? "null" : n.name());
                String leftOut = Globs.leftOut(globs, from);
                if (leftOut != null) {
                    throw new VaultException("snapshot " + s.shortId() + ": the pattern matches " + (leftOut.equals(from) ? "its backup path "
                            + from + " itself" : leftOut + ", the directory its backup path " + from
                            + " is in") + ", which would leave nothing of it; `vault forget` removes a whole snapshot. Nothing was rewritten");
                }
            }
        }
        // what each would lose, before any is written: a pattern that matches nothing in any of them is refused, as restore
        // refuses an --include that matches nothing (`--exclude /app/id_rsa` of a backup of /srv/app took nothing out, exit 0,
        // and the private key stayed: a tester's)
        List<Rewritten> plan = new ArrayList<>();
        BitSet matched = new BitSet();
        for (SnapshotRef s : snapshots) {
            List<String> paths = new ArrayList<>();
            long[] removed = {0};
            rewriteTree(s.snapshot().tree(), "", null, s, 0, globs, matched, paths, removed, true);
            plan.add(new Rewritten(s, null, removed[0], paths));
        }
        if (matched.cardinality() < globs.size()) {
            List<String> none = new ArrayList<>();
            for (int i = matched.nextClearBit(0); i < globs.size(); i = matched.nextClearBit(i + 1)) {
                none.add(excludes.get(i));
            }
            throw new VaultException("--exclude " + String.join(", ", none) + (none.size() == 1 ? " matches" : " match") + " nothing in the "
                    + snapshots.size() + " snapshot(s) named: nothing was rewritten; " + asBackedUp(snapshots, none));
        }
        if (dryRun) {
            return plan;
        }
        beforeWriting.accept(plan.stream().filter(p -> p.removed() > 0).toList());
        Instant now = Instant.now();
        List<Rewritten> out = new ArrayList<>();
        // a prune now waits for the trees this writes; not beside a key retirement or a repair (Repository#lock)
        try (SharedLock lock = repo.lock("rewrite")) {
            for (Rewritten planned : plan) {
                SnapshotRef s = planned.before();
                if (planned.removed() == 0) {
                    out.add(planned);
                    continue;
                }
                List<String> paths = new ArrayList<>();
                long[] removed = {0};
                ObjectId root = rewriteTree(s.snapshot().tree(), "", null, s, 0, globs, new BitSet(), paths, removed, false);
                repo.flush(); // the new trees are in the index before a snapshot names them
                Snapshot record = rewritten(s, root, now, reason, by, removed[0], excludes);
                long before = out.stream().filter(r -> r.after() != null).count();
                out.add(new Rewritten(s, repo.replaceSnapshot(lock, s, record, "rewritten", (int) before), removed[0], paths));
            }
        }
        return out;
    }

    /**
     * What to give for patterns that matched nothing: for one written as `vault ls` shows a snapshot (/app/id_rsa, of a
     * backup of /srv/app), the path it was backed up from, which backup's --exclude takes too.
     */
    private String asBackedUp(List<SnapshotRef> snapshots, List<String> patterns) {
        for (String pattern : patterns) {
            for (SnapshotRef s : snapshots) {
                for (Node n : repo.loadTree(s.snapshot().tree()).nodes()) {
                    String name = n.name() == null ? "null" : n.name();
                    String shown = "/" + FileNames.display(name);
                    String from = FileNames.display(SnapshotPaths.backedUpFrom(s.snapshot(), name));
                    if (!from.equals(shown) && (pattern.equals(shown) || pattern.startsWith(shown + "/"))) {
                        return "a pattern names a path as it was backed up, as backup's --exclude does: snapshot " + s.shortId() + "'s " + shown
                                + " is the backup of " + from + ", so --exclude " + from + pattern.substring(shown.length());
                    }
                }
            }
        }
        return "a pattern names a path as it was backed up (/srv/app/id_rsa), as backup's --exclude does, or a name (*.pem); `vault find`"
                + " finds a name";
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
     * shows it, without the leading slash; {@code from} the path it was backed up from, its names' bytes, which the
     * patterns match (null for the top of {@code snapshot}). {@code matched}: the patterns that matched a path, set.
     */
    private ObjectId rewriteTree(ObjectId tree, String rel, String from, SnapshotRef snapshot, int depth, List<Globs.Glob> globs,
                                 BitSet matched, List<String> paths, long[] removed, boolean dryRun) {
        refuseDeeper(depth, snapshot);
        List<Node> nodes = new ArrayList<>();
        boolean changed = false;
        for (Node n : repo.loadTree(tree).nodes()) {
            String name = n.name() == null ? "null" : n.name();
            String display = rel.isEmpty() ? name : rel + "/" + name; // its bytes, as ls shows them (FileNames)
            String exact = from == null ? SnapshotPaths.backedUpFrom(snapshot.snapshot(), name) : from + "/" + name;
            if (matches(globs, exact, matched)) {
                if (paths.size() < PATHS_LISTED) {
                    paths.add("/" + display);
                }
                removed[0]++;
                changed = true;
                if (n.type() == NodeType.DIR && n.subtree() != null) {
                    matchedBelow(n.subtree(), exact, snapshot, depth + 1, globs, matched); // a pattern of a path in it goes with it, and matched
                }
                continue;
            }
            if (n.type() == NodeType.DIR && n.subtree() != null) {
                ObjectId sub = rewriteTree(n.subtree(), display, exact, snapshot, depth + 1, globs, matched, paths, removed, dryRun);
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

    /** Whether a pattern matches {@code path} ({@link Globs#matchPathOrName}); each that does is set in {@code matched}. */
    private static boolean matches(List<Globs.Glob> globs, String path, BitSet matched) {
        boolean any = false;
        for (int i = 0; i < globs.size(); i++) {
            if (Globs.matchPathOrName(globs.get(i), path)) {
                matched.set(i);
                any = true;
            }
        }
        return any;
    }

    /** Sets in {@code matched} the patterns that match a path below {@code tree} (backed up from {@code from}), while one has not. */
    private void matchedBelow(ObjectId tree, String from, SnapshotRef snapshot, int depth, List<Globs.Glob> globs, BitSet matched) {
        refuseDeeper(depth, snapshot);
        for (Node n : repo.loadTree(tree).nodes()) {
            if (matched.cardinality() == globs.size()) {
                return;
            }
            String exact = from + "/" + (n.name() == null ? "null" : n.name());
            matches(globs, exact, matched);
            if (n.type() == NodeType.DIR && n.subtree() != null) {
                matchedBelow(n.subtree(), exact, snapshot, depth + 1, globs, matched);
            }
        }
    }

    /** A forged tree of 100,000 levels ran out of heap, advising a larger one (a tester's): refused, naming its snapshot. */
    private static void refuseDeeper(int depth, SnapshotRef snapshot) {
        if (depth > Tree.MAX_DEPTH) {
            throw Tree.tooDeep(snapshot.shortId());
        }
    }

    /** What a dry run gives for a tree it would write: an ID no tree has, so its parent counts as changed too. */
    private static final ObjectId NOT_WRITTEN = ObjectId.of(new byte[ObjectId.SIZE]);
}
