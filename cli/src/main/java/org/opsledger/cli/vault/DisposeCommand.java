package org.opsledger.cli.vault;

import java.util.List;
import java.util.concurrent.Callable;
import org.opsledger.cli.TerminalText;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.repository.Disposal;
import org.opsledger.vault.repository.Repository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "dispose", mixinStandardHelpOptions = true,
        description = {"End a repository's life (IS.012 6.6.6.4, secure deletion): its keys destroyed, nothing in it decrypts again.",
                "Overwrites and deletes its key slots and keyring. Refused while a snapshot is under legal hold, or is retained, or",
                "has no retention recorded, with no copy kept as long in --copies-in: a retention ends at 12:00 UTC the day after",
                "its date, on every host whatever its zone. Then wipe or destroy the medium per IS.004 and record it in the media",
                "register."})
final class DisposeCommand implements Callable<Integer> {

    @Mixin
    RepoOptions repo;

    @Option(names = "--confirm", required = true, paramLabel = "REPOSITORY-ID",
            description = "The repository's ID, as `vault stats` shows it: disposal cannot be undone.")
    String confirm;

    @Mixin
    SecondRepositoryOptions.CopiesIn copiesIn;

    @Option(names = "--by", description = "Who disposes of it (default: the OS user).", defaultValue = RecordOptions.OS_USER)
    String by;

    @Option(names = "--ignore-unreadable-journal", description = "Dispose although a journal file does not read (one may record a"
            + " legal hold): only once `vault check` and `vault repair` have shown none held a backup (IS.012 6.6.7).")
    boolean ignoreUnreadableJournal;

    @Override
    public Integer call() {
        copiesIn.checkLocation();
        by = RecordOptions.who(by); // it goes into the media register's line (a re-tester forged one)
        RepoOptions.Password password = repo.password();
        RepoOptions.Password copiesPassword = copiesIn.given() ? copiesIn.password(password) : null;
        Disposal.Disposed d;
        try (Repository r = repo.open(password);
             Journaling refused = new Journaling(r, JournalEntry.Operation.DISPOSE, List.of(), List.of());
             Repository copies = copiesIn.given() ? copiesIn.open(repo, copiesPassword, password) : null) {
            try {
                d = Disposal.dispose(r, confirm, copies, by, java.time.Instant.now(), ignoreUnreadableJournal); // IS.012 6.6.5.1: as forget judges a retention
            } catch (RuntimeException e) {
                throw refused.failed(e); // who tried, and why it was refused (a hold, a retention not yet past)
            }
            refused.forgo(); // its journal ends with its keys
            if (r.backend() instanceof org.opsledger.vault.cache.MetadataCache cache) {
                cache.deleteCopies(); // this host's copies of its index, snapshots and trees go with it
            }
            if (copies != null) { // IS.012 6.6.6.4: the repository that keeps what was retained keeps the record of the disposal
                try (Journaling kept = new Journaling(copies, JournalEntry.Operation.DISPOSE, List.of(d.location()), List.of())) {
                    kept.ended(JournalEntry.Outcome.OK, List.of(d.location()), List.of(), false, 0, "repository " + d.repositoryId() + " at "
                            + d.location() + " disposed of by " + d.by() + ": its " + d.snapshots() + " snapshot(s) in " + d.packs()
                            + " pack(s) can no longer be decrypted" + Disposal.but(d.oldVersions())
                            + "; the copies of those still retained are here");
                }
            }
        }
        if (repo.json) {
            Output.json(d);
        } else {
            Output.out().println("disposed of repository " + d.repositoryId() + " at " + TerminalText.escape(d.location()) + ": its " + d.keyFiles()
                    + " key file(s) overwritten and deleted; its " + d.snapshots() + " snapshot(s) in " + d.packs()
                    + " pack(s) can no longer be decrypted" + Disposal.but(d.oldVersions()));
            Output.out().println("record it in the media register (" + d.at() + ", by " + d.by() + "), then wipe or destroy the medium per IS.004");
        }
        return 0;
    }
}
