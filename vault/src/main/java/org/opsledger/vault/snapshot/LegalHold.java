package org.opsledger.vault.snapshot;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.opsledger.vault.crypto.ObjectId;

/**
 * IS.012 6.6.7: a snapshot under legal hold is never forgotten or pruned until released. One backup may be held for
 * several matters: the record names the first hold placed ({@code reason}, {@code heldBy}, {@code heldAt}) and
 * {@code alsoHeldFor} the others; the snapshot stays held until every one is released. On an S3 bucket with Object
 * Lock, {@code storeHolds} lists the object versions (the snapshot file and the packs holding its data) on which the
 * store's own legal hold was placed; empty elsewhere.
 */
public record LegalHold(ObjectId snapshot, String reason, String heldBy, Instant heldAt, List<StoreHold> storeHolds,
                        List<Matter> alsoHeldFor) {

    public LegalHold {
        alsoHeldFor = alsoHeldFor == null ? List.of() : List.copyOf(alsoHeldFor); // records written before it was kept
    }

    public LegalHold(ObjectId snapshot, String reason, String heldBy, Instant heldAt, List<StoreHold> storeHolds) {
        this(snapshot, reason, heldBy, heldAt, storeHolds, List.of());
    }

    /** One matter the snapshot is held for: why (a matter or case number), who placed the hold, when. */
    public record Matter(String reason, String heldBy, Instant heldAt) {
    }

    /** Every matter the snapshot is held for, the first placed first. */
    public List<Matter> matters() {
        List<Matter> all = new ArrayList<>(1 + alsoHeldFor.size());
        all.add(new Matter(reason, heldBy, heldAt));
        all.addAll(alsoHeldFor);
        return all;
    }

    /**
     * A matter's reason in quotes, a quote or backslash in it escaped: a reason may hold "; " itself ("case-1; case-2" and
     * "case-3" read as 3 matters: a helper's), or a quote ('case-1", "case-2' read as two: a re-tester's).
     */
    public static String quoted(String reason) {
        return "\"" + reason.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * The matter held for this reason, or null: each without the blanks around it, as `hold --reason` takes one since session
     * 34; a hold an older build placed for "legal case 42 " could not be named by `release --reason "legal case 42"`.
     */
    public Matter matter(String matterReason) {
        return matters().stream().filter(m -> m.reason().strip().equals(matterReason.strip())).findFirst().orElse(null);
    }

    /** The same hold, also for {@code m}. */
    public LegalHold alsoFor(Matter m) {
        List<Matter> more = new ArrayList<>(alsoHeldFor);
        more.add(m);
        return new LegalHold(snapshot, reason, heldBy, heldAt, storeHolds, more);
    }

    /** The hold for the other matters once {@code released} is released; the next one placed becomes the first. */
    public LegalHold without(Matter released) {
        List<Matter> rest = new ArrayList<>(matters());
        rest.remove(released);
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("a hold for no matter is a release");
        }
        Matter first = rest.removeFirst();
        return new LegalHold(snapshot, first.reason(), first.heldBy(), first.heldAt(), storeHolds, rest);
    }

    /** The same hold on another snapshot ID (after a key retirement re-sealed the snapshot). */
    public LegalHold movedTo(ObjectId newSnapshot) {
        return new LegalHold(newSnapshot, reason, heldBy, heldAt, storeHolds, alsoHeldFor);
    }

    public LegalHold withStoreHolds(List<StoreHold> holds) {
        return new LegalHold(snapshot, reason, heldBy, heldAt, holds, alsoHeldFor);
    }

    public List<StoreHold> storeHoldsOrEmpty() {
        return storeHolds == null ? List.of() : storeHolds;
    }

    /** One object version under the store's legal hold; {@code versionId} null when the store does not version. */
    public record StoreHold(String name, String versionId) {
    }
}
