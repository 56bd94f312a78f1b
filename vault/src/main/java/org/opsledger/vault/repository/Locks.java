package org.opsledger.vault.repository;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.VaultJson;
import org.opsledger.vault.backend.Backend;
import org.opsledger.vault.backend.BackendException;
import org.opsledger.vault.backend.ListingCache;
import org.opsledger.vault.backend.MissingFileException;
import org.opsledger.vault.backend.PermissionDeniedException;
import tools.jackson.core.JacksonException;

/**
 * The lock files under {@code locks/} (docs/vault-format.md §10): which processes are working in the
 * repository now, and the files no process keeps. A lock is taken with {@link Repository#lock}.
 */
public final class Locks {

    /** The skew allowed between hosts' clocks (ECOMP clock synchronisation keeps them far closer). */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    /**
     * A lock not refreshed for this long, by the reader's clock, is stale: its process died. Five minutes of silence as
     * its holder counts them (it refreshes every minute, and commits nothing after four: {@link SharedLock}) and the
     * {@link #CLOCK_SKEW} between the holder's clock and the reader's: with one figure for both, a prune whose clock ran
     * 4 min 40 s ahead took a running backup's lock for stale and deleted data the backup then referenced (a helper's).
     */
    public static final Duration STALE_AFTER = Duration.ofMinutes(5).plus(CLOCK_SKEW);

    private final Backend backend;

    Locks(Backend backend) {
        this.backend = backend;
    }

    /** Locks refreshed within {@link #STALE_AFTER} whose process has not certainly ended ({@link LockHolder}). */
    public List<LockRecord> live() {
        return live(read());
    }

    private List<LockRecord> live(List<LockFile> files) {
        Instant cutoff = Instant.now().minus(STALE_AFTER);
        LockHolder here = LockHolder.current();
        return files.stream().filter(f -> f.lock() != null && staleness(f, cutoff, here) == null).map(LockFile::lock).toList();
    }

    /** {@link #staleness(LockRecord, Instant, LockHolder)}, or "let go" for a lock file of this process it could not delete. */
    private String staleness(LockFile f, Instant cutoff, LockHolder here) {
        if (SharedLock.ABANDONED.contains(new SharedLock.Abandoned(backend.location(), f.name()))) {
            return "let go by this process, which could not delete it";
        }
        return staleness(f.lock(), cutoff, here);
    }

    /**
     * Deletes the lock files this process let go of and could not delete ({@link SharedLock#ABANDONED}) where the store
     * now lets it: at each lock taken, so other processes (`vault unlock` on this host) no longer count them as live.
     */
    void removeAbandoned() {
        for (SharedLock.Abandoned a : SharedLock.ABANDONED) {
            if (a.location().equals(backend.location())) {
                try {
                    backend.delete(a.name());
                    SharedLock.ABANDONED.remove(a);
                } catch (BackendException stillOutOfReach) {
                    // tried again at the next lock
                }
            }
        }
    }

    /**
     * Why a lock is stale ("stale": not refreshed for {@link #STALE_AFTER}; "ended": its process is gone), or null while
     * live. A holder this process sees running (the same process table, the same start) is live whatever the clocks say:
     * `vault unlock` on the backup's own host, its clock set 5 minutes ahead, removed the lock of a backup 8 s old.
     */
    private static String staleness(LockRecord l, Instant cutoff, LockHolder here) {
        if (l.holder() != null && l.holder().certainlyRunning(l.pid(), here)) {
            return null;
        }
        if (!l.refreshed().isAfter(cutoff)) {
            return "stale";
        }
        return l.holder() != null && l.holder().certainlyEnded(l.pid(), here) ? "its process has ended" : null;
    }

    /**
     * Live locks but {@code own}: the other backups, prunes, copies and key retirements running now, from a listing of
     * locks/ that shows {@code own}'s lock file ({@link #listingShowing}).
     */
    public List<LockRecord> liveOtherThan(SharedLock own) {
        long pid = ProcessHandle.current().pid();
        return live(listingShowing(own)).stream().filter(l -> !(l.started().equals(own.started()) && l.pid() == pid)).toList();
    }

    /** How long a listing of locks/ may go on lacking this process's own lock file before {@link #listingShowing} refuses. */
    static final java.time.Duration LISTING_LAG = java.time.Duration.ofSeconds(10);

    /**
     * The lock files, from a listing of locks/ that shows {@code own}'s, written before it: a listing that lacks it lags the
     * store's writes (an S3-compatible store whose listings are eventually consistent, a caching mount), and may lack
     * another process's lock as well, written as long before, so nothing is decided from it. Listed again, 0.25 s later,
     * then 0.5, 1, 2 and 4 s, until {@link #LISTING_LAG} has passed; then refused. Each process writes its lock before it looks
     * at the others, so of two starting at once the later sees the earlier: only where the store lists what was written.
     * A lock file another process removed as stale (SharedLock#requireHeld says so at the commit) or one released is not
     * looked for. Costs nothing where the listing shows it: the listing is the one the decision reads. A look after the
     * first since the lock was written writes it again first (SharedLock#writeAgainBeforeLooking): one small write.
     */
    private List<LockFile> listingShowing(SharedLock own) {
        own.writeAgainBeforeLooking();
        long began = System.nanoTime();
        for (long wait = 250; ; wait *= 2) {
            List<LockFile> files = read();
            if (own.released() || files.stream().anyMatch(f -> f.name().equals(own.name())) || !backend.exists(own.name())) {
                return files;
            }
            long waited = System.nanoTime() - began;
            if (waited >= LISTING_LAG.toNanos()) {
                throw new VaultException("the store's listing of locks/ at " + backend.location() + " still lacks this " + own.kind()
                        + "'s own lock file " + own.name() + " " + waited / 1_000_000_000 + " s after it was written: its listings lag"
                        + " its writes, and may lack another host's running backup too; this " + own.kind() + " stopped there, deciding"
                        + " nothing from it: use a store that lists what it has written (docs/operations.md, a repository on a network mount)");
            }
            try {
                Thread.sleep(Math.min(wait, (LISTING_LAG.toNanos() - waited) / 1_000_000 + 1));
            } catch (InterruptedException e) {
                throw new org.opsledger.vault.Cancelled("the reading of the locks", e);
            }
        }
    }

    /**
     * {@link #liveOtherThan}, for a prune about to delete what only a live lock keeps (condemned packs, orphan packs), and
     * for work that runs alone ({@link #refuseConflicting}): the stale lock files it passes over, from the same reading, it
     * removes first, and one it cannot remove counts as live (a key retirement passed over a suspended host's backup
     * lock and deleted the packs it had written, in no index yet; the backup, resumed, wrote an index file naming them).
     * Passed over and left, a lock that went stale while a prune ran (fresh at its {@link #removeStale}) was found there by
     * its process resuming (a host suspended, which its monotonic clock does not count): it refreshed it, and wrote an
     * index file naming the packs the prune had deleted. Removed, it is gone to that process, which commits nothing
     * ({@link SharedLock}; docs/vault-format.md §10).
     */
    public List<LockRecord> liveOtherThanRemovingStale(SharedLock own) {
        Instant cutoff = Instant.now().minus(STALE_AFTER);
        LockHolder here = LockHolder.current();
        long pid = ProcessHandle.current().pid();
        List<LockRecord> live = new ArrayList<>();
        try (Backend.Deletions deletions = backend.deletions()) { // durable before anything the lock kept goes
            for (LockFile f : listingShowing(own)) { // a listing that lags the store's writes decides nothing here either
                LockRecord l = f.lock();
                if (l == null || l.started().equals(own.started()) && l.pid() == pid) {
                    continue;
                }
                if (staleness(f, cutoff, here) == null) {
                    live.add(l);
                    continue;
                }
                try {
                    deletions.delete(f.name());
                    SharedLock.ABANDONED.remove(new SharedLock.Abandoned(backend.location(), f.name()));
                } catch (BackendException cannot) {
                    live.add(l); // left there, its process may resume and find it
                }
            }
        }
        return live;
    }

    /**
     * Work that runs with no other process in the repository: repair and key retirement write one index in place
     * of all and move packs; upgrade writes the config and the index anew; recover takes trees no snapshot
     * references for lost (a running backup's are); a key slot's removal reads the slots left and removes one (two at
     * once each removed the other's and left none).
     */
    public static final Set<String> RUNS_ALONE = Set.of("repair", "retire", "recover", "upgrade", Disposal.KIND, Repository.REMOVE_KEY_SLOT);

    /**
     * Work that deletes what another process's running work needs unless it sees that process's lock: a prune (condemned
     * packs a running backup deduplicated against, the orphan packs it is writing), and what {@link #RUNS_ALONE}.
     */
    static final Set<String> SEES_EVERY_LOCK = java.util.stream.Stream.concat(java.util.stream.Stream.of("prune"), RUNS_ALONE.stream())
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    /**
     * Work that runs one at a time, beside anything but itself and what runs alone: placing and releasing a legal
     * hold reads a hold record and writes it back, and two at once could leave one matter out of it.
     */
    public static final String HOLDS = "hold";

    /**
     * Work that runs one at a time, beside anything but itself and what runs alone: a copy's or tier's commit of its copies
     * into the target, which reads the snapshots another run committed since it last looked and commits only the copies
     * not there. Two runs into one target at once each read the target's snapshots once a batch and committed under the
     * shared backup lock, and 88–100 % of the snapshots were copied twice (a re-tester's). Held a few seconds at a time.
     */
    public static final String COPY_COMMIT = "copy-commit";

    /**
     * Kinds of work of which one runs at a time: {@link #HOLDS}, {@link #COPY_COMMIT}, and a key rotation, which reads the
     * keyring and writes it back with one epoch more (two at once each wrote their own key for the same epoch, the later
     * over the earlier, and what a backup had sealed under the earlier was lost: a helper's).
     */
    static final Set<String> ONE_AT_A_TIME = Set.of(HOLDS, COPY_COMMIT, "rotate");

    /**
     * Called by {@link Repository#lock} just after {@code own} is written: throws when its work may not go on beside the
     * other live locks. Work that {@link #RUNS_ALONE} goes on only when no other lock is live; anything else (a backup, a
     * copy, a restore, a forget) only while nothing that runs alone is, and work {@link #ONE_AT_A_TIME} while no other of
     * its kind is. Each process writes its lock before it looks, so of two starting at once the later sees the earlier:
     * one or both refuse, neither goes on blind. (Backups went on beside anything, and a backup that opened the
     * repository before a key retirement looked for locks, and took its own after, sealed its snapshot under the key the
     * retirement destroyed: a helper's.)
     */
    public void refuseConflicting(SharedLock own) {
        if (SEES_EVERY_LOCK.contains(own.kind())) {
            refuseWhereListingsAreKept(own.kind());
        }
        boolean alone = RUNS_ALONE.contains(own.kind());
        LockHolder here = LockHolder.current();
        // what runs alone goes ahead beside no process it passes over: a stale lock it leaves may be found by its process
        for (LockRecord l : alone ? liveOtherThanRemovingStale(own) : liveOtherThan(own)) {
            if (alone) {
                throw new Conflict(l.kind(), who(l, here) + " is working in the repository,"
                        + " and " + a(own.kind()) + " runs alone: run it again when nothing else runs");
            }
            if (RUNS_ALONE.contains(l.kind())) {
                throw new Conflict(l.kind(), who(l, here) + " runs alone in the repository: "
                        + own.kind() + " when it has finished");
            }
            if (ONE_AT_A_TIME.contains(own.kind()) && l.kind().equals(own.kind())) {
                throw new Conflict(l.kind(), switch (own.kind()) {
                    case HOLDS -> "legal holds are being changed (a hold, a release, or a tier forgetting what it moved)";
                    case COPY_COMMIT -> "another copy or tier is committing its copies";
                    default -> "another key rotation is running";
                } + " on " + holder(l, here) + ": run it again when that has finished");
            }
        }
    }

    /**
     * Refuses {@code kind}, work that {@link #SEES_EVERY_LOCK}, where the store's listings are kept for a while by the mount
     * it is reached through ({@link ListingCache}): they show this process's own lock, written through it, and lack the
     * lock another host's backup wrote meanwhile, so no wait for its own lock to show would tell (a tester's: a prune
     * through an rclone mount listed locks/ without a running backup's lock, and deleted the packs it referenced).
     */
    private void refuseWhereListingsAreKept(String kind) {
        if (listingCache == null) {
            listingCache = backend.localDirectory().map(ListingCache::of).orElse("");
        }
        if (!listingCache.isEmpty()) {
            throw new VaultException(kind + " refused: " + listingCache + ", so a lock another host's backup wrote meanwhile may be"
                    + " missing from its listing of locks/, and " + (RUNS_ALONE.contains(kind) ? a(kind) + ", which runs alone, would go"
                    + " on beside that backup" : "a prune would delete what that backup stores") + "; nothing was done: remount it with"
                    + " --dir-cache-time 0s, or run " + kind + " where the store is reached directly");
        }
    }

    /** {@link ListingCache#of} the repository's directory, "" where its listings are the store's; null until asked. */
    private volatile String listingCache;

    /** "a backup on " and its {@link #holder}, or for a lock file this process cannot read, which one. */
    private static String who(LockRecord l, LockHolder here) {
        return l.isUnread() ? "a process whose lock file " + l.host() + " this user cannot read (another user's; it counts as a running backup)"
                : a(l.kind()) + " on " + holder(l, here);
    }

    /**
     * The live lock files {@code vault unlock} keeps, each as "NAME: a backup on web-1 (pid 4711, user alice, its lock
     * refreshed …; when `vault unlock` removes it)" as a refusal names them, or for one this process cannot read "cannot read
     * lock NAME: permission denied; it counts as running": an operator told "1 live lock(s) kept" and nothing more could not
     * tell a running backup from a killed one's lock (a tester's).
     */
    public List<String> kept() {
        Instant cutoff = Instant.now().minus(STALE_AFTER);
        LockHolder here = LockHolder.current();
        return read().stream().filter(f -> f.lock() != null && staleness(f, cutoff, here) == null)
                .map(f -> f.unread() != null ? f.unread() + " (`vault unlock --remove-all` removes it; its user's or root's"
                        + " `vault unlock` reads it)" : f.name() + ": " + who(f.lock(), here)).toList();
    }

    /**
     * "web-1 (pid 4711)" for a lock whose process this one sees running; for any other, also when it was last refreshed
     * and when it goes stale, so the operator of a refused command knows whether to wait or to look at that host: a lock a
     * kill -9 or a power cut left on another host counts as live until then, and nothing here can tell it from a running
     * backup's (a re-tester's).
     */
    private static String holder(LockRecord l, LockHolder here) {
        String user = l.holder() == null ? "" : ", user " + org.opsledger.vault.OsUser.nameOf(l.holder().uid());
        if (l.holder() != null && l.holder().certainlyRunning(l.pid(), here)) {
            return l.host() + " (pid " + l.pid() + user + ")";
        }
        Duration since = Duration.between(l.refreshed(), Instant.now());
        return l.host() + " (pid " + l.pid() + user + ", its lock refreshed " + (since.isNegative() ? "ahead of this clock"
                : ago(since)) + "; if that process is gone, `vault unlock` removes the lock " + STALE_AFTER.toMinutes()
                + " min after its last refresh)";
    }

    /** "42 s ago", "3 min ago". */
    private static String ago(Duration d) {
        return d.toSeconds() < 120 ? d.toSeconds() + " s ago" : d.toMinutes() + " min ago";
    }

    /** Work refused beside another process's: {@code otherKind} is that one's lock. */
    public static final class Conflict extends VaultException {
        private final String otherKind;

        Conflict(String otherKind, String message) {
            super(message);
            this.otherKind = otherKind;
        }

        public String otherKind() {
            return otherKind;
        }
    }

    /**
     * "a backup", "an upgrade", "an ls" (said letter by letter: a key retire beside one said "a ls on HOST"): the article
     * before a command's name, a lock's kind or a journal entry's operation.
     */
    public static String a(String kind) {
        return ("aeiou".indexOf(kind.charAt(0)) >= 0 || kind.equals("ls") ? "an " : "a ") + kind;
    }

    /**
     * Lock files that are not as the vault writes them, each as "name: why: what it counts as" (for check): one that does
     * not read counts as no running backup or prune; one refreshed ahead of this clock counts as running.
     */
    public List<String> problems() {
        return read().stream().filter(f -> f.problem() != null).map(f -> f.name() + ": " + f.problem() + ": " + (f.lock() == null
                ? "not counted as a running backup or prune" : "counted as running, so a prune deletes nothing it condemned meanwhile"))
                .toList();
    }

    /**
     * The lock files this process cannot read (another user's, 0600), each as "cannot read lock NAME: why; it counts as
     * running": check and unlock name them.
     */
    public List<String> unread() {
        return read().stream().map(LockFile::unread).filter(java.util.Objects::nonNull).toList();
    }

    /** Removes lock files not refreshed for {@link #STALE_AFTER} or whose process has ended; ignored ones are left for the operator. */
    public int removeStale() {
        return remove(false, false).size();
    }

    /**
     * {@code vault unlock}: removes the lock files no process keeps (stale ones and ignored ones) and, with
     * {@code alsoLive}, the live ones too (only when no backup or prune is running: a prune that no longer
     * sees a backup's lock may delete what that backup is about to reference). Each removed file as "name: why".
     */
    public List<String> unlock(boolean alsoLive) {
        return unlock(alsoLive, true);
    }

    /**
     * As {@link #unlock(boolean)}; with {@code alsoLive} but not {@code evenRunningHere}, refused, nothing removed, while a
     * live lock's process runs on this host (the same boot and process table, the same start): `vault unlock --remove-all`
     * removed a running backup's lock, its output saying "live, backup on vm (pid N)", and the nightly prune deleted the
     * backup's packs as orphans (a tester's, h4). The docs said "only when nothing else runs": the vault holds to it where
     * it can tell.
     */
    public List<String> unlock(boolean alsoLive, boolean evenRunningHere) {
        if (alsoLive && !evenRunningHere) {
            LockHolder here = LockHolder.current();
            for (LockFile f : read()) {
                LockRecord l = f.lock();
                if (l != null && l.holder() != null && l.holder().certainlyRunning(l.pid(), here)) {
                    throw new VaultException("lock " + f.name() + " is " + a(l.kind()) + "'s on " + l.host() + " (pid " + l.pid()
                            + "), a process running on this host: a prune that no longer sees it may delete what it stores; stop"
                            + " that process, or give --even-if-running too; nothing was removed");
                }
            }
        }
        return remove(true, alsoLive);
    }

    /** Removes the stale lock files, and the ignored and the live ones if asked: each as "name: why". */
    private List<String> remove(boolean ignored, boolean live) {
        Instant cutoff = Instant.now().minus(STALE_AFTER);
        LockHolder here = LockHolder.current();
        List<String> removed = new ArrayList<>();
        try (Backend.Deletions deletions = backend.deletions()) { // durable together: one fsync of locks/, not one a lock file
            for (LockFile f : read()) {
                LockRecord l = f.lock();
                String stale = l == null ? null : staleness(f, cutoff, here);
                if (f.problem() != null ? ignored || live && l != null : stale != null || live) {
                    deletions.delete(f.name());
                    SharedLock.ABANDONED.remove(new SharedLock.Abandoned(backend.location(), f.name()));
                    removed.add(f.unread() != null ? f.unread() : f.name() + ": " + (f.problem() != null ? f.problem()
                            : (stale == null ? "live" : stale) + ", " + l.kind() + " on " + l.host() + " (pid " + l.pid() + "), refreshed " + l.refreshed()));
                }
            }
        }
        return removed;
    }

    /**
     * A lock file: its record, or why it is ignored; {@code unread} says why it could not be read, when it could not (its
     * record then {@link LockRecord#unread}: it counts as running, and only `vault unlock --remove-all` removes it).
     */
    private record LockFile(String name, LockRecord lock, String problem, String unread) {
    }

    /**
     * Every lock file still there. Lock files are plaintext that anyone able to write to the store can add: one that does
     * not parse or lacks a field the vault reads ({@link LockRecord#lacks}) is ignored (it would count as a backup running
     * for ever, and prune would never delete a condemned pack; one whose holder had no table stopped every command, and
     * `vault unlock` too: a helper's). One refreshed more than {@link #CLOCK_SKEW} ahead of this clock has a problem but counts: a host's
     * clock is wrong, and ignoring its backup's lock let a prune delete what that backup then referenced (a helper's);
     * `vault unlock` removes it, `vault check` names it.
     */
    private List<LockFile> read() {
        List<LockFile> out = new ArrayList<>();
        Instant latest = Instant.now().plus(CLOCK_SKEW);
        for (String name : Repository.filesDirectlyIn(backend, "locks")) {
            LockRecord l;
            try {
                l = VaultJson.read(backend.read(name), LockRecord.class);
            } catch (MissingFileException released) {
                continue; // released between list and read
            } catch (BackendException e) {
                // another user's (0600), or a store that failed: its backup may be running. Skipped, a prune deleted the
                // packs a running backup had written, which then said "saved" (a tester's)
                out.add(new LockFile(name, LockRecord.unread(name), null, "cannot read lock " + name + ": "
                        + (e instanceof PermissionDeniedException ? "permission denied" : e.getMessage()) + "; it counts as running"));
                continue;
            } catch (JacksonException e) {
                out.add(new LockFile(name, null, "unreadable (" + e.getOriginalMessage() + ")", null));
                continue;
            } catch (VaultException e) {
                // a cancelled read is no unreadable lock: ignored so, a running backup's let a prune delete what it stored
                org.opsledger.vault.Cancelled.passOn(e, "the reading of the locks");
                out.add(new LockFile(name, null, "unreadable (" + e.getMessage() + ")", null)); // too large to be a lock
                continue;
            }
            String lacks = LockRecord.lacks(l);
            if (lacks != null) {
                out.add(new LockFile(name, null, "incomplete (" + lacks + ")", null));
            } else if (l.refreshed().isAfter(latest)) {
                out.add(new LockFile(name, l, "refreshed " + l.refreshed() + ", more than " + CLOCK_SKEW.toMinutes()
                        + " minutes ahead of this clock", null));
            } else {
                out.add(new LockFile(name, l, null, null));
            }
        }
        return out;
    }
}
