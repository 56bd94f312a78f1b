package org.opsledger.cli.vault;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.opsledger.cli.TerminalText;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.Rewriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "rewrite", mixinStandardHelpOptions = true,
        description = {"Take paths out of snapshots that should never have held them (a private key, personal data backed up by mistake).",
                "Each snapshot with a matching path is written anew without it (a new ID; the same time of capture, host and",
                "record), and its record names the IDs it replaced, when, by whom, why and what went. A held snapshot is never",
                "rewritten. Then `vault prune --max-unused 0` removes the data from the repository. Copies in other repositories",
                "(copy, tier) keep the paths until rewritten there too (`vault rewrite --repo THERE`)."})
final class RewriteCommand implements Callable<Integer> {

    @Mixin
    RepoOptions repo;

    @Mixin
    SnapshotFilterOptions select;

    @Parameters(paramLabel = "SNAPSHOT", arity = "1..*", description = "Snapshot IDs, unique prefixes or 'latest'.")
    List<String> snapshots;

    @Option(names = "--exclude", paramLabel = "PATTERN", required = true, description = "What to take out, as backup's --exclude takes it: a path as it"
            + " was backed up (/srv/app/id_rsa, which `vault ls` shows as /app/id_rsa for a backup of /srv/app) or a name (*.pem);"
            + " a directory goes whole. Repeatable; one that matches nothing in the snapshots named is refused, exit 1.")
    List<String> excludes = new ArrayList<>();

    @Option(names = "--reason", required = true, description = "Why it is taken out (kept in the record: the incident, the request).")
    String reason;

    @Option(names = "--by", description = "Who takes it out (default: the OS user).", defaultValue = RecordOptions.OS_USER)
    String by;

    @Option(names = {"-n", "--dry-run"}, description = "List what would be taken out of each snapshot; write nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        RepoOptions.checkPatterns("--exclude", excludes); // before the repository opens: exit 2, no entry
        reason = RecordOptions.why(reason);
        by = RecordOptions.who(by);
        List<Rewriter.Rewritten> done;
        try (Repository r = repo.open();
             Journaling journal = dryRun ? null : new Journaling(r, JournalEntry.Operation.REWRITE, List.of(), List.of())) {
            try {
                done = new Rewriter(r).rewrite(select.findEach(r, snapshots), excludes, reason, by, dryRun, planned -> {
                    // recover leaves what a rewrite took out alone by its entry once the rewritten snapshot is gone (vault-format.md
                    // §12): named before the first old snapshot goes, in the stand-in and in a stopped command's entry; a rewrite
                    // stopped before its own entry (a full disk, SIGTERM, kill -9) left none, and recover brought the key back
                    journal.replacing(planned.stream().map(p -> p.before().snapshot().tree()).toList());
                    journal.standIn(planned.stream().map(p -> p.before().id()).toList(), "it was to rewrite " + planned.size()
                            + " snapshot(s), taking out what matches " + String.join(", ", excludes) + "; those no longer here it rewrote,"
                            + " and recover leaves their old trees alone");
                });
                if (dryRun && r.config().version() < Rewriter.FORMAT) { // the run itself is refused: say so before the operator plans on it
                    Output.err().println("warning: this repository is of format " + r.config().version() + ": the rewrite itself is refused"
                            + " until `vault upgrade` makes it format " + Rewriter.FORMAT);
                }
            } catch (RuntimeException e) {
                throw journal == null ? e : journal.failed(e);
            }
            if (journal != null && done.stream().anyMatch(d -> d.after() != null)) { // one that changed nothing writes none
                List<ObjectId> named = new ArrayList<>(); // those replaced, then their successors
                done.stream().filter(d -> d.after() != null).forEach(d -> named.add(d.before().id()));
                done.stream().filter(d -> d.after() != null).forEach(d -> named.add(d.after().id()));
                // what recover leaves alone once the rewritten snapshots are gone too (forgotten, tiered): vault-format.md §12
                journal.replacing(done.stream().filter(d -> d.after() != null).map(d -> d.before().snapshot().tree()).toList());
                journal.ended(JournalEntry.Outcome.OK, List.of(), named, false, 0, summary(done));
            }
        }
        if (repo.json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Rewriter.Rewritten d : done) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("snapshot", d.before().id().hex());
                m.put("rewritten", d.after() == null ? null : d.after().id().hex());
                m.put("removed", d.removed());
                m.put("paths", d.paths());
                rows.add(m);
            }
            Output.json(rows);
            return 0;
        }
        for (Rewriter.Rewritten d : done) {
            String head = "snapshot " + d.before().shortId();
            if (d.removed() == 0) {
                Output.out().println(head + ": nothing matches; left as it is");
                continue;
            }
            Output.out().println(head + (d.after() == null ? ": would lose " : " rewritten as " + d.after().shortId() + ", without ")
                    + d.removed() + " path(s):");
            d.paths().forEach(p -> Output.out().println("  " + TerminalText.escape(p)));
            if (d.removed() > d.paths().size()) {
                Output.out().println("  … and " + (d.removed() - d.paths().size()) + " more");
            }
        }
        Output.out().println(summary(done));
        return 0;
    }

    /** The line a rewrite ends with (the journal keeps it). */
    private String summary(List<Rewriter.Rewritten> done) {
        long rewritten = done.stream().filter(d -> d.removed() > 0).count();
        long paths = done.stream().mapToLong(Rewriter.Rewritten::removed).sum();
        if (dryRun) { // each pattern matched (Rewriter#rewrite): at least one snapshot loses a path
            return "rewrite: " + paths + " path(s) would be taken out of " + rewritten + " of " + done.size() + " snapshot(s)";
        }
        return "rewrite: " + paths + " path(s) matching " + String.join(", ", excludes) + " taken out of " + rewritten + " snapshot(s) for "
                + reason + " (by " + by + "); `vault prune --max-unused 0` removes their data; rewrite copies in other repositories there too";
    }
}
