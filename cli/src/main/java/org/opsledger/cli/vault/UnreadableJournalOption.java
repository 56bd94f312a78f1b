package org.opsledger.cli.vault;

import org.opsledger.vault.prune.Pruner;
import picocli.CommandLine.Option;

/**
 * A prune's {@code --ignore-unreadable-journal}, as {@code vault prune} and {@code vault forget --prune} take it: the
 * operator's word that no journal file that does not read, and no hold placement gone from the journal, held a backup
 * (IS.012 6.6.7; HoldHistory#refuseWhileUnread). `forget --prune` refused as prune does and had no such option: its line
 * named prune's (session 40).
 */
final class UnreadableJournalOption {

    @Option(names = "--ignore-unreadable-journal", description = "Prune although a journal file does not read, or a hold placement a"
            + " check read is gone from the journal (one may record a legal hold): only once `vault check` and `vault repair` have"
            + " shown none held a backup (IS.012 6.6.7).")
    boolean ignore;

    /**
     * {@code pruner} going ahead past such a file on the operator's word; {@code command} is how its refusal names the
     * command to run again with the option ("prune").
     */
    Pruner applyTo(Pruner pruner, String command) {
        return pruner.ignoringUnreadableJournal(ignore, command);
    }
}
