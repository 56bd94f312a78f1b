package org.opsledger.cli.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.opsledger.cli.CliException;
import org.opsledger.ledger.note.Checkpoint;
import org.opsledger.ledger.note.NoteRejectedException;
import org.opsledger.ledger.note.VerifierKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code opsledger audit checkpoint}: prints the latest signed checkpoint, to save beside the key.
 * With {@code --key} it is opened first, so a note the key did not sign is never saved.
 */
@Command(name = "checkpoint", mixinStandardHelpOptions = true,
        description = "Print the latest signed checkpoint (save it: `audit verify --checkpoint` holds the log to it).")
final class CheckpointCommand implements Callable<Integer> {

    @Mixin
    ServerOptions server;

    @Option(names = "--key", description = "The verifier key you keep: the checkpoint must be signed by it.")
    Path keyFile;

    @Override
    public Integer call() {
        String note = server.connect().get("/api/v1/audit/checkpoint");
        if (keyFile != null) {
            try {
                Checkpoint.open(note, VerifierKey.read(keyFile));
            } catch (NoteRejectedException e) {
                throw new CliException("the server's checkpoint is not signed by the key in " + keyFile + ": " + e.getMessage(), 1);
            } catch (IOException e) {
                throw VerifyCommand.unreadable(keyFile, e);
            } catch (IllegalArgumentException e) {
                throw new CliException(keyFile + " does not hold a verifier key: " + e.getMessage(), 2);
            }
        }
        System.out.print(note);
        return 0;
    }
}
