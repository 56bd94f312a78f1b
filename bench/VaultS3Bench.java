import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.opsledger.vault.archiver.Archiver;
import org.opsledger.vault.archiver.BackupOptions;
import org.opsledger.vault.archiver.BackupProgress;
import org.opsledger.vault.backend.Backend;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.restorer.Restorer;

/**
 * The S3 backend against the local-disk backend, same tree, same JVM (run by bench/vault-s3.sh).
 * s3proxy runs in this process over HTTP on 127.0.0.1 with a filesystem store, so the figures
 * show the cost of the S3 code path (HTTP, SigV4, the SDK), not of a network.
 */
public class VaultS3Bench {
    static final char[] PASSWORD = "bench-password".toCharArray();

    public static void main(String[] args) throws Exception {
        Path tree = Path.of(args[0]);
        Path work = Files.createDirectories(Path.of(args[1]));
        LocalS3 localS3 = LocalS3.start(work.resolve("s3"));
        Supplier<Backend> s3 = () -> localS3.backend("bench");
        Supplier<Backend> local = () -> new LocalBackend(work.resolve("local"));
        System.out.println("| backend | first backup | unchanged re-run | restore --verify | check --read-data |");
        System.out.println("|---|---|---|---|---|");
        // local first, to warm the JIT for both; its figures are then the warm baseline
        for (var b : List.of(java.util.Map.entry("local disk", local), java.util.Map.entry("S3 (s3proxy, loopback HTTP)", s3))) {
            try (Repository r = Repository.init(b.getValue().get(), PASSWORD, 600_000, "bench")) {
                // created
            }
            double first = time(() -> backup(b.getValue().get(), tree));
            double rerun = time(() -> backup(b.getValue().get(), tree));
            Path out = work.resolve("out-" + b.getKey().hashCode());
            double restore = time(() -> {
                try (Repository r = Repository.open(b.getValue().get(), PASSWORD)) {
                    if (!new Restorer(r, 4).restore(r.findSnapshot("latest"), out, List.of(), true).ok()) {
                        throw new IllegalStateException("verify failed");
                    }
                }
            });
            double check = time(() -> {
                try (Repository r = Repository.open(b.getValue().get(), PASSWORD)) {
                    if (!new Checker(r, 2).check(100).ok()) {
                        throw new IllegalStateException("check failed");
                    }
                }
            });
            System.out.printf("| %s | %.2f s | %.2f s | %.2f s | %.2f s |%n", b.getKey(), first, rerun, restore, check);
        }
        localS3.close();
    }

    static void backup(Backend backend, Path tree) {
        try (Repository r = Repository.open(backend, PASSWORD)) {
            new Archiver(r, new BackupProgress()).backup(BackupOptions.of(List.of(tree)).withAllowSameDevice(true));
        }
    }

    static double time(Runnable r) {
        long t = System.nanoTime();
        r.run();
        return (System.nanoTime() - t) / 1e9;
    }
}
