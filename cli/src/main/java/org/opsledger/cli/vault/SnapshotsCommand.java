package org.opsledger.cli.vault;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.opsledger.cli.CliException;
import org.opsledger.cli.TerminalText;
import org.opsledger.vault.NoSnapshotsException;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.LegalHold;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.SnapshotFilter;
import org.opsledger.vault.snapshot.SnapshotRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "snapshots", mixinStandardHelpOptions = true,
        description = {"List snapshots with their IS.012 6.6.5.1 record (owner, classification, time, retention, location) and holds.",
                "A damaged or undecryptable snapshot file is reported on stderr and the others are listed (exit code 3)."})
final class SnapshotsCommand implements Callable<Integer> {

    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    /** {@code t} as {@link #TIME} shows it, labelled: in a listing with no header to say its times are UTC. */
    static String utc(java.time.Instant t) {
        return TIME.format(t) + " UTC";
    }

    @Mixin
    RepoOptions repo;

    @Mixin
    SnapshotFilterOptions select;

    /**
     * The snapshots that read, each file that does not said on stderr ("warning: snapshot file …"): a report that leaves
     * one out says so and exits 3 (find and stats counted without it, exit 0: a helper's). Each once, by its new ID,
     * beside a key retirement ({@link Repository.SnapshotListing#shown}).
     */
    static List<SnapshotRef> readableWarningOfTheRest(Repository.SnapshotListing listing) {
        listing.unreadable().forEach(u -> Output.err().println("warning: snapshot file " + u));
        return listing.shown();
    }

    /**
     * What check warns of when the journal says snapshots were written here that are gone and no entry says they left, or
     * null: snapshots/ lost (a disk, a deletion in the store) listed "0 snapshot(s)", exit 0, and `restore latest` said "the
     * repository has no snapshots", while `vault recover` brought every file back (a helper's). The whole journal is read,
     * so only for a repository that lists no snapshot file at all.
     */
    static String gone(Repository r) {
        return new Checker(r, 1).snapshotsGone(List.of());
    }

    /** {@link Repository#findSnapshot}, where a repository that lists none says what {@link #gone} says (exit 3). */
    /**
     * The snapshot as a command that chose it names it: "snapshot 1a2b3c4d of web-2, 2026-12-06 20:41:05 UTC". `restore latest`
     * in a repository two hosts write gave web-1's operator web-2's files, and nothing said which snapshot it had used (a
     * helper's; restic says "restoring <Snapshot … by root@web-2>").
     */
    static String named(SnapshotRef s) {
        return "snapshot " + s.shortId() + " of " + TerminalText.escape(s.snapshot().hostname()) + ", " + utc(s.snapshot().time());
    }

    /**
     * Says on stderr which snapshot {@code name} chose when it is not the snapshot's whole ID ('latest', a prefix): ls and dump,
     * whose stdout is the listing or the data.
     */
    static void sayWhichWhenChosen(String name, SnapshotRef s) {
        if (!name.equalsIgnoreCase(s.id().hex())) {
            Output.err().println(TerminalText.escape(name) + " is " + named(s));
        }
    }

    static SnapshotRef find(Repository r, String name, SnapshotFilter filter) {
        try {
            return r.findSnapshot(name, filter);
        } catch (NoSnapshotsException e) {
            String gone = gone(r);
            if (gone == null) {
                throw e;
            }
            throw new CliException(e.getMessage() + " listed, but " + gone, BackupCommand.INCOMPLETE);
        }
    }

    @Override
    public Integer call() {
        try (Repository r = repo.open()) {
            Repository.SnapshotListing listing = r.listSnapshots();
            var filter = select.filter();
            List<SnapshotRef> all = filter.select(readableWarningOfTheRest(listing));
            String gone = listing.readable().isEmpty() && listing.unreadable().isEmpty() ? gone(r) : null;
            if (gone != null) {
                Output.err().println("warning: " + TerminalText.escape(gone));
            }
            Repository.HoldListing holdListing = r.listHolds(); // a damaged hold record hides no snapshot; check and repair see it
            holdListing.unreadable().forEach(u -> Output.err().println("warning: hold record " + u
                    + " (`vault repair` replaces a damaged one with a record that keeps the hold in force)"));
            if (gone == null) { // a --host, --tag or --path that selects nothing: a typo, refused (exit 1), not "0 snapshot(s)"
                SnapshotFilterOptions.requireSelected(!all.isEmpty(), filter, listing::readable, "snapshot of %s", "snapshots");
            }
            boolean whole = listing.unreadable().isEmpty() && holdListing.unreadable().isEmpty() && gone == null;
            Map<ObjectId, LegalHold> holds = holdListing.holds();
            Set<ObjectId> held = holds.keySet();
            if (repo.json) { // written as each comes: 30,000 records as one string ran out of the launcher's heap
                Output.JsonList out = Output.jsonList();
                for (SnapshotRef s : all) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", s.id().hex());
                    m.put("held", held.contains(s.id()));
                    m.put("heldFor", held.contains(s.id()) // IS.012 6.6.7: each matter, until it is released
                            ? holds.get(s.id()).matters().stream().map(LegalHold.Matter::reason).toList() : List.of());
                    m.put("record", s.snapshot());
                    m.put("recordLacks", s.snapshot().recordLacks()); // IS.012 6.6.5.1: what `vault amend` would complete
                    out.add(m);
                }
                out.end();
                return whole ? 0 : BackupCommand.INCOMPLETE;
            }
            Output.out().printf(java.util.Locale.ROOT, "%-8s  %-19s  %-11s  %-12s  %-14s  %-16s  %-10s  %s%n",
                    "ID", "Time (UTC)", "Kind", "Host", "Owner", "Classification", "Retain", "Paths");
            for (SnapshotRef s : all) {
                Snapshot x = s.snapshot();
                Output.out().printf(java.util.Locale.ROOT, "%-8s  %-19s  %-11s  %-12s  %-14s  %-16s  %-10s  %s%s%n", s.shortId(), TIME.format(x.time()),
                        x.kind().json(), TerminalText.cell(x.hostname()), x.dataOwner() == null ? "-" : TerminalText.cell(x.dataOwner()),
                        dash(x.classification()),
                        x.retainUntil() == null ? "-" : x.retainUntil().toString(),
                        TerminalText.cells(x.paths()),
                        (held.contains(s.id()) ? "  [legal hold" + (holds.get(s.id()).matters().size() > 1
                                ? ": " + holds.get(s.id()).matters().size() + " matters]" : "]") : "")
                                + marks(x.summary()));
            }
            long lacking = all.stream().filter(s -> !s.snapshot().recordLacks().isEmpty()).count();
            Output.out().println(all.size() + " snapshot(s)" + (filter.isAll() ? "" : " of " + TerminalText.escape(filter.describe()))
                    + " in " + TerminalText.escape(r.backend().location())
                    + (listing.unreadable().isEmpty() ? "" : "; " + listing.unreadable().size() + " snapshot file(s) unreadable"
                    + " (see stderr; `vault check` names them, `vault repair` takes damaged ones out of use)")
                    + (gone == null ? "" : "; the journal says snapshots were written here that are gone (see stderr)")
                    + (lacking == 0 ? "" : "; " + lacking + " record(s) lack an owner, classification or retention (IS.012 6.6.5.1:"
                    + " `vault amend` completes them)"));
            return whole ? 0 : BackupCommand.INCOMPLETE;
        }
    }

    static String dash(String s) {
        return s == null ? "-" : s;
    }

    /**
     * A snapshot's warnings as the table marks them: {@code [incomplete: N warning(s)]} when its backup left something out, as
     * `vault due` judges it (IS.012 6.6.5); {@code [N warning(s): changed as read]} when every warning is a file kept though
     * it changed as it was read, which is in the snapshot: marked incomplete, it disagreed with `due`'s ok.
     */
    static String marks(Snapshot.Summary s) {
        if (s == null || s.warnings() == 0) {
            return "";
        }
        return s.leftOut() > 0 ? "  [incomplete: " + s.warnings() + " warning(s)]" : "  [" + s.warnings() + " warning(s): changed as read]";
    }
}
