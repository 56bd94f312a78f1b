package org.opsledger.vault.journal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.backend.BackendException;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.crypto.Sealing;
import org.opsledger.vault.repository.Repository;

/**
 * The repository's journal (docs/vault-format.md §13): {@code journal/<file-id>}, one sealed {@link JournalEntry}
 * per operation, named by the SHA-256 of its stored bytes as snapshot files are. An entry is written without a lock
 * (its name is its own, as a snapshot's is), never by forget or prune deleted, and sealed again by a key retirement;
 * the journal ends with the repository ({@code vault dispose}). Entries sealed with the repository's keys cannot be
 * forged without a password, but one deleted from the store leaves no trace here: the server's audit ledger is the
 * record that proves nothing is missing.
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

    /** The entries that could be read, oldest first, and one line for each file that could not. */
    public record Listing(List<JournalEntry> entries, List<String> unreadable) {

        /** The newest restore proved byte for byte, if any (IS.012 6.6.4, policy 2.11). */
        public Optional<JournalEntry> lastVerifiedRestore() {
            return entries.reversed().stream().filter(JournalEntry::verifiedRestore).findFirst();
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

    /** Entries read at once: on S3 each is a GET of ≈1 ms over loopback, and ten years of runs are thousands of them. */
    static final int READERS = 8;

    /**
     * Every entry, read {@link #READERS} at a time: a damaged or undecryptable file is named in {@code unreadable} and
     * hides none of the others; a store that fails is an error, never a shorter journal.
     */
    public Listing read() {
        List<String> names = repo.backend().list(DIR);
        List<Read> read = new ArrayList<>(names.size());
        try (ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(READERS, names.size())), r -> {
            Thread t = new Thread(r, "vault-journal");
            t.setDaemon(true);
            return t;
        })) {
            List<Future<Read>> pending = new ArrayList<>(names.size());
            for (String name : names) {
                pending.add(pool.submit(() -> readOne(name)));
            }
            for (Future<Read> f : pending) {
                read.add(f.get());
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new VaultException("reading the journal failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VaultException("interrupted while reading the journal");
        }
        List<JournalEntry> out = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        for (Read r : read) {
            if (r.entry() != null) {
                out.add(r.entry());
            } else if (r.problem() != null) {
                bad.add(r.problem());
            }
        }
        out.sort(Comparator.comparing(JournalEntry::started));
        return new Listing(out, bad);
    }

    /** One file of the journal: its entry, or the line that says why it cannot be read; neither when it went since listed. */
    private record Read(JournalEntry entry, String problem) {
    }

    private Read readOne(String name) {
        ObjectId id = Repository.idOfName(name);
        if (id == null) {
            return new Read(null, name + ": not named by its SHA-256 (not written by the vault)");
        }
        try {
            byte[] sealed = repo.backend().read(name);
            if (!Sealing.sha256(sealed).equals(id)) {
                return new Read(null, name + ": does not match its SHA-256 name (damaged or altered)");
            }
            return new Read(repo.readSealed(name, sealed, Sealing.Kind.JOURNAL, JournalEntry.class), null);
        } catch (BackendException e) {
            if (!repo.backend().exists(name)) {
                return new Read(null, null); // sealed again by a key retirement since it was listed
            }
            throw e;
        } catch (RuntimeException e) {
            return new Read(null, name + ": " + (e instanceof VaultException ? e.getMessage()
                    : "unreadable (" + e.getClass().getSimpleName() + ")"));
        }
    }
}
