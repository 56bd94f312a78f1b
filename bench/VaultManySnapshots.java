import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.opsledger.vault.archiver.Archiver;
import org.opsledger.vault.archiver.BackupOptions;
import org.opsledger.vault.archiver.BackupProgress;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.repository.Repository;

/**
 * Fills the repository at args[0] (made by `vault init`, password $OPSLEDGER_VAULT_PASSWORD) with args[1] snapshots of
 * one small file each, a new file content each time, in one process: bench/vault-tier-growth.sh copies and tiers them.
 * N backups through the CLI would start N JVMs.
 */
public class VaultManySnapshots {
    public static void main(String[] args) throws Exception {
        Path repoDir = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        Path src = Files.createDirectories(repoDir.resolveSibling(repoDir.getFileName() + "-src"));
        Random random = new Random(42);
        try (Repository repo = Repository.open(new LocalBackend(repoDir), System.getenv("OPSLEDGER_VAULT_PASSWORD").toCharArray())) {
            for (int i = 0; i < n; i++) {
                byte[] content = new byte[1024];
                random.nextBytes(content);
                Files.write(src.resolve("f.bin"), content);
                new Archiver(repo, new BackupProgress()).backup(BackupOptions.of(List.of(src)).withAllowSameDevice(true));
            }
        }
        System.out.println(n + " snapshots in " + repoDir);
    }
}
