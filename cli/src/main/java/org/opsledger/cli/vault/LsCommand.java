package org.opsledger.cli.vault;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.opsledger.cli.TerminalText;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.repository.SharedLock;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.NodeType;
import org.opsledger.vault.snapshot.SnapshotPaths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "ls", mixinStandardHelpOptions = true,
        description = "List the files of a snapshot (ID, unique prefix or 'latest'), or one path of it and what it holds.")
final class LsCommand implements Callable<Integer> {

    @Mixin
    RepoOptions repo;

    @Mixin
    SnapshotFilterOptions select;

    @Parameters(index = "0", paramLabel = "SNAPSHOT")
    String snapshot;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PATH",
            description = "A path as the listing shows it ('/etc/nginx'): only it and what it holds, reading no other directory.")
    String path;

    @Override
    public Integer call() {
        RepoOptions.checkNotEmpty("PATH", path);
        try (Repository r = repo.open();
             SharedLock reading = r.readLock("ls")) { // a prune meanwhile deletes no pack this ls reads, a key retire or repair waits
            var s = select.find(r, snapshot);
            String rel = SnapshotPaths.relative(path == null ? "" : path);
            List<Node> trail = rel.isEmpty() ? List.of() : SnapshotPaths.trail(s, rel, r::loadTree);
            SnapshotsCommand.sayWhichWhenChosen(snapshot, s); // once the path is found: not before its refusal
            Consumer<Map<String, Object>> rows;
            Output.JsonList list = repo.json ? Output.jsonList() : null;
            if (list != null) {
                rows = list::add;
            } else {
                rows = Output.untilClosed(row -> Output.out().printf(java.util.Locale.ROOT, "%s %6s %12s  %s  %s%s%n",
                        NodeType.of((String) row.get("type")).letter(), row.get("mode"), row.getOrDefault("device", row.get("size")),
                        SnapshotsCommand.utc((Instant) row.get("mtime")), TerminalText.escape((String) row.get("path")),
                        row.containsKey("linkTarget") ? " -> " + TerminalText.escape((String) row.get("linkTarget")) : ""));
            }
            listed = s;
            if (rel.isEmpty()) {
                walk(r, s.snapshot().tree(), "", 0, rows);
            } else {
                String dir = "";
                for (Node above : trail.subList(0, trail.size() - 1)) {
                    dir += "/" + above.name();
                }
                list(r, trail.getLast(), dir, trail.size() - 1, rows);
            }
            if (list != null) {
                list.end();
            }
        }
        return forged == 0 ? 0 : BackupCommand.INCOMPLETE;
    }

    /** Names listed that restore and dump refuse ("..", "a/b"), each said on stderr: a forged tree listed exit 0 (a re-tester's). */
    private long forged;

    /** The snapshot listed, for {@link org.opsledger.vault.snapshot.Tree#tooDeep}. */
    private org.opsledger.vault.snapshot.SnapshotRef listed;

    /**
     * Each path as it is read, a directory before what it holds: a snapshot of any size is listed in the memory of its
     * deepest path. A tree {@code depth} levels below the root's: a forged one of 100,000 levels printed ≈47 MB of ever
     * longer paths, then ran out of heap advising a larger one (a tester's); refused past the deepest a path can name.
     */
    private void walk(Repository r, ObjectId tree, String dir, int depth, Consumer<Map<String, Object>> rows) {
        if (depth > org.opsledger.vault.snapshot.Tree.MAX_DEPTH) {
            throw org.opsledger.vault.snapshot.Tree.tooDeep(listed.shortId());
        }
        for (Node n : r.loadTree(tree).nodes()) {
            list(r, n, dir, depth, rows);
        }
    }

    private void list(Repository r, Node n, String dir, int depth, Consumer<Map<String, Object>> rows) {
        String path = dir + "/" + n.name(); // its bytes: \xHH in text, U+FFFD and pathBytes in JSON (Output.jsonOf)
        if (!Node.isSafeName(n.name())) {
            forged++;
            Output.err().println("warning: " + TerminalText.escape(path) + ": " + Node.NOT_ONE_COMPONENT + "; restore and dump refuse it, `vault check` names it");
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("path", path);
        row.put("type", n.type().json());
        row.put("mode", Integer.toOctalString(n.mode()));
        row.put("size", n.size());
        if (n.type() == NodeType.CHARDEV || n.type() == NodeType.BLOCKDEV) { // as ls -l shows one: major,minor
            row.put("device", n.deviceMajor() + "," + n.deviceMinor());
        }
        row.put("mtime", Instant.ofEpochSecond(0, n.mtime()));
        // owners are numbers: a restore gives each file to whoever holds that uid and gid on the host it restores to
        row.put("uid", n.uid());
        row.put("gid", n.gid());
        if (n.linkTarget() != null) {
            row.put("linkTarget", n.linkTarget());
        }
        rows.accept(row);
        if (n.type() == NodeType.DIR && n.subtree() != null) {
            walk(r, n.subtree(), path, depth + 1, rows);
        }
    }
}
