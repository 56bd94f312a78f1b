package org.opsledger.cli.vault;

import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.opsledger.cli.CliException;
import org.opsledger.cli.Ending;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.journal.Journal;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.repository.Repository;

/**
 * A command's entry in the repository's journal (docs/vault-format.md §13), written as the command ends while the
 * repository is still open: how it ended, and the line it ended with. A command stopped by SIGTERM, Ctrl-C or SIGHUP
 * before it ended (a scheduler's timeout) is recorded as it goes down, naming the signal and what it was working on. A repository that cannot
 * take the entry (a read-only medium, a full disk, a store gone away) gets a warning on stderr, and the command's own
 * outcome stands; one whose format keeps no journal gets none (`vault check` says so once), but one whose config was set
 * back to such a format while its journal/ holds entries refuses the command as it begins ({@link Journal#setBack}). Closed when the command
 * ends, whatever way: only a signal, never an exit, writes the stopped entry.
 */
final class Journaling implements AutoCloseable {

    /** The status recorded when the JVM's own handler stopped the command (StopSignal could not take the signal): SIGTERM's. */
    private static final int STOPPED_UNKNOWN = 143;
    /** The status a shell reports for a command SIGKILL ended: a stand-in entry's. */
    private static final int KILLED = 137;

    private final Repository repo;
    private final JournalEntry.Operation operation;
    private final List<String> paths;
    private final List<ObjectId> snapshots;
    private final Instant started = Instant.now();
    private boolean written; // guarded by this
    /** journal/<id> of the entry that stands for this command until its own is written; null when there is none. */
    private String standIn; // guarded by this
    private volatile boolean closed;
    private Runnable releaseKeys = () -> { };
    private final Thread onSignal;
    /** The line a signal makes the command say, unless the command registered one of its own after this. */
    private final Output.Said told;
    /** What a stopped command calls itself, and what to do then; null: its operation, and nothing. */
    private final Named named;
    /** The root trees a rewrite replaced, which its entry names ({@link JournalEntry#replacedTrees}). */
    private volatile List<ObjectId> replacedTrees = List.of();
    /** The last pack a subset check read, which its entry names ({@link JournalEntry#readTo}). */
    private volatile ObjectId readTo;
    /** The packs a check found damaged, which its entry names ({@link JournalEntry#damagedPacks}). */
    private volatile List<ObjectId> damagedPacks = List.of();
    /** The entries a check read that no check before it named, which its entry names ({@link JournalEntry#covers}). */
    private volatile List<String> covers = List.of();
    /** The entries checks named that a repair's moves under damaged/ left out ({@link JournalEntry#lostEntries}). */
    private volatile List<String> lostEntries = List.of();
    /** What the command's own end did that its entry says after its line ({@link #noting}). */
    private volatile Supplier<java.util.Optional<String>> note = java.util.Optional::empty;

    /**
     * A command in its words ("key retire 1") and what running it again does once stopped (null where it finishes
     * nothing): a key retirement a scheduler's timeout stopped said "key stopped by SIGTERM before it ended", neither which
     * operation nor that the next run finishes it (h3's repro-4).
     */
    record Named(String words, String again) {
    }

    /**
     * "stopped by SIGTERM before it ended", the journal's detail of a command a signal stopped, after its words when it
     * was given them: "key retire 1 stopped by SIGTERM before it ended: run it again to finish it".
     */
    private String stoppedBy(String signal) {
        String stopped = "stopped by " + signal + " before it ended";
        return named == null ? stopped : named.words() + " " + stopped + (named.again() == null ? "" : ": " + named.again());
    }

    /** @param paths, snapshots what the command works on: what an entry of a stopped command names */
    Journaling(Repository repo, JournalEntry.Operation operation, List<String> paths, List<ObjectId> snapshots) {
        this(repo, operation, null, paths, snapshots);
    }

    /**
     * @param named the command in its words, where its operation says too little ("key retire 1", "key remove 1a2b3c4d"),
     *              and what to do about it once stopped where there is something: a stopped command's line and entry name it
     */
    Journaling(Repository repo, JournalEntry.Operation operation, Named named, List<String> paths, List<ObjectId> snapshots) {
        Journal journal = new Journal(repo);
        // a config set back to a format that keeps no journal refuses the command before it begins (h2's repro-6): check
        // reports it, upgrade sets it right
        boolean kept = operation == JournalEntry.Operation.CHECK || operation == JournalEntry.Operation.UPGRADE ? journal.configKeepsIt() : journal.kept();
        this.repo = repo;
        this.operation = operation;
        this.named = named;
        this.paths = paths;
        this.snapshots = snapshots;
        this.onSignal = new Thread(this::stopped, "journal-on-signal");
        // a prune, copy or key retirement a scheduler's timeout stopped said nothing on stderr (a re-tester's)
        this.told = Output.whenStopped(() -> "opsledger: " + (named == null ? operation.json() + " " : "") + stoppedBy(Output.stoppedBy()));
        if (kept) {
            // the repository's keys outlive its close() until the entry is written: the hook may write it after
            releaseKeys = repo.holdKeys();
            StopSignal.install();
            Runtime.getRuntime().addShutdownHook(onSignal);
        }
    }

    /**
     * The entry of a command that ended without writing its own: one that ran out of heap or stack says so, with its exit
     * code; one a signal stopped, the status a shell reports for it (SIGTERM 143, Ctrl-C 130), and which it was. A command
     * that ended as it should and wrote none (a dry run) gets none here either.
     */
    private void stopped() {
        org.opsledger.vault.backend.ThrottledBackend.lift(repo.backend()); // the entry now, not behind the transfers the command's workers had paced (--limit-*)
        var ending = Ending.reason();
        var signal = StopSignal.received();
        if (ending.isPresent() || signal.isPresent() || !closed) {
            // what the command committed (a copy, a tier) goes on to the end of the commit under way, and no further: the
            // entry names all of it (vault-format.md §13)
            org.opsledger.vault.repository.SharedLock.releaseAllOnTheWayOut();
        }
        if (ending.isPresent()) {
            write(JournalEntry.Outcome.FAILED, paths, snapshots, false, ending.get().exitCode(), ending.get().line());
            return;
        }
        if (signal.isPresent() || !closed) {
            write(JournalEntry.Outcome.FAILED, paths, snapshots, false, signal.map(StopSignal::exitCode).orElse(STOPPED_UNKNOWN),
                    stoppedBy(signal.map(StopSignal::describe).orElse("a signal")));
        }
    }

    /**
     * The entry names {@code trees} as the root trees the command (a rewrite) replaced, or is about to (a stand-in written
     * after this, and a stopped command's entry, name them too): recover leaves them alone for good.
     */
    void replacing(List<ObjectId> trees) {
        replacedTrees = List.copyOf(trees);
    }

    /**
     * The entry's detail ends with what {@code note} returns ("; " and it), asked as the entry is written, whichever way
     * the command ended: a backup's --stdin-from-command processes it killed or could not end (IS.012 6.6.5). On a stop
     * signal this journal's hook asks it, beside the hook that does that end: {@code note} waits for that end then, or
     * does it.
     */
    void noting(Supplier<java.util.Optional<String>> note) {
        this.note = note;
    }

    /** The entry names {@code pack} as the last its subset check read: the next goes on after it. */
    void readTo(ObjectId pack) {
        readTo = pack;
    }

    /** The entry names {@code packs} as those the check found damaged or missing: later checks recall them. */
    void damaging(List<ObjectId> packs) {
        damagedPacks = List.copyOf(packs);
    }

    /** The entry names {@code entries} as those the check read that no check before it named: later checks find them gone. */
    void covering(List<String> entries) {
        covers = List.copyOf(entries);
    }

    /** The entry names {@code entries} as those checks named that the repair's moves of damaged journal files left out. */
    void losing(List<String> entries) {
        lostEntries = List.copyOf(entries);
    }

    /**
     * Writes the command's entry, unless a signal is stopping the JVM: the work fails then because the JVM is ending (a
     * lock released on the way out), and the entry that says so is the one the shutdown hook writes.
     */
    void ended(JournalEntry.Outcome outcome, List<String> paths, List<ObjectId> snapshots, boolean verified, int exitCode, String detail) {
        if (StopSignal.received().isEmpty()) {
            if (outcome != JournalEntry.Outcome.FAILED) { // said should its report be lost: the exit code stands, as the journal has it
                org.opsledger.cli.Stdout.did(detail);
            }
            write(outcome, paths, snapshots, verified, exitCode, detail);
        }
    }

    /** Synchronized: a hook that runs while the command writes its end waits for it, and the JVM halts after hooks. */
    private synchronized void write(JournalEntry.Outcome outcome, List<String> paths, List<ObjectId> snapshots, boolean verified,
                                    int exitCode, String detail) {
        Journal journal = new Journal(repo);
        if (!journal.configKeepsIt() || written) { // set back: refused as it began
            return; // one entry per command: the end it reached, or the signal that came first
        }
        written = true;
        try {
            String noted = note.get().map(n -> detail + "; " + n).orElse(detail);
            journal.record(JournalEntry.of(operation, outcome, started, paths, snapshots, verified, exitCode, noted).replacing(replacedTrees)
                    .readingTo(readTo).damaging(damagedPacks).covering(covers).losing(lostEntries));
        } catch (RuntimeException e) {
            Output.err().println("warning: the journal entry of this " + operation.json() + " was not written: " + e.getMessage());
            return; // the stand-in says what it can
        } catch (OutOfMemoryError e) { // the hook of a command the heap watch ended: the heap is still full (a helper's)
            return; // nothing can be written now: the stand-in, written before, says the command did not end
        } finally {
            releaseKeys.run(); // the one entry is written or failed: a close() of the repository may zero its keys
        }
        if (standIn != null) {
            takeBack(standIn);
        }
    }

    /** Deletes the stand-in {@code name}. */
    private void takeBack(String name) {
        try {
            repo.backend().delete(name);
        } catch (RuntimeException e) {
            // gathered into a segment by another host's prune meanwhile: it stays, saying the command did not end
        }
    }

    /**
     * Writes now an entry that stands for the command should it be killed outright (SIGKILL, a power cut: no hook runs),
     * naming {@code planned}, what it is about to delete (or, a tier in the long-term repository, the copies it committed);
     * taken back once the command's own entry is written. A forget killed so left no entry, and check warned from then on
     * that the snapshots it removed were deleted from the store (a helper's). A stand-in written before is taken back once
     * this one is written. Returns the stand-in's file name (a prune the command runs leaves it alone), or null without a
     * journal.
     */
    synchronized String standIn(List<ObjectId> planned, String detail) {
        if (!JournalEntry.STOOD_IN_FOR.contains(operation)) { // a reading takes back no other's (JournalEntry.STOOD_IN_FOR)
            throw new IllegalStateException("a " + operation.json() + " writes no stand-in: add it to JournalEntry.STOOD_IN_FOR");
        }
        Journal journal = new Journal(repo);
        if (!journal.configKeepsIt() || written) { // set back: refused as it began
            return null;
        }
        ObjectId id = journal.record(JournalEntry.of(operation, JournalEntry.Outcome.FAILED, started, paths, planned, false, KILLED,
                JournalEntry.UNFINISHED + detail).replacing(replacedTrees)); // a rewrite's: what recover leaves alone (§12)
        String before = standIn;
        standIn = Journal.DIR + "/" + id.hex();
        if (before != null) {
            takeBack(before);
        }
        return standIn;
    }

    /**
     * Runs the command's work: a failure is recorded as {@link #failed} and thrown on, a result as an ok entry whose line
     * is {@code line} of it; both name the paths and snapshots the command was given.
     */
    <T> T run(Supplier<T> work, Function<T, String> line) {
        T result = orFailed(work);
        ended(JournalEntry.Outcome.OK, paths, snapshots, false, 0, line.apply(result));
        return result;
    }

    /**
     * Finds the snapshot the command is given, inside its entry: an ID that matches none, or a prefix that matches
     * several, is a failed entry (a hold, release, forget, restore or dump of one left none: a helper's), and the one
     * found is named. {@code snapshots} given to this entry must take it.
     */
    <T> T find(Supplier<T> find, Function<T, ObjectId> id) {
        T found = orFailed(find);
        snapshots.add(id.apply(found));
        return found;
    }

    /** What {@code work} returns; a failure of it is recorded as {@link #failed} and thrown on. */
    private <T> T orFailed(Supplier<T> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            throw failed(e);
        }
    }

    /**
     * Records {@code failure} as the command will report it (its one line, its exit code), naming what the command was
     * given, and returns it to be thrown.
     */
    <E extends Exception> E failed(E failure) {
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        var ending = Ending.of(failure); // a worker out of heap: exit 4 and the line that names the remedy, as the command says
        ended(JournalEntry.Outcome.FAILED, paths, snapshots, false, ending.map(Ending.Reason::exitCode).orElse(
                failure instanceof CliException c ? c.exitCode() : 1), ending.map(Ending.Reason::line).orElse(message));
        return failure;
    }

    /** Writes no entry, now or on a signal: the repository can no longer take one (its keys were destroyed). */
    synchronized void forgo() {
        written = true;
        releaseKeys.run();
    }

    /**
     * The command is done with the repository. Its hook stays while no entry was written: an out-of-memory error or a
     * stack overflow passes the commands' handlers (they take exceptions) and ends the JVM after this, and the hook then
     * records it (`forget --prune` out of heap in its prune left a removed snapshot named nowhere: a helper's).
     */
    @Override
    public void close() {
        told.close();
        synchronized (this) {
            closed = true;
            if (!written) {
                return;
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(onSignal);
        } catch (IllegalStateException ending) {
            // the JVM is already going down: the hook writes what stopped the command, unless its end was written
        }
    }
}
