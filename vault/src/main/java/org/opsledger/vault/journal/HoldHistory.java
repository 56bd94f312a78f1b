package org.opsledger.vault.journal;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.LegalHold;
import org.opsledger.vault.snapshot.RecordHistory;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * The legal holds the journal records (§13), by snapshot and matter: a hold's entry names the matter by the reason it
 * was placed for, a release's the one it released. A hold record is a file that anyone able to write to the store can
 * delete, or put back from an older copy that lacks a matter placed since; the sealed journal outlives it, so check
 * and release compare the two (a tester put back a one-matter record: check said nothing, a release of that matter
 * ended the hold and a forget deleted the snapshot the other matter held). IS.012 6.6.7.
 */
public final class HoldHistory {

    private static final String PLACED = "legal hold placed by ";
    private static final String RELEASED = "legal hold released";
    /** After the matter, in the long-term journal's entry of a hold a tier carried there. */
    private static final String CARRIED = ", carried by tier from snapshot ";
    /** After the source snapshot in a carried hold's entry: when the matter was placed near-line (the entry is dated at the tier). */
    private static final Pattern HELD_SINCE = Pattern.compile("^[0-9a-f]+, held there since (\\S+), at ");
    /** After a release's ending, in the entry of one {@link #releasedGone by the journal}: who released it, and why. */
    private static final String GONE_BY = "; released by ";
    private static final String GONE_WHY = " with the snapshot gone from the repository: ";
    private static final Pattern RELEASE_ENDS = Pattern.compile("; (the snapshot is no longer held|still held for \\d+ matter\\(s\\))"
            + "(" + Pattern.quote(GONE_BY) + ".*" + Pattern.quote(GONE_WHY) + ".*)?$");

    /**
     * The longest detail `vault hold` writes: half what an entry keeps ({@link JournalEntry#MAX_DETAIL}), so that a hold's
     * entry, and the one a tier writes in the long-term journal after it, keep the matter whole. Cut, two matters that
     * differ past their first 970 characters read as one, and a hold record put back without one of them went unnoticed
     * (a re-tester's).
     */
    public static final int MAX_PLACED = JournalEntry.MAX_DETAIL / 2;

    /** A hold entry's detail: who placed it, for which matter. */
    public static String placed(String by, String matter) {
        return PLACED + by + " for " + matter;
    }

    /**
     * The detail of a hold a tier carried to the long-term copy of {@code source} at {@code from}, naming when the matter
     * was placed there: the entry is dated at the tier, which placed the hold in this repository (dated at the near-line
     * hold, a hold carried again after a release here was listed before that release, and `journal --since` missed it:
     * a tester's repro-2).
     */
    public static String carried(LegalHold.Matter m, ObjectId source, String from) {
        return placed(m.heldBy(), m.reason()) + CARRIED + source.shortHex() + ", held there since " + m.heldAt().truncatedTo(ChronoUnit.SECONDS)
                + ", at " + from;
    }

    /**
     * A hold a tier of a build before 2026-12-07 carried to the long-term repository, its entry dated at the near-line
     * hold's start rather than at the tier ({@link #carried} since names that start instead): dated before checks there,
     * or before that repository's init, it was not written later with an earlier date (§13, "Backdated entries").
     */
    static boolean datedAtNearLineHold(JournalEntry e) {
        return e.operation() == JournalEntry.Operation.HOLD && e.detail() != null && e.detail().contains(CARRIED)
                && !e.detail().contains(", held there since ");
    }

    /** A release entry's detail: the matter released, and whether the snapshot is still held ({@code left}, null when not). */
    public static String released(String matter, LegalHold left) {
        return released(matter, left == null ? 0 : left.matters().size());
    }

    /**
     * {@link #released(String, LegalHold)}, and when {@code why} is not null (`release --snapshot-gone WHY` of a snapshot
     * whose hold record is still there), who released it and why, as {@link #releasedGone} keeps them: the WHY was dropped
     * (a tester's). Refused when the journal would not keep it whole: asked before the release with {@code left} null.
     */
    public static String released(String matter, LegalHold left, String by, String why) {
        return why == null ? released(matter, left) : withWhy(released(matter, left), by, why);
    }

    /** A release entry's detail: the matter released, and how many still hold the snapshot ({@code left}). */
    private static String released(String matter, int left) {
        return RELEASED + (matter == null ? "" : " for " + matter)
                + (left == 0 ? "; the snapshot is no longer held" : "; still held for " + left + " matter(s)");
    }

    /**
     * The detail of a release {@link #goneRelease by the journal} of a matter on a snapshot gone from the repository, hold
     * record and all: the matter, who released it and why, as the counsel who ended the matter said (IS.012 6.6.7: an
     * explicit act, recorded). Refused when the journal would not keep it whole.
     */
    public static String releasedGone(GoneRelease r, String by, String why) {
        return withWhy(released(r.placed().matter(), r.others().size()), by, why);
    }

    /** A release's {@code detail} that says who released it and why, the snapshot gone; refused when the journal would cut it. */
    private static String withWhy(String released, String by, String why) {
        String detail = released + GONE_BY + by + GONE_WHY + why;
        if (detail.length() > JournalEntry.MAX_DETAIL) {
            throw new VaultException("--by and --snapshot-gone are too long: the journal keeps the release with its matter in "
                    + JournalEntry.MAX_DETAIL + " characters; say who and why in fewer (a name, a ticket or a letter's reference)");
        }
        return detail;
    }

    /**
     * One matter the journal records placed on a snapshot (by its ID now) and not released since: {@code matter} as the
     * entry names it, only the start of it when {@code cut} (a detail is kept to {@link JournalEntry#MAX_DETAIL}).
     */
    public record Placed(ObjectId snapshot, String matter, boolean cut, JournalEntry entry) {

        /** Whether the record keeps this matter. */
        public boolean keptBy(LegalHold h) {
            return h != null && h.matters().stream().anyMatch(m -> same(matter, cut, m.reason(), false)
                    || entry.detail().equals(placed(m.heldBy(), m.reason())) // a --by holding " for " itself
                    || entry.detail().startsWith(placed(m.heldBy(), m.reason()) + CARRIED));
        }

        /**
         * "matter B", placed 2026-12-06T08:01:35Z by bob (the --by the entry names; the OS user when it names none); of
         * one a tier carried here, when and by whom it was placed near-line, then when the tier carried it (it named
         * the tier's OS user: the carried entry's detail did not end in the matter, a tester's repro-5).
         */
        @Override
        public String toString() {
            String tail = " for " + matter;
            String detail = entry.detail();
            String at = entry.started().truncatedTo(ChronoUnit.SECONDS).toString();
            String carriedAt = ""; // an older build's carried entry is dated at the near-line hold and names no time
            int carried = detail.lastIndexOf(CARRIED);
            if (carried > 0 && detail.substring(0, carried).endsWith(tail)) {
                Matcher since = HELD_SINCE.matcher(detail.substring(carried + CARRIED.length()));
                if (since.find()) {
                    carriedAt = ", carried here by tier " + at;
                    at = since.group(1);
                }
                detail = detail.substring(0, carried);
            }
            String by = !cut && detail.startsWith(PLACED) && detail.endsWith(tail) && detail.length() > PLACED.length() + tail.length()
                    ? detail.substring(PLACED.length(), detail.length() - tail.length()) : entry.who();
            return LegalHold.quoted(matter + (cut ? "…" : "")) + ", placed " + at + " by " + by + carriedAt;
        }
    }

    private final List<JournalEntry> entries = new ArrayList<>();
    /** Named by a forget or tier as it deleted each. */
    private final Set<ObjectId> forgotten = new HashSet<>();
    /** The journal's files that did not read ({@link Journal.Listing#unreadable}), when {@link #of} read them. */
    private List<String> unreadable = List.of();
    private List<Coverage.Missing> placementsGone = List.of();

    /**
     * Keeps {@code e} if it is a hold or a release that ended ok, and the snapshots it says a command deleted; false, as
     * the predicate of a {@link Journal#read}.
     */
    public boolean add(JournalEntry e) {
        forgotten.addAll(e.removed());
        if ((e.operation() == JournalEntry.Operation.HOLD || e.operation() == JournalEntry.Operation.RELEASE)
                && e.outcome() == JournalEntry.Outcome.OK && e.detail() != null) {
            entries.add(e);
        }
        return false;
    }

    /**
     * The matters placed and never released, by the snapshot's ID now: {@code now} gives it for an ID a key retirement
     * replaced (a hold named the old ID, its release the new). A release naming no matter (an older build's, or of a
     * snapshot held for one) released every matter placed on the snapshot before it.
     */
    public Map<ObjectId, List<Placed>> unreleased(UnaryOperator<ObjectId> now) {
        Map<ObjectId, List<Placed>> open = new LinkedHashMap<>();
        entries.sort(Comparator.comparing(JournalEntry::started));
        for (JournalEntry e : entries) {
            for (ObjectId named : e.snapshots()) {
                ObjectId id = now.apply(named);
                List<Placed> of = open.computeIfAbsent(id, k -> new ArrayList<>());
                boolean cut = e.detail().length() >= JournalEntry.MAX_DETAIL;
                if (e.operation() == JournalEntry.Operation.HOLD && e.detail().startsWith(PLACED)) {
                    String rest = e.detail().substring(PLACED.length());
                    int at = rest.indexOf(" for ");
                    if (at >= 0) {
                        int carried = rest.lastIndexOf(CARRIED);
                        boolean wasCarried = carried > at;
                        of.add(new Placed(id, rest.substring(at + " for ".length(), wasCarried ? carried : rest.length()), cut && !wasCarried, e));
                    }
                } else if (e.operation() == JournalEntry.Operation.RELEASE && e.detail().startsWith(RELEASED)) {
                    String rest = e.detail().substring(RELEASED.length());
                    Matcher end = RELEASE_ENDS.matcher(rest);
                    boolean ended = end.find();
                    String matter = rest.startsWith(" for ") ? rest.substring(" for ".length(), ended ? end.start() : rest.length()) : null;
                    if (matter == null) {
                        of.clear();
                    } else {
                        List<Placed> released = of.stream().filter(p -> same(p.matter(), p.cut(), matter, !ended)).toList();
                        // none: a --by holding " for " itself ("placed by office for legal for M-1")
                        of.removeAll(!released.isEmpty() ? released
                                : of.stream().filter(p -> (" for " + p.matter()).endsWith(" for " + matter)).toList());
                    }
                }
            }
        }
        open.values().removeIf(List::isEmpty);
        return open;
    }

    /**
     * The ID a snapshot named by the journal has now: the one whose record says it replaced it ({@code replaced}: an amend,
     * a rewrite, a key retirement), followed to the last of them.
     */
    public static UnaryOperator<ObjectId> idNow(List<RecordHistory.Replaced> replaced) {
        Map<ObjectId, ObjectId> now = new HashMap<>();
        replaced.forEach(r -> now.put(r.objectId(), r.by().id()));
        return named -> {
            ObjectId id = named;
            for (int hops = 0; now.containsKey(id) && hops < 100; hops++) {
                id = now.get(id);
            }
            return id;
        };
    }

    /**
     * The hold history of the journal of {@code repo}, every file of it read; null when it keeps none. The files that did
     * not read are {@link #unreadable}: one may be a hold's placement.
     */
    public static HoldHistory of(Repository repo) {
        return of(repo, null);
    }

    /**
     * {@link #of(Repository)}, keeping in {@code seen} (when not null) what the journal's compaction needs of the files read
     * ({@link Journal#compact(int, Set, Journal.FilesSeen)}): prune reads the journal once.
     */
    public static HoldHistory of(Repository repo, Journal.FilesSeen seen) {
        Journal journal = new Journal(repo);
        if (!journal.kept()) {
            return null;
        }
        HoldHistory history = new HoldHistory();
        Journal.Listing listing = journal.read(history::add, seen);
        history.unreadable = List.copyOf(listing.unreadable());
        history.placementsGone = listing.coverage().missing().stream()
                .filter(m -> m.entry().operation().equals(JournalEntry.Operation.HOLD.json())).toList();
        return history;
    }

    /**
     * The hold placements a check named that the journal no longer holds ({@link Coverage#missing}): deleted from the store,
     * or lost with a damaged file a repair moved aside. Whether their matters were released is unknown (IS.012 6.6.7).
     */
    public List<Coverage.Missing> placementsGone() {
        return placementsGone;
    }

    /** The journal's files {@link #of} found that did not read, each as {@link Journal.Listing#unreadable} names it. */
    public List<String> unreadable() {
        return unreadable;
    }

    /**
     * Refuses, unless {@code ignoreUnreadable}, while a journal file does not read ({@link #unreadable}) or a hold placement
     * a check read is gone from the journal ({@link #placementsGone}): either may be the placement of a legal hold never
     * released whose record was removed too, which the journal alone still tells, and {@code harm} ("a held backup is not
     * disposed of") would follow (IS.012 6.6.7). {@code command} ("dispose") is the one the operator runs again with
     * --ignore-unreadable-journal once they know none held a backup; {@code nothingDone} ends the message ("; nothing was
     * pruned", or ""). One rule for dispose, prune and key retire: prune and retire passed over a journal that did not read,
     * and a hold's placement damaged, or deleted from the store, no longer stopped them.
     */
    public void refuseWhileUnread(boolean ignoreUnreadable, String harm, String command, String nothingDone) {
        if (ignoreUnreadable) {
            return;
        }
        if (!unreadable.isEmpty()) {
            throw new VaultException(unreadable.size() + " journal file(s) cannot be read (first " + unreadable.getFirst() + "): one may"
                    + " record a legal hold never released, and " + harm + " (IS.012 6.6.7); `vault check` names each and `vault repair`"
                    + " moves it aside, or " + command + " with --ignore-unreadable-journal once you know none held a backup" + nothingDone);
        }
        if (!placementsGone.isEmpty()) { // a check that read it names it, and so does this (f1's)
            throw new VaultException(placementsGone.size() + " legal hold placement(s) a check read are gone from the journal (first "
                    + placementsGone.getFirst().entry().said() + "): deleted from the store, or lost with a damaged file, so whether"
                    + " its matter was released is unknown, and " + harm + " (IS.012 6.6.7); `vault check` names each; " + command
                    + " with --ignore-unreadable-journal once you know none holds a backup still kept" + nothingDone);
        }
    }

    /** How a matter the journal records placed and never released lost its hold (IS.012 6.6.7), as check words it. */
    public enum Lost {
        NO_RECORD(" (no hold record)"),
        NOT_IN_RECORD(" (not in its hold record)"),
        /** Deleted by a forget (or tier) since its record went: a vault command, which said so in the journal. */
        FORGOTTEN(" (forgotten since)"),
        /** Deleted from the store with its record, by no vault command: a prune frees its data, which no record stops. */
        DELETED_OUTSIDE(" (deleted outside the vault)");

        private final String said;

        Lost(String said) {
            this.said = said;
        }

        @Override
        public String toString() {
            return said;
        }
    }

    /** A matter {@code placed} on {@code snapshot} that lost its hold, and how. */
    public record LostHold(ObjectId snapshot, Lost how, Placed placed) {
    }

    /**
     * The matters the journal records placed on a snapshot and never released that lost their hold, by the snapshot's ID
     * now ({@code replaced}: the records of the snapshots read, {@link #idNow}): one {@code present} (read) that its hold
     * record lacks (no record, or one put back from an older copy); one a forget deleted since; one neither here
     * ({@code there}: in snapshots/, readable or not, under damaged/, or an ID a record says it had) nor forgotten, whose
     * record is gone too: deleted outside the vault. One not read but there, or whose record stays, is not named here
     * (check names an unreadable file, and a record of no snapshot, on their own). One piece of logic for check, dispose
     * and prune. IS.012 6.6.7.
     */
    public List<LostHold> lost(List<RecordHistory.Replaced> replaced, Set<ObjectId> present, Set<ObjectId> there, Map<ObjectId, LegalHold> holds) {
        List<LostHold> out = new ArrayList<>();
        unreleased(idNow(replaced)).forEach((id, placed) -> {
            LegalHold h = holds.get(id);
            Lost how = present.contains(id) ? h == null ? Lost.NO_RECORD : Lost.NOT_IN_RECORD
                    : forgotten.contains(id) ? Lost.FORGOTTEN : !there.contains(id) && h == null ? Lost.DELETED_OUTSIDE : null;
            for (Placed p : how == null ? List.<Placed>of() : placed) {
                if (!p.keptBy(h) || !present.contains(id)) {
                    out.add(new LostHold(id, how, p));
                }
            }
        });
        return out;
    }

    /**
     * The matters the journal of {@code repo} records on held snapshots deleted outside the vault with their records
     * ({@link Lost#DELETED_OUTSIDE}): a prune would free their data, as no snapshot and no record names it. {@code snapshots}:
     * those prune read; {@code holds}: the hold records read; {@code history}: {@link #of} {@code repo}, read once by the
     * caller (null: the repository keeps no journal, and there are none).
     */
    public static List<LostHold> deletedOutside(Repository repo, HoldHistory history, List<SnapshotRef> snapshots, Map<ObjectId, LegalHold> holds) {
        if (history == null) {
            return List.of();
        }
        List<RecordHistory.Replaced> replaced = RecordHistory.replaced(snapshots);
        Set<ObjectId> present = new HashSet<>();
        snapshots.forEach(s -> present.add(s.id()));
        return history.lost(replaced, present, repo.snapshotsThere(repo.backend().list("snapshots"), replaced), holds).stream()
                .filter(l -> l.how() == Lost.DELETED_OUTSIDE).toList();
    }

    /**
     * A release by the journal of a matter on a snapshot gone from the repository, hold record and all: the snapshot (its
     * ID now), the matter as the journal's entry names it, and the others that still hold it by the journal.
     */
    public record GoneRelease(ObjectId snapshot, Placed placed, List<Placed> others) {
    }

    /**
     * The matter a release of {@code idOrPrefix} by the journal releases ({@code matter}, or the one matter when null):
     * the journal records it placed on a snapshot neither in the repository ({@code readable}: those read) nor held by
     * a record, and never released. Empty when the journal records none on such a snapshot; refused when the matter is
     * not named and several hold it, or one named does not. Reads every file of the journal. IS.012 6.6.7: a snapshot
     * deleted outside the vault with its record stopped dispose for good, and no release could end its matter.
     */
    public static java.util.Optional<GoneRelease> goneRelease(Repository repo, List<SnapshotRef> readable, String idOrPrefix, String matter) {
        HoldHistory history = of(repo);
        String prefix = idOrPrefix.toLowerCase(java.util.Locale.ROOT);
        Set<ObjectId> here = new HashSet<>(repo.holds().keySet());
        readable.forEach(s -> here.add(s.id()));
        List<Map.Entry<ObjectId, List<Placed>>> found = history == null || prefix.isEmpty() ? List.of()
                : history.unreleased(idNow(RecordHistory.replaced(readable))).entrySet().stream()
                .filter(e -> e.getKey().hex().startsWith(prefix) && !here.contains(e.getKey())).toList();
        if (found.isEmpty()) {
            return java.util.Optional.empty();
        }
        if (found.size() > 1) {
            throw new VaultException(idOrPrefix + " names " + found.size() + " snapshots the journal records held and gone from the"
                    + " repository: give more of the ID");
        }
        ObjectId id = found.getFirst().getKey();
        List<Placed> placed = found.getFirst().getValue();
        if (matter == null && placed.size() > 1) {
            throw new VaultException("snapshot " + id.shortHex() + " is held by the journal for " + placed.size() + " matters (" + String.join(
                    ", ", placed.stream().map(Placed::toString).toList()) + "): name the one to release by its reason; the others stay");
        }
        Placed released = matter == null ? placed.getFirst()
                : placed.stream().filter(p -> same(p.matter(), p.cut(), matter, false)).findFirst().orElseThrow(() -> new VaultException(
                "snapshot " + id.shortHex() + " is not held for " + matter + " by the journal; it is held for: " + String.join(", ",
                        placed.stream().map(Placed::toString).toList())));
        return java.util.Optional.of(new GoneRelease(id, released, placed.stream().filter(p -> p != released).toList()));
    }

    /** The same matter: the same reason, or where one was cut, the other begins with it. */
    private static boolean same(String a, boolean aCut, String b, boolean bCut) {
        return a.equals(b) || aCut && b.startsWith(a) || bCut && a.startsWith(b);
    }

    /**
     * The reason of the matter a release of {@code matter} (null: the one the snapshot is held for) releases, checked
     * against the journal when it would end the hold on {@code snapshot} (the reason as the record has it: {@code matter}
     * names it without the blanks an older build kept around it): while the journal records another matter placed
     * on it (under this ID or one of {@code formerIds}, a key retirement's) and never released, which the record lacks,
     * it is refused, naming it. {@code matter} as given when the record is gone or keeps other matters: no journal is
     * read, and the release says what is wrong itself.
     */
    public static String releasing(Repository repo, ObjectId snapshot, List<ObjectId> formerIds, String matter) {
        LegalHold h = repo.holdOf(snapshot);
        LegalHold.Matter named = h == null || matter == null ? null : h.matter(matter);
        if (h == null || h.matters().size() > 1 || matter != null && named == null) {
            return named == null ? matter : named.reason(); // as the record has it, and the journal's entry that placed it
        }
        Journal journal = new Journal(repo);
        if (!journal.kept()) {
            return h.reason();
        }
        HoldHistory history = new HoldHistory();
        journal.read(history::add); // every file of the journal: a release is rare, and it ends what 6.6.7 keeps
        Map<ObjectId, ObjectId> now = new HashMap<>();
        formerIds.forEach(old -> now.put(old, snapshot));
        List<Placed> other = history.unreleased(id -> now.getOrDefault(id, id)).getOrDefault(snapshot, List.of()).stream()
                .filter(p -> !p.keptBy(h)).toList();
        if (!other.isEmpty()) {
            throw new VaultException("snapshot " + snapshot.shortHex() + " is also held for " + other.getFirst() + " (journal)"
                    + (other.size() > 1 ? " and " + (other.size() - 1) + " other matter(s)" : "") + ", which its hold record lacks: the"
                    + " record was put back from an older copy or altered outside the vault (IS.012 6.6.7); place that hold again"
                    + " (`vault hold --reason`), then release " + LegalHold.quoted(h.reason()));
        }
        return h.reason();
    }
}
