package org.opsledger.cli.vault;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.opsledger.cli.TerminalText;
import org.opsledger.vault.copier.TierOverdue;
import org.opsledger.vault.journal.BackupHistory;
import org.opsledger.vault.journal.Journal;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.BackupsDue;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.SnapshotRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "due", mixinStandardHelpOptions = true,
        description = {"Whether each source is backed up daily (IS.012 6.6.1.2) and in full weekly (6.6.1.1); exit 3 if not.",
                "A source is a host and its backup's paths. Lists each with its newest backup and newest full one, and, from the",
                "journal, a newest attempt that failed. Exit code 3 when any is overdue, failing (its newest attempt failed) or",
                "incomplete (its newest backup left paths out): a monitoring check that sees a schedule that stopped, a job that",
                "failed last night or one that cannot read all it should. A source decommissioned since its newest backup (`vault",
                "decommission`, IS.012 6.4.3) is shown so and never overdue. Exit code 1 when --host, --path or --tag match no source",
                "at all (a mistyped host is no green check). With --since, the past instead: each source's gaps in that period, a",
                "stretch without a backup or without a full one longer than --daily or --weekly-full, each failed attempt and each",
                "backup that left paths out (6.6.5), from the snapshots and the journal; exit code 3 when there is any. In a",
                "repository that tiers, names the snapshots older than the tier's near-line period and a day that no tier has",
                "copied to long-term storage (6.6.1.3; exit code 3)."})
final class DueCommand implements Callable<Integer> {

    @Mixin
    RepoOptions repo;

    @Mixin
    SnapshotFilterOptions select;

    @Option(names = "--daily", paramLabel = "DURATION", defaultValue = "26h",
            description = "How old a source's newest backup may be (default ${DEFAULT-VALUE}: a day, and two hours to spare). "
                    + RepoOptions.DURATION_UNITS + " A month is 30 days here, a year 365.")
    String daily;

    @Option(names = "--weekly-full", paramLabel = "DURATION", defaultValue = "8d",
            description = "How old its newest full backup may be (default ${DEFAULT-VALUE}: a week, and a day to spare). "
                    + RepoOptions.DURATION_UNITS)
    String weeklyFull;

    @Option(names = "--since", paramLabel = "DATE|DURATION", description = "The past instead of the present: each source's gaps"
            + " from this day (2026-01-31, UTC) or within this duration (90d, 3m) to now, as `vault journal --since` reads it. "
            + RepoOptions.DURATION_UNITS)
    String since;

    @Override
    public Integer call() {
        Duration day = RepoOptions.duration("--daily", daily);
        Duration week = RepoOptions.duration("--weekly-full", weeklyFull);
        // the spans as understood, in words: "within 90m" hid that m is a month (a tester's)
        String dayInWords = RepoOptions.within("--daily", daily).words();
        String weekInWords = RepoOptions.within("--weekly-full", weeklyFull).words();
        Instant now = Instant.now();
        Instant from = since == null ? null : RepoOptions.since("--since", since, now);
        List<SourceStatus> sources;
        TierOverdue tier = null;
        var filter = select.filter();
        try (Repository r = repo.open()) {
            Journal journal = new Journal(r);
            List<SnapshotRef> snapshots = r.snapshots(); // listed once: on S3 a GET each
            BackupHistory history = from == null ? null : new BackupHistory(filter.select(snapshots), filter, from, now);
            // one reading of the journal: the history takes what it counts as it goes by, the tiers are kept
            Journal.Listing listing = !journal.kept() ? null : journal.read(e -> {
                if (history != null) {
                    history.take(e);
                }
                return TierOverdue.reads(e);
            });
            if (listing != null) { // IS.012 6.6.1.3: only where this repository tiers
                tier = TierOverdue.of(r, snapshots, listing.entries(), now, java.time.ZoneId.systemDefault());
            }
            if (history != null) {
                SnapshotFilterOptions.requireSelected(history.any(), filter, r::snapshots, "backup of %s, nor a failed attempt,", "due");
                return history(history.sources(day, week, now), from, tier, dayInWords, weekInWords);
            }
            sources = SourceStatus.of(snapshots, listing, filter, now, day, week);
            SnapshotFilterOptions.requireSelected(!sources.isEmpty(), filter, r::snapshots, "backup of %s, nor a failed attempt,", "due");
        }
        List<Row> rows = new ArrayList<>();
        for (SourceStatus source : sources) {
            BackupsDue.Source s = source.snapshots();
            if (s == null && source.left() == null && source.failed() == null) { // decommissioned, no backup of it ever made
                rows.add(new Row(source.host(), source.paths(), null, null, State.DECOMMISSIONED, source.decommission().started(),
                        List.of("decommissioned " + SnapshotsCommand.TIME.format(source.decommission().started()) + " UTC "
                                + source.decommission().detail())));
                continue;
            }
            if (s == null && source.left() != null) {
                JournalEntry e = source.left();
                String left = "its newest backup, " + SnapshotsCommand.TIME.format(e.started()) + " UTC"
                        + (e.snapshots().isEmpty() ? "" : " (" + e.snapshots().getFirst().shortHex() + ")")
                        + ", and every other has left this repository (forgotten, or moved to long-term storage by `vault tier`)";
                if (source.decommission() != null) {
                    rows.add(new Row(source.host(), source.paths(), null, null, State.DECOMMISSIONED, source.decommission().started(),
                            List.of("decommissioned " + SnapshotsCommand.TIME.format(source.decommission().started()) + " UTC "
                                    + source.decommission().detail()), e));
                } else {
                    boolean late = e.started().isBefore(now.minus(day));
                    rows.add(new Row(source.host(), source.paths(), null, null, late ? State.OVERDUE : State.OK, null,
                            List.of(late ? left + "; none since (IS.012 6.6.1.2: daily)" : left), e));
                }
                continue;
            }
            if (s == null) {
                rows.add(new Row(source.host(), source.paths(), null, null, State.OVERDUE, null,
                        List.of("no backup of it has succeeded (IS.012 6.6.1.2: daily); " + failedLine(source.failed()))));
                continue;
            }
            List<String> why = new ArrayList<>(s.overdue());
            if (s.decommissioned() != null) {
                why.add("decommissioned " + SnapshotsCommand.TIME.format(s.decommissioned()) + " UTC " + source.decommission().detail());
            }
            if (source.failed() != null) {
                why.add(failedLine(source.failed()));
            }
            Snapshot.Summary newest = s.newest().snapshot().summary();
            // IS.012 6.6.5: incomplete when it left paths out; a file kept though it changed as it was read is in the snapshot,
            // and a host whose backups always meet one (a log being written) alarmed every day (an engineer's note): said, no alarm
            boolean incomplete = newest != null && newest.leftOut() > 0;
            if (newest != null && newest.warnings() > 0) {
                why.add(warningsLine(s.newest()));
            }
            // IS.012 6.6.1.2 daily, 6.6.5: a source is ok when its newest attempt gave a whole backup, not only a recent one
            State state = s.decommissioned() != null ? State.DECOMMISSIONED : !s.overdue().isEmpty() ? State.OVERDUE
                    : source.failed() != null ? State.FAILING : incomplete ? State.INCOMPLETE : State.OK;
            rows.add(new Row(s.host(), s.paths(), s.newest(), s.newestFull(), state, s.decommissioned(), why));
        }
        Map<State, Long> count = new java.util.EnumMap<>(State.class);
        rows.forEach(r -> count.merge(r.state(), 1L, Long::sum));
        if (repo.json) {
            Output.json(rows.stream().map(Row::json).toList());
        } else {
            Output.out().printf(java.util.Locale.ROOT, "%-12s  %-28s  %-38s  %-19s  %s%n", "Host", "Paths", "Newest backup (UTC)", "Newest full (UTC)", "Status");
            for (Row r : rows) {
                Output.out().printf(java.util.Locale.ROOT, "%-12s  %-28s  %-38s  %-19s  %s%n", TerminalText.cell(r.host()), // as snapshots' columns
                        TerminalText.cells(r.paths()),
                        r.newest() == null ? "-" : SnapshotsCommand.TIME.format(r.newest().snapshot().time()) + " "
                                + r.newest().snapshot().kind().json() + " " + r.newest().shortId(),
                        r.newestFull() == null ? "-" : SnapshotsCommand.TIME.format(r.newestFull().snapshot().time()),
                        TerminalText.escape(r.state().said(r.why())));
            }
            Output.out().println(rows.size() + " source(s); " + count.getOrDefault(State.OVERDUE, 0L) + " overdue"
                    + counted(count, State.FAILING) + counted(count, State.INCOMPLETE)
                    + " (a backup within " + dayInWords + ", a full one within " + weekInWords + ")"
                    + (count.containsKey(State.DECOMMISSIONED) ? "; " + count.get(State.DECOMMISSIONED) + " decommissioned" : ""));
        }
        boolean tierOverdue = tier != null && !tier.snapshots().isEmpty();
        if (tierOverdue) { // the JSON array stays the sources': said on stderr there
            (repo.json ? Output.err() : Output.out()).println(tierLine(tier));
        }
        return tierOverdue || rows.stream().anyMatch(r -> r.state().alarm()) ? BackupCommand.INCOMPLETE : 0;
    }

    /**
     * IS.012 6.6.1.3: "tier overdue: 3 snapshot(s) older than 30 days not yet in long-term storage (oldest …)", naming the
     * oldest and the last tier, whose near-line period it is.
     */
    private static String tierLine(TierOverdue tier) {
        SnapshotRef oldest = tier.snapshots().getFirst();
        String to = tier.lastTier().paths().isEmpty() ? "…" : tier.lastTier().paths().getFirst();
        return TerminalText.escape("tier overdue: " + tier.snapshots().size() + " snapshot(s) older than " + tier.nearLine().words()
                + " not yet in long-term storage (oldest " + SnapshotsCommand.utc(oldest.snapshot().time()) + ", " + oldest.shortId()
                + " of " + oldest.snapshot().hostname() + " " + String.join(" ", oldest.snapshot().paths()) + "; the last tier ended ok "
                + SnapshotsCommand.utc(tier.lastTier().started()) + "): run `vault tier --to " + to + "` (IS.012 6.6.1.3)");
    }

    /** `due --since`: each source's gaps and lapses in the period, a line each; exit 3 when there is any, or a tier is overdue. */
    private int history(List<BackupHistory.Source> sources, Instant from, TierOverdue tier, String dayInWords, String weekInWords) {
        boolean tierOverdue = tier != null && !tier.snapshots().isEmpty();
        if (repo.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("from", from.toString());
            m.put("sources", sources.stream().map(DueCommand::historyJson).toList());
            m.put("tierOverdue", tierOverdue ? tierJson(tier) : null);
            Output.json(m);
        } else {
            String format = "%-12s  %-28s  %s%n";
            Output.out().printf(java.util.Locale.ROOT, format, "Host", "Paths", "From " + SnapshotsCommand.utc(from) + " to now");
            for (BackupHistory.Source s : sources) {
                List<String> lines = new ArrayList<>();
                lines.add(s.backups() + " backup(s), " + s.fullBackups() + " full"
                        + (s.countedFrom() == null ? ", none succeeded" : ", counted from " + SnapshotsCommand.utc(s.countedFrom()))
                        + (s.decommissioned() == null ? "" : " to its decommissioning " + SnapshotsCommand.utc(s.decommissioned()))
                        + (s.clean() ? "; no gap" : ""));
                s.gaps().forEach(g -> lines.add(gapLine(g)));
                s.lapses().forEach(l -> lines.add(lapseLine(l)));
                for (String line : lines) {
                    Output.out().printf(java.util.Locale.ROOT, format, TerminalText.cell(s.host()), TerminalText.cells(s.paths()),
                            TerminalText.escape(line));
                }
            }
            long daily = sources.stream().flatMap(s -> s.gaps().stream()).filter(g -> g.rule() == BackupHistory.Rule.DAILY).count();
            long weekly = sources.stream().flatMap(s -> s.gaps().stream()).filter(g -> g.rule() == BackupHistory.Rule.WEEKLY_FULL).count();
            long failed = sources.stream().flatMap(s -> s.lapses().stream()).filter(l -> l.outcome() == JournalEntry.Outcome.FAILED).count();
            long incomplete = sources.stream().flatMap(s -> s.lapses().stream()).filter(l -> l.outcome() != JournalEntry.Outcome.FAILED).count();
            Output.out().println(sources.size() + " source(s), " + sources.stream().filter(s -> !s.clean()).count() + " with gaps: "
                    + daily + " without a backup within " + dayInWords + ", " + weekly + " without a full one within " + weekInWords
                    + ", " + failed + " failed attempt(s), " + incomplete + " incomplete backup(s)");
            if (tierOverdue) {
                Output.out().println(tierLine(tier));
            }
        }
        return tierOverdue || sources.stream().anyMatch(s -> !s.clean()) ? BackupCommand.INCOMPLETE : 0;
    }

    /** "no backup for 3 days, 2026-09-10 02:00:00 UTC to 2026-09-13 02:00:00 UTC (IS.012 6.6.1.2: daily)". */
    private static String gapLine(BackupHistory.Gap g) {
        boolean daily = g.rule() == BackupHistory.Rule.DAILY;
        return "no " + (daily ? "" : "full ") + "backup for " + BackupsDue.days(g.length()) + ", " + SnapshotsCommand.utc(g.from()) + " to "
                + switch (g.until()) {
                    case BACKUP -> SnapshotsCommand.utc(g.to());
                    case DECOMMISSION -> "its decommissioning " + SnapshotsCommand.utc(g.to());
                    case NOW -> "now";
                } + (daily ? " (IS.012 6.6.1.2: daily)" : " (IS.012 6.6.1.1: weekly)");
    }

    /** "failed attempt 2026-09-20 02:00:00 UTC: disk full (IS.012 6.6.5)", or an incomplete backup's. */
    private static String lapseLine(BackupHistory.Lapse l) {
        return (l.outcome() == JournalEntry.Outcome.FAILED ? "failed attempt " : "incomplete backup ") + SnapshotsCommand.utc(l.at())
                + (l.snapshot() == null ? "" : ", " + l.snapshot().shortHex()) + ": " + l.detail() + " (IS.012 6.6.5)";
    }

    private static Map<String, Object> historyJson(BackupHistory.Source s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", s.host());
        m.put("paths", s.paths());
        m.put("countedFrom", s.countedFrom() == null ? null : s.countedFrom().toString());
        m.put("decommissioned", s.decommissioned() == null ? null : s.decommissioned().toString());
        m.put("backups", s.backups());
        m.put("fullBackups", s.fullBackups());
        m.put("gaps", s.gaps().stream().map(g -> {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("rule", g.rule().json());
            j.put("from", g.from().toString());
            j.put("to", g.to().toString());
            j.put("until", g.until().json());
            j.put("hours", g.length().toHours());
            return j;
        }).toList());
        m.put("lapses", s.lapses().stream().map(l -> {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("time", l.at().toString());
            j.put("outcome", l.outcome().json());
            j.put("snapshot", l.snapshot() == null ? null : l.snapshot().hex());
            j.put("detail", l.detail());
            return j;
        }).toList());
        return m;
    }

    private static Map<String, Object> tierJson(TierOverdue tier) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nearLine", tier.nearLine().toString());
        m.put("lastTier", tier.lastTier().started().toString());
        m.put("to", tier.lastTier().paths().isEmpty() ? null : tier.lastTier().paths().getFirst());
        m.put("snapshots", tier.snapshots().stream().map(s -> s.id().hex()).toList());
        return m;
    }

    /**
     * What `due` says of a source, the first word of its status: overdue by the snapshots; failing, its newest attempt
     * having failed since its newest backup (a nightly dump that failed pages the night it failed, not a day later);
     * incomplete, its newest backup left out paths it could not read (IS.012 6.6.5; one that only kept files that changed
     * as they were read is ok, and says so); decommissioned since its newest backup. The first three are alarms: exit 3.
     */
    enum State {
        OK, OVERDUE, FAILING, INCOMPLETE, DECOMMISSIONED;

        boolean alarm() {
            return this == OVERDUE || this == FAILING || this == INCOMPLETE;
        }

        /** The status column: "failing: its newest attempt failed …", "ok", or a decommissioned source's line alone. */
        String said(List<String> why) {
            String word = name().toLowerCase(java.util.Locale.ROOT);
            return this == DECOMMISSIONED ? String.join("; ", why) : why.isEmpty() ? word : word + (this == OK ? "; " : ": ")
                    + String.join("; ", why);
        }
    }

    /** ", 1 failing" when any source is so, for the summary line. */
    private static String counted(Map<State, Long> count, State state) {
        return count.containsKey(state) ? ", " + count.get(state) + " " + state.name().toLowerCase(java.util.Locale.ROOT) : "";
    }

    /**
     * One source as shown: its state, why (a line each), and when it was decommissioned since its newest backup, if it was;
     * {@code left}, the journal's entry of its newest backup when every snapshot of it has left the repository.
     */
    private record Row(String host, List<String> paths, SnapshotRef newest, SnapshotRef newestFull, State state, Instant decommissioned,
                       List<String> why, JournalEntry left) {

        Row(String host, List<String> paths, SnapshotRef newest, SnapshotRef newestFull, State state, Instant decommissioned,
            List<String> why) {
            this(host, paths, newest, newestFull, state, decommissioned, why, null);
        }

        boolean overdue() {
            return state == State.OVERDUE;
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("host", host);
            m.put("paths", paths);
            // a source whose snapshots all left (forget, tier): its newest backup by the journal, as `why` names it; null
            // read as never backed up, as a source no backup of which succeeded (h1's)
            m.put("newest", newest != null ? newest.id().hex() : left == null || left.snapshots().isEmpty() ? null
                    : left.snapshots().getFirst().hex());
            m.put("newestTime", newest != null ? newest.snapshot().time().toString() : left == null ? null : left.started().toString());
            m.put("newestLeft", newest == null && left != null);
            m.put("newestKind", newest == null ? null : newest.snapshot().kind().json());
            m.put("newestFull", newestFull == null ? null : newestFull.id().hex());
            m.put("newestFullTime", newestFull == null ? null : newestFull.snapshot().time().toString());
            m.put("overdue", overdue());
            m.put("status", state.name().toLowerCase(java.util.Locale.ROOT));
            m.put("decommissioned", decommissioned == null ? null : decommissioned.toString());
            m.put("why", why);
            return m;
        }
    }

    private static String failedLine(JournalEntry e) {
        return "its newest attempt failed (" + SnapshotsCommand.TIME.format(e.started()) + " UTC): " + e.detail();
    }

    /**
     * What the record of a source's newest backup says of its warnings (IS.012 6.6.5: exception tracking): their count, how
     * many are files kept though they changed as they were read, the first.
     */
    private static String warningsLine(SnapshotRef newest) {
        Snapshot.Summary s = newest.snapshot().summary();
        long changed = s.warnings() - s.leftOut();
        String what = s.changedWhileRead() == null ? "paths left out or changed as they were read" // written before session 35
                : changed == 0 ? "paths left out" : changed == s.warnings() ? "files kept that changed as they were read"
                : s.leftOut() + " left out, " + changed + " file(s) kept that changed as they were read";
        return "its newest backup, " + newest.shortId() + ", has " + s.warnings() + " warning(s), " + what + " ("
                + (s.exceptions() == null || s.exceptions().isEmpty() ? "" : "first: " + s.exceptions().getFirst() + "; ")
                + "`vault snapshots --json` lists them)";
    }
}
