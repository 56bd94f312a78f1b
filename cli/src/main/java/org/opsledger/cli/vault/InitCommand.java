package org.opsledger.cli.vault;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.opsledger.cli.TerminalText;
import org.opsledger.vault.Vault;
import org.opsledger.vault.crypto.KeySlot;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.repository.Repository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "init", mixinStandardHelpOptions = true, description = "Create a repository with one key slot.")
final class InitCommand implements Callable<Integer> {

    @Mixin
    RepoOptions repo;

    @Option(names = "--kdf-iterations", description = "PBKDF2-HMAC-SHA256 iterations for the key slot (default ${DEFAULT-VALUE}; 100000 to 10000000).",
            defaultValue = "" + KeySlot.DEFAULT_ITERATIONS)
    int iterations;

    @Option(names = "--label", description = "Label of the first key slot (who holds this password).", defaultValue = "initial")
    String label;

    @Mixin
    SecondRepositoryOptions.ChunkerSource chunkingFrom;

    @Override
    public Integer call() {
        RepoOptions.checkIterations(iterations);
        RepoOptions.checkSlotLabel(label); // as key add's (a re-tester's)
        chunkingFrom.checkLocation();
        RepoOptions.Password password = repo.newSlotPassword();
        Repository from = null;
        if (chunkingFrom.given()) {
            from = chunkingFrom.open(repo, chunkingFrom.password(password), password);
        }
        RepoOptions.warnOfRootIn(repo.location()); // a folder another user made for it
        try (Repository r = Vault.init(repo.location(), password.chars(), iterations, label, from)) {
            // IS.012 6.6.5: the journal starts with the repository: when, where and by whom it was made, under which key slot
            try (Journaling journal = new Journaling(r, JournalEntry.Operation.INIT, List.of(r.backend().location()), List.of())) {
                journal.ended(JournalEntry.Outcome.OK, List.of(r.backend().location()), List.of(), false, 0, created(r));
            }
            if (repo.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("repository", r.backend().location());
                m.put("id", r.config().id());
                m.put("keySlots", r.keySlots());
                Output.json(m);
            } else {
                Output.out().println("created vault repository " + r.config().id() + " at " + TerminalText.escape(r.backend().location()));
                Output.out().println("keep the password safe: without it the data cannot be read");
            }
        } finally {
            if (from != null) {
                from.close();
            }
        }
        return 0;
    }

    /** "created repository 3f2a… (format 4); key slot 9c1d… (initial), PBKDF2-HMAC-SHA256 600000 iterations" */
    private String created(Repository r) {
        String slots = r.keySlots().stream().map(s -> "key slot " + s.id().substring(0, 8) + " (" + s.label() + "), PBKDF2-HMAC-SHA256 "
                + s.iterations() + " iterations").collect(Collectors.joining("; "));
        return "created repository " + r.config().id() + " (format " + r.config().version() + "); " + slots
                + (chunkingFrom.given() ? "; chunker parameters shared with " + chunkingFrom.location() : "");
    }
}
