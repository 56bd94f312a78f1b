package org.opsledger.cli.vault;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.opsledger.cli.CliException;
import org.opsledger.cli.TerminalText;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.repository.Repository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "unlock", mixinStandardHelpOptions = true,
        description = {"Remove lock files no process keeps (after a kill -9 or a crash).",
                "Removes stale ones (not refreshed for 10 minutes, or their process on this host has ended) and the ones `check`"
                        + " names (unreadable, or refreshed ahead of this clock); a live lock stays unless --remove-all."})
final class UnlockCommand implements Callable<Integer> {

    @Mixin
    RepoOptions repo;

    @Option(names = "--remove-all", description = "Also remove live locks. Only when no backup, prune, copy, restore, check or key retirement is running:"
            + " a prune that no longer sees a backup's lock may delete data that backup is about to reference.")
    boolean removeAll;

    @Option(names = "--even-if-running", description = "With --remove-all, also remove the lock of a process running on this host"
            + " (without it, such a lock refuses the unlock): stop the process first; a prune that no longer sees its lock may delete"
            + " what it stores.")
    boolean evenIfRunning;

    @Override
    public Integer call() {
        if (evenIfRunning && !removeAll) {
            throw new CliException("--even-if-running is --remove-all's: give both", 2);
        }
        try (Repository r = repo.open();
             Journaling journal = new Journaling(r, JournalEntry.Operation.UNLOCK, List.of(), List.of())) {
            List<String> removed;
            try {
                removed = r.locks().unlock(removeAll, evenIfRunning);
            } catch (RuntimeException e) {
                throw journal.failed(e);
            }
            List<String> kept = r.locks().kept();
            int live = kept.size();
            String line = "unlock: " + removed.size() + " lock file(s) removed, " + live + " live lock(s) kept";
            if (!removed.isEmpty()) { // a live lock removed lets a prune delete what a running backup needs: who did, and when
                journal.ended(JournalEntry.Outcome.OK, List.of(), List.of(), false, 0, line + (removeAll ? " (--remove-all): " : ": ")
                        + String.join(", ", removed));
            }
            if (repo.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("removed", removed);
                m.put("liveLocksKept", live);
                m.put("kept", kept);
                Output.json(m);
            } else {
                // a lock file's host and kind are plaintext anyone able to write to the store can put there: a newline or tab in
                // them forged lines of this report, a summary among them (a helper's). Each line escaped whole: the vault's own
                // words in it hold no control nor backslash
                removed.forEach(l -> Output.out().println("removed " + TerminalText.escape(l)));
                kept.forEach(l -> Output.out().println("kept " + TerminalText.escape(l)));
                Output.out().println(line);
            }
        }
        return 0;
    }
}
