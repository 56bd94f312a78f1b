package org.opsledger.vault.repository;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.crypto.Sealing;
import org.opsledger.vault.index.Index;
import org.opsledger.vault.index.IndexFile;
import org.opsledger.vault.journal.HoldHistory;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.LegalHold;
import org.opsledger.vault.snapshot.NodeType;
import org.opsledger.vault.snapshot.SnapshotRef;
import org.opsledger.vault.snapshot.Tree;

/** Every tree and data blob a set of snapshots needs. */
public final class ReferencedBlobs {

    private ReferencedBlobs() {
    }

    /**
     * Every tree and data blob the snapshots need. A tree no pack holds (lost to damage: `vault repair`)
     * stops it with an error naming the snapshot: what that tree references cannot be known.
     */
    public static Set<ObjectId> of(Repository repo, Collection<SnapshotRef> snapshots) {
        return collect(repo, snapshots, true);
    }

    /** The same, passing over a tree no pack holds: what of the snapshots is stored (for the store's legal holds). */
    public static Set<ObjectId> stored(Repository repo, Collection<SnapshotRef> snapshots) {
        return collect(repo, snapshots, false);
    }

    /** Every condemned record (§10), its pack's blobs readable in memory meanwhile (not in any index file). */
    public static List<Condemned> condemned(Repository repo) {
        List<Condemned> all = new ArrayList<>();
        for (String name : repo.backend().list("condemned")) {
            Condemned c = readCondemned(repo, name);
            if (c == null) {
                continue;
            }
            all.add(c);
            repo.index().add(new IndexFile(List.of(c.pack())));
        }
        return all;
    }

    /**
     * A condemned record as listed, or null when it went meanwhile: another prune deleted its pack and it, or rescued the
     * pack. Two prunes at once are allowed, and one failed "missing file … condemned/…" (a helper's, on S3).
     */
    public static Condemned readCondemned(Repository repo, String name) {
        try {
            return repo.readSealed(name, Sealing.Kind.CONDEMNED, Condemned.class);
        } catch (org.opsledger.vault.backend.MissingFileException gone) {
            return null;
        } catch (org.opsledger.vault.VaultJson.Malformed e) { // it stopped prune with a bare NullPointerException (a helper's)
            throw new VaultException(e.getMessage() + ": `vault repair` removes it");
        }
    }

    /**
     * The header of a pack no index names, when it holds a blob in {@code needed} that {@code indexed} does not name: its
     * index file was lost (deleted by hand, a restore of the store that missed it), or a prune condemned it and a backup
     * then used it, and the pack is the only copy of that data. Deleted as an orphan, it was lost for good, with exit 0,
     * where `vault repair` would have indexed it again. Null for a pack left by an interrupted backup, and for one whose
     * header does not authenticate, but for a whole one sealed under another key for an epoch this keyring holds (a copy
     * written apart and merged back), which is refused ({@link Repository#noteOrphanSealedUnderAnotherKey}). {@code work} names the caller's work in a cancellation. A pack that holds a needed
     * blob {@code indexed} places in a pack cut short is refused ({@link #refuseBesideShortIndexedPacks}); {@code measured}
     * gathers the packs found whole, so that each is measured once per run, and {@code nothingDone} ends the message.
     */
    public static Repository.PackHeader neededFrom(Repository repo, ObjectId pack, Set<ObjectId> needed, Index indexed,
                                                   Set<ObjectId> measured, String work, String nothingDone) {
        Repository.PackHeader h;
        try {
            h = repo.packHeader(pack);
        } catch (VaultException e) {
            org.opsledger.vault.Cancelled.passOn(e, work); // never "no header": the pack would be deleted as an orphan
            // nor another user's pack this one may not read: a prune deleted a running backup's so (a tester's)
            org.opsledger.vault.backend.PermissionDeniedException.passOn(e);
            if (e instanceof org.opsledger.vault.pack.PackReader.CorruptPackException) { // nor a copy's sealed under its own key
                repo.noteOrphanSealedUnderAnotherKey(pack);
                repo.refuseWhileNewerKeyringLacked(Character.toUpperCase(nothingDone.charAt(0)) + nothingDone.substring(1));
            }
            return null;
        }
        boolean holdsNeeded = h.blobs().stream().anyMatch(b -> needed.contains(b.id()) && !indexed.contains(b.id()));
        if (holdsNeeded) {
            return h;
        }
        refuseBesideShortIndexedPacks(repo, pack, h, needed, indexed, measured, nothingDone);
        return null;
    }

    /**
     * Refuses deleting orphan {@code pack} while a blob of it that a snapshot needs is indexed in a pack whose stored size is
     * shorter than the end of the last blob the index places in it: an interrupted `rsync --partial` left that pack under its
     * name at half its size, check without --read-data found nothing, and a prune deleted the orphan, the only whole copy
     * (a re-tester's: "2 orphan(s) removed", then `vault repair --read-data` named a blob lost). One size call per distinct
     * pack, and only for an orphan that holds a needed blob: prune lists data/ by name only, on S3 too.
     */
    private static void refuseBesideShortIndexedPacks(Repository repo, ObjectId pack, Repository.PackHeader h, Set<ObjectId> needed,
                                                      Index indexed, Set<ObjectId> measured, String nothingDone) {
        for (var b : h.blobs()) {
            var entry = needed.contains(b.id()) ? indexed.get(b.id()) : null;
            if (entry == null || measured.contains(entry.pack())) {
                continue;
            }
            String cut = indexed.cutShort(entry.pack(), repo.backend().size(Repository.packName(entry.pack())));
            if (cut != null) {
                throw new VaultException("pack " + entry.pack().hex() + " is " + cut + ": what it held may be whole only in pack " + pack.hex() + ", which"
                        + " no index names and which would go as an orphan; run `vault repair --read-data` first (it takes the short"
                        + " pack out of the index and indexes that one again); " + nothingDone);
            }
            measured.add(entry.pack());
        }
    }

    /**
     * Refuses a prune or a key retirement while a pack {@code indexed} names is missing from the store: a file-level copy
     * taken across a prune that repacked (rsync's order: data/ before index/) has the index name the new pack and data/
     * hold the old one, which no index names and which is the only copy of the blobs. {@link #neededFrom} took those for
     * indexed, and a prune deleted that pack as an orphan, exit 0 (a tester's); `vault repair` takes the missing pack out
     * of the index and indexes the other again, as restic's prune refuses ("packs from index missing in repo").
     * {@code nothingDone} ends the message ("nothing was pruned").
     */
    public static void refuseWhileIndexedPacksMissing(Repository repo, Index indexed, String nothingDone) {
        Set<ObjectId> stored = storedPacks(repo);
        List<ObjectId> missing = indexed.packs().stream().filter(p -> !stored.contains(p)).toList();
        if (missing.isEmpty()) {
            return;
        }
        Index now = repo.freshIndex(); // another prune takes a pack out of the index before it deletes it
        missing = missing.stream().filter(p -> now.packs().contains(p) && !repo.backend().exists(Repository.packName(p)))
                .sorted(java.util.Comparator.comparing(ObjectId::hex)).toList();
        if (!missing.isEmpty()) {
            throw new VaultException("pack " + missing.getFirst().hex() + (missing.size() > 1 ? " and " + (missing.size() - 1) + " more are" : " is")
                    + " indexed but missing from the repository: what it held may be in a pack no index names, which would go as an"
                    + " orphan; run `vault repair` first (it takes the missing pack out of the index and indexes that one again;"
                    + " `vault check` then names what is lost); " + nothingDone);
        }
    }

    /** What brings back a held snapshot deleted outside the vault (check's error and prune's refusal say it). */
    public static final String RECOVER_HELD = "`vault recover` writes a snapshot of the trees no snapshot references: hold it"
            + " for the matter (`vault hold --reason`), then `vault release` the ID that is gone";

    /**
     * What releases by the journal a matter on {@code id}, gone with its hold record: the way out check, prune and dispose
     * name (vault-format.md §13).
     */
    public static String releaseGone(ObjectId id, String matter) {
        return "`vault release " + id.shortHex() + " --reason " + LegalHold.quoted(matter) + " --snapshot-gone WHY` (by the journal, naming"
                + " why)";
    }

    /**
     * Refuses a prune or a key retirement while a snapshot held by a hold record, or by the journal (a matter placed and
     * never released: {@link HoldHistory#deletedOutside}), is in neither snapshots/ nor damaged/snapshots/: deleted
     * outside the vault while held, its data is referenced by no snapshot, and a prune freed it, exit 0, while check
     * called that state an error (a tester's; then another's, who deleted the hold record with the snapshot: no password
     * needed). IS.012 6.6.7: held backups are never deleted. {@code snapshots}: those read; {@code nothingDone} ends the
     * message ("nothing was pruned"). Refused too, unless {@code ignoreUnreadableJournal}, while the journal does not say
     * whether a hold was released ({@link HoldHistory#refuseWhileUnread}: {@code harm} and {@code command} say what and
     * which, as there); {@code history} is the journal's, {@link HoldHistory#of} (null: it keeps none).
     */
    public static void refuseWhileHeldSnapshotsMissing(Repository repo, List<SnapshotRef> snapshots, HoldHistory history,
                                                       boolean ignoreUnreadableJournal, String harm, String command, String nothingDone) {
        Map<ObjectId, LegalHold> holds = repo.listHolds().holds();
        Map<ObjectId, LegalHold> gone = repo.heldWithoutSnapshot(holds, Set.of());
        if (!gone.isEmpty()) {
            var first = gone.entrySet().iterator().next();
            throw new VaultException("snapshot " + first.getKey().shortHex() + (gone.size() > 1 ? " and " + (gone.size() - 1) + " more are" : " is")
                    + " under legal hold (" + first.getValue().reason() + ", hold record holds/" + first.getKey().hex() + ") but not in the"
                    + " repository: deleted while held (IS.012 6.6.7), its data is referenced by no snapshot, and would be freed; "
                    + RECOVER_HELD + "; " + nothingDone);
        }
        if (history != null) { // a journal that does not read disarmed what follows (a tester's)
            history.refuseWhileUnread(ignoreUnreadableJournal, harm, command, "; " + nothingDone);
        }
        List<HoldHistory.LostHold> deleted = HoldHistory.deletedOutside(repo, history, snapshots, holds);
        if (!deleted.isEmpty()) {
            HoldHistory.LostHold first = deleted.getFirst();
            long more = deleted.stream().map(HoldHistory.LostHold::snapshot).distinct().count() - 1;
            throw new VaultException("snapshot " + first.snapshot().shortHex() + (more > 0 ? " and " + more + " more are" : " is")
                    + " under legal hold by the journal (held for " + first.placed() + "), never released, but neither it nor its hold"
                    + " record is in the repository: deleted outside the vault while held (IS.012 6.6.7), its data is referenced by no"
                    + " snapshot, and would be freed; `vault recover` writes a snapshot of the trees no snapshot references: hold it for"
                    + " the matter (`vault hold --reason`), then " + releaseGone(first.snapshot(), first.placed().matter()) + "; "
                    + nothingDone);
        }
    }

    /** The packs in the store's data/, by one listing (names only). */
    public static Set<ObjectId> storedPacks(Repository repo) {
        Set<ObjectId> stored = new HashSet<>();
        for (String name : repo.backend().list("data")) {
            ObjectId pack = Repository.idOfName(name);
            if (pack != null) {
                stored.add(pack);
            }
        }
        return stored;
    }

    private static Set<ObjectId> collect(Repository repo, Collection<SnapshotRef> snapshots, boolean strict) {
        Set<ObjectId> out = new HashSet<>();
        for (SnapshotRef s : snapshots) {
            add(repo, s, s.snapshot().tree(), out, strict, 0);
        }
        return out;
    }

    private static void add(Repository repo, SnapshotRef s, ObjectId treeId, Set<ObjectId> out, boolean strict, int depth) {
        if (depth > Tree.MAX_DEPTH) {
            throw Tree.tooDeep(s.shortId());
        }
        if (!out.add(treeId)) {
            return; // an identical subtree was already walked
        }
        if (!repo.index().contains(treeId)) {
            if (strict) {
                throw new VaultException("snapshot " + s.shortId() + " needs tree " + treeId.shortHex() + ", which no index names:"
                        + " `vault repair` indexes again a pack whose index file was lost; if no pack holds it (`vault check` names"
                        + " its files), back up its sources again, which stores it anew, or forget the snapshot");
            }
            return;
        }
        Tree tree;
        try {
            tree = repo.loadTree(treeId);
        } catch (VaultException e) { // a malformed tree: the snapshot named, as check names it
            org.opsledger.vault.Cancelled.passOn(e, "the walk of the snapshots");
            throw new VaultException("snapshot " + s.shortId() + " needs tree " + treeId.shortHex() + ": " + e.getMessage(), e);
        }
        for (Node n : tree.nodes()) {
            if (n.type() == NodeType.DIR && n.subtree() != null) {
                add(repo, s, n.subtree(), out, strict, depth + 1);
            } else if (n.content() != null) {
                out.addAll(n.content());
            }
        }
    }
}
