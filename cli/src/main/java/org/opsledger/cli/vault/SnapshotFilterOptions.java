package org.opsledger.cli.vault;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opsledger.vault.snapshot.SnapshotFilter;
import picocli.CommandLine.Option;

/** --host, --tag and --path: which snapshots a listing, a forget policy or 'latest' looks at. */
final class SnapshotFilterOptions {

    @Option(names = "--host", paramLabel = "HOST", description = "Only snapshots taken on this host; repeatable (any of them).")
    List<String> hosts = new ArrayList<>();

    @Option(names = "--tag", paramLabel = "K=V", description = "Only snapshots carrying this tag; repeatable (all of them).")
    Map<String, String> tags = new HashMap<>();

    @Option(names = "--path", paramLabel = "PATH", description = "Only snapshots taken of this path; repeatable (all of them).")
    List<String> paths = new ArrayList<>();

    SnapshotFilter filter() {
        Set<String> p = new HashSet<>();
        for (String path : paths) { // as a backup records its paths
            p.add(Path.of(path).toAbsolutePath().normalize().toString());
        }
        return new SnapshotFilter(new HashSet<>(hosts), tags, p);
    }
}
