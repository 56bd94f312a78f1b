import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.opsledger.vault.backend.Backend;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.journal.Journal;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.repository.Repository;

/**
 * What the journal costs (run by bench/vault-journal.sh): one entry written, as every backup, restore and check
 * writes one; the whole journal read, as `vault check` reads it (no entry held), after 10 years of two runs a day
 * (7,300 entries) in one-entry files; those gathered into one segment, as prune does; and read again; on the local
 * disk and on S3 (s3proxy in this process, loopback HTTP, filesystem store).
 */
public class VaultJournalBench {
    static final char[] PASSWORD = "bench-password".toCharArray();

    public static void main(String[] args) throws Exception {
        Path work = Files.createDirectories(Path.of(args[0]));
        int entries = args.length > 1 ? Integer.parseInt(args[1]) : 7300;
        LocalS3 localS3 = LocalS3.start(work.resolve("s3"));
        Supplier<Backend> s3 = () -> localS3.backend("bench");
        Supplier<Backend> local = () -> new LocalBackend(work.resolve("local"));
        System.out.println("| backend | one entry written (median of " + entries + ") | " + entries + " one-entry files read"
                + " | gathered into a segment (prune) | read after |");
        System.out.println("|---|---|---|---|---|");
        for (var b : List.of(Map.entry("local disk", local), Map.entry("S3 (s3proxy, loopback HTTP)", s3))) {
            try (Repository r = Repository.init(b.getValue().get(), PASSWORD, 100_000, "bench")) {
                Journal journal = new Journal(r);
                long[] writes = new long[entries];
                Instant day = Instant.parse("2016-12-05T01:00:00Z");
                for (int i = 0; i < entries; i++) {
                    JournalEntry e = new JournalEntry(JournalEntry.Operation.BACKUP, JournalEntry.Outcome.OK, day.plusSeconds(43_200L * i),
                            day.plusSeconds(43_200L * i + 90), "web-1", "backup", List.of("/srv/www", "/etc"), List.of(), false, 0,
                            "snapshot 5d1e0a2b saved (incremental): 7465 files (7390 unchanged), 1021 dirs, 8.12 MiB read, 1.03 MiB added to"
                                    + " the repository in 1.32 s");
                    long t = System.nanoTime();
                    journal.record(e);
                    writes[i] = System.nanoTime() - t;
                }
                Arrays.sort(writes);
                double read = seconds(() -> check(journal.read(x -> false), entries));
                double gathered = seconds(() -> {
                    if (journal.compact().entries() != entries) {
                        throw new IllegalStateException("not every entry gathered");
                    }
                });
                double readAfter = seconds(() -> check(journal.read(x -> false), entries));
                System.out.printf("| %s | %.2f ms | %.2f s | %.2f s | %.3f s |%n", b.getKey(), writes[entries / 2] / 1e6, read, gathered,
                        readAfter);
            }
        }
        localS3.close();
    }

    static void check(Journal.Listing l, int entries) {
        if (l.total() != entries || !l.unreadable().isEmpty()) {
            throw new IllegalStateException("read " + l.total() + " of " + entries);
        }
    }

    static double seconds(Runnable r) {
        long t = System.nanoTime();
        r.run();
        return (System.nanoTime() - t) / 1e9;
    }
}
