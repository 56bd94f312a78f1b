import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.opsledger.vault.backend.Backend;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.journal.Journal;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.repository.Repository;

/**
 * What the journal costs (run by bench/vault-journal.sh): one entry written, as every backup, restore and check
 * writes one; the whole journal read, as `vault check` reads it (no entry held), after 10 years of two runs a day
 * (7,300 entries) in one-entry files; those gathered into one segment, as prune does; and read again; on the local
 * disk and on S3 (s3proxy in this process, loopback HTTP, filesystem store). Then the same years as they come: two
 * entries and a prune a day, and what the journal is at the end (how many segments, how long a read takes). Last, what
 * prune's look at the journal for held snapshots deleted outside the vault costs (HoldHistory#deletedOutside, before
 * anything is condemned; session 38), with the entries in one-entry files as before a first prune, then in segments.
 * `… ENTRIES prune`: a whole prune's CPU in a repository of no data whose journal holds ENTRIES entries in segments
 * (session 39: its look for holds and its compaction read the journal once, where each read it).
 */
public class VaultJournalBench {
    static final char[] PASSWORD = "bench-password".toCharArray();

    public static void main(String[] args) throws Exception {
        Path work = Files.createDirectories(Path.of(args[0]));
        int entries = args.length > 1 ? Integer.parseInt(args[1]) : 7300;
        LocalS3 localS3 = LocalS3.start(work.resolve("s3"));
        Function<String, Backend> s3 = localS3::backend; // a bucket, a directory: one for each table
        Function<String, Backend> local = name -> new LocalBackend(work.resolve(name));
        try {
            String only = args.length < 3 ? "" : args[2];
            if (only.equals("prune")) { // `… 20000 prune`: a whole prune's CPU alone
                pruneCpu(entries, local, s3);
                return;
            }
            if (!only.equals("holds")) { // `… 7300 holds`: the last table alone
                run(entries, local, s3);
            }
            pruneHolds(entries, local, s3);
        } finally {
            localS3.close(); // its server threads would keep the JVM up after an exception
        }
    }

    static void run(int entries, Function<String, Backend> local, Function<String, Backend> s3) {
        System.out.println("| backend | one entry written (median of " + entries + ") | " + entries + " one-entry files read"
                + " | gathered into a segment (prune) | read after |");
        System.out.println("|---|---|---|---|---|");
        for (var b : List.of(Map.entry("local disk", local), Map.entry("S3 (s3proxy, loopback HTTP)", s3))) {
            try (Repository r = Repository.init(b.getValue().apply("bench"), PASSWORD, 100_000, "bench")) {
                Journal journal = new Journal(r);
                long[] writes = new long[entries];
                Instant day = Instant.parse("2016-12-05T01:00:00Z");
                for (int i = 0; i < entries; i++) {
                    JournalEntry e = entry(day.plusSeconds(43_200L * i));
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
        System.out.println();
        int days = entries / 2;
        System.out.println("| backend | " + days + " days of two entries and a prune | a prune's journal work (median, max) | segments at the end"
                + " | read at the end |");
        System.out.println("|---|---|---|---|---|");
        for (var b : List.of(Map.entry("local disk", local), Map.entry("S3 (s3proxy, loopback HTTP)", s3))) {
            try (Repository r = Repository.init(b.getValue().apply("daily"), PASSWORD, 100_000, "daily")) {
                Journal journal = new Journal(r);
                long[] prunes = new long[days];
                Instant day = Instant.parse("2016-12-05T01:00:00Z");
                long start = System.nanoTime();
                for (int d = 0; d < days; d++) {
                    for (int i = 0; i < 2; i++) {
                        journal.record(entry(day.plusSeconds(86_400L * d + 43_200L * i)));
                    }
                    long t = System.nanoTime();
                    journal.compact();
                    prunes[d] = System.nanoTime() - t;
                }
                double all = (System.nanoTime() - start) / 1e9;
                Arrays.sort(prunes);
                int segments = r.backend().list(Journal.SEGMENTS).size();
                double read = seconds(() -> check(journal.read(x -> false), days * 2));
                System.out.printf("| %s | %.1f s | %.1f ms, %.1f ms | %d | %.3f s |%n", b.getKey(), all, prunes[days / 2] / 1e6,
                        prunes[days - 1] / 1e6, segments, read);
            }
        }
    }

    /** Prune's look at the journal for holds on snapshots deleted outside the vault, as {@link #run}'s first table lays it out. */
    static void pruneHolds(int entries, Function<String, Backend> local, Function<String, Backend> s3) {
        System.out.println();
        System.out.println("| backend | prune's legal-hold read of " + entries + " one-entry files (median of 3) | the same in segments |");
        System.out.println("|---|---|---|");
        for (var b : List.of(Map.entry("local disk", local), Map.entry("S3 (s3proxy, loopback HTTP)", s3))) {
            try (Repository r = Repository.init(b.getValue().apply("holds"), PASSWORD, 100_000, "holds")) {
                Journal journal = new Journal(r);
                Instant day = Instant.parse("2016-12-05T01:00:00Z");
                for (int i = 0; i < entries; i++) {
                    journal.record(i % 100 <= 1 ? hold(day.plusSeconds(43_200L * i), i) : entry(day.plusSeconds(43_200L * i)));
                }
                double files = median3(() -> notRefused(r));
                journal.compact();
                double segments = median3(() -> notRefused(r));
                System.out.printf("| %s | %.2f s | %.3f s |%n", b.getKey(), files, segments);
            }
        }
    }

    /**
     * A whole prune ({@link org.opsledger.vault.prune.Pruner#prune}) in a repository that holds no data, so that its work
     * is the journal's: its look for holds and its compaction. The journal holds {@code entries} entries in segments, one
     * hold placed and released every 100, and two one-entry files more before each prune, as a day's runs leave them; the
     * process's CPU seconds (every thread: the journal is read on several) and the journal files read, of each of 5 prunes.
     */
    static void pruneCpu(int entries, Function<String, Backend> local, Function<String, Backend> s3) {
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        System.out.println("| backend | a prune of a journal of " + entries + " entries in segments: CPU s (median of 5, range) | journal"
                + " files read a prune |");
        System.out.println("|---|---|---|");
        for (var b : List.of(Map.entry("local disk", local), Map.entry("S3 (s3proxy, loopback HTTP)", s3))) {
            long[] reads = {0};
            Function<Backend, Backend> counted = store -> new org.opsledger.vault.backend.DelegatingBackend(store) {
                @Override
                public byte[] read(String name) {
                    if (name.startsWith(Journal.DIR + "/")) {
                        reads[0]++;
                    }
                    return super.read(name);
                }
            };
            try (Repository r = Repository.init(counted.apply(b.getValue().apply("prune")), PASSWORD, 100_000, "prune")) {
                Journal journal = new Journal(r);
                Instant day = Instant.parse("2016-12-05T01:00:00Z");
                for (int i = 0; i < entries; i++) {
                    journal.record(i % 100 <= 1 ? hold(day.plusSeconds(43_200L * i), i) : entry(day.plusSeconds(43_200L * i)));
                }
                journal.compact();
                double[] cpu = new double[5];
                long[] read = new long[5];
                for (int p = 0; p < cpu.length; p++) {
                    for (int i = 0; i < 2; i++) {
                        journal.record(entry(day.plusSeconds(43_200L * (entries + 2L * p + i))));
                    }
                    reads[0] = 0;
                    long t = os.getProcessCpuTime();
                    new org.opsledger.vault.prune.Pruner(r).prune();
                    cpu[p] = (os.getProcessCpuTime() - t) / 1e9;
                    read[p] = reads[0];
                }
                double[] sorted = cpu.clone();
                Arrays.sort(sorted);
                System.out.printf("| %s | %.3f s (%.3f–%.3f) | %s |%n", b.getKey(), sorted[2], sorted[0], sorted[4], Arrays.toString(read));
            }
        }
    }

    /** One hold in a hundred entries, released by the next: read, matched to its release, and no refusal. */
    static JournalEntry hold(Instant started, int i) {
        boolean release = i % 100 == 1;
        org.opsledger.vault.crypto.ObjectId id = org.opsledger.vault.crypto.ObjectId.parse(String.format("%064x", i / 100 + 1));
        return new JournalEntry(release ? JournalEntry.Operation.RELEASE : JournalEntry.Operation.HOLD, JournalEntry.Outcome.OK, started,
                started.plusSeconds(1), "web-1", "ops", List.of(), List.of(id), false, 0, release
                ? org.opsledger.vault.journal.HoldHistory.released("M-" + i / 100, null)
                : org.opsledger.vault.journal.HoldHistory.placed("counsel", "M-" + i / 100), null);
    }

    static void notRefused(Repository r) {
        if (!org.opsledger.vault.journal.HoldHistory.deletedOutside(r, org.opsledger.vault.journal.HoldHistory.of(r), List.of(), Map.of()).isEmpty()) {
            throw new IllegalStateException("a hold deleted outside the vault where there is none");
        }
    }

    static double median3(Runnable r) {
        double[] t = {seconds(r), seconds(r), seconds(r)};
        Arrays.sort(t);
        return t[1];
    }

    static JournalEntry entry(Instant started) {
        return new JournalEntry(JournalEntry.Operation.BACKUP, JournalEntry.Outcome.OK, started, started.plusSeconds(90), "web-1", "backup",
                List.of("/srv/www", "/etc"), List.of(), false, 0, "snapshot 5d1e0a2b saved (incremental): 7465 files (7390 unchanged),"
                        + " 1021 dirs, 8.12 MiB read, 1.03 MiB added to the repository in 1.32 s", null);
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
