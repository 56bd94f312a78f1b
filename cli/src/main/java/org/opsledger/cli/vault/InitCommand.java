package org.opsledger.cli.vault;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.opsledger.cli.CliException;
import org.opsledger.vault.Vault;
import org.opsledger.vault.crypto.KeySlot;
import org.opsledger.vault.repository.Repository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "init", mixinStandardHelpOptions = true, description = "Create a repository with one key slot.")
final class InitCommand implements Callable<Integer> {

    @Mixin
    RepoOptions repo;

    @Option(names = "--kdf-iterations", description = "PBKDF2-HMAC-SHA256 iterations for the key slot (default ${DEFAULT-VALUE}, minimum 100000).",
            defaultValue = "" + KeySlot.DEFAULT_ITERATIONS)
    int iterations;

    @Option(names = "--label", description = "Label of the first key slot (who holds this password).", defaultValue = "initial")
    String label;

    @Override
    public Integer call() {
        if (iterations < KeySlot.MIN_ITERATIONS) {
            throw new CliException("--kdf-iterations must be at least " + KeySlot.MIN_ITERATIONS, 2);
        }
        try (Repository r = Vault.init(repo.location(), repo.password(), iterations, label)) {
            if (repo.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("repository", r.backend().location());
                m.put("id", r.config().id());
                m.put("keySlots", r.keySlots());
                Output.json(m);
            } else {
                Output.out().println("created vault repository " + r.config().id() + " at " + r.backend().location());
                Output.out().println("keep the password safe: without it the data cannot be read");
            }
        }
        return 0;
    }
}
