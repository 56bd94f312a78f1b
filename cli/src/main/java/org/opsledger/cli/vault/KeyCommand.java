package org.opsledger.cli.vault;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.opsledger.cli.CliException;
import org.opsledger.cli.TerminalText;
import org.opsledger.vault.crypto.KeySlot;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.repository.KeyEpochs;
import org.opsledger.vault.repository.Repository;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Key slots (one per operator password) and key epochs (rotation and crypto-shredding retirement). */
@Command(name = "key", mixinStandardHelpOptions = true,
        description = "Key slots (add, list, remove) and data-key epochs (rotate, retire).",
        subcommands = {KeyCommand.Add.class, KeyCommand.ListSlots.class, KeyCommand.Remove.class, KeyCommand.Rotate.class,
                KeyCommand.Retire.class})
final class KeyCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a key slot: another operator's password opens the same repository.")
    static final class Add implements Callable<Integer> {
        @Mixin
        RepoOptions repo;

        @Option(names = "--new-password-file", required = true, description = "File holding the new slot's password.")
        Path newPasswordFile;

        @Option(names = "--label", description = "Who holds the new password.", defaultValue = "operator")
        String label;

        @Option(names = "--kdf-iterations", defaultValue = "" + KeySlot.DEFAULT_ITERATIONS,
                description = "PBKDF2-HMAC-SHA256 iterations (default ${DEFAULT-VALUE}; 100000 to 10000000).")
        int iterations;

        @Override
        public Integer call() {
            RepoOptions.checkIterations(iterations);
            RepoOptions.checkSlotLabel(label);
            char[] pw = RepoOptions.newSlotPassword(newPasswordFile, "OPSLEDGER_VAULT_NEW_PASSWORD", "--new-password-file").chars();
            try (Repository r = repo.open();
                 Journaling journal = new Journaling(r, JournalEntry.Operation.KEY, new Journaling.Named("key add", null), List.of(),
                         List.of())) {
                // IS.012 6.6.8: who can open the repository, and since when, outlives the slot
                // its fingerprint: check finds a slot no entry names (an entry deleted from the store), whatever its file's name
                String id = journal.run(() -> r.addKeySlot(pw, iterations, label), i -> Repository.NamedSlot.addition(r.keySlot(i)));
                if (repo.json) {
                    Output.json(Map.of("added", id));
                } else {
                    Output.out().println("added key slot " + id.substring(0, 8) + " (" + TerminalText.escape(label) + ")");
                }
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List key slots.")
    static final class ListSlots implements Callable<Integer> {
        @Mixin
        RepoOptions repo;

        @Override
        public Integer call() {
            try (Repository r = repo.open()) {
                var slots = r.keySlots();
                if (repo.json) {
                    Output.json(slots);
                } else {
                    for (var s : slots) {
                        // a slot under a name shorter than 8 characters (keys/x) stopped the listing (a helper's)
                        String id = TerminalText.escape(s.id().length() > 8 ? s.id().substring(0, 8) : s.id());
                        if (s.problem() != null) { // never tried when opening; `key remove` takes it away
                            Output.out().printf(java.util.Locale.ROOT, "%s  unreadable: %s%n", id, TerminalText.escape(s.problem()));
                            continue;
                        }
                        // IS.012 6.6.5: a label anyone able to write to the store may have written is said to be one
                        Output.out().printf(java.util.Locale.ROOT, "%s  %-16s  %-16s  %s  %d iterations%s%n", id,
                                TerminalText.cell(s.label()), TerminalText.cell(s.host()), // as snapshots' columns
                                created(s.created()), s.iterations(), s.labelVerified() ? "" : "  label unverified");
                    }
                }
            }
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a key slot (never the last one).")
    static final class Remove implements Callable<Integer> {
        @Mixin
        RepoOptions repo;

        @Parameters(paramLabel = "SLOT", description = "Key slot ID, or a unique prefix of at least " + ObjectId.MIN_PREFIX + " of its hex digits.")
        String slot;

        @Override
        public Integer call() {
            try (Repository r = repo.open();
                 Journaling journal = new Journaling(r, JournalEntry.Operation.KEY, new Journaling.Named("key remove " + slot, null),
                         List.of(), List.of())) {
                Repository.KeySlotRemoval removal = journal.run(() -> r.removeKeySlot(slot), Repository.KeySlotRemoval::removal);
                // which slot went, by its whole ID and label: "removed key slot 0" named the prefix typed (a tester's)
                Repository.KeySlotInfo removed = removal.slot();
                if (repo.json) {
                    Map<String, Object> m = new java.util.LinkedHashMap<>();
                    m.put("removed", removed.id());
                    m.put("label", removed.label()); // null: a slot that did not read
                    if (removal.oldVersions() != null) { // IS.012 6.6.6.4, as key retire's
                        m.put("oldVersions", removal.oldVersions());
                    }
                    Output.json(m);
                } else {
                    Output.out().println("removed key slot " + TerminalText.escape(removed.id()) + " ("
                            + (removed.label() == null ? "unreadable" : TerminalText.escape(removed.label())) + ")"
                            + org.opsledger.vault.repository.Disposal.but(removal.oldVersions()));
                }
            }
            return 0;
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "Start a new data-key epoch for new data (IS.012 6.6.8.1); old data stays readable until its epoch is retired.")
    static final class Rotate implements Callable<Integer> {
        @Mixin
        RepoOptions repo;

        @Override
        public Integer call() {
            try (Repository r = repo.open();
                 Journaling journal = new Journaling(r, JournalEntry.Operation.KEY, new Journaling.Named("key rotate", null), List.of(),
                         List.of())) {
                int epoch = journal.run(() -> new KeyEpochs(r).rotate(), e -> "key rotated: new data is sealed under key epoch " + e);
                if (repo.json) {
                    Output.json(Map.of("currentEpoch", epoch));
                } else {
                    Output.out().println("new data is now sealed under key epoch " + epoch);
                }
            }
            return 0;
        }
    }

    @Command(name = "retire", mixinStandardHelpOptions = true,
            description = {"Re-encrypt what an old key epoch protects, then destroy its key (crypto-shredding).",
                    "Only what a snapshot needs is sealed again: data forgotten before becomes unrecoverable, pruned or not."
                            + " Snapshots sealed under it get new IDs."})
    static final class Retire implements Callable<Integer> {
        @Mixin
        RepoOptions repo;

        @Parameters(paramLabel = "EPOCH")
        int epoch;

        @Option(names = "--ignore-unreadable-journal", description = "Retire although a hold placement a check read is gone from the"
                + " journal (deleted, or a damaged file `vault repair` moved aside): only once you know none held a backup (IS.012"
                + " 6.6.7). A journal file that does not read stops it still: it must be sealed again.")
        boolean ignoreUnreadableJournal;

        @Override
        public Integer call() {
            // the snapshots it sealed again, old IDs then new, named by its entry (filled before the entry is written)
            List<ObjectId> replaced = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            try (Repository r = repo.open();
                 // a retirement stopped is finished by the next run (vault-format.md §3)
                 Journaling journal = new Journaling(r, JournalEntry.Operation.KEY,
                         new Journaling.Named("key retire " + epoch, "run it again to finish it"), List.of(), replaced)) {
                KeyEpochs.Retirement res = journal.run(() -> { // IS.008: when a key was destroyed
                    try {
                        KeyEpochs.Retirement done = new KeyEpochs(r).retire(epoch, ignoreUnreadableJournal);
                        replaced.addAll(done.replaced());
                        return done;
                    } catch (IllegalArgumentException e) {
                        throw new CliException(e.getMessage(), 2);
                    }
                }, Retire::line);
                if (repo.json) {
                    Output.json(res);
                } else {
                    Output.out().println(line(res));
                }
            }
            return 0;
        }

        private static String line(KeyEpochs.Retirement res) {
            return String.format(java.util.Locale.ROOT, "retired key epoch %d: %d pack(s), %d snapshot(s), %d other file(s) re-encrypted, %d unreferenced"
                    + " blob(s) dropped, %d unindexed pack(s) deleted; its key is destroyed", res.epoch(), res.packsRewritten(),
                    res.snapshotsRewritten(), res.otherFilesRewritten(), res.unreferencedBlobsDropped(), res.orphanPacksDeleted())
                    + org.opsledger.vault.repository.Disposal.but(res.oldVersions()); // IS.012 6.6.6.4
        }
    }

    /** The years `key list` shows a slot's creation in (yyyy-MM-dd HH:mm:ss). */
    private static final java.time.Instant FIRST_CREATED = java.time.Instant.parse("0001-01-01T00:00:00Z");
    private static final java.time.Instant LAST_CREATED = java.time.Instant.parse("9999-12-31T23:59:59Z");

    /**
     * When a slot was made, or "-": a slot without the label, or with a year past 9999, stopped `key list` with "temporal"
     * or "Invalid value for EpochDay" (a helper's), and its password still opens the repository.
     */
    private static String created(java.time.Instant created) {
        return created == null || created.isBefore(FIRST_CREATED) || created.isAfter(LAST_CREATED) ? "-"
                : SnapshotsCommand.TIME.format(created);
    }
}
