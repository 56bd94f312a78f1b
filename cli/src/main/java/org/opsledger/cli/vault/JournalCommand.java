package org.opsledger.cli.vault;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.opsledger.cli.CliException;
import org.opsledger.cli.TerminalText;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.journal.Coverage;
import org.opsledger.vault.journal.Journal;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.RecordHistory;
import org.opsledger.vault.snapshot.SnapshotRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "journal", mixinStandardHelpOptions = true,
        description = {"List the repository's journal: each operation as it ended, the failed ones too (IS.012 6.6.5).",
                "Entries: its init, and each backup, restore, dump, check, forget, prune, copy, tier, hold, release, key operation,",
                "amend, rewrite, repair, recover, upgrade, unlock, refused dispose and decommission; and when a restore was last",
                "verified (6.6.4; the policy's 2.11 asks for a test every six months). Oldest first; an unreadable entry is reported",
                "on stderr and the others are listed (exit code 3)."})
final class JournalCommand implements Callable<Integer> {

    /** How many marked entries to acknowledge are named under the table, each with its digest, as check names ten. */
    static final int ACKNOWLEDGEABLE_NAMED = 10;

    @Mixin
    RepoOptions repo;

    @Option(names = "--since", paramLabel = "DATE|DURATION", description = "Only entries started on or after this day (2026-01-31, UTC)"
            + " or within this duration (30d, 6m, 1y). " + RepoOptions.DURATION_UNITS)
    String since;

    @Option(names = "--operation", paramLabel = "OP", description = "Only entries of this operation (init, backup, restore, dump, check,"
            + " forget, prune, copy, tier, hold, release, key, amend, rewrite, repair, recover, upgrade, unlock, dispose, decommission);"
            + " repeatable. prune lists a `forget --prune`'s entry too.")
    List<String> operations = new ArrayList<>();

    @Option(names = "--snapshot", paramLabel = "ID", description = "Only entries that name this snapshot (an ID or a prefix of one) by any"
            + " ID it has had: its backup, restores, holds, copies, amendments, rewrites, forgetting; repeatable (any of them).")
    List<String> snapshots = new ArrayList<>();

    @Option(names = "--failed", description = "Only the entries that did not end ok (failed or incomplete).")
    boolean failed;

    @Option(names = "--host", paramLabel = "HOST", description = "Only entries of this host; repeatable (any of them).")
    List<String> hosts = new ArrayList<>();

    @Option(names = "--anchor", description = "Print the journal's anchor (CHECK:COUNT:DIGEST): the entries up to the newest check, that"
            + " check's own included, as a count and a digest. Write it down outside the repository (the OpsLedger server, an auditor's"
            + " record); --verify-anchor later tells any of them deleted from the store (docs/vault-format.md §13).")
    boolean anchor;

    @Option(names = "--verify-anchor", paramLabel = "ANCHOR", description = "Verify that every entry an anchor --anchor printed covers is"
            + " still in the journal; exit 1 naming each that is not.")
    String verifyAnchor;

    @Option(names = "--acknowledge", paramLabel = "ENTRY", description = {"Acknowledge what `vault check` finds of this entry (its digest,"
            + " as check names it: `(entry 9f3c0e4a1b2d5c6e)`, and this command under the table for an entry it marks, or 8 or more"
            + " of its first hex digits): dated in the future (a host's"
            + " clock ran ahead), on two lines of checks (copies merged back) or with fields dropped (an older build's prune).",
            "Writes a journal entry naming it, --reason and --by; check then names it in one warning, who and why, at every check"
            + " (docs/vault-format.md §13). An entry altered or backdated is not acknowledged: an incident."})
    String acknowledge;

    @Option(names = "--reason", paramLabel = "WHY", description = "With --acknowledge: what you found (the host, its clock, the"
            + " incident or ticket).")
    String reason;

    @Option(names = "--by", description = "With --acknowledge: who looked (default: the OS user).", defaultValue = RecordOptions.OS_USER)
    String by;

    @Override
    public Integer call() {
        if (acknowledge != null) {
            return acknowledge();
        }
        if (reason != null) {
            throw new CliException("--reason goes with --acknowledge ENTRY: it says why a finding is acknowledged", 2);
        }
        if (anchor || verifyAnchor != null) {
            return anchor();
        }
        Predicate<JournalEntry> selected = selection();
        Journal.Listing listing;
        String location;
        try (Repository r = repo.open()) {
            Journal journal = new Journal(r);
            if (!journal.kept()) {
                throw new CliException(journal.notKept());
            }
            listing = journal.read(selected.and(namesOneOf(lineage(r, journal))));
            location = r.backend().location();
        }
        List<JournalEntry> shown = listing.entries();
        listing.unreadable().forEach(u -> Output.err().println("warning: journal entry " + u));
        var lastTest = listing.lastVerifiedRestore();
        String untested = listing.recoveryWarning(Instant.now());
        // what check finds of the entries shown (§13): the forged text is not shown as fact
        Map<Long, Coverage.Finding> findings = listing.coverage().findings();
        // what an operator acknowledged of them (§13, "Acknowledged findings"): said as such, not as a finding
        Map<Long, Coverage.Acknowledgement> acknowledged = listing.coverage().acknowledgedEntries();
        java.util.function.Function<JournalEntry, Coverage.Acknowledgement> ack = e -> acknowledged.isEmpty() ? null
                : acknowledged.get(Coverage.content(e).whole());
        java.util.function.Function<JournalEntry, Coverage.Finding> found = e -> findings.isEmpty() ? null
                : Optional.ofNullable(findings.get(Coverage.content(e).whole()))
                .filter(f -> ack.apply(e) == null || !ack.apply(e).kind().equals(f.kind())).orElse(null);
        List<JournalEntry> marked = shown.stream().filter(e -> found.apply(e) != null).toList();
        if (repo.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("entries", marked.isEmpty() && acknowledged.isEmpty() ? shown : shown.stream().map(e -> {
                Coverage.Finding f = found.apply(e);
                Coverage.Acknowledgement a = ack.apply(e);
                if (f == null && a == null) {
                    return e;
                }
                tools.jackson.databind.node.ObjectNode node = org.opsledger.vault.VaultJson.MAPPER.valueToTree(e);
                if (f != null) {
                    node.putPOJO("checkFinds", f);
                }
                if (a != null) {
                    node.putPOJO("acknowledged", Map.of("kind", a.kind(), "reason", a.why(), "by", a.by(), "writtenBy", a.writer(),
                            "started", a.self().started().toString(), "entry", a.self().digest()));
                }
                return (Object) node;
            }).toList());
            m.put("unreadable", listing.unreadable());
            m.put("lastVerifiedRestore", lastTest.orElse(null));
            m.put("recoveryUntested", untested != null);
            m.put("failingBackups", listing.failingBackups()); // the newest backup of each of these sources failed
            Output.json(m);
        } else {
            Output.out().printf(java.util.Locale.ROOT, "%-19s  %-12s  %-10s  %-12s  %-18s  %-20s  %-12s  %s%n", "Started (UTC)", "Operation", "Outcome", "Host",
                    "User", "Key slot", "Snapshot(s)", "Detail");
            for (JournalEntry e : shown) { // Key slot 20 wide: the default label unverified, "03462a06 (initial?)", and a verified one of 9
                // who: the OS user and who logged in (an operator through sudo), and whose password (the slot) opened it
                Output.out().printf(java.util.Locale.ROOT, "%-19s  %-12s  %-10s  %-12s  %-18s  %-20s  %-12s  %s%n", SnapshotsCommand.TIME.format(e.started()),
                        e.operation().json(), e.outcome() == JournalEntry.Outcome.OK && e.verified() ? "verified" : e.outcome().json(),
                        TerminalText.cell(e.host()), e.username() == null ? "-" : TerminalText.cell(e.who()), // as snapshots' columns
                        e.keySlot() == null ? "-" : TerminalText.cell(e.keySlot().toString()),
                        e.snapshots().isEmpty() ? "-" : e.snapshots().getFirst().shortHex() + (e.snapshots().size() == 1 ? ""
                                : "+" + (e.snapshots().size() - 1)), (found.apply(e) == null ? "" : "[" + found.apply(e).kind() + "] ")
                                + (ack.apply(e) == null ? "" : "[acknowledged] ")
                                + TerminalText.escape(SnapshotsCommand.dash(e.detail())));
            }
            long failures = shown.stream().filter(e -> e.outcome() == JournalEntry.Outcome.FAILED).count();
            long backupsFailed = shown.stream().filter(e -> e.operation() == JournalEntry.Operation.BACKUP
                    && e.outcome() == JournalEntry.Outcome.FAILED).count();
            Output.out().println(shown.size() + " entr" + (shown.size() == 1 ? "y" : "ies") + " in " + TerminalText.escape(location)
                    + (listing.total() == shown.size() ? "" : " (of " + listing.total() + ")")
                    + "; " + failures + " failed" + (backupsFailed > 0 ? ", " + backupsFailed + " of them backup(s)" : "")
                    + lastTest.map(e -> "; the last verified restore ended " + SnapshotsCommand.TIME.format(e.finished()) + " UTC"
                            + (e.snapshots().isEmpty() ? "" : " (snapshot " + e.snapshots().getFirst().shortHex() + ")")).orElse("")
                    + (listing.unreadable().isEmpty() ? "" : "; " + listing.unreadable().size() + " entr(ies) unreadable (see stderr;"
                    + " `vault repair` takes damaged ones out of the journal)"));
            if (shown.stream().anyMatch(e -> e.keySlot() != null && e.keySlot().labelUnverified())) {
                Output.out().println("a key slot's label with '?' is unverified (a slot an older build added, an entry an older build"
                        + " wrote, or a label changed in the store): go by the slot's ID (`vault key list`)");
            }
            if (!marked.isEmpty()) {
                JournalEntry first = marked.getFirst();
                Output.out().println("warning: " + marked.size() + " entr(ies) marked [altered], [backdated], [two lines], [fields dropped]"
                        + " or [" + Coverage.DATED_AHEAD + "]: `vault check` finds them not as a check read them, or dated before checks"
                        + " that did not read them or after checks that read them; what they say is not evidence (first: "
                        + TerminalText.escape(found.apply(first).found()) + "; IS.012 6.6.5, docs/vault-format.md §13)");
            }
            // the digest to acknowledge, for the findings an operator may acknowledge (§13): check's line had it, the table not
            List<Coverage.Finding> toAcknowledge = marked.stream().map(found).filter(Coverage.Finding::acknowledgeable).distinct().toList();
            toAcknowledge.stream().limit(ACKNOWLEDGEABLE_NAMED).forEach(f -> Output.out().println("entry " + f.entry() + ", marked ["
                    + f.kind() + "]: " + TerminalText.escape(f.found()) + "; once you know why, `vault journal --acknowledge " + f.entry()
                    + " --reason WHY` records it"));
            if (toAcknowledge.size() > ACKNOWLEDGEABLE_NAMED) {
                Output.out().println((toAcknowledge.size() - ACKNOWLEDGEABLE_NAMED) + " more marked entr(ies) to acknowledge: `vault"
                        + " journal --json` gives each its digest (`checkFinds.entry`)");
            }
            shown.stream().map(ack).filter(a -> a != null).distinct().forEach(a -> Output.out().println("entry " + a.entry() + ", marked"
                    + " [acknowledged], " + a.kind() + ": " + TerminalText.escape(a.said())));
            listing.failingBackupWarnings().forEach(w -> Output.out().println("warning: " + TerminalText.escape(w)));
            if (untested != null) {
                Output.out().println("warning: " + untested);
            }
        }
        return listing.unreadable().isEmpty() ? 0 : BackupCommand.INCOMPLETE;
    }

    /**
     * --anchor and --verify-anchor (§13, "Deletion made evident"): the newest check's anchor, or the entries an anchor
     * written down before covers that the journal no longer holds. Checks name what they read, and each later check finds
     * any of those deleted; what came after the newest check, and a check deleted with what it alone named, only an anchor
     * kept outside the store tells (IS.012 6.6.5; the policy's 6.4: administrators must not erase logs of their own activity).
     */
    private int anchor() {
        Coverage.Anchor given = null;
        if (verifyAnchor != null) {
            given = Coverage.Anchor.parse(verifyAnchor);
            if (given == null) {
                throw new CliException("--verify-anchor must be an anchor as --anchor prints it (CHECK:COUNT:DIGEST: 16 hex digits, a"
                        + " number, 64 hex digits), got: " + TerminalText.escape(verifyAnchor), 2);
            }
        }
        Journal.Listing listing;
        try (Repository r = repo.open()) {
            Journal journal = new Journal(r);
            if (!journal.kept()) {
                throw new CliException(journal.notKept());
            }
            listing = journal.read(e -> false);
        }
        listing.unreadable().forEach(u -> Output.err().println("warning: journal entry " + u));
        Coverage coverage = listing.coverage();
        if (given == null) {
            Coverage.Anchor taken = coverage.anchor();
            if (taken == null) {
                throw new CliException("no check has named the journal's entries yet (a check of a build before session 37 names none):"
                        + " run `vault check`, then take the anchor");
            }
            Coverage.Named at = coverage.newestCheck();
            if (repo.json) {
                Output.json(Map.of("anchor", taken.toString(), "count", taken.count(), "check", at.toString()));
            } else {
                Output.out().println("anchor " + taken);
                Output.out().println("the " + taken.count() + " journal entries up to the check of " + Journal.utc(at.started())
                        + (at.host() == null ? "" : " on " + TerminalText.escape(at.host())) + ", its own included; those written since are"
                        + " covered by the next check's anchor. Write it down outside the repository (the OpsLedger server, an auditor's"
                        + " record) and verify it later: `vault journal --verify-anchor " + taken + "`");
            }
            return listing.unreadable().isEmpty() ? 0 : BackupCommand.INCOMPLETE;
        }
        List<String> problems = coverage.verify(given);
        if (repo.json) {
            Output.json(Map.of("anchor", given.toString(), "verified", problems.isEmpty(), "problems", problems));
        } else {
            problems.forEach(p -> Output.out().println("error: " + TerminalText.escape(p)));
        }
        if (!problems.isEmpty()) {
            throw new CliException("anchor " + given.check() + " does not verify: " + problems.size() + " problem(s)"
                    + (listing.unreadable().isEmpty() ? "" : " (and journal files that do not read, named on stderr)")
                    + ": the journal lacks what it held when the anchor was taken (IS.012 6.6.5)");
        }
        if (!repo.json) {
            Output.out().println("anchor " + given.check() + " verified: the " + given.count() + " journal entries it covers are all there");
        }
        return 0;
    }

    /**
     * --acknowledge (§13, "Acknowledged findings"): writes the entry that acknowledges what check finds of the entry named,
     * a clock that ran ahead one bad NTP day (an error at every check, the nightly check red for good), copies merged back
     * or an older build's prune, naming who looked and why. Refused, one line and nothing written, for an entry the journal
     * does not hold, one check finds nothing wrong with, one it finds altered or backdated (an incident), or one acknowledged
     * already.
     */
    private int acknowledge() {
        if (anchor || verifyAnchor != null || since != null || failed || !operations.isEmpty() || !snapshots.isEmpty() || !hosts.isEmpty()) {
            throw new CliException("--acknowledge writes an entry; it lists nothing: give it alone, with --reason and --by", 2);
        }
        if (reason == null) {
            throw new CliException("--acknowledge needs --reason WHY: what you found (IS.012 6.6.5: the record says why)", 2);
        }
        String why = RecordOptions.why(reason);
        String who = RecordOptions.who(by);
        String prefix = acknowledge.toLowerCase(java.util.Locale.ROOT);
        if (!prefix.matches("[0-9a-f]{8,16}")) {
            throw new CliException("--acknowledge takes an entry's digest as `vault check` names it, `(entry 9f3c0e4a1b2d5c6e)`: 8 to 16"
                    + " hex digits, got: " + TerminalText.escape(acknowledge), 2);
        }
        try (Repository r = repo.open()) {
            Journal journal = new Journal(r);
            if (!journal.kept()) {
                throw new CliException(journal.notKept());
            }
            Journal.Listing listing = journal.read(e -> false);
            if (!listing.unreadable().isEmpty()) { // what check finds is not judged from a part of the journal
                throw new CliException("the journal does not read whole (" + TerminalText.escape(listing.unreadable().getFirst()) + "): run"
                        + " `vault check`, and acknowledge once it reads");
            }
            List<Coverage.Named> entries = listing.coverage().entriesNamed(prefix);
            if (entries.isEmpty()) {
                throw new CliException("no journal entry is entry " + prefix + ": give its digest as `vault check` names it, `(entry"
                        + " 9f3c0e4a1b2d5c6e)`");
            }
            if (entries.size() > 1) {
                throw new CliException(prefix + " begins the digests of " + entries.size() + " journal entries: give its 16 hex digits");
            }
            Coverage.Named entry = entries.getFirst();
            String kind;
            try {
                kind = listing.coverage().toAcknowledge(entry.digest());
            } catch (org.opsledger.vault.VaultException refused) {
                throw new CliException(refused.getMessage());
            }
            String detail = Coverage.acknowledging(entry.digest(), kind, why, who);
            if (detail.length() > JournalEntry.MAX_DETAIL) {
                throw new CliException("--reason is too long for the journal's entry (" + JournalEntry.MAX_DETAIL + " characters with"
                        + " the rest): say it shorter, and name the ticket that holds the whole", 2);
            }
            Instant now = Instant.now();
            ObjectId written = journal.record(JournalEntry.of(JournalEntry.Operation.CHECK, JournalEntry.Outcome.OK, now, List.of(), List.of(),
                    false, 0, detail));
            if (repo.json) {
                Output.json(Map.of("acknowledged", entry.digest(), "kind", kind, "reason", why, "by", who, "file", written.hex()));
            } else {
                Output.out().println("acknowledged " + TerminalText.escape(entry.said()) + ", " + kind + ": " + TerminalText.escape(why)
                        + " (by " + TerminalText.escape(who) + "); `vault check` names it in one warning from now on, and the"
                        + " acknowledgement is itself a journal entry checks bind (deleted or altered, the finding comes back)");
            }
        }
        return 0;
    }

    /**
     * A `forget --prune`'s entry, whose line holds the prune's ("…; prune: …", or "…; then the prune failed: …"): --operation
     * prune lists it too (it found only `vault prune`'s: a helper's).
     */
    private static boolean ranPrune(JournalEntry e) {
        return e.operation() == JournalEntry.Operation.FORGET && e.detail() != null
                && (e.detail().contains("; " + PruneCommand.LINE) || e.detail().contains(ForgetCommand.PRUNE_FAILED));
    }

    /** --since, --operation, --failed, --host and --snapshot as one test; exit 2 for a value that does not parse. */
    private Predicate<JournalEntry> selection() {
        Set<JournalEntry.Operation> ops = EnumSet.noneOf(JournalEntry.Operation.class);
        for (String op : operations) {
            ops.add(Arrays.stream(JournalEntry.Operation.values()).filter(o -> o.json().equals(op)).findFirst()
                    .orElseThrow(() -> new CliException("--operation must be one of " + String.join(", ",
                            Arrays.stream(JournalEntry.Operation.values()).map(JournalEntry.Operation::json).toList()) + ", got: " + op, 2)));
        }
        for (String s : snapshots) {
            if (!ObjectId.isPrefix(s)) {
                throw new CliException("--snapshot must be a snapshot ID or a prefix of at least " + ObjectId.MIN_PREFIX
                        + " of its hex digits, got: " + s, 2);
            }
        }
        snapshots.replaceAll(s -> s.toLowerCase(java.util.Locale.ROOT)); // as snapshot prefixes match
        Instant from = since == null ? Instant.MIN : RepoOptions.since("--since", since, Instant.now());
        return e -> !e.started().isBefore(from) && (ops.isEmpty() || ops.contains(e.operation())
                        || ops.contains(JournalEntry.Operation.PRUNE) && ranPrune(e))
                && (!failed || e.outcome() != JournalEntry.Outcome.OK) && (hosts.isEmpty() || hosts.contains(e.host()));
    }

    /**
     * The IDs --snapshot stands for: those it gives (a prefix matches a forgotten snapshot's ID too), and every ID a
     * snapshot it names has had or came to have (an amend, a rewrite and a key retirement each give it a new one). They
     * are read from the records of the snapshots in the repository (`amended-from`, `rewritten-from`, `resealed-from`)
     * and from the journal, whose amend, rewrite and key retirement entries name the IDs they replaced, then their
     * successors, in order: a snapshot forgotten since has no record left to say it, and its life showed in two halves,
     * split at the retirement, its removal under one ID and its backup and holds under the other (a helper's). A copy
     * stands for the snapshot it was made of too ({@code copied-from}), and that one for it: in the long-term repository
     * a near-line ID found nothing. Null without --snapshot.
     */
    private List<String> lineage(Repository r, Journal journal) {
        if (snapshots.isEmpty()) {
            return null;
        }
        Map<String, Set<String>> linked = new HashMap<>();
        java.util.function.BiConsumer<String, String> link = (a, b) -> {
            linked.computeIfAbsent(a, k -> new HashSet<>()).add(b);
            linked.computeIfAbsent(b, k -> new HashSet<>()).add(a);
        };
        // an unreadable one is check's to report
        List<SnapshotRef> readable = r.listSnapshots().readable();
        RecordHistory.replaced(readable).forEach(had -> link.accept(had.by().id().hex(), had.id()));
        for (SnapshotRef copy : readable) { // and a copy's original, by the ID it has where it came from (a tester's repro-4)
            String original = RecordHistory.copiedFrom(copy.snapshot());
            if (original != null) {
                link.accept(copy.id().hex(), original);
            }
        }
        journal.read(e -> {
            List<ObjectId> named = e.snapshots();
            if (e.namesReplacedThenWritten()) {
                for (int i = 0; i < named.size() / 2; i++) {
                    link.accept(named.get(i).hex(), named.get(named.size() / 2 + i).hex());
                }
            }
            return false;
        });
        Set<String> ids = new LinkedHashSet<>(snapshots); // as given: a prefix matches a forgotten snapshot's ID too
        Set<String> seen = new HashSet<>();
        java.util.ArrayDeque<String> next = new java.util.ArrayDeque<>();
        linked.keySet().stream().filter(id -> snapshots.stream().anyMatch(id::startsWith)).forEach(next::add);
        while (!next.isEmpty()) {
            String id = next.poll();
            if (seen.add(id)) {
                ids.add(id);
                next.addAll(linked.getOrDefault(id, Set.of()));
            }
        }
        return List.copyOf(ids);
    }

    /** Entries naming a snapshot one of {@code ids} begins (all of them when null). */
    private static Predicate<JournalEntry> namesOneOf(List<String> ids) {
        return e -> ids == null || e.snapshots().stream().anyMatch(id -> ids.stream().anyMatch(id.hex()::startsWith));
    }
}
