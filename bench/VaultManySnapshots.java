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
 * N backups through the CLI would start N JVMs. With args[2], a directory, the snapshots are backups of it instead, its
 * file daily.bin written anew before each (dailies of one tree: bench/vault-many-snapshots.sh).
 */
public class VaultManySnapshots {
    public static void main(String[] args) throws Exception {
        Path repoDir = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        Path src = args.length > 2 ? Path.of(args[2]) : Files.createDirectories(repoDir.resolveSibling(repoDir.getFileName() + "-src"));
        String changed = args.length > 2 ? "daily.bin" : "f.bin";
        Random random = new Random(42);
        try (Repository repo = Repository.open(new LocalBackend(repoDir), System.getenv("OPSLEDGER_VAULT_PASSWORD").toCharArray())) {
            for (int i = 0; i < n; i++) {
                byte[] content = new byte[1024];
                random.nextBytes(content);
                Files.write(src.resolve(changed), content);
                new Archiver(repo, new BackupProgress()).backup(BackupOptions.of(List.of(src)).withAllowSameDevice(true));
            }
        }
        System.out.println(n + " snapshots in " + repoDir);
    }
}
