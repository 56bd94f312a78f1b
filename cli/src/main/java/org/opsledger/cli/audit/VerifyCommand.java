package org.opsledger.cli.audit;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.opsledger.audit.AuditExportVerifier;
import org.opsledger.audit.AuditExportVerifier.Verdict;
import org.opsledger.cli.CliException;
import org.opsledger.ledger.note.VerifierKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code opsledger audit verify}: offline, no server. Recomputes every leaf and the root at every
 * checkpoint the auditor holds; exits 0 only if all holds, else prints the first problem.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Verify an audit export against checkpoints you saved earlier, offline.",
                "Exit 0 only if every entry hashes to its leaf and every checkpoint matches; otherwise the first bad entry is named."})
final class VerifyCommand implements Callable<Integer> {

    @Option(names = "--export", required = true, description = "The export (JSON lines from GET /api/v1/audit/export, from leaf 0).")
    Path export;

    @Option(names = "--checkpoint", required = true, description = "A signed checkpoint you saved (repeat for several).")
    List<Path> checkpoints;

    @Option(names = "--key", required = true, description = "The log's verifier key (from `opsledger audit key`, kept by you).")
    Path key;

    @Override
    public Integer call() {
        VerifierKey verifier;
        try {
            verifier = VerifierKey.read(key);
        } catch (IllegalArgumentException e) {
            throw new CliException(key + " does not hold a verifier key: " + e.getMessage(), 2);
        } catch (IOException e) {
            throw unreadable(key, e);
        }
        List<String> notes = new ArrayList<>();
        for (Path checkpoint : checkpoints) {
            try {
                notes.add(Files.readString(checkpoint, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw unreadable(checkpoint, e);
            }
        }
        Verdict verdict;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(export), 1 << 16)) {
            verdict = new AuditExportVerifier(verifier).verify(in, notes);
        } catch (IOException e) {
            throw unreadable(export, e);
        }
        if (!verdict.ok()) {
            throw new CliException(verdict.describe(), 1);
        }
        System.out.println(verdict.describe());
        return 0;
    }

    static CliException unreadable(Path file, IOException e) {
        return new CliException("cannot read " + file + ": "
                + (e instanceof NoSuchFileException ? "no such file" : e.getMessage()), 2);
    }
}
