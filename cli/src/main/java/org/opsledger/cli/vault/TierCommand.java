package org.opsledger.cli.vault;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.opsledger.vault.copier.Tiering;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.repository.Repository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "tier", mixinStandardHelpOptions = true,
        description = {"Move snapshots past the near-line period (default 30d) to long-term storage (IS.012 6.6.1.3).",
                "Each is copied once, then forgotten near-line unless held (a held snapshot stays in both, held in both)."})
final class TierCommand implements Callable<Integer> {

    @Mixin
    RepoOptions repo;

    @Option(names = "--to", required = true, description = "Long-term repository (directory or s3://bucket/prefix).")
    String to;

    @Option(names = "--to-password-file", description = "Password of the long-term repository (or env OPSLEDGER_VAULT_TO_PASSWORD; default: the source password).")
    Path toPasswordFile;

    @Option(names = "--near-line", paramLabel = "DURATION", description = "Near-line period (default ${DEFAULT-VALUE}).", defaultValue = "30d")
    String nearLine;

    @Override
    public Integer call() {
        Duration period = RepoOptions.duration("--near-line", nearLine);
        char[] sourcePassword = repo.password();
        char[] targetPassword = RepoOptions.otherPassword(toPasswordFile, "OPSLEDGER_VAULT_TO_PASSWORD", "--to-password-file", sourcePassword);
        List<Tiering.Moved> moved;
        try (Repository near = repo.open(repo.location(), sourcePassword)) {
            // IS.012 6.6.1.3: a tier that did not reach long-term storage is recorded, whatever stopped it
            try (Journaling journal = new Journaling(near, JournalEntry.Operation.TIER, List.of(to), List.of())) {
                try (Repository far = repo.open(to, targetPassword)) {
                    // the long-term repository's journal says what it received, and from where (IS.012 6.6.5)
                    String from = near.backend().location();
                    try (Journaling received = new Journaling(far, JournalEntry.Operation.TIER, List.of(from), List.of())) {
                        try {
                            moved = new Tiering(near, far).move(period, Instant.now());
                        } catch (RuntimeException e) {
                            throw received.failed(e);
                        }
                        received.ended(JournalEntry.Outcome.OK, List.of(from), moved.stream().map(Tiering.Moved::copy).toList(), false, 0,
                                "received " + moved.size() + " snapshot(s) older than " + nearLine + " from " + from);
                    }
                } catch (RuntimeException e) {
                    throw journal.failed(e);
                }
                long forgotten = moved.stream().filter(Tiering.Moved::forgottenNearLine).count();
                journal.ended(JournalEntry.Outcome.OK, List.of(to), moved.stream().map(Tiering.Moved::source).toList(), false, 0,
                        moved.size() + " snapshot(s) older than " + nearLine + " in long-term storage at " + to + "; " + forgotten
                                + " forgotten near-line, " + (moved.size() - forgotten) + " kept (held)");
            }
        }
        if (repo.json) {
            Output.json(moved);
        } else {
            for (Tiering.Moved m : moved) {
                Output.out().printf("%s -> %s%s%s%n", m.source().shortHex(), m.copy().shortHex(), m.alreadyCopied() ? " (copied before)"
                                : m.amendedCopy() != null ? " (its record amended, replacing copy " + m.amendedCopy().shortHex() + ")" : "",
                        m.held() ? "  kept near-line: legal hold" : "  forgotten near-line (prune frees its data)");
            }
            Output.out().println(moved.size() + " snapshot(s) older than " + nearLine + " are in long-term storage");
        }
        return 0;
    }
}
