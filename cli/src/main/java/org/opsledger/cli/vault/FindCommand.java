package org.opsledger.cli.vault;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.opsledger.cli.CliException;
import org.opsledger.cli.TerminalText;
import org.opsledger.vault.history.Finder;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.repository.SharedLock;
import org.opsledger.vault.snapshot.SnapshotRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "find", mixinStandardHelpOptions = true,
        description = {"List the paths whose name matches a glob in every snapshot, oldest first, with size and mtime.",
                "Which backups hold a file ('nginx.conf', '*.sql'), and when it changed. --host, --tag and --path narrow the snapshots."})
final class FindCommand implements Callable<Integer> {

    @Mixin
    RepoOptions repo;

    @Mixin
    SnapshotFilterOptions select;

    @Parameters(paramLabel = "PATTERN", description = "Glob matched against each file or directory name, not a path: no '/'"
            + " ('nginx.conf', '*.sql').")
    String pattern;

    @Override
    public Integer call() {
        RepoOptions.checkPatterns("PATTERN", List.of(pattern));
        if (pattern.contains("/")) { // 'sub/r2' matched no name, and find said "0 match(es)" (a helper's)
            String name = pattern.substring(pattern.lastIndexOf('/') + 1);
            throw new CliException("find matches each file or directory name, not a path, and " + TerminalText.escape(pattern)
                    + " holds a '/': give a name" + (name.isEmpty() ? "" : " ('" + TerminalText.escape(name) + "')") + "; each match is listed with its path", 2);
        }
        boolean whole;
        try (Repository r = repo.open();
             SharedLock reading = r.readLock("find")) { // a prune meanwhile deletes no pack this find reads, a key retire or repair waits
            Repository.SnapshotListing listing = r.listSnapshots();
            var filter = select.filter();
            List<SnapshotRef> snapshots = filter.select(SnapshotsCommand.readableWarningOfTheRest(listing));
            // a --host, --tag or --path that selects nothing: a typo, refused (exit 1), not "0 match(es) in 0 snapshot(s)"
            SnapshotFilterOptions.requireSelected(!snapshots.isEmpty(), filter, listing::readable, "snapshot of %s", "snapshots");
            whole = listing.unreadable().isEmpty();
            Finder finder = new Finder(r, pattern);
            if (repo.json) {
                Output.JsonList hits = Output.jsonList();
                finder.find(snapshots, h -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("snapshot", h.snapshot().id().hex());
                    m.put("time", h.snapshot().snapshot().time());
                    m.put("host", h.snapshot().snapshot().hostname());
                    m.put("path", h.path());
                    m.put("type", h.node().type().json());
                    m.put("size", h.node().size());
                    m.put("mtime", Instant.ofEpochSecond(0, h.node().mtime()));
                    hits.add(m);
                });
                hits.end();
            } else {
                long found = finder.find(snapshots, Output.untilClosed(h -> // snapshot, its time; the path's type, size, mtime, name
                        Output.out().printf(java.util.Locale.ROOT, "%s  %s  %s %12d  %s  %s%n", h.snapshot().shortId(),
                                SnapshotsCommand.utc(h.snapshot().snapshot().time()), h.node().type().letter(),
                                h.node().size(), SnapshotsCommand.utc(Instant.ofEpochSecond(0, h.node().mtime())),
                                TerminalText.escape(h.path()))));
                Output.out().println(found + " match(es) in " + snapshots.size() + " snapshot(s)"
                        + (whole ? "" : "; " + listing.unreadable().size() + " snapshot file(s) unreadable (see stderr)"));
            }
        }
        return whole ? 0 : BackupCommand.INCOMPLETE;
    }
}
