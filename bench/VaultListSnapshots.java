import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.repository.Repository;

/**
 * Lists the snapshots of the local repository at args[0] (password $OPSLEDGER_VAULT_PASSWORD) args[1] times in one JVM and
 * prints each listing's process CPU and wall milliseconds: the first pays the JIT's warm-up, the later ones what a listing
 * costs once its code is compiled (docs/performance.md, "Many snapshots"). bench/vault-java.sh VaultListSnapshots.java R 15
 */
public class VaultListSnapshots {
    public static void main(String[] args) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (Repository repo = Repository.open(new LocalBackend(Path.of(args[0])), System.getenv("OPSLEDGER_VAULT_PASSWORD").toCharArray())) {
            for (int i = 0; i < Integer.parseInt(args[1]); i++) {
                long cpu = os.getProcessCpuTime();
                long wall = System.nanoTime();
                int n = repo.listSnapshots().readable().size();
                System.out.printf("listing %d: %d snapshots, process CPU %.0f ms, wall %.0f ms%n", i + 1, n,
                        (os.getProcessCpuTime() - cpu) / 1e6, (System.nanoTime() - wall) / 1e6);
            }
        }
    }
}
