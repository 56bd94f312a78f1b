package org.opsledger.vault.journal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.backend.BackendException;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.crypto.Sealing;
import org.opsledger.vault.repository.Repository;

/**
 * The repository's journal (docs/vault-format.md §13): {@code journal/<file-id>}, sealed files named by the SHA-256 of
 * their stored bytes as snapshot files are. A command writes one {@link JournalEntry} as it ends, in a file of its own,
 * without a lock (its name is its own, as a snapshot's is); prune gathers those files into {@link Segment}s under
 * {@code journal/segments/} ({@link #compact()}), so the journal stays a few files however many runs it records. Never deleted by forget or prune,
 * sealed again by a key retirement; the journal ends with the repository ({@code vault dispose}). Entries sealed with the
 * repository's keys cannot be forged without a password, but one deleted from the store leaves no trace here: the
 * server's audit ledger is the record that proves nothing is missing.
 */
public final class Journal {

    /** The directory of the entries. */
    public static final String DIR = "journal";
    /** The first repository format that keeps a journal: builds of format 3 would neither read nor re-seal it. */
    public static final int FORMAT = 4;
    /**
     * The longest a recovery may go untested: the policy's 2.11 asks for backup and recovery procedures to be tested
     * semi-annually at a minimum (IS.012 6.6.4: at least annually).
     */
    public static final Duration TEST_EVERY = Duration.ofDays(183);

    private final Repository repo;

    public Journal(Repository repo) {
        this.repo = repo;
    }

    /** Whether this repository's format keeps a journal; {@code vault upgrade} moves an older one to a format that does. */
    public boolean kept() {
        return repo.config().version() >= FORMAT;
    }

    /** Writes an entry; refused in a repository whose format keeps no journal. */
    public ObjectId record(JournalEntry entry) {
        if (!kept()) {
            throw new VaultException(notKept());
        }
        return repo.writeSealed(DIR, Sealing.Kind.JOURNAL, entry);
    }

    /** Why there is no journal to read or write here. */
    public String notKept() {
        return "this repository's format (" + repo.config().version() + ") keeps no journal of backups, restores and checks"
                + " (IS.012 6.6.5): `vault upgrade` moves it to format " + FORMAT + " or later";
    }

    /**
     * What a read found: the entries it kept, oldest first; one line for each file that could not be read; how many
     * entries there are in all; the newest verified restore among all of them ({@code newestVerifiedRestore}, null
     * when there is none); and, for each source (host and paths) whose newest backup failed, that failure, oldest
     * first: a backup that keeps failing while older snapshots stand (IS.012 6.6.5).
     */
    public record Listing(List<JournalEntry> entries, List<String> unreadable, long total, JournalEntry newestVerifiedRestore,
                          List<JournalEntry> failingBackups) {

        /** One line for each source whose newest backup failed, for check and `vault journal`. */
        public List<String> failingBackupWarnings() {
            return failingBackups.stream().map(e -> "the newest backup of " + String.join(" ", e.paths()) + " on " + e.host()
                    + " failed (" + e.started().toString().substring(0, 19).replace('T', ' ') + " UTC): " + e.detail()
                    + " (IS.012 6.6.5; `vault journal --failed`)").toList();
        }

        /** The newest restore proved byte for byte, if any (IS.012 6.6.4, policy 2.11). */
        public Optional<JournalEntry> lastVerifiedRestore() {
            return Optional.ofNullable(newestVerifiedRestore);
        }

        /** True when no restore was verified within {@link #TEST_EVERY} before {@code now}. */
        public boolean recoveryUntested(Instant now) {
            return lastVerifiedRestore().map(e -> e.finished().isBefore(now.minus(TEST_EVERY))).orElse(true);
        }

        /** What to tell the operator when {@link #recoveryUntested}, else null. */
        public String recoveryWarning(Instant now) {
            if (!recoveryUntested(now)) {
                return null;
            }
            return lastVerifiedRestore()
                    .map(e -> "the last verified restore in the journal ended " + e.finished().toString().substring(0, 10)
                            + ", more than six months ago")
                    .orElse("the journal records no verified restore")
                    + ": the policy (2.11) asks for recovery to be tested every six months, IS.012 6.6.4 at least yearly"
                    + " (`vault restore SNAPSHOT --target DIR --verify`)";
        }
    }

    /**
     * A file of the journal that holds many entries ({@link #SEGMENTS}): written by {@link #compact()} from the one-entry
     * files named in {@code compacted} (their file IDs), which it then deletes. Until they are deleted (a compaction
     * stopped between the two) a reader takes those entries from here alone.
     */
    public record Segment(List<String> compacted, List<JournalEntry> entries) {
    }

    /** Where segments are, apart from the one-entry files: each kind is read knowing which it is. */
    public static final String SEGMENTS = DIR + "/segments";
    /** The most entries one segment holds (≈6 MB of JSON at most): a backlog of years is gathered into several. */
    public static final int SEGMENT_MAX = 10_000;

    /** Files read at once: on S3 each is a GET of ≈1 ms over loopback, and years of runs are thousands of them. */
    static final int READERS = 8;

    /** Every entry ({@link #read(Predicate)} keeping them all). */
    public Listing read() {
        return read(e -> true);
    }

    /**
     * Every file of the journal, read {@link #READERS} at a time, segments first; of the entries, those {@code keep}
     * selects are kept (all are counted and looked at for the newest verified restore), so a journal of years of
     * hourly runs is read in the memory of what is kept. A damaged or undecryptable file is named in {@code unreadable}
     * and hides none of the others; a store that fails is an error, never a shorter journal.
     */
    public Listing read(Predicate<JournalEntry> keep) {
        Listed files = listed();
        List<JournalEntry> out = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        long[] total = {0};
        JournalEntry[] newest = {null};
        Map<List<String>, JournalEntry> newestBackups = new HashMap<>(); // by host and paths: a few per host
        Consumer<JournalEntry> take = e -> {
            total[0]++;
            if (e.verifiedRestore() && (newest[0] == null || e.finished().isAfter(newest[0].finished()))) {
                newest[0] = e;
            }
            if (e.operation() == JournalEntry.Operation.BACKUP) {
                List<String> source = new ArrayList<>(e.paths());
                source.sort(null); // a snapshot lists its paths sorted, a failed backup as they were given
                source.addFirst(e.host());
                newestBackups.merge(source, e, (a, b) -> b.started().isAfter(a.started()) ? b : a);
            }
            if (keep.test(e)) {
                out.add(e);
            }
        };
        Set<String> inSegments = new HashSet<>(); // one-entry files still present that a segment holds: read from the segment
        eachFile(files.segments(), (name, read) -> {
            if (read.problem() != null) {
                bad.add(read.problem());
            } else if (read.segment() != null) {
                read.segment().compacted().stream().filter(files.singleIds()::contains).forEach(inSegments::add);
                read.segment().entries().forEach(take);
            }
        });
        eachFile(files.singles(), (name, read) -> {
            if (read.problem() != null) {
                bad.add(read.problem());
            } else if (read.single() != null && !inSegments.contains(idPart(name))) {
                take.accept(read.single());
            }
        });
        out.sort(Comparator.comparing(JournalEntry::started));
        List<JournalEntry> failing = newestBackups.values().stream().filter(e -> e.outcome() == JournalEntry.Outcome.FAILED)
                .sorted(Comparator.comparing(JournalEntry::started)).toList();
        return new Listing(out, bad, total[0], newest[0], failing);
    }

    /** What {@link #compact()} did: the one-entry files it wrote into new segments, and those it deleted. */
    public record Compaction(int entries, int filesDeleted) {
    }

    /** {@link #compact(int)} with {@link #SEGMENT_MAX} entries to a segment. */
    public Compaction compact() {
        return compact(SEGMENT_MAX);
    }

    /**
     * Writes the one-entry files of the journal into segments of at most {@code perSegment} entries, each before the
     * files it holds are deleted (prune calls it): the journal stays a few files however many runs it records, and the
     * work holds one segment's entries at a time. Runs beside backups that write entries (a file written after the
     * listing is left for the next compaction); a one-entry file that a segment holds already (a compaction stopped
     * before its deletes) is deleted without being written again; one that cannot be read is left for check and repair.
     * A single one-entry file is left as it is. Does nothing where the format keeps no journal.
     */
    public Compaction compact(int perSegment) {
        if (perSegment < 1) {
            throw new IllegalArgumentException("a segment holds at least one entry, got " + perSegment);
        }
        if (!kept()) {
            return new Compaction(0, 0);
        }
        Listed files = listed();
        if (files.singles().size() < 2) {
            return new Compaction(0, 0);
        }
        Set<String> inSegments = new HashSet<>();
        eachFile(files.segments(), (name, read) -> {
            if (read.segment() != null) {
                read.segment().compacted().stream().filter(files.singleIds()::contains).forEach(inSegments::add);
            }
        });
        int[] gathered = {0};
        int[] deleted = {0};
        List<String> batchNames = new ArrayList<>();
        List<String> batchIds = new ArrayList<>();
        List<JournalEntry> batch = new ArrayList<>();
        Runnable flush = () -> {
            if (!batch.isEmpty()) {
                List<JournalEntry> sorted = new ArrayList<>(batch);
                sorted.sort(Comparator.comparing(JournalEntry::started));
                repo.writeSealed(SEGMENTS, Sealing.Kind.JOURNAL, new Segment(List.copyOf(batchIds), sorted)); // first: never in no file
                gathered[0] += batch.size();
            }
            for (String name : batchNames) {
                repo.backend().delete(name);
                deleted[0]++;
            }
            batchNames.clear();
            batchIds.clear();
            batch.clear();
        };
        eachFile(files.singles(), (name, read) -> {
            if (read.single() == null) {
                return; // unreadable (check names it, repair moves it), or gone since listed
            }
            batchNames.add(name);
            if (!inSegments.contains(idPart(name))) {
                batchIds.add(idPart(name));
                batch.add(read.single());
            }
            if (batch.size() == perSegment) {
                flush.run();
            }
        });
        flush.run();
        return new Compaction(gathered[0], deleted[0]);
    }

    /** The journal's files as listed: segments, one-entry files, and the IDs of the latter. */
    private record Listed(List<String> segments, List<String> singles, Set<String> singleIds) {
    }

    private Listed listed() {
        List<String> segments = new ArrayList<>();
        List<String> singles = new ArrayList<>();
        Set<String> singleIds = new HashSet<>();
        for (String name : repo.backend().list(DIR)) { // sorted
            if (name.startsWith(SEGMENTS + "/")) {
                segments.add(name);
            } else {
                singles.add(name);
                singleIds.add(idPart(name));
            }
        }
        return new Listed(segments, singles, singleIds);
    }

    private static String idPart(String name) {
        return name.substring(name.lastIndexOf('/') + 1);
    }

    /** One file of the journal: one entry, a segment, or the line that says why it cannot be read; none when it went since listed. */
    private record Read(JournalEntry single, Segment segment, String problem) {
    }

    /** Reads each file of {@code names}, {@link #READERS} at a time, and hands each to {@code each} in their order. */
    private void eachFile(List<String> names, BiConsumer<String, Read> each) {
        if (names.isEmpty()) {
            return;
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(Math.min(READERS, names.size()), r -> {
            Thread t = new Thread(r, "vault-journal");
            t.setDaemon(true);
            return t;
        })) {
            List<Future<Read>> pending = new ArrayList<>(names.size());
            for (String name : names) {
                pending.add(pool.submit(() -> readOne(name)));
            }
            for (int i = 0; i < names.size(); i++) {
                Read read = pending.get(i).get();
                pending.set(i, null); // handed on: a segment's entries are not held past it
                each.accept(names.get(i), read);
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new VaultException("reading the journal failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VaultException("interrupted while reading the journal");
        }
    }

    private Read readOne(String name) {
        ObjectId id = Repository.idOfName(name);
        if (id == null) {
            return new Read(null, null, name + ": not named by its SHA-256 (not written by the vault)");
        }
        try {
            byte[] sealed = repo.backend().read(name);
            if (!Sealing.sha256(sealed).equals(id)) {
                return new Read(null, null, name + ": does not match its SHA-256 name (damaged or altered)");
            }
            return name.startsWith(SEGMENTS + "/") ? new Read(null, repo.readSealed(name, sealed, Sealing.Kind.JOURNAL, Segment.class), null)
                    : new Read(repo.readSealed(name, sealed, Sealing.Kind.JOURNAL, JournalEntry.class), null, null);
        } catch (BackendException e) {
            if (!repo.backend().exists(name)) {
                return new Read(null, null, null); // sealed again by a key retirement, or gathered, since it was listed
            }
            throw e;
        } catch (RuntimeException e) {
            return new Read(null, null, name + ": " + (e instanceof VaultException ? e.getMessage()
                    : "unreadable (" + e.getClass().getSimpleName() + ")"));
        }
    }
}
