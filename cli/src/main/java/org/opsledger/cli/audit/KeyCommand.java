package org.opsledger.cli.audit;

import java.util.concurrent.Callable;
import org.opsledger.cli.CliException;
import org.opsledger.ledger.note.VerifierKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code opsledger audit key}: prints the log's verifier key, to keep beside the checkpoints you save. */
@Command(name = "key", mixinStandardHelpOptions = true,
        description = "Print the audit log's verifier key (keep it: `audit verify --key` trusts only it).")
final class KeyCommand implements Callable<Integer> {

    @Mixin
    ServerOptions server;

    @Override
    public Integer call() {
        String text = server.connect().get("/api/v1/audit/key").strip();
        try {
            System.out.println(VerifierKey.parse(text).encoded());
        } catch (IllegalArgumentException e) {
            throw new CliException("the server's answer is not a verifier key: " + e.getMessage(), 1);
        }
        return 0;
    }
}
