package org.opsledger.cli.vault;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.opsledger.vault.checker.Recoverer;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.repository.Repository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "recover", mixinStandardHelpOptions = true,
        description = {"Write one snapshot holding every tree no snapshot references, each as a directory named by its ID:"
                + " what a damaged snapshot file (taken out by `repair`) or a killed backup left behind, until a prune frees it.",
                "What the lost snapshot file said of owner, classification and retention is lost with it: give them here when you know",
                "whose data it is, or later with `vault amend`. A snapshot forgotten by mistake comes back this way too, before a prune;",
                "what a `vault rewrite` took out does not. Runs alone."})
final class RecoverCommand implements Callable<Integer> {

    @Mixin
    RepoOptions repo;

    @Mixin
    RecordOptions record;

    @Option(names = {"-n", "--dry-run"}, description = "List the trees that would be recovered; write nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        Recoverer.Recovered r;
        try (Repository opened = repo.open();
             Journaling journal = dryRun ? null : new Journaling(opened, JournalEntry.Operation.RECOVER, List.of(), List.of())) {
            try {
                r = new Recoverer(opened).recover(dryRun, record.owner(), record.classification(), record.retainUntil());
            } catch (RuntimeException e) {
                throw journal == null ? e : journal.failed(e);
            }
            if (journal != null) {
                journal.ended(JournalEntry.Outcome.OK, List.of(), r.snapshot() == null ? List.of() : List.of(r.snapshot().id()), false, 0,
                        summary(r));
            }
        }
        if (repo.json) {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("trees", r.trees());
            m.put("snapshot", r.snapshot() == null ? null : r.snapshot().id().hex()); // null, as other commands say no ID: it was "" (h1's repro-7)
            Output.json(m);
        } else {
            r.trees().forEach(t -> Output.out().println("tree " + t + " is referenced by no snapshot"));
            Output.out().println(summary(r) + (r.snapshot() == null ? "" : " (`vault ls " + r.snapshot().shortId() + "`)"));
            if (r.snapshot() != null) {
                RecordOptions.warnIfLacking(r.snapshot(), "once you know whose data it is, ");
            }
        }
        return 0;
    }

    private static String summary(Recoverer.Recovered r) {
        return r.trees().isEmpty() ? "recover: every tree is referenced by a snapshot; nothing to recover"
                : r.snapshot() == null ? "recover: " + r.trees().size() + " tree(s) would be recovered"
                : "recover: " + r.trees().size() + " tree(s) recovered as snapshot " + r.snapshot().shortId();
    }
}
