package org.opsledger.cli.vault;

import java.time.Instant;
import java.util.List;
import org.opsledger.cli.CliException;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.journal.Journal;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.repository.Repository;

/**
 * A command's entry in the repository's journal (docs/vault-format.md §13), written as the command ends while the
 * repository is still open: how it ended, and the line it ended with. A repository that cannot take the entry (a
 * read-only medium, a full disk, a store gone away) gets a warning on stderr, and the command's own outcome stands;
 * one whose format keeps no journal gets none (`vault check` says so once).
 */
final class Journaling {

    private final Repository repo;
    private final JournalEntry.Operation operation;
    private final Instant started = Instant.now();

    Journaling(Repository repo, JournalEntry.Operation operation) {
        this.repo = repo;
        this.operation = operation;
    }

    void ended(JournalEntry.Outcome outcome, List<String> paths, List<ObjectId> snapshots, boolean verified, int exitCode, String detail) {
        Journal journal = new Journal(repo);
        if (!journal.kept()) {
            return;
        }
        try {
            journal.record(JournalEntry.of(operation, outcome, started, paths, snapshots, verified, exitCode, detail));
        } catch (RuntimeException e) {
            Output.err().println("warning: the journal entry of this " + operation.json() + " was not written: " + e.getMessage());
        }
    }

    /** Records {@code failure} as the command will report it (its one line, its exit code), and returns it to be thrown. */
    <E extends Exception> E failed(E failure, List<String> paths, List<ObjectId> snapshots) {
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        ended(JournalEntry.Outcome.FAILED, paths, snapshots, false, failure instanceof CliException c ? c.exitCode() : 1, message);
        return failure;
    }
}
