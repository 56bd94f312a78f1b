package org.opsledger.vault.repository;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.copier.Copier;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.journal.HoldHistory;
import org.opsledger.vault.snapshot.LegalHold;
import org.opsledger.vault.snapshot.RecordHistory;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * IS.012 6.6.6.4: backup media are disposed of by secure deletion at the end of their life. Overwriting a disk's every
 * block takes hours and is not assured on flash; a repository's data is unreadable without its master key, so
 * disposal destroys the key: every key slot (the master key wrapped by each password) and the keyring (the data keys)
 * are overwritten and deleted. What was backed up there is then beyond recovery, as long as no copy of those small
 * files exists elsewhere. Held backups are never disposed of (IS.012 6.6.7), nor backups promised kept, unless a copy
 * in another repository keeps them as long.
 */
public final class Disposal {

    /** Its lock's kind: no snapshot is written beside one (Repository#saveSnapshot). */
    static final String KIND = "dispose";

    /**
     * What was disposed of, for the media register: the repository, when, by whom, and what can no longer be read.
     * {@code copiesIn}: the repository whose copies keep the retained snapshots, or null; {@code oldVersions}: what the
     * store's old versions keep of the keys ({@link #oldVersions}), null when none.
     */
    public record Disposed(String repositoryId, String location, Instant at, String by, int keyFiles, long snapshots, long packs,
                           String copiesIn, String oldVersions) {
    }

    private Disposal() {
    }

    /**
     * What the store's old versions keep of keys a retirement or a disposal destroyed, or null when it keeps none
     * ({@code kept}, from {@link org.opsledger.vault.backend.Backend#keepsOldVersions}, asked before the keys go): `key retire`
     * on a versioned bucket said "its key is destroyed" while the keyring's noncurrent versions held it (a tester's), and
     * its --json said nothing of them. IS.012 6.6.6.4.
     */
    public static String oldVersions(String kept, String holders) {
        return kept == null ? null : kept + ": the noncurrent versions of " + holders + " hold the key until a lifecycle rule"
                + " expires them (vault-format.md §3)";
    }

    /** What a line that says keys are destroyed adds of {@code oldVersions} ({@link #oldVersions}): "; but …", or nothing. */
    public static String but(String oldVersions) {
        return oldVersions == null ? "" : "; but " + oldVersions;
    }

    /** As {@link #dispose(Repository, String, Repository, String, Instant, boolean)}, refused while a journal file does not read. */
    public static Disposed dispose(Repository repo, String confirmId, Repository copiesIn, String by, Instant now) {
        return dispose(repo, confirmId, copiesIn, by, now, false);
    }

    /**
     * Destroys the repository's keys. {@code confirmId} must be its ID (as {@code vault stats} shows it): disposal cannot
     * be undone. Refused, with nothing changed, while another process works in it, while a snapshot is under legal hold
     * (by its hold record, or by the journal that recorded a hold never released whose record is gone),
     * while a snapshot file cannot be read (what it holds and keeps is unknown), while a journal file cannot be read (it
     * may be a hold's placement) unless {@code ignoreUnreadableJournal}, and while a snapshot is retained until
     * whose retention has not ended at {@code now} ({@link org.opsledger.vault.snapshot.Snapshot#retentionEnded}, as forget
     * judges it) without a copy in {@code copiesIn} retained at least as long.
     */
    public static Disposed dispose(Repository repo, String confirmId, Repository copiesIn, String by, Instant now, boolean ignoreUnreadableJournal) {
        String id = repo.config().id();
        if (!id.equals(confirmId)) {
            throw new VaultException("disposal destroys the keys of " + repo.backend().location() + " for good: confirm it with its"
                    + " repository ID (`vault stats` shows it)" + (confirmId == null || confirmId.isEmpty() ? "" : "; " + confirmId + " is not it"));
        }
        try (SharedLock lock = repo.lock(KIND)) { // alone (Locks#RUNS_ALONE)
            Map<ObjectId, LegalHold> holds = repo.holds();
            if (!holds.isEmpty()) { // IS.012 6.6.7: held backups are never deleted
                ObjectId first = holds.keySet().iterator().next();
                throw new VaultException(holds.size() + " snapshot(s) are under legal hold (IS.012 6.6.7; first " + first.shortHex()
                        + ", for " + holds.get(first).reason() + "): a held backup is not disposed of; keep the medium until every hold is released");
            }
            Repository.SnapshotListing listing = repo.listSnapshots();
            if (!listing.unreadable().isEmpty()) {
                throw new VaultException(listing.unreadable().size() + " snapshot file(s) cannot be read (first " + listing.unreadable().getFirst()
                        + "): what they hold and how long they are kept is unknown; `vault check` and `vault repair` first");
            }
            HoldHistory history = HoldHistory.of(repo);
            if (history != null) { // IS.012 6.6.7: what it held is unknown, a hold's placement as well; a placement deleted with its record
                history.refuseWhileUnread(ignoreUnreadableJournal, "a held backup is not disposed of", "dispose", "");
            }
            // IS.012 6.6.7: a hold record deleted in the store (no password needed) lifted no hold: the journal recording it
            // ends with the keys, and the held backup was destroyed with it (a tester's)
            Map<ObjectId, List<HoldHistory.Placed>> recorded = history == null ? Map.of()
                    : history.unreleased(HoldHistory.idNow(RecordHistory.replaced(listing.readable())));
            if (!recorded.isEmpty()) {
                var first = recorded.entrySet().iterator().next();
                long matters = recorded.values().stream().mapToLong(List::size).sum();
                Set<ObjectId> here = new HashSet<>();
                listing.readable().forEach(s -> here.add(s.id()));
                Map.Entry<ObjectId, List<HoldHistory.Placed>> gone = recorded.entrySet().stream().filter(e -> !here.contains(e.getKey()))
                        .findFirst().orElse(null);
                throw new VaultException(recorded.size() + " snapshot(s) are under legal hold by the journal, never released, with no hold"
                        + " record (first " + first.getKey().shortHex() + ", held for " + first.getValue().getFirst()
                        + (matters > 1 ? "; " + matters + " matters in all" : "") + "): a hold file was removed outside the vault"
                        + " (IS.012 6.6.7), and a held backup is not disposed of; place each hold again (`vault hold --reason`)"
                        + " and keep the medium until every hold is released" + (gone == null ? "" : "; " + gone.getKey().shortHex()
                        + " is gone from the repository: when its matter is over, " + ReferencedBlobs.releaseGone(gone.getKey(),
                        gone.getValue().getFirst().matter())));
            }
            List<String> uncopied = new ArrayList<>();
            boolean rewrittenSinceCopied = false;
            Copier copier = copiesIn == null ? null : new Copier(repo, copiesIn);
            for (SnapshotRef s : listing.readable()) {
                LocalDate until = s.snapshot().retainUntil();
                if (until != null && !s.snapshot().retainedAt(now)) {
                    continue;
                }
                // no retention recorded: how long it must be kept is unknown, not ended (IS.012 6.6.5.1), and a snapshot a
                // backup without --retain-until made seconds before was destroyed with no copy and not named (a helper's)
                SnapshotRef copy = copier == null ? null : copier.copyMadeBefore(s);
                // a copy made before a rewrite of it still holds what the rewrite took out (a private key, personal data), its
                // record saying nothing of it: it is no copy of this snapshot, which copy and tier now copy anew (Copier)
                boolean beforeRewrite = copy != null && Copier.rewrittenSince(s.snapshot(), copy.snapshot());
                rewrittenSinceCopied |= beforeRewrite;
                if (copy == null || beforeRewrite
                        || until != null && (copy.snapshot().retainUntil() == null || copy.snapshot().retainUntil().isBefore(until))) {
                    uncopied.add(s.shortId() + (until == null ? " (no retention recorded" : " (retained until " + until)
                            + (copy == null ? "" : beforeRewrite ? "; its copy " + copy.shortId() + " was made before it was rewritten, and"
                            + " holds what the rewrite took out" : "; its copy " + copy.shortId() + " until " + copy.snapshot().retainUntil()) + ")");
                }
            }
            if (!uncopied.isEmpty()) {
                throw new VaultException(uncopied.size() + " snapshot(s) are retained until today or later, or have no retention recorded, with no copy"
                        + (copiesIn == null ? "" : " in " + copiesIn.backend().location()) + " kept as long (first " + uncopied.getFirst()
                        + "): " + (rewrittenSinceCopied ? "`vault tier` (or `vault copy`) them again, which copies anew a snapshot rewritten"
                        + " since its copy," : "`vault copy` them to the repository that keeps them,") + " then dispose naming it");
            }
            String oldVersions = oldVersions(repo.backend().keepsOldVersions(), "its keys/ and keyring"); // IS.012 6.6.6.4
            long packs = repo.backend().list("data").stream().filter(n -> Repository.idOfName(n) != null).count();
            List<String> keyFiles = new ArrayList<>(Repository.filesDirectlyIn(repo.backend(), "keys"));
            if (repo.backend().exists("keyring.shredding")) { // an older keyring a stopped rotation left linked: keys too
                keyFiles.add("keyring.shredding");
            }
            keyFiles.addAll(repo.backend().unfinishedWrites("keys")); // a slot or a keyring a killed writer left (a helper's:
            keyFiles.addAll(repo.backend().unfinishedWrites(""));     // renamed into place, they opened the disposed repository)
            keyFiles.add("keyring"); // last: while a slot is left, a dispose stopped midway can be run again
            lock.whileHeld(() -> {
                for (String name : keyFiles) {
                    repo.backend().shred(name);
                }
                return null;
            });
            return new Disposed(id, repo.backend().location(), Instant.now(), by, keyFiles.size(), listing.readable().size(), packs,
                    copiesIn == null ? null : copiesIn.backend().location(), oldVersions);
        }
    }
}
