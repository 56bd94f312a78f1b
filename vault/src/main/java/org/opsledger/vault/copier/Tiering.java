package org.opsledger.vault.copier;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.opsledger.vault.Sleeper;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.backend.Backend;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.journal.Journal;
import org.opsledger.vault.prune.RetentionPolicy;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.repository.SharedLock;
import org.opsledger.vault.snapshot.LegalHold;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * IS.012 6.6.1.3: backups stay on near-line storage for the first 30 days, then move to long-term
 * storage. A snapshot older than the near-line period is copied to the long-term repository
 * (once: a copy is recognised by its {@code copied-from} tag, and an amended record amends the copy's,
 * {@link Copier#copyOnce}) and then forgotten near-line,
 * unless it is under legal hold there (IS.012 6.6.7), in which case it stays in both. One whose retention has ended, and
 * that no hold keeps, is not moved ({@link Plan#pastRetention}). Cancelled with {@code Thread.interrupt()}, a tiering
 * throws {@link org.opsledger.vault.Cancelled}; a snapshot is forgotten near-line only once its copy is written, and whole
 * (one made before that lost data is completed first, or the tier fails there).
 */
public final class Tiering {

    /** IS.012 6.6.1.3: 30 days near-line, counted as forget's --keep-within counts ({@link RetentionPolicy.Within#holds}). */
    public static final RetentionPolicy.Within NEAR_LINE = RetentionPolicy.Within.parse("30d");

    private final Repository nearLine;
    private final Repository longTerm;

    private final ZoneId zone;
    /** The time a batch's forgets are measured by, and how the tier waits as it gives way ({@link LockTurns#GIVE_WAY}). */
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;

    /**
     * A tiering that counts the near-line period on each snapshot's calendar, the JVM's zone for a snapshot that records
     * none (a retention ends as Snapshot#retentionEnded says).
     */
    public Tiering(Repository nearLine, Repository longTerm) {
        this(nearLine, longTerm, ZoneId.systemDefault());
    }

    /**
     * A tiering that counts the near-line period on each snapshot's calendar, {@code zone} for a snapshot that records none,
     * as a {@link org.opsledger.vault.prune.Forgetter} of that zone does.
     */
    public Tiering(Repository nearLine, Repository longTerm, ZoneId zone) {
        this(nearLine, longTerm, zone, System::nanoTime, Sleeper.THREAD);
    }

    /** A tiering whose holding of the lock of holds, and giving way, go by {@code nanoClock} and {@code sleeper}: a test's. */
    Tiering(Repository nearLine, Repository longTerm, ZoneId zone, LongSupplier nanoClock, Sleeper sleeper) {
        this.nearLine = nearLine;
        this.longTerm = longTerm;
        this.zone = zone;
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
    }

    /**
     * One snapshot's move: where its copy is, and whether the near-line original was forgotten. {@code amendedCopy}: the
     * copy made before whose record the source's amendment replaced ({@link Copier.Copy}), or null; {@code amendedCopyHeld}:
     * that one is under legal hold there and stays as it was beside the new one. {@code holdsPlaced}: the matters this
     * move held the copy for in the long-term repository (none it was held for already). {@code host} and {@code paths}:
     * the source the snapshot is of. {@code blobsCopiedAgain}: what the copy made before lacked, copied again
     * ({@link Copier.Copy}): a snapshot is forgotten near-line only once its copy is whole. {@code copyBeforeRewrite}: the
     * copy made before of what the snapshot was before a rewrite, which still holds what it took out ({@link Copier.Copy}), or null.
     * Tier's --json row, under copy's names: {@code copiedBefore} was {@code alreadyCopied}, and a null is written as null, as
     * copy writes it, not left out (h1's repro-7).
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS)
    public record Moved(ObjectId source, ObjectId copy, boolean copiedBefore, long blobsCopiedAgain, ObjectId amendedCopy, boolean amendedCopyHeld,
                        boolean forgottenNearLine, boolean held, List<LegalHold.Matter> holdsPlaced, String host, List<String> paths,
                        ObjectId copyBeforeRewrite) {
    }

    /**
     * The near-line snapshots older than the near-line period: {@code due}, what {@link #move} moves, and
     * {@code pastRetention}, those whose retention ended before today and that no legal hold keeps: long-term storage is
     * for "the record retention requirements" (IS.012 6.6.1.3), and such a snapshot has none left. They stay near-line,
     * for `forget` to remove; a tier copied them, kept in long-term storage past their retention (a helper's).
     */
    public record Plan(List<SnapshotRef> due, List<SnapshotRef> pastRetention) {
    }

    /**
     * The {@link Plan} at {@code now}, from one listing of the snapshots and one of the holds; refused when the tier runs
     * backwards ({@link #requireForwards}).
     */
    public Plan plan(RetentionPolicy.Within nearLinePeriod, Instant now) {
        Plan plan = plan(nearLine.snapshots(), nearLine.holds().keySet(), zone, nearLinePeriod, now);
        requireForwards(plan.due());
        return plan;
    }

    /**
     * Refuses a tier from the long-term repository into the near-line one it tiers from (-r and --to swapped): it copied the
     * archive back and forgot it long-term, exit 0, and the near-line retention then removed the last copy (h4's). Known by
     * the records: this repository's journal names tiers that moved snapshots here from the target, or a snapshot due is a
     * copy of one moved out of the target ({@link Copier#goingBack}). No flag lets it run: `vault copy` brings snapshots back
     * and forgets nothing. Read only when something is due.
     */
    private void requireForwards(List<SnapshotRef> due) {
        if (due.isEmpty()) {
            return;
        }
        String here = nearLine.backend().location();
        String there = longTerm.backend().location();
        int received;
        try {
            received = new Journal(nearLine).tiersReceivedFrom(there).size();
        } catch (VaultException unreadable) { // the copies' records are then the only sign
            org.opsledger.vault.Cancelled.passOn(unreadable, "the tier");
            received = 0;
        }
        List<SnapshotRef> back = new Copier(nearLine, longTerm).goingBack(due);
        if (received == 0 && back.isEmpty()) {
            return;
        }
        String why = back.isEmpty() ? "its journal names " + received + " tier(s) from there"
                : back.size() + " of the " + due.size() + " snapshot(s) due, first " + back.getFirst().shortId() + ", came here from there";
        // IS.012 6.6.1.3: near-line first, then long-term
        throw new VaultException("this tier runs backwards: " + here + " is the long-term repository of " + there + " (" + why
                + ") and it would move them back and forget them here; run `vault tier -r " + there + " --to " + here + "`");
    }

    /**
     * The {@link Plan} of a tier at {@code now} of the near-line {@code snapshots}, {@code held} those under legal hold, its
     * near-line period counted on each snapshot's calendar (or in {@code zone}, of one that records none) (`vault due` asks
     * what a tier would move, without a long-term repository to move it to, from the snapshots it listed).
     */
    public static Plan plan(List<SnapshotRef> snapshots, java.util.Set<ObjectId> held, ZoneId zone, RetentionPolicy.Within nearLinePeriod,
                            Instant now) {
        List<SnapshotRef> due = new ArrayList<>();
        List<SnapshotRef> past = new ArrayList<>();
        for (SnapshotRef s : snapshots) {
            if (!nearLinePeriod.holds(s.snapshot(), now, zone)) { // as forget keeps it: one at the period's start was neither (a re-tester's)
                boolean ended = s.snapshot().retainUntil() != null && !s.snapshot().retainedAt(now) && !held.contains(s.id());
                (ended ? past : due).add(s);
            }
        }
        return new Plan(List.copyOf(due), List.copyOf(past));
    }

    /** {@link Plan#due}. */
    public List<SnapshotRef> due(RetentionPolicy.Within nearLinePeriod, Instant now) {
        return plan(nearLinePeriod, now).due();
    }

    public List<Moved> move(RetentionPolicy.Within nearLinePeriod, Instant now) {
        return move(nearLinePeriod, now, m -> { });
    }

    /**
     * Moves every snapshot older than the near-line period, handing each move to {@code each} as it is done: a tier that
     * fails part-way has moved (and forgotten near-line) those, and its journal entries name them. Whether a snapshot is
     * held is read as it is moved, after its copy: a hold placed while the tier ran (a copy to long-term storage can take
     * hours) keeps it near-line and follows it, as a forget reads a hold just before it deletes.
     */
    public List<Moved> move(RetentionPolicy.Within nearLinePeriod, Instant now, Consumer<Moved> each) {
        return move(due(nearLinePeriod, now), each);
    }

    /** Moves {@code due}, as {@link #due} found them, handing each move to {@code each} as it is done. */
    public List<Moved> move(List<SnapshotRef> due, Consumer<Moved> each) {
        return move(due, (s, copy) -> { }, each);
    }

    /**
     * {@link #move(List, Consumer)}, handing each snapshot and its copy to {@code copied} as soon as the copy is committed
     * in the long-term repository, before the original is forgotten near-line: a tier stopped in between (SIGTERM) named
     * neither in its journal entries, and check warned for ever of a snapshot deleted from the store (a helper's). The
     * snapshots are copied in batches ({@link Copier#copyEach}), and each batch's originals forgotten once it is committed,
     * under the near-line lock of holds, let go at least every {@link LockTurns#AT_MOST} and left free {@link LockTurns#GIVE_WAY}:
     * a `vault hold` or `release` waits for it.
     */
    public List<Moved> move(List<SnapshotRef> due, BiConsumer<SnapshotRef, Copier.Copy> copied, Consumer<Moved> each) {
        return move(due, copied, batch -> { }, each);
    }

    /**
     * {@link #move(List, BiConsumer, Consumer)}, handing each batch to {@code committed} once its copies are committed, before
     * any of its originals is forgotten near-line: a tier killed outright (kill -9) between the two has committed copies whose
     * originals the next tier no longer finds, and what {@code committed} records (a stand-in entry in the long-term journal)
     * is then the only record there of those copies.
     */
    public List<Moved> move(List<SnapshotRef> due, BiConsumer<SnapshotRef, Copier.Copy> copied, Consumer<List<Copier.Copied>> committed,
                            Consumer<Moved> each) {
        Copier copier = new Copier(nearLine, longTerm);
        List<Moved> out = new ArrayList<>();
        copier.copyEach(due, c -> copied.accept(c.snapshot(), c.copy()), batch -> {
            committed.accept(batch);
            for (int i = 0; i < batch.size(); ) {
                if (i > 0) {
                    LockTurns.giveWay("the tier", sleeper);
                }
                i = forgetUnderOneLock(batch, i, m -> {
                    out.add(m);
                    each.accept(m);
                });
            }
        });
        return out;
    }

    /**
     * Forgets near-line the originals of {@code batch} from {@code from} on, as many as {@link LockTurns#AT_MOST} lets,
     * under one near-line lock of holds, handing each move to {@code each}; returns the index of the first not forgotten.
     * The hold is read, the original deleted or the hold carried, under that lock: no hold or release comes in between (a
     * hold released while the tier ran was placed again in the long-term repository, for a matter that had ended, and the
     * snapshot stayed near-line: a helper's, with breakpoints). Taken per snapshot, each lock listed index/ again. Each
     * snapshot is forgotten and handed on in one commit under the lock ({@link SharedLock#whileHeld}), and the turn's
     * deletions are the lock's ({@link SharedLock#deletions}), as a forget's: a stop signal's hook lets the lock go
     * between two, the deletions durable first, and the tier deletes nothing after. It went on deleting once the lock was
     * let go: a hold placed then lost to the tier's deletion (IS.012 6.6.7), and the journal's entries, already written,
     * named neither that nor what followed, nor were the deletions they named durable.
     */
    private int forgetUnderOneLock(List<Copier.Copied> batch, int from, Consumer<Moved> each) {
        long started = nanoClock.getAsLong();
        int i = from;
        // the turn's deletions durable together before its lock is let go (one fsync of snapshots/, not one a snapshot)
        try (SharedLock lock = nearLine.holdsLockWaiting(); Backend.Deletions deletions = lock.deletions()) {
            do {
                Copier.Copied c = batch.get(i);
                lock.whileHeld(() -> {
                    each.accept(forgetNearLine(c.snapshot(), c.copy(), deletions));
                    return null;
                });
                i++;
            } while (i < batch.size() && !LockTurns.over(started, nanoClock));
        }
        return i;
    }

    /** Forgets {@code s} near-line in {@code deletions}, its copy committed, unless it is held: then its hold follows it (IS.012 6.6.7). */
    private Moved forgetNearLine(SnapshotRef s, Copier.Copy copy, Backend.Deletions deletions) {
        LegalHold hold = nearLine.holdOf(s.id());
        Repository.Deletion deletion = null;
        List<LegalHold.Matter> placed = new ArrayList<>();
        if (hold == null) {
            deletion = nearLine.deleteSnapshotUnlessHeld(s.id(), deletions); // its data goes with the next prune
            if (deletion == Repository.Deletion.HELD) {
                hold = nearLine.holdOf(s.id()); // placed while the file went: it stays, and the hold follows
            }
        }
        if (hold != null) { // IS.012 6.6.7: the hold follows the data to long-term storage, for every matter, as placed
            LegalHold before = longTerm.holdOf(copy.snapshot().id());
            for (LegalHold.Matter m : hold.matters()) {
                if (before == null || before.matter(m.reason()) == null) {
                    placed.add(longTerm.hold(copy.snapshot(), m).matter(m.reason()));
                }
            }
        }
        // gone meanwhile (ALREADY_GONE: another forget, or a key retirement that gave it a new ID) is not forgotten here
        return new Moved(s.id(), copy.snapshot().id(), copy.madeBefore(), copy.blobsCopiedAgain(), copy.amendedCopy(), copy.amendedCopyHeld(),
                deletion == Repository.Deletion.DELETED, hold != null, List.copyOf(placed), s.snapshot().hostname(), s.snapshot().paths(),
                copy.copyBeforeRewrite());
    }
}
