package org.opsledger.cli.vault;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.opsledger.cli.TerminalText;
import org.opsledger.vault.history.Differ;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.repository.SharedLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"List what changed between two snapshots.",
                "+ added, - removed, M content (or link target), T type, U mode, owner, extended attributes or a file's mtime only."})
final class DiffCommand implements Callable<Integer> {

    @Mixin
    RepoOptions repo;

    @Mixin
    SnapshotFilterOptions select;

    @Parameters(index = "0", paramLabel = "FROM", description = "The older snapshot: ID, unique prefix or 'latest'.")
    String from;

    @Parameters(index = "1", paramLabel = "TO", description = "The newer snapshot: ID, unique prefix or 'latest'.")
    String to;

    @Override
    public Integer call() {
        try (Repository r = repo.open();
             SharedLock reading = r.readLock("diff")) { // a prune meanwhile deletes no pack this diff reads, a key retire or repair waits
            var listing = r.listSnapshots(); // one listing for both
            var a = select.find(() -> listing.find(from, select.filter()));
            var b = select.find(() -> listing.find(to, select.filter()));
            if (repo.json) {
                Map<String, Object> head = new LinkedHashMap<>();
                head.put("from", a.id().hex());
                head.put("to", b.id().hex());
                Output.JsonList changes = Output.jsonList(head, "changes");
                new Differ(r).diff(a, b, c -> {
                    Map<String, String> m = new LinkedHashMap<>();
                    m.put("change", c.kind().name().toLowerCase(java.util.Locale.ROOT));
                    m.put("path", c.path());
                    changes.add(m);
                });
                changes.end();
            } else {
                Map<Differ.Kind, Integer> counts = new EnumMap<>(Differ.Kind.class);
                new Differ(r).diff(a, b, Output.untilClosed(c -> {
                    counts.merge(c.kind(), 1, Integer::sum);
                    Output.out().println(c.kind().letter + "    " + TerminalText.escape(c.path()));
                }));
                Output.out().printf(java.util.Locale.ROOT, "%s → %s: %d added, %d removed, %d modified, %d changed type, %d changed metadata%n",
                        a.shortId(), b.shortId(), counts.getOrDefault(Differ.Kind.ADDED, 0), counts.getOrDefault(Differ.Kind.REMOVED, 0),
                        counts.getOrDefault(Differ.Kind.MODIFIED, 0), counts.getOrDefault(Differ.Kind.TYPE, 0),
                        counts.getOrDefault(Differ.Kind.METADATA, 0));
            }
        }
        return 0;
    }
}
