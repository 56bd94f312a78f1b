package org.opsledger.vault.checker;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.crypto.Sealing;
import org.opsledger.vault.index.Index;
import org.opsledger.vault.index.IndexEntry;
import org.opsledger.vault.pack.PackReader;
import org.opsledger.vault.pack.PackedBlob;
import org.opsledger.vault.repository.DamagedBlobException;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.NodeType;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.SnapshotRef;
import org.opsledger.vault.snapshot.Tree;

/** Checks a repository; read-data reads every pack (or a deterministic subset of them). */
public final class Checker {

    /** NIST SP 800-38D: random 96-bit nonces stay safe for 2^32 encryptions per key; warn at half. */
    static final long NONCE_WARNING = 1L << 31;

    private final Repository repo;
    private final int threads;
    public final AtomicInteger packsDone = new AtomicInteger();

    public Checker(Repository repo, int threads) {
        this.repo = repo;
        this.threads = threads;
    }

    /** @param readDataPercent 0 for structure only, 100 for every pack, in between for a subset */
    public CheckResult check(double readDataPercent) {
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        List<String> warnings = new ArrayList<>();
        Index index = new Index(true);
        for (String name : repo.backend().list("index")) {
            if (!authenticName(name, errors)) {
                continue;
            }
            try {
                index.add(repo.readSealed(name, Sealing.Kind.INDEX, org.opsledger.vault.index.IndexFile.class));
            } catch (VaultException e) {
                errors.add(e.getMessage());
            }
        }
        List<SnapshotRef> snapshots = new ArrayList<>();
        for (String name : repo.backend().list("snapshots")) {
            if (!authenticName(name, errors)) {
                continue;
            }
            try {
                snapshots.add(new SnapshotRef(ObjectId.parse(name.substring(name.lastIndexOf('/') + 1)),
                        repo.readSealed(name, Sealing.Kind.SNAPSHOT, Snapshot.class)));
            } catch (VaultException e) {
                errors.add(e.getMessage());
            }
        }
        for (String name : repo.backend().list("holds")) {
            try {
                repo.readSealed(name, Sealing.Kind.HOLD, org.opsledger.vault.snapshot.LegalHold.class);
            } catch (VaultException e) {
                errors.add(e.getMessage());
            }
        }
        Set<ObjectId> stored = new HashSet<>();
        for (String name : repo.backend().list("data")) {
            stored.add(ObjectId.parse(name.substring(name.lastIndexOf('/') + 1)));
        }
        for (ObjectId pack : index.packs()) {
            if (!stored.contains(pack)) {
                errors.add("pack " + pack.shortHex() + " is indexed but missing from the repository");
            }
        }
        Set<String> condemned = new HashSet<>();
        for (String name : repo.backend().list("condemned")) {
            condemned.add(name.substring(name.lastIndexOf('/') + 1));
        }
        int unreferenced = 0;
        for (ObjectId p : stored) {
            if (!index.packs().contains(p) && !condemned.contains(p.hex())) {
                unreferenced++;
            }
        }
        if (unreferenced > 0) {
            warnings.add(unreferenced + " pack(s) not in any index (left by an interrupted backup or prune); prune removes them");
        }
        if (!condemned.isEmpty()) {
            warnings.add(condemned.size() + " pack(s) condemned by prune, awaiting deletion");
        }
        if (repo.backend() instanceof LocalBackend local && !local.leftoverTemporaryFiles().isEmpty()) {
            warnings.add(local.leftoverTemporaryFiles().size() + " temporary file(s) from an interrupted write (never read)");
        }
        Map<Integer, Long> perEpoch = new HashMap<>();
        index.entries().values().forEach(e -> perEpoch.merge(index.epochOf(e.pack()), 1L, Long::sum));
        perEpoch.forEach((epoch, n) -> {
            if (n >= NONCE_WARNING) {
                warnings.add("key epoch " + epoch + " has sealed " + n + " blobs, near the 2^32 random-nonce bound; run `key rotate`");
            }
        });

        // read data first so that the snapshot walk can name what the damage hurts
        Map<ObjectId, String> damagedBlobs = new ConcurrentHashMap<>();
        Map<ObjectId, String> damagedPackProblems = new ConcurrentHashMap<>();
        Map<ObjectId, List<PackedBlob>> byPack = index.byPack();
        List<ObjectId> toRead = new ArrayList<>();
        for (ObjectId p : index.packs()) {
            if (stored.contains(p) && selected(p, readDataPercent)) {
                toRead.add(p);
            }
        }
        AtomicLong bytesRead = new AtomicLong();
        if (!toRead.isEmpty()) {
            Sealing.warmUp();
            readPacks(toRead, byPack, damagedBlobs, damagedPackProblems, bytesRead);
        }

        // walk every snapshot: every blob indexed, and which files need damaged blobs
        Map<ObjectId, Set<String>> damageUsers = new HashMap<>();
        Map<ObjectId, Set<String>> damageSnapshots = new HashMap<>();
        Map<ObjectId, Tree> treeCache = new HashMap<>();
        for (SnapshotRef s : snapshots) {
            walk(s, s.snapshot().tree(), "", index, damagedBlobs, treeCache, errors, damageUsers, damageSnapshots, new HashSet<>());
        }
        List<CheckResult.DamagedPack> damaged = new ArrayList<>();
        Map<ObjectId, List<ObjectId>> blobsOfPack = new LinkedHashMap<>();
        for (ObjectId blob : new TreeSet<>(damagedBlobs.keySet())) {
            IndexEntry e = index.get(blob);
            if (e != null) {
                blobsOfPack.computeIfAbsent(e.pack(), k -> new ArrayList<>()).add(blob);
            }
        }
        for (var entry : blobsOfPack.entrySet()) {
            Set<String> snaps = new LinkedHashSet<>();
            Set<String> files = new TreeSet<>();
            for (ObjectId b : entry.getValue()) {
                snaps.addAll(damageSnapshots.getOrDefault(b, Set.of()));
                files.addAll(damageUsers.getOrDefault(b, Set.of()));
            }
            String problem = damagedPackProblems.getOrDefault(entry.getKey(), "damaged blobs");
            damaged.add(new CheckResult.DamagedPack(entry.getKey().hex(), problem,
                    entry.getValue().stream().map(ObjectId::hex).toList(), List.copyOf(snaps), List.copyOf(files)));
            errors.add("pack " + entry.getKey().hex() + " is damaged (" + problem + "): " + entry.getValue().size()
                    + " blob(s); needed by snapshot(s) " + String.join(", ", snaps) + "; file(s) " + String.join(", ", files));
        }
        return new CheckResult(snapshots.size(), index.packs().size(), toRead.size(), bytesRead.get(), List.copyOf(errors),
                warnings, damaged);
    }

    /** Deterministic choice of a read-data subset: the same packs for the same percentage. */
    static boolean selected(ObjectId pack, double percent) {
        if (percent >= 100) {
            return true;
        }
        if (percent <= 0) {
            return false;
        }
        return Long.remainderUnsigned(pack.a(), 10_000) < (long) (percent * 100);
    }

    private boolean authenticName(String name, List<String> errors) {
        ObjectId expected = ObjectId.parse(name.substring(name.lastIndexOf('/') + 1));
        if (!Sealing.sha256(repo.backend().read(name)).equals(expected)) {
            errors.add(name + " does not match its SHA-256 name (damaged or altered)");
            return false;
        }
        return true;
    }

    /** Packs held in memory at once: the one being read and the one whose blobs the workers verify. */
    static final int PACKS_IN_MEMORY = 2;
    /** Blobs of one pack are verified in tasks of about this many stored bytes (tree packs hold thousands of small blobs). */
    private static final int TASK_BYTES = 1024 * 1024;

    /**
     * The calling thread reads the packs one after the other (one sequential stream of reads) while
     * the workers check each pack's SHA-256 and open, decompress and re-hash its blobs; at most
     * {@link #PACKS_IN_MEMORY} packs are held, so memory does not grow with the threads.
     */
    private void readPacks(List<ObjectId> packs, Map<ObjectId, List<PackedBlob>> byPack, Map<ObjectId, String> damagedBlobs,
                           Map<ObjectId, String> problems, AtomicLong bytesRead) {
        ExecutorService workers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "vault-check");
            t.setDaemon(true);
            return t;
        });
        Semaphore held = new Semaphore(PACKS_IN_MEMORY);
        List<CompletableFuture<Void>> jobs = new ArrayList<>();
        try {
            for (ObjectId p : packs) {
                held.acquireUninterruptibly();
                List<PackedBlob> indexed = byPack.getOrDefault(p, List.of());
                byte[] bytes;
                try {
                    bytes = repo.backend().read(Repository.packName(p));
                } catch (VaultException e) {
                    problems.put(p, "unreadable: " + e.getMessage());
                    indexed.forEach(b -> damagedBlobs.put(b.id(), "unreadable"));
                    held.release();
                    packsDone.incrementAndGet();
                    continue;
                }
                bytesRead.addAndGet(bytes.length);
                List<CompletableFuture<?>> parts = new ArrayList<>();
                CompletableFuture<Boolean> hashOk = CompletableFuture.supplyAsync(() -> Sealing.sha256(bytes).equals(p), workers);
                parts.add(hashOk);
                Placement placement = placed(bytes, indexed, damagedBlobs);
                List<PackedBlob> toOpen = placement.ok();
                for (int i = 0; i < toOpen.size(); ) {
                    int from = i;
                    long size = 0;
                    while (i < toOpen.size() && (i == from || size < TASK_BYTES)) {
                        size += toOpen.get(i++).length();
                    }
                    List<PackedBlob> batch = toOpen.subList(from, i);
                    parts.add(CompletableFuture.runAsync(() -> {
                        for (PackedBlob b : batch) {
                            try {
                                repo.openBlob(b.id(), b.compressed(), b.rawLength(), bytes, b.offset(), b.length());
                            } catch (DamagedBlobException | ArrayIndexOutOfBoundsException e) {
                                damagedBlobs.put(b.id(), e.getMessage());
                            }
                        }
                    }, workers));
                }
                jobs.add(CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
                    // one problem per pack, the most basic first: a header that cannot be read, then the pack's hash
                    String problem = placement.headerProblem() != null ? placement.headerProblem()
                            : e == null && !hashOk.join() ? "content does not match its SHA-256 name"
                            : placement.disagree() ? "index and pack header disagree" : null;
                    if (problem != null) {
                        problems.put(p, problem);
                    }
                    held.release();
                    packsDone.incrementAndGet();
                }));
            }
            CompletableFuture.allOf(jobs.toArray(CompletableFuture[]::new)).join();
        } finally {
            workers.shutdownNow();
        }
    }

    /** The indexed blobs that the pack's own header lists at the same place, and what was wrong with the header. */
    private record Placement(List<PackedBlob> ok, String headerProblem, boolean disagree) {
    }

    /** Blobs that are not where the index says are recorded as damaged; the others are returned to be opened. */
    private Placement placed(byte[] bytes, List<PackedBlob> indexed, Map<ObjectId, String> damagedBlobs) {
        Map<ObjectId, PackedBlob> header = new HashMap<>();
        String headerProblem = null;
        try {
            for (PackedBlob b : PackReader.header(bytes, repo.keys()::dataKey)) {
                header.put(b.id(), b);
            }
        } catch (PackReader.CorruptPackException | VaultException e) {
            headerProblem = "header: " + e.getMessage();
        }
        boolean disagree = false;
        List<PackedBlob> ok = new ArrayList<>(indexed.size());
        for (PackedBlob b : indexed) {
            PackedBlob h = header.get(b.id());
            if (h == null || h.offset() != b.offset() || h.length() != b.length()) {
                disagree |= !header.isEmpty();
                damagedBlobs.put(b.id(), "not where the index says");
            } else {
                ok.add(b);
            }
        }
        return new Placement(ok, headerProblem, disagree);
    }

    private void walk(SnapshotRef s, ObjectId treeId, String dir, Index index, Map<ObjectId, String> damaged,
                      Map<ObjectId, Tree> cache, List<String> errors, Map<ObjectId, Set<String>> users,
                      Map<ObjectId, Set<String>> snapshotsOf, Set<ObjectId> seenInThisSnapshot) {
        String where = "snapshot " + s.shortId() + " " + (dir.isEmpty() ? "/" : dir);
        if (!index.contains(treeId)) {
            errors.add(where + ": tree " + treeId.shortHex() + " missing from the index");
            return;
        }
        if (damaged.containsKey(treeId)) {
            users.computeIfAbsent(treeId, k -> new TreeSet<>()).add(dir.isEmpty() ? "/" : dir + "/");
            snapshotsOf.computeIfAbsent(treeId, k -> new LinkedHashSet<>()).add(s.shortId());
            return;
        }
        Tree tree = cache.get(treeId);
        if (tree == null) {
            try {
                tree = repo.loadTree(treeId);
            } catch (VaultException e) {
                errors.add(where + ": " + e.getMessage());
                return;
            }
            if (cache.size() < 10_000) {
                cache.put(treeId, tree);
            }
        }
        for (Node n : tree.nodes()) {
            String path = dir + "/" + n.name();
            if (n.type() == NodeType.DIR && n.subtree() != null) {
                walk(s, n.subtree(), path, index, damaged, cache, errors, users, snapshotsOf, seenInThisSnapshot);
            } else if (n.type() == NodeType.FILE && n.content() != null) {
                for (ObjectId b : n.content()) {
                    if (!index.contains(b)) {
                        errors.add("snapshot " + s.shortId() + " " + path + ": blob " + b.shortHex() + " missing from the index");
                    } else if (damaged.containsKey(b)) {
                        users.computeIfAbsent(b, k -> new TreeSet<>()).add(path);
                        snapshotsOf.computeIfAbsent(b, k -> new LinkedHashSet<>()).add(s.shortId());
                    }
                }
            }
        }
    }
}
