package org.opsledger.vault.snapshot;

import java.util.ArrayList;
import java.util.List;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.repository.KeyEpochs;

/**
 * The history tags a record keeps of what it replaced ({@code amended-from}, {@code amended}, {@code resealed-from}):
 * entries newest first, separated by {@link #IDS} (snapshot IDs) or {@link #LINES} (one line per amendment).
 */
public final class RecordHistory {

    /** Between the snapshot IDs of {@code amended-from} and {@code resealed-from}. */
    public static final String IDS = " ";
    /** Between the lines of {@code amended}. */
    public static final String LINES = "\n";

    /** The tags naming the snapshot IDs a record replaced: an amend's, a rewrite's and a key retirement's. */
    public static final List<String> REPLACED = List.of(Amendment.AMENDED_FROM, Rewriter.REWRITTEN_FROM, KeyEpochs.RESEALED_FROM);

    private RecordHistory() {
    }

    /** A snapshot whose record says, under {@code tag} (one of {@link #REPLACED}), that it replaced the one looked for. */
    public record Successor(SnapshotRef snapshot, String tag) {

        /** What put it there: "an amend", "a rewrite", "a key retirement". */
        public String by() {
            return switch (tag) {
                case Amendment.AMENDED_FROM -> "an amend";
                case Rewriter.REWRITTEN_FROM -> "a rewrite";
                default -> "a key retirement";
            };
        }

        /** The successors named, "5e6f7a8b (an amend)" each. */
        public static String named(List<Successor> successors) {
            return String.join(", ", successors.stream().map(s -> s.snapshot().shortId() + " (" + s.by() + ")").toList());
        }
    }

    /** An ID the record of {@code by} says its snapshot had, under {@code tag} (one of {@link #REPLACED}): one it replaced. */
    public record Replaced(String id, SnapshotRef by, String tag) {

        /** The ID replaced, as an object ID. */
        public ObjectId objectId() {
            return ObjectId.parse(id);
        }
    }

    /**
     * Every ID the records of {@code snapshots} say they replaced ({@link #REPLACED}): snapshot by snapshot, tag by tag in
     * that order, each tag's newest first. The one reading of those tags: check's, the journal's lineage and
     * {@link #successorsOf} each read them their own way.
     */
    public static List<Replaced> replaced(List<SnapshotRef> snapshots) {
        List<Replaced> out = new ArrayList<>();
        for (SnapshotRef s : snapshots) {
            for (String tag : REPLACED) {
                entries(s.snapshot(), tag, IDS).forEach(id -> out.add(new Replaced(id, s, tag)));
            }
        }
        return out;
    }

    /**
     * The snapshots of {@code snapshots} whose records say they replaced the one {@code idOrPrefix} names (its ID, or a
     * prefix of it): what an amend, a rewrite or a key retirement put in its place, or what came of that since (a record
     * keeps every ID it had). None when nothing did, or the prefix begins more than one replaced ID. An amend that lost a
     * race to a rewrite of the same snapshot said it "was removed (a forget)", and the rewritten one lived on (a tester's).
     */
    public static List<Successor> successorsOf(List<SnapshotRef> snapshots, String idOrPrefix) {
        String prefix = idOrPrefix.toLowerCase(java.util.Locale.ROOT);
        List<Successor> out = new ArrayList<>();
        String replaced = null;
        for (Replaced r : replaced(snapshots)) {
            if (r.id().startsWith(prefix)) {
                if (replaced != null && !replaced.equals(r.id())) {
                    return List.of(); // a prefix of two replaced IDs: which was meant cannot be told
                }
                replaced = r.id();
                if (out.stream().noneMatch(o -> o.snapshot().id().equals(r.by().id()))) {
                    out.add(new Successor(r.by(), r.tag()));
                }
            }
        }
        return out;
    }

    /**
     * "replaced by 5e6f7a8b (an amend); name that one" when a snapshot of {@code snapshots} replaced the one {@code idOrPrefix}
     * names ({@link #successorsOf}); null when none did. What a command given a replaced ID says, and one that finds the
     * snapshot it found gone once its turn came (a hold, a release, a forget).
     */
    public static String replacedBy(List<SnapshotRef> snapshots, String idOrPrefix) {
        List<Successor> successors = successorsOf(snapshots, idOrPrefix);
        return successors.isEmpty() ? null : "replaced by " + Successor.named(successors) + "; name "
                + (successors.size() == 1 ? "that one" : "those");
    }

    /** {@code entry} ahead of the history a record had, if any. */
    public static String prepend(String entry, String history, String separator) {
        return history == null || history.isEmpty() ? entry : entry + separator + history;
    }

    /**
     * The ID the snapshot a copy was made of had in its repository: the end of the copy's {@code copied-from} tag
     * ({@code <location>#<ID>}), or null for a snapshot that is no copy. The one reading of that tag: copy's and tier's
     * (which copy is which snapshot's), and the journal's lineage.
     */
    public static String copiedFrom(Snapshot s) {
        String from = s.tags() == null ? null : s.tags().get(org.opsledger.vault.copier.Copier.COPIED_FROM);
        return from == null ? null : from.substring(from.lastIndexOf('#') + 1);
    }

    /** The entries of {@code tag} in the snapshot's record, newest first; none if it has no such tag. */
    public static List<String> entries(Snapshot s, String tag, String separator) {
        String value = s.tags() == null ? null : s.tags().get(tag);
        return value == null || value.isEmpty() ? List.of() : List.of(value.split(separator));
    }
}
