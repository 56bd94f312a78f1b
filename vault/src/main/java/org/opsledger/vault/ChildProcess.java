package org.opsledger.vault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Every process the vault starts (restore's mkfifo, mknod, touch and stat, a backup's --stdin-from-command program, its
 * kill): the command exact ({@link ExactCommand}), the environment the vault's without the passwords, tokens and S3 keys
 * it was given. restore's mkfifo and touch got OPSLEDGER_VAULT_PASSWORD, and a --stdin-from-command program, stripped of
 * the passwords, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (a tester's): a wrapper on PATH that logs its environment
 * kept them. An AWS profile's credential_process is started by the SDK, not here, and inherits the whole environment
 * (docs/operations.md, "S3 credentials").
 */
public final class ChildProcess {

    /**
     * What the vault and its AWS SDK read passwords, tokens and keys from. AWS_ACCESS_KEY_ID goes with its secret: an
     * AWS tool given the one without the other refuses ("partial credentials") where it would have used its own profile.
     * AWS_CONTAINER_AUTHORIZATION_TOKEN is the bearer token of the SDK's container provider (ECS, EKS Pod Identity), which a
     * --stdin-from-command program got (a tester's); the variables naming its endpoint or a token's file are no secret.
     */
    public static final List<String> SECRETS = List.of("OPSLEDGER_VAULT_PASSWORD", "OPSLEDGER_VAULT_TO_PASSWORD",
            "OPSLEDGER_VAULT_FROM_PASSWORD", "OPSLEDGER_VAULT_NEW_PASSWORD", "OPSLEDGER_DB_PASSWORD", "OPSLEDGER_TOKEN",
            "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN");

    private ChildProcess() {
    }

    /** A builder of {@code command} ({@link ExactCommand#of}) whose environment holds none of {@link #SECRETS}. */
    public static ProcessBuilder of(List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(ExactCommand.of(command));
        SECRETS.forEach(pb.environment()::remove);
        return pb;
    }

    /**
     * Runs a coreutils command (restore's mkfifo, mknod and touch on absolute paths, never taken for options; the FIFO of
     * {@link CommandOutput}) with nothing on its input; null when it succeeded, else the reason it printed.
     */
    public static String run(List<String> command) {
        String name = command.getFirst();
        try {
            Process p = of(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.DISCARD.file()).start();
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() == 0) {
                return null;
            }
            int colon = said.lastIndexOf(": "); // "mknod: 'x': Operation not permitted" → "Operation not permitted"
            return said.isEmpty() ? name + " exited with " + p.exitValue() : colon < 0 ? said : said.substring(colon + 2);
        } catch (IOException e) {
            return name + " could not run: " + IoReason.of(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return name + " interrupted";
        }
    }
}
