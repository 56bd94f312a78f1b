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
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.VaultJson;
import org.opsledger.vault.backend.BackendException;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.crypto.Sealing;
import org.opsledger.vault.repository.Repository;
import tools.jackson.databind.JsonNode;

/**
 * The repository's journal (docs/vault-format.md §13): {@code journal/<file-id>}, sealed files named by the SHA-256 of
 * their stored bytes as snapshot files are. A command writes one {@link JournalEntry} as it ends, in a file of its own,
 * without a lock (its name is its own, as a snapshot's is); prune gathers those files into one {@link Segment}
 * ({@link #compact()}), so the journal stays a few files however many runs it records. Never deleted by forget or prune,
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
     * entries there are in all; and the newest verified restore among all of them ({@code newestVerifiedRestore}, null
     * when there is none).
     */
    public record Listing(List<JournalEntry> entries, List<String> unreadable, long total, JournalEntry newestVerifiedRestore) {

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
     * A file of the journal that holds many entries: written by {@link #compact()} from the one-entry files named in
     * {@code compacted} (their file IDs), which it then deletes. Until they are deleted (a compaction stopped between
     * the two) a reader takes those entries from here alone.
     */
    public record Segment(List<String> compacted, List<JournalEntry> entries) {
    }

    /** Files read at once: on S3 each is a GET of ≈1 ms over loopback, and years of runs are thousands of them. */
    static final int READERS = 8;

    /** Every entry ({@link #read(Predicate)} keeping them all). */
    public Listing read() {
        return read(e -> true);
    }

    /**
     * Every file of the journal, read {@link #READERS} at a time; of the entries, those {@code keep} selects are kept
     * (all are counted and looked at for the newest verified restore), so a journal of years of hourly runs is read in
     * the memory of what is kept. A damaged or undecryptable file is named in {@code unreadable} and hides none of the
     * others; a store that fails is an error, never a shorter journal.
     */
    public Listing read(Predicate<JournalEntry> keep) {
        Set<String> present = new HashSet<>();
        for (String name : repo.backend().list(DIR)) {
            present.add(name.substring(name.lastIndexOf('/') + 1));
        }
        List<JournalEntry> out = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        Set<String> inSegments = new HashSet<>(); // one-entry files a segment holds, of those present: read from the segment
        Map<String, JournalEntry> singles = new HashMap<>();
        long[] total = {0};
        JournalEntry[] newest = {null};
        Consumer<JournalEntry> take = e -> {
            total[0]++;
            if (e.verifiedRestore() && (newest[0] == null || e.finished().isAfter(newest[0].finished()))) {
                newest[0] = e;
            }
            if (keep.test(e)) {
                out.add(e);
            }
        };
        eachFile(present, (name, read) -> {
            if (read.problem() != null) {
                bad.add(read.problem());
            } else if (read.single() != null) {
                singles.put(name, read.single());
            } else if (read.segment() != null) {
                read.segment().compacted().stream().filter(present::contains).forEach(inSegments::add);
                read.segment().entries().forEach(take);
            }
        });
        singles.forEach((name, e) -> {
            if (!inSegments.contains(name)) {
                take.accept(e);
            }
        });
        out.sort(Comparator.comparing(JournalEntry::started));
        return new Listing(out, bad, total[0], newest[0]);
    }

    /** What {@link #compact()} did: the one-entry files it wrote into a new segment, and those it deleted. */
    public record Compaction(int entries, int filesDeleted) {
    }

    /**
     * Writes every one-entry file of the journal into one new segment, then deletes them (prune calls it): the journal
     * stays a few files however many runs it records. Runs beside backups that write entries (a file written after the
     * listing is left for the next compaction); a one-entry file that an earlier segment holds already (a compaction
     * stopped before its deletes) is deleted without being written again. Does nothing where the format keeps no journal.
     */
    public Compaction compact() {
        if (!kept()) {
            return new Compaction(0, 0);
        }
        Set<String> present = new HashSet<>();
        for (String name : repo.backend().list(DIR)) {
            present.add(name.substring(name.lastIndexOf('/') + 1));
        }
        Set<String> inSegments = new HashSet<>();
        Map<String, JournalEntry> singles = new TreeMap<>();
        eachFile(present, (name, read) -> {
            if (read.single() != null) {
                singles.put(name, read.single());
            } else if (read.segment() != null) {
                inSegments.addAll(read.segment().compacted());
            }
        });
        List<String> compacted = new ArrayList<>();
        List<JournalEntry> entries = new ArrayList<>();
        singles.forEach((name, e) -> {
            if (!inSegments.contains(name)) {
                compacted.add(name);
                entries.add(e);
            }
        });
        if (singles.size() < 2 && compacted.size() == singles.size()) {
            return new Compaction(0, 0); // one entry is its own segment
        }
        if (!entries.isEmpty()) {
            entries.sort(Comparator.comparing(JournalEntry::started));
            repo.writeSealed(DIR, Sealing.Kind.JOURNAL, new Segment(compacted, entries)); // first: the entries are never in no file
        }
        for (String name : singles.keySet()) {
            repo.backend().delete(DIR + "/" + name);
        }
        return new Compaction(entries.size(), singles.size());
    }

    /** One file of the journal: one entry, a segment, or the line that says why it cannot be read; none when it went since listed. */
    private record Read(JournalEntry single, Segment segment, String problem) {
    }

    /** Reads each file named in {@code present}, {@link #READERS} at a time, and hands each to {@code each} in name order. */
    private void eachFile(Set<String> present, BiConsumer<String, Read> each) {
        List<String> names = new ArrayList<>(present);
        names.sort(null);
        try (ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(READERS, names.size())), r -> {
            Thread t = new Thread(r, "vault-journal");
            t.setDaemon(true);
            return t;
        })) {
            List<Future<Read>> pending = new ArrayList<>(names.size());
            for (String name : names) {
                pending.add(pool.submit(() -> readOne(DIR + "/" + name)));
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
            JsonNode json = repo.readSealed(name, sealed, Sealing.Kind.JOURNAL, JsonNode.class);
            return json.has("entries") ? new Read(null, VaultJson.MAPPER.treeToValue(json, Segment.class), null)
                    : new Read(VaultJson.MAPPER.treeToValue(json, JournalEntry.class), null, null);
        } catch (BackendException e) {
            if (!repo.backend().exists(name)) {
                return new Read(null, null, null); // sealed again by a key retirement, or compacted, since it was listed
            }
            throw e;
        } catch (RuntimeException e) {
            return new Read(null, null, name + ": " + (e instanceof VaultException ? e.getMessage()
                    : "unreadable (" + e.getClass().getSimpleName() + ")"));
        }
    }
}
