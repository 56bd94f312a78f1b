package org.opsledger.cli.vault;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.opsledger.cli.CliException;
import org.opsledger.cli.TerminalText;
import org.opsledger.vault.NoneSelectedException;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.FileNames;
import org.opsledger.vault.snapshot.SnapshotFilter;
import org.opsledger.vault.snapshot.SnapshotRef;
import picocli.CommandLine.Option;

/** --host, --tag and --path: which snapshots a listing, a forget policy or 'latest' looks at. */
final class SnapshotFilterOptions {

    @Option(names = "--host", paramLabel = "HOST", description = "Only snapshots taken on this host; repeatable (any of them).")
    List<String> hosts = new ArrayList<>();

    @Option(names = "--tag", paramLabel = "K=V", description = "Only snapshots carrying this tag; repeatable (all of them).")
    List<String> tags = new ArrayList<>();

    @Option(names = "--path", paramLabel = "PATH", description = "Only snapshots taken of this path (or of the stream of this --stdin-name); repeatable (all of them).")
    List<String> paths = new ArrayList<>();

    SnapshotFilter filter() {
        if (paths.contains("") || hosts.contains("")) {
            throw new CliException((paths.contains("") ? "--path" : "--host") + " is empty (an unset variable?)", 2);
        }
        Set<String> p = new HashSet<>();
        for (String path : paths) { // an absolute path as a backup records it; a relative one is a stream's name or under the cwd
            // its bytes as given (a byte that is not UTF-8 as its escape): Path.of refused one, "Malformed input …", exit 1
            p.add(path.startsWith("/") ? FileNames.exactOf(FileNames.pathOf(path).normalize()) : path);
        }
        return new SnapshotFilter(new HashSet<>(hosts), RecordOptions.tags("--tag", tags), p);
    }

    /**
     * Refuses, exit 1, a --host, --tag or --path that selects nothing in the repository ({@code found} false): a typo. `vault
     * due --host web-O1` read "0 overdue" and a monitor stayed green for ever, `vault forget --host web-O1 --keep-last 1` said
     * "removed 0 of 0" and the retention never ran, `vault snapshots --host web-O1` and `vault find --host web-O1 …` printed
     * nothing, each exit 0 (a helper's, a tester's). Names what the repository holds ({@link #held}, of {@code listed}, read
     * only then). {@code none}: what there is none of, "%s" standing for the selection ("backup of %s, nor a failed
     * attempt,"); {@code command}: the command that lists them all.
     */
    static void requireSelected(boolean found, SnapshotFilter filter, Supplier<List<SnapshotRef>> listed, String none, String command) {
        if (!found && !filter.isAll()) {
            throw new CliException("no " + none.replace("%s", filter.describe()) + " in this repository" + held(filter, listed.get())
                    + " (`vault " + command + "` without --host, --path and --tag lists every one)");
        }
    }

    /** Hosts named in a refusal, at most; the count of the others after them. */
    static final int HOSTS_NAMED = 10;

    /**
     * What the repository holds beside a selection that found nothing: the hosts of its snapshots when no snapshot is of a
     * host --host names (", which holds snapshots of host(s) db-1 web-01"), else how many the hosts named keep, the tags or
     * paths having matched none of them (", which holds 12 snapshot(s) of host web-1").
     */
    private static String held(SnapshotFilter filter, List<SnapshotRef> listed) {
        if (listed.isEmpty()) {
            return ", which holds no snapshot";
        }
        if (!filter.hosts().isEmpty() && listed.stream().noneMatch(s -> filter.hosts().contains(s.snapshot().hostname()))) {
            List<String> hosts = listed.stream().map(s -> s.snapshot().hostname()).distinct().sorted().toList();
            return ", which holds snapshots of host(s) " + TerminalText.cells(hosts.subList(0, Math.min(HOSTS_NAMED, hosts.size())))
                    + (hosts.size() > HOSTS_NAMED ? " and " + (hosts.size() - HOSTS_NAMED) + " more" : "");
        }
        SnapshotFilter byHost = new SnapshotFilter(filter.hosts(), java.util.Map.of(), Set.of());
        return ", which holds " + byHost.select(listed).size() + " snapshot(s)" + (byHost.isAll() ? "" : " of " + byHost.describe());
    }

    /**
     * The snapshot {@code find} finds; 'latest' where this selection selects no snapshot is refused as {@link #requireSelected}
     * refuses it, naming what the repository holds: `restore latest --host web-O1` said only "no snapshot of host web-O1"
     * (an engineer's note).
     */
    SnapshotRef find(Supplier<SnapshotRef> find) {
        try {
            return find.get();
        } catch (NoneSelectedException e) {
            requireSelected(false, filter(), e::listed, "snapshot of %s", "snapshots");
            throw e;
        }
    }

    /** {@code name} (an ID, a prefix, 'latest' among those selected) in {@code r}, as {@link #find(Supplier)} finds it. */
    SnapshotRef find(Repository r, String name) {
        return find(() -> r.findSnapshot(name, filter()));
    }

    /**
     * The snapshots {@code names} name (IDs, prefixes, 'latest' among those selected), each once ('latest' and its ID
     * name one): all found before a command changes any, so a mistyped ID changes nothing.
     */
    List<SnapshotRef> findEach(Repository r, List<String> names) {
        return findEach(r.listSnapshots(), names);
    }

    /** As {@link #findEach(Repository, List)}, among the snapshots of {@code listing}: each name looked up in it. */
    List<SnapshotRef> findEach(Repository.SnapshotListing listing, List<String> names) {
        SnapshotFilter filter = filter();
        List<SnapshotRef> found = new ArrayList<>();
        Set<ObjectId> ids = new HashSet<>();
        for (String s : names) {
            SnapshotRef ref = find(() -> listing.find(s, filter));
            if (ids.add(ref.id())) {
                found.add(ref);
            }
        }
        return found;
    }
}
