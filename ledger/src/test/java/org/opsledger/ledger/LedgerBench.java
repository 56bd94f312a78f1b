package org.opsledger.ledger;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.opsledger.ledger.audit.AuditEntry;
import org.opsledger.ledger.audit.AuditResult;
import org.opsledger.ledger.audit.LogAuditor;
import org.opsledger.ledger.note.Checkpoint;
import org.opsledger.ledger.note.SignerKey;

/**
 * The ledger figures of docs/performance.md; run through bench/ledger-bench.sh. Plain Java with
 * warm-up rounds, one thread. Prints Markdown. Timings are compared within one run (against raw
 * SHA-256 on the same bytes), never asserted.
 */
public final class LedgerBench {

    private static final String ORIGIN = "bench.opsledger.example/audit";

    public static void main(String[] args) throws Exception {
        int verifyEntries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        long proofTreeSize = args.length > 1 ? Long.parseLong(args[1]) : 10_000_000L;
        int entryBytes = 400;

        System.out.println("| measurement | result |");
        System.out.println("|---|---|");
        streamingVerify(verifyEntries, entryBytes);
        proofs(proofTreeSize);
    }

    private static void streamingVerify(int count, int entryBytes) throws Exception {
        List<byte[]> entries = new ArrayList<>(count);
        Random random = new Random(1);
        for (int i = 0; i < count; i++) {
            byte[] entry = new byte[entryBytes - 8 + random.nextInt(17)]; // 392..408 bytes
            random.nextBytes(entry);
            entries.add(entry);
        }
        long totalBytes = entries.stream().mapToLong(e -> e.length).sum();
        TreeHasher hasher = new TreeHasher();
        List<Hash> stored = new ArrayList<>(count);
        TreeFrontier frontier = new TreeFrontier();
        for (byte[] entry : entries) {
            stored.add(hasher.leafHash(entry));
            frontier.append(entry);
        }
        SignerKey key = SignerKey.generate(ORIGIN);
        List<String> checkpoints = List.of(
                new Checkpoint(ORIGIN, count, frontier.root()).sign(key));
        LogAuditor auditor = LogAuditor.trusting(key.verifierKey());

        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        byte[] sink = new byte[32];
        Round floor = best(() -> {
            for (byte[] entry : entries) {
                sha256.update((byte) 0);
                sha256.update(entry);
                try {
                    sha256.digest(sink, 0, 32);
                } catch (java.security.DigestException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        Round plain = best(() -> require(auditor.verify(auditEntries(entries, null), checkpoints)));
        Round withStored = best(() -> require(auditor.verify(auditEntries(entries, stored), checkpoints)));

        row("streaming verify, " + count + " entries of ~" + entryBytes + " B (" + mb(totalBytes) + "), entries only",
                rate(count, plain) + " (best of 5 after 2 warm-up; median " + rate(count, plain.median) + ")");
        row("streaming verify, same, with stored leaf hashes compared",
                rate(count, withStored) + " (median " + rate(count, withStored.median) + ")");
        row("raw SHA-256 of the same leaf inputs (floor)",
                rate(count, floor) + ", " + String.format("%.2f GB/s", totalBytes / floor.best / 1e9));
        row("verify time / raw leaf hashing time", String.format("%.2f (entries only), %.2f (with stored hashes)",
                plain.best / floor.best, withStored.best / floor.best));
    }

    private static void proofs(long size) {
        InMemoryHashStore store = new InMemoryHashStore();
        MerkleTree tree = MerkleTree.create(store);
        TreeHasher hasher = new TreeHasher();
        byte[] entry = new byte[16];
        long start = System.nanoTime();
        List<Hash> batch = new ArrayList<>(10_000);
        for (long i = 0; i < size; i++) {
            entry[0] = (byte) i;
            entry[1] = (byte) (i >>> 8);
            entry[2] = (byte) (i >>> 16);
            entry[3] = (byte) (i >>> 24);
            batch.add(hasher.leafHash(entry));
            if (batch.size() == 10_000 || i == size - 1) {
                tree.appendLeafHashes(batch);
                batch.clear();
            }
        }
        double buildSeconds = (System.nanoTime() - start) / 1e9;
        row("build a " + String.format("%,d", size) + "-leaf tree (leaf hash + append, in-memory store, batches of 10,000)",
                String.format("%.1f s, %,.0f leaves/s", buildSeconds, size / buildSeconds));

        Hash root = tree.root();
        Random random = new Random(2);
        ProofBuilder builder = new ProofBuilder(store);
        int samples = 20_000;
        long[] indexes = new long[samples];
        long[] olderSizes = new long[samples];
        for (int i = 0; i < samples; i++) {
            indexes[i] = Math.floorMod(random.nextLong(), size);
            olderSizes[i] = 1 + Math.floorMod(random.nextLong(), size - 1);
        }
        // Warm-up, and proof that the proofs are right.
        int maxInclusion = 0;
        int maxConsistency = 0;
        int maxBoth = 0;
        long sumBoth = 0;
        for (int i = 0; i < samples; i++) {
            InclusionProof inclusion = builder.inclusionProof(indexes[i], size);
            ConsistencyProof consistency = builder.consistencyProof(olderSizes[i], size);
            if (i < 200) {
                Hash leaf = store.get(SubtreeId.leaf(indexes[i]));
                if (!inclusion.verify(leaf, root) || !consistency.verify(builder.rootAt(olderSizes[i]), root)) {
                    throw new IllegalStateException("benchmark produced a proof that does not verify");
                }
            }
            int inclusionBytes = inclusion.pathBytes().length;
            int consistencyBytes = consistency.pathBytes().length;
            maxInclusion = Math.max(maxInclusion, inclusionBytes);
            maxConsistency = Math.max(maxConsistency, consistencyBytes);
            maxBoth = Math.max(maxBoth, inclusionBytes + consistencyBytes);
            sumBoth += inclusionBytes + consistencyBytes;
        }
        long[] inclusionNanos = new long[samples];
        long[] consistencyNanos = new long[samples];
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < samples; i++) {
                long t0 = System.nanoTime();
                builder.inclusionProof(indexes[i], size);
                long t1 = System.nanoTime();
                builder.consistencyProof(olderSizes[i], size);
                long t2 = System.nanoTime();
                inclusionNanos[i] = t1 - t0;
                consistencyNanos[i] = t2 - t1;
            }
        }
        row("inclusion proof in the " + String.format("%,d", size) + "-leaf tree: size",
                "max " + maxInclusion + " B (" + maxInclusion / Hash.SIZE + " hashes)");
        row("consistency proof (random older size to " + String.format("%,d", size) + "): size",
                "max " + maxConsistency + " B (" + maxConsistency / Hash.SIZE + " hashes)");
        row("inclusion + consistency proof together: size",
                "max " + maxBoth + " B, mean " + sumBoth / samples + " B over " + String.format("%,d", samples) + " random pairs");
        row("time to produce an inclusion proof from the store",
                micros(inclusionNanos));
        row("time to produce a consistency proof from the store",
                micros(consistencyNanos));
    }

    private static Iterator<AuditEntry> auditEntries(List<byte[]> entries, List<Hash> stored) {
        return new Iterator<>() {
            int next;

            @Override
            public boolean hasNext() {
                return next < entries.size();
            }

            @Override
            public AuditEntry next() {
                int i = next++;
                return stored == null ? AuditEntry.of(entries.get(i)) : AuditEntry.of(entries.get(i), stored.get(i));
            }
        };
    }

    private static void require(AuditResult result) {
        if (!result.ok()) {
            throw new IllegalStateException(result.describe());
        }
    }

    private record Round(double best, double median) {
    }

    private static Round best(Runnable work) {
        for (int i = 0; i < 2; i++) {
            work.run();
        }
        double[] seconds = new double[5];
        for (int i = 0; i < seconds.length; i++) {
            long start = System.nanoTime();
            work.run();
            seconds[i] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(seconds);
        return new Round(seconds[0], seconds[seconds.length / 2]);
    }

    private static String rate(int count, Round round) {
        return rate(count, round.best);
    }

    private static String rate(int count, double seconds) {
        return String.format("%,.0f entries/s", count / seconds);
    }

    private static String micros(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).average().orElse(0) / 1000;
        return String.format("mean %.1f µs, p50 %.1f µs, p99 %.1f µs", mean,
                sorted[sorted.length / 2] / 1000.0, sorted[(int) (sorted.length * 0.99)] / 1000.0);
    }

    private static String mb(long bytes) {
        return String.format("%.0f MB", bytes / 1e6);
    }

    private static void row(String what, String result) {
        System.out.println("| " + what + " | " + result + " |");
    }
}
