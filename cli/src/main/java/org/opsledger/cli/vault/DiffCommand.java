package org.opsledger.cli.vault;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.opsledger.cli.TerminalText;
import org.opsledger.vault.history.Differ;
import org.opsledger.vault.repository.Repository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"List what changed between two snapshots: + added, - removed, M content (or link target), T type,",
                "U mode, owner, extended attributes or a file's mtime only."})
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
        try (Repository r = repo.open()) {
            var a = r.findSnapshot(from, select.filter());
            var b = r.findSnapshot(to, select.filter());
            List<Differ.Change> changes = new Differ(r).diff(a, b);
            Map<Differ.Kind, Integer> counts = new EnumMap<>(Differ.Kind.class);
            changes.forEach(c -> counts.merge(c.kind(), 1, Integer::sum));
            if (repo.json) {
                List<Map<String, String>> rows = new ArrayList<>();
                for (Differ.Change c : changes) {
                    Map<String, String> m = new LinkedHashMap<>();
                    m.put("change", c.kind().name().toLowerCase());
                    m.put("path", c.path());
                    rows.add(m);
                }
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("from", a.id().hex());
                out.put("to", b.id().hex());
                out.put("changes", rows);
                Output.json(out);
            } else {
                changes.forEach(c -> Output.out().println(c.kind().letter + "    " + TerminalText.escape(c.path())));
                Output.out().printf("%s → %s: %d added, %d removed, %d modified, %d changed type, %d changed metadata%n",
                        a.shortId(), b.shortId(), counts.getOrDefault(Differ.Kind.ADDED, 0), counts.getOrDefault(Differ.Kind.REMOVED, 0),
                        counts.getOrDefault(Differ.Kind.MODIFIED, 0), counts.getOrDefault(Differ.Kind.TYPE, 0),
                        counts.getOrDefault(Differ.Kind.METADATA, 0));
            }
        }
        return 0;
    }
}
