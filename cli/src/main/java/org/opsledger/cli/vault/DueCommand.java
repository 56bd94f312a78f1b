package org.opsledger.cli.vault;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.opsledger.cli.TerminalText;
import org.opsledger.vault.journal.Journal;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.BackupsDue;
import org.opsledger.vault.snapshot.SnapshotRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "due", mixinStandardHelpOptions = true,
        description = {"Whether each source is backed up daily (IS.012 6.6.1.2) and in full weekly (6.6.1.1); exit 3 if not.",
                "A source is a host and its backup's paths. Lists each with its newest backup and newest full one, and, from the",
                "journal, a newest attempt that failed. Exit code 3 when any is overdue: a monitoring check that sees a schedule that",
                "stopped or a job that keeps failing. A source decommissioned since its newest backup (`vault decommission`, IS.012",
                "6.4.3) is shown so and never overdue. Exit code 1 when --host, --path or --tag match no source at all (a mistyped",
                "host is no green check)."})
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

    @Override
    public Integer call() {
        Duration day = RepoOptions.duration("--daily", daily);
        Duration week = RepoOptions.duration("--weekly-full", weeklyFull);
        // the spans as understood, in words: "within 90m" hid that m is a month (a tester's)
        String dayInWords = RepoOptions.within("--daily", daily).words();
        String weekInWords = RepoOptions.within("--weekly-full", weeklyFull).words();
        Instant now = Instant.now();
        List<SourceStatus> sources;
        var filter = select.filter();
        try (Repository r = repo.open()) {
            sources = SourceStatus.of(r, new Journal(r), filter, now, day, week);
        }
        SnapshotFilterOptions.requireSelected(!sources.isEmpty(), filter, "backup of %s, nor a failed attempt,", "due");
        List<Row> rows = new ArrayList<>();
        for (SourceStatus source : sources) {
            BackupsDue.Source s = source.snapshots();
            if (s == null && source.left() == null && source.failed() == null) { // decommissioned, no backup of it ever made
                rows.add(new Row(source.host(), source.paths(), null, null, false, source.decommission().started(),
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
                    rows.add(new Row(source.host(), source.paths(), null, null, false, source.decommission().started(),
                            List.of("decommissioned " + SnapshotsCommand.TIME.format(source.decommission().started()) + " UTC "
                                    + source.decommission().detail())));
                } else {
                    boolean late = e.started().isBefore(now.minus(day));
                    rows.add(new Row(source.host(), source.paths(), null, null, late, null,
                            List.of(late ? left + "; none since (IS.012 6.6.1.2: daily)" : left)));
                }
                continue;
            }
            if (s == null) {
                rows.add(new Row(source.host(), source.paths(), null, null, true, null,
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
            rows.add(new Row(s.host(), s.paths(), s.newest(), s.newestFull(), !s.overdue().isEmpty(), s.decommissioned(), why));
        }
        long overdue = rows.stream().filter(Row::overdue).count();
        long decommissioned = rows.stream().filter(r -> r.decommissioned() != null).count();
        if (repo.json) {
            Output.json(rows.stream().map(Row::json).toList());
        } else {
            Output.out().printf("%-12s  %-28s  %-38s  %-19s  %s%n", "Host", "Paths", "Newest backup (UTC)", "Newest full (UTC)", "Status");
            for (Row r : rows) {
                Output.out().printf("%-12s  %-28s  %-38s  %-19s  %s%n", TerminalText.cell(r.host()), // as snapshots' columns
                        TerminalText.cells(r.paths()),
                        r.newest() == null ? "-" : SnapshotsCommand.TIME.format(r.newest().snapshot().time()) + " "
                                + r.newest().snapshot().kind().json() + " " + r.newest().shortId(),
                        r.newestFull() == null ? "-" : SnapshotsCommand.TIME.format(r.newestFull().snapshot().time()),
                        TerminalText.escape((r.overdue() ? "overdue: " : r.decommissioned() != null ? "" : r.why().isEmpty() ? "ok"
                                : "ok; ") + String.join("; ", r.why())));
            }
            Output.out().println(rows.size() + " source(s); " + overdue + " overdue (a backup within " + dayInWords + ", a full one within "
                    + weekInWords + ")" + (decommissioned == 0 ? "" : "; " + decommissioned + " decommissioned"));
        }
        return overdue == 0 ? 0 : BackupCommand.INCOMPLETE;
    }

    /**
     * One source as shown: overdue by the snapshots (the journal's failed attempt alone is said, not counted), or
     * decommissioned since its newest backup (when).
     */
    private record Row(String host, List<String> paths, SnapshotRef newest, SnapshotRef newestFull, boolean overdue, Instant decommissioned,
                       List<String> why) {
        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("host", host);
            m.put("paths", paths);
            m.put("newest", newest == null ? null : newest.id().hex());
            m.put("newestTime", newest == null ? null : newest.snapshot().time().toString());
            m.put("newestKind", newest == null ? null : newest.snapshot().kind().json());
            m.put("newestFull", newestFull == null ? null : newestFull.id().hex());
            m.put("newestFullTime", newestFull == null ? null : newestFull.snapshot().time().toString());
            m.put("overdue", overdue);
            m.put("decommissioned", decommissioned == null ? null : decommissioned.toString());
            m.put("why", why);
            return m;
        }
    }

    private static String failedLine(JournalEntry e) {
        return "its newest attempt failed (" + SnapshotsCommand.TIME.format(e.started()) + " UTC): " + e.detail();
    }
}
