package org.opsledger.cli.vault;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.opsledger.cli.CliException;
import org.opsledger.cli.TerminalText;
import org.opsledger.vault.journal.Journal;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.BackupsDue;
import org.opsledger.vault.snapshot.SnapshotFilter;
import org.opsledger.vault.snapshot.SnapshotRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "decommission", mixinStandardHelpOptions = true,
        description = {"Record that a source's backups ended on purpose: its host or system was decommissioned (IS.012 6.4.3).",
                "`vault due` then shows it as decommissioned instead of overdue, and `vault check` no longer warns of its failed",
                "backups; its snapshots stay, under their retention and holds. A backup of it afterwards makes it a source again.",
                "Writes one journal entry per source (a host and its backup's paths), naming its newest snapshot, who and why."})
final class DecommissionCommand implements Callable<Integer> {

    @Mixin
    RepoOptions repo;

    @Mixin
    SnapshotFilterOptions select;

    @Option(names = "--reason", required = true, description = "Why (the change that retired it, a ticket).")
    String reason;

    @Option(names = "--by", description = "Who decided it (default: the OS user).", defaultValue = RecordOptions.OS_USER)
    String by;

    @Option(names = "--dry-run", description = "Say which sources it would decommission, and record nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        if (select.hosts.isEmpty()) {
            throw new CliException("name the source to decommission: --host HOST, and --path PATH to leave its other sources", 2);
        }
        if (!select.tags.isEmpty()) {
            throw new CliException("--tag selects snapshots, not sources: name a source by --host and --path", 2);
        }
        reason = RecordOptions.why(reason);
        by = RecordOptions.who(by);
        SnapshotFilter filter = select.filter();
        List<Map<String, Object>> done = new ArrayList<>();
        try (Repository r = repo.open()) {
            Journal journal = new Journal(r);
            if (!journal.kept()) {
                throw new CliException(journal.notKept());
            }
            List<SourceStatus> sources = SourceStatus.of(r, journal, filter, Instant.now(), BackupsDue.DAILY, BackupsDue.WEEKLY_FULL)
                    .stream().filter(s -> s.snapshots() == null ? s.decommission() == null : s.snapshots().decommissioned() == null
                            || s.failed() != null).toList(); // a backup attempted since it was decommissioned: a source again
            if (sources.isEmpty()) {
                throw new CliException("no source of " + String.join(", ", select.hosts)
                        + (select.paths.isEmpty() ? "" : " with path(s) " + String.join(" ", select.paths))
                        + " in this repository is still backed up (`vault due` lists the sources)");
            }
            for (SourceStatus s : sources) {
                SnapshotRef newest = s.snapshots() == null ? null : s.snapshots().newest(); // null: no backup of it succeeded
                String detail = "for " + reason + " (by " + by + "); source " + s.host() + " "
                        + String.join(" ", s.paths()) + (newest != null
                        ? ", its newest backup " + newest.shortId() + " of " + SnapshotsCommand.TIME.format(newest.snapshot().time()) + " UTC"
                        : s.left() != null ? ", its newest backup of " + SnapshotsCommand.TIME.format(s.left().started())
                        + " UTC no longer in this repository" : ", no backup of it succeeded");
                if (!dryRun) {
                    journal.record(JournalEntry.decommission(s.host(), s.paths(),
                            newest == null ? List.of() : List.of(newest.id()), detail));
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("host", s.host());
                m.put("paths", s.paths());
                m.put("newest", newest == null ? null : newest.id().hex());
                m.put("detail", detail);
                done.add(m);
            }
        }
        if (repo.json) {
            Output.json(done);
        } else {
            for (Map<String, Object> m : done) {
                Output.out().println((dryRun ? "would decommission " : "decommissioned ") + TerminalText.escape((String) m.get("detail")));
            }
            Output.out().println(done.size() + " source(s)" + (dryRun ? " would be" : "") + " decommissioned: `vault due` no longer counts"
                    + " them overdue; their snapshots stay under their retention and holds");
        }
        return 0;
    }
}
