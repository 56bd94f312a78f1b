package org.opsledger.cli.vault;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.opsledger.cli.CliException;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.prune.ForgetDecision;
import org.opsledger.vault.prune.Forgetter;
import org.opsledger.vault.prune.PruneResult;
import org.opsledger.vault.prune.Pruner;
import org.opsledger.vault.prune.RetentionPolicy;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.SnapshotFilter;
import org.opsledger.vault.snapshot.SnapshotRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "forget", mixinStandardHelpOptions = true,
        description = {"Remove snapshots no --keep-* rule keeps, or those named; held ones always stay (IS.012 6.6.7).",
                "Snapshots whose retain-until date has not passed are kept too (naming one is refused). --prune then frees the data."})
final class ForgetCommand implements Callable<Integer> {

    /** In the line of a forget whose --prune failed, before the prune's error. */
    static final String PRUNE_FAILED = "; then the prune failed: ";


    @Mixin
    RepoOptions repo;

    @Mixin
    SnapshotFilterOptions select;

    @Parameters(paramLabel = "SNAPSHOT", arity = "0..*",
            description = "Remove these snapshots (IDs, prefixes, 'latest' of the --host/--path/--tag selection) instead of applying --keep-* rules.")
    List<String> named = new ArrayList<>();

    @Option(names = "--keep-last", paramLabel = "N", defaultValue = "0",
            description = "Keep the newest N snapshots of each host and paths, whatever their age: with --keep-within, the floor if backups stop.")
    int last;

    @Option(names = "--keep-within", paramLabel = "DURATION", description = "Keep snapshots newer than this (like 30d, 12h, 6m, 1y, 1y6m: days, months and years by the calendar of each snapshot's backup host, its recorded UTC offset, as restic counts them, and as tier counts --near-line). "
            + RepoOptions.DURATION_UNITS)
    String keepWithin;

    @Option(names = "--keep-daily", paramLabel = "N", defaultValue = "0",
            description = "Keep the newest snapshot of each of the last N days (each snapshot's backup host's local time) that have one.")
    int daily;

    @Option(names = "--keep-weekly", paramLabel = "N", defaultValue = "0",
            description = "Keep the newest snapshot of each of the last N ISO weeks (the backup host's local time) that have one.")
    int weekly;

    @Option(names = "--keep-monthly", paramLabel = "N", defaultValue = "0",
            description = "Keep the newest snapshot of each of the last N months (the backup host's local time) that have one.")
    int monthly;

    @Option(names = "--keep-yearly", paramLabel = "N", defaultValue = "0",
            description = "Keep the newest snapshot of each of the last N years (the backup host's local time) that have one.")
    int yearly;

    @Option(names = "--prune", description = "Prune after forgetting (what the snapshots alone held may stay in packs mostly in use:"
            + " the prune's line says how much; --max-unused 0 takes it all out).")
    boolean prune;

    @Mixin
    MaxUnusedOption maxUnused;

    @Mixin
    UnreadableJournalOption unreadableJournal;

    @Option(names = "--dry-run", description = "Show what would be removed; change nothing.")
    boolean dryRun;

    @Option(names = "--trust-clock", description = "Judge retention dates by this host's clock though it is more than 7 days past"
            + " the newest snapshot and journal entry (check it first: timedatectl).")
    boolean trustClock;

    @Override
    public Integer call() {
        RetentionPolicy.Within within = null;
        if (keepWithin != null) {
            within = RepoOptions.within("--keep-within", keepWithin);
        }
        if (last < 0 || daily < 0 || weekly < 0 || monthly < 0 || yearly < 0) {
            throw new CliException("--keep-* counts cannot be negative", 2);
        }
        RetentionPolicy policy = new RetentionPolicy(last, within, daily, weekly, monthly, yearly);
        if (!named.isEmpty() && !policy.isEmpty()) {
            throw new CliException("name the snapshots to remove or give --keep-* options, not both", 2);
        }
        for (String word : named) {
            String why = word.isEmpty() || "latest".equals(word) ? null : Repository.notASnapshotPrefix(word);
            if (why != null) { // before the repository is opened: `forget 7 --prune`, typed for --keep-last 7, removed a snapshot
                throw new CliException(why + (word.matches("[0-9]+") ? "; did you mean --keep-last " + word + "?" : ""), 2);
            }
        }
        if (policy.isEmpty() && named.isEmpty()) {
            throw new CliException("forget needs the snapshots to remove or at least one --keep-* option (use --keep-within 0d to keep"
                    + " only held and retained snapshots)", 2);
        }
        if (maxUnused.given() && !prune) {
            throw new CliException("--max-unused is the prune's: give --prune with it", 2);
        }
        if (unreadableJournal.ignore && !prune) {
            throw new CliException("--ignore-unreadable-journal is the prune's: give --prune with it", 2);
        }
        double share = maxUnused.share();
        ZoneId zone = LocalZone.forCountingDays("forget"); // before the repository opens: refused, nothing is read or written
        try (Repository r = repo.open()) {
            // the journal read once: its decommissions, and its newest entry, which a clock far past refuses by (IS.012 6.6.5.1)
            var newest = new java.util.concurrent.atomic.AtomicReference<Instant>(Instant.EPOCH);
            var journalRead = new org.opsledger.vault.journal.Journal(r);
            Forgetter f = new Forgetter(r, zone).decommissioned(!journalRead.kept() ? Map.of() : journalRead.read(e -> {
                newest.accumulateAndGet(e.started(), (a, b) -> a.isAfter(b) ? a : b);
                return false;
            }).decommissionTimes());
            Instant now = Instant.now();
            if (!trustClock && now.isAfter(newest.get().plus(Forgetter.CLOCK_AHEAD))) { // before the journal entry: a refused forget
                // writes none, so one dated on this clock does not become the newest time recorded at the next night's forget
                List<SnapshotRef> all = r.snapshots();
                Instant recorded = all.stream().map(s -> s.snapshot().time()).reduce(newest.get(), (a, b) -> a.isAfter(b) ? a : b);
                Forgetter.refuseOnAClockAhead(all, recorded, now, false);
            }
            var filter = select.filter();
            List<SnapshotRef> toRemove;
            // every snapshot, as listed once: a forget of named snapshots finds them all in it (one listing per name took 1.7 s
            // each), and a policy applied to some (--tag) knows the rest of each source (it warned that a source was left
            // without a snapshot when those its filter did not select were all still there: a helper's)
            List<SnapshotRef> listed;
            List<ForgetDecision> plan;
            PruneResult pruned;
            RuntimeException failed = null; // said once the removals are listed (--json too)
            ForgetReport report = new ForgetReport(dryRun);
            if (dryRun) {
                Repository.SnapshotListing listing = named.isEmpty() ? null : r.listSnapshots();
                listed = listing == null ? r.snapshots() : listing.readable();
                toRemove = listing == null ? null : select.findEach(listing, named);
                plan = plan(f, toRemove, policy, filter, listed, now);
                if (!repo.json) {
                    plan.forEach(report::add);
                    report.end();
                }
                pruned = null;
            } else {
                // IS.012 6.6.5: a record that leaves the repository says when, by whom and under which policy
                // what was removed, named by a failed entry too: a prune that fails after the forget leaves them gone
                List<ObjectId> removed = Collections.synchronizedList(new ArrayList<>());
                String standIn;
                try (Journaling journal = new Journaling(r, JournalEntry.Operation.FORGET, List.of(), removed)) {
                    try {
                        // a mistyped ID removes nothing, and is a failed entry (it left none: a helper's)
                        Repository.SnapshotListing listing = named.isEmpty() ? null : r.listSnapshots();
                        listed = listing == null ? r.snapshots() : listing.readable();
                        toRemove = listing == null ? null : select.findEach(listing, named);
                        plan = plan(f, toRemove, policy, filter, listed, now);
                        List<ObjectId> planned = plan.stream().filter(d -> !d.keep()).map(d -> d.snapshot().id()).toList();
                        // kill -9 writes no entry: this one stands for the forget until its own is written
                        standIn = planned.isEmpty() ? null : journal.standIn(planned, "it was to remove " + planned.size()
                                + " snapshot(s) (" + (toRemove != null ? "named on its command line" : policy(filter)) + "); those not in the"
                                + " repository it removed");
                        // each named as it goes: a signal's entry too, and its line, before the prune (a helper's saw none of
                        // 20,600 removals when the prune ran out of heap)
                        plan = f.remove(plan, removed::add, repo.json ? d -> { } : report::add);
                        if (!repo.json) {
                            report.end();
                        }
                    } catch (RuntimeException e) {
                        throw journal.failed(e);
                    }
                    String forgot = toRemove != null ? "removed " + removed.size() + " snapshot(s) named on its command line"
                            : "removed " + removed.size() + " snapshot(s), kept " + plan.stream().filter(ForgetDecision::keep).count() + " ("
                            + policy(filter) + ")";
                    List<ForgetDecision> replaced = plan.stream().filter(Forgetter::replacedMeanwhile).toList();
                    if (!replaced.isEmpty()) { // asked for that record to go, it lives on under a new ID: not done, as a hold says
                        pruned = null;
                        failed = journal.failed(new CliException(forgot + "; not removed: " + replaced.getFirst().snapshot().shortId()
                                + ", " + String.join(", ", replaced.getFirst().reasons()) + (replaced.size() == 1 ? ""
                                : "; and " + (replaced.size() - 1) + " more named snapshot(s) replaced meanwhile, each named above")
                                + (prune ? "; no prune was run" : "")));
                    } else {
                        try {
                            // its snapshots removed, the way on is a prune, or this forget again (IS.012 6.6.7)
                            pruned = prune ? unreadableJournal.applyTo(new Pruner(r, share), "prune (or forget --prune)")
                                    .leavingInTheJournal(standIn == null ? java.util.Set.of() : java.util.Set.of(standIn)).prune() : null;
                            journal.ended(JournalEntry.Outcome.OK, List.of(), removed, false, 0, forgot + (pruned == null ? "" : "; " + PruneCommand.line(pruned)));
                        } catch (RuntimeException e) { // the one line says both: a helper's operator saw only the prune's error
                            pruned = null;
                            // thrown once the removals are listed (--json too): a consumer could not tell which snapshots went (a helper's)
                            failed = journal.failed(new CliException(forgot + PRUNE_FAILED + e.getMessage()));
                        }
                    }
                }
            }
            if (repo.json) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (ForgetDecision d : plan) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", d.snapshot().id().hex());
                    m.put("keep", d.keep());
                    m.put("reasons", d.reasons());
                    m.put("time", d.snapshot().snapshot().time());
                    m.put("host", d.snapshot().snapshot().hostname());
                    m.put("paths", d.snapshot().snapshot().paths());
                    rows.add(m);
                }
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("dryRun", dryRun);
                out.put("snapshots", rows);
                if (pruned != null) {
                    out.put("prune", pruned);
                }
                Output.json(out);
            } else if (pruned != null) { // the plan printed as it was carried out
                PruneCommand.print(pruned);
            }
            if (failed != null) {
                throw failed; // the removals listed above, the one line and exit 1 now
            }
            List<SnapshotRef> planned = plan.stream().map(ForgetDecision::snapshot).toList();
            for (Forgetter.Group group : Forgetter.leftEmpty(withTheRest(plan, listed))) { // after the listing: the last line an operator reads
                if (f.decommissioned(group, planned)) {
                    continue; // its backups ended on purpose (IS.012 6.4.3)
                }
                Output.err().println("warning: " + (dryRun ? "this would remove" : "this removed") + " every snapshot of " + ForgetReport.source(group)
                        + (toRemove != null ? "" : "; have its backups stopped? (--keep-last N keeps the newest N whatever their age)"));
            }
        }
        return 0;
    }

    /**
     * What the forget is to do: remove the snapshots named ({@code toRemove}), or apply the policy to those the filter selects
     * of {@code listed}; a filter that selects none is refused (SnapshotFilterOptions#requireSelected).
     */
    private static List<ForgetDecision> plan(Forgetter f, List<SnapshotRef> toRemove, RetentionPolicy policy, SnapshotFilter filter,
                                             List<SnapshotRef> listed, Instant now) {
        if (toRemove != null) {
            return f.plan(toRemove, now);
        }
        List<ForgetDecision> plan = f.plan(policy, now, filter, listed);
        SnapshotFilterOptions.requireSelected(!plan.isEmpty(), filter, () -> listed, "snapshot of %s", "snapshots");
        return plan;
    }

    /**
     * The plan and every other snapshot listed kept (those not named, or not selected by the policy's filter): which sources
     * the removal leaves without one.
     */
    private static List<ForgetDecision> withTheRest(List<ForgetDecision> plan, List<SnapshotRef> listed) {
        List<ForgetDecision> all = new ArrayList<>(plan);
        java.util.Set<ObjectId> inPlan = new java.util.HashSet<>(plan.stream().map(d -> d.snapshot().id()).toList());
        for (SnapshotRef s : listed) {
            if (!inPlan.contains(s.id())) {
                all.add(new ForgetDecision(s, true, List.of("not in the plan")));
            }
        }
        return all;
    }

    /** The policy as its options said it, and the snapshots it was applied to: "--keep-daily 7 --keep-weekly 4 of host web-2". */
    private String policy(SnapshotFilter filter) {
        List<String> out = new ArrayList<>();
        String[] names = {"--keep-last ", "--keep-daily ", "--keep-weekly ", "--keep-monthly ", "--keep-yearly "};
        int[] counts = {last, daily, weekly, monthly, yearly};
        for (int i = 0; i < names.length; i++) {
            if (counts[i] > 0) {
                out.add(names[i] + counts[i]);
            }
        }
        if (keepWithin != null) {
            out.add("--keep-within " + keepWithin);
        }
        return String.join(" ", out) + (filter.isAll() ? "" : " of " + filter.describe());
    }
}
