package org.opsledger.vault.checker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.opsledger.vault.Cancelled;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.VaultJson;
import org.opsledger.vault.backend.Backend;
import org.opsledger.vault.backend.BackendException;
import org.opsledger.vault.backend.PermissionDeniedException;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.crypto.Sealing;
import org.opsledger.vault.index.Index;
import org.opsledger.vault.journal.Journal;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.pack.BlobType;
import org.opsledger.vault.pack.PackReader;
import org.opsledger.vault.pack.PackWriter;
import org.opsledger.vault.pack.PackedBlob;
import org.opsledger.vault.repository.Condemned;
import org.opsledger.vault.repository.Decompressors;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.repository.SharedLock;
import org.opsledger.vault.snapshot.LegalHold;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.SnapshotRef;
import org.opsledger.vault.snapshot.TreeCodec;

/**
 * {@code vault repair} (docs/vault-format.md §12): after {@code check} has found damage, makes the
 * repository consistent again and keeps every blob that can still be read.
 * <ol>
 * <li>The index: an index file that is not authentic is replaced by what the packs' own headers say;
 * a pack no index names (and prune has not condemned) is indexed from its header; an indexed pack
 * that is missing leaves the index.</li>
 * <li>With read-data, every pack is read as {@code check --read-data} reads it. Each blob of a damaged
 * pack that still authenticates is stored again in a new pack; then the damaged pack leaves the
 * index, and its bytes move from {@code data/} to {@code damaged/}: kept (evidence, or for a
 * specialist), never read by the vault again.</li>
 * <li>A snapshot file whose bytes do not match its name moves to {@code damaged/snapshots/}, so that
 * forget and prune, which stop while a snapshot cannot be read, run again; a held one stays. A hold
 * record that does not open is replaced by one that keeps the hold in force; a condemned record that
 * does not open is dropped and its pack indexed again (prune condemns it again if nothing needs it).
 * Each damaged file's bytes are kept under {@code damaged/} first.</li>
 * </ol>
 * A blob lost so is in no index afterwards: the next backup of the same sources stores it again (the
 * archiver re-reads a file, and writes a directory's tree anew, when the parent snapshot's blobs are
 * not indexed), and every snapshot that needs it is whole again, as content IDs are the same. Each
 * step leaves a consistent repository if the process dies after it, and running repair again goes on.
 * Cancelled with {@code Thread.interrupt()} while it reads, a repair throws {@link Cancelled} and has moved and written
 * nothing; later, it stops between steps as a killed one does (docs/architecture.md, "A cancelled job").
 */
public final class Repairer {

    /** Where a damaged pack's bytes are kept once it has left the index; a damaged snapshot file, hold or condemned record under its own directory name in it. */
    public static final String DAMAGED = "damaged";

    private final Repository repo;
    private final Checker checker;

    public Repairer(Repository repo, int threads) {
        this.repo = repo;
        this.checker = new Checker(repo, threads);
    }

    /** Packs read so far, for a progress bar. */
    public AtomicInteger packsDone() {
        return checker.packsDone;
    }

    /**
     * @param readDataPercent 0 repairs the index alone; 100 reads every pack (a subset in between, as check chooses it)
     * @param dryRun          finds and reports, writes nothing (not even a lock)
     */
    public RepairResult repair(double readDataPercent, boolean dryRun) {
        if (dryRun) {
            return plan(readDataPercent).result(true, Map.of());
        }
        try (SharedLock lock = repo.lock("repair")) { // alone (Locks#RUNS_ALONE): it rewrites the index and moves packs
            Plan plan = plan(readDataPercent);
            RepairResult result = plan.result(false, apply(plan, lock));
            if (plan.files().stream().anyMatch(f -> f.name().startsWith(Journal.DIR + "/") && f.keptAs() != null
                    && f.keptAs().startsWith(DAMAGED + "/"))) {
                lostJournalEntries = new Journal(repo).read(e -> false).coverage().missing().stream().map(m -> m.entry().toString()).toList();
            }
            return result;
        }
    }

    /** The entries checks named that the journal lacked once this repair moved damaged journal files aside (§13). */
    private List<String> lostJournalEntries = List.of();

    /**
     * The entries checks had named ({@link org.opsledger.vault.journal.Coverage}) that the journal no longer held once this
     * repair had moved damaged journal files under damaged/, which its entry names ({@code lostEntries}): later checks say
     * them lost with those files, or deleted before (it cannot tell), not deleted. Empty when it moved none.
     */
    public List<String> lostJournalEntries() {
        return lostJournalEntries;
    }

    /** What is wrong, and what can be saved: found by reading, nothing written. */
    private Plan plan(double readDataPercent) {
        Index index = new Index(true);
        List<String> indexProblems = new ArrayList<>();
        List<String> indexFiles = checker.readIndex(index, indexProblems);
        Map<ObjectId, Long> storedSizes = checker.storedPacks(name -> { }); // a name no pack's: not the vault's, left alone
        Set<ObjectId> stored = new HashSet<>(storedSizes.keySet());
        List<SnapshotRef> snapshots = new ArrayList<>();
        List<RepairResult.DamagedFile> files = snapshotFiles(snapshots);
        files.addAll(holdRecords());
        files.addAll(journalEntries());
        Set<ObjectId> inCondemned = new HashSet<>(); // what a backup beside a prune may need: not lost (§10)
        Map<String, String> damagedCondemned = checker.unopenable("condemned", Sealing.Kind.CONDEMNED, Condemned.class, (name, record) -> {
            if (record != null && stored.contains(ObjectId.parse(record.pack().id()))) {
                record.pack().blobs().forEach(b -> inCondemned.add(ObjectId.parse(b.id())));
            }
        });
        Set<String> condemned = new HashSet<>();
        for (String name : repo.backend().list("condemned")) {
            if (!damagedCondemned.containsKey(name)) {
                condemned.add(name.substring(name.lastIndexOf('/') + 1));
            }
        }
        damagedCondemned.forEach((name, why) -> {
            ObjectId pack = Repository.idOfName(name);
            // not counted as condemned: its pack, no longer named by any index, is indexed again from its header below
            files.add(pack == null
                    ? new RepairResult.DamagedFile(name, withoutName(name, why), null,
                            "left in place, not named by a pack ID: prune stays stopped until it is moved out of condemned/")
                    : new RepairResult.DamagedFile(name, withoutName(name, why), DAMAGED + "/" + name, stored.contains(pack)
                            ? "its pack is indexed again (the next prune condemns it again if nothing needs it)" : "its pack is gone already"));
        });
        Map<ObjectId, String> problems = new LinkedHashMap<>();
        for (ObjectId p : index.packs()) {
            if (!stored.contains(p)) {
                problems.put(p, "missing from the repository");
            }
        }
        int indexedAgain = 0;
        Map<ObjectId, String> headerless = new LinkedHashMap<>();
        for (ObjectId p : stored) {
            if (!index.packs().contains(p) && !condemned.contains(p.hex())) {
                try {
                    Repository.PackHeader h = repo.packHeader(p);
                    index.add(p, h.epoch(), h.blobs());
                    indexedAgain++;
                } catch (VaultException e) {
                    Cancelled.passOn(e, "the repair");
                    PermissionDeniedException.passOn(e); // another user's pack: nothing is known of it
                    if (e instanceof BackendException && !repo.backend().isDamage(e)) {
                        throw e; // the store did not answer: that says nothing of the pack
                    }
                    if (e instanceof org.opsledger.vault.pack.PackReader.CorruptPackException) {
                        repo.noteOrphanSealedUnderAnotherKey(p); // a copy's, sealed under its own key: repair refuses below
                    }
                    headerless.put(p, e.getMessage());
                }
            }
        }
        Map<ObjectId, List<PackedBlob>> byPack = index.byPack();
        Map<ObjectId, String> damagedBlobs = new ConcurrentHashMap<>();
        Map<ObjectId, String> packProblems = new ConcurrentHashMap<>();
        List<ObjectId> toRead = Checker.subset(index.packs().stream().filter(stored::contains).toList(), readDataPercent, null); // from a pack chosen at random
        AtomicLong bytesRead = new AtomicLong();
        if (!toRead.isEmpty()) {
            Sealing.warmUp(false);
            checker.readPacks(toRead, storedSizes, byPack, damagedBlobs, packProblems, bytesRead); // no HEAD per pack (the reviewer's)
        }
        // a blob read as damaged is named by ID alone: every pack that holds it is looked at blob by blob
        byPack.forEach((p, blobs) -> {
            if (!problems.containsKey(p) && (packProblems.containsKey(p) || blobs.stream().anyMatch(b -> damagedBlobs.containsKey(b.id())))) {
                problems.put(p, packProblems.getOrDefault(p, Checker.DAMAGED_BLOBS));
            }
        });
        Set<ObjectId> elsewhere = Checker.wholeElsewhere(byPack, stored, problems);
        Map<ObjectId, String> lost = new HashMap<>();
        Map<ObjectId, List<PackedBlob>> salvage = new LinkedHashMap<>();
        for (var e : problems.entrySet()) {
            List<PackedBlob> saved = new ArrayList<>();
            Map<ObjectId, PackedBlob> sealedList = stored.contains(e.getKey()) ? headerOf(e.getKey()) : Map.of();
            for (PackedBlob b : byPack.getOrDefault(e.getKey(), List.of())) {
                if (elsewhere.contains(b.id())) {
                    continue;
                }
                String why = stored.contains(e.getKey()) ? whyUnreadable(e.getKey(), b) : e.getValue();
                PackedBlob own = sealedList.get(b.id());
                if (why != null && own != null && !own.equals(b) && whyUnreadable(e.getKey(), own) == null) {
                    // the index lied, not the pack: its own sealed list says where the blob is (a forged or wrong index
                    // entry made a helper's repair give up blobs the pack held whole)
                    b = own;
                    why = null;
                }
                if (why == null) {
                    saved.add(b);
                } else {
                    lost.putIfAbsent(b.id(), why);
                }
            }
            // and what its own sealed header lists that the index places elsewhere or nowhere: two packs whose names were
            // swapped hold each other's blobs whole, and repair salvaged neither, took both out and called their blobs lost
            // (a helper's)
            Set<ObjectId> indexedHere = new HashSet<>();
            byPack.getOrDefault(e.getKey(), List.of()).forEach(b -> indexedHere.add(b.id()));
            sealedList.values().stream().sorted(java.util.Comparator.comparingInt(PackedBlob::offset))
                    .filter(own -> !indexedHere.contains(own.id()) && !elsewhere.contains(own.id()))
                    .filter(own -> whyUnreadable(e.getKey(), own) == null)
                    .forEach(saved::add);
            salvage.put(e.getKey(), saved);
        }
        salvage.values().forEach(saved -> saved.forEach(b -> lost.remove(b.id()))); // whole in another damaged pack
        // which snapshots and files need what is lost, walked with the index as it is (the damaged packs still in it)
        Map<String, CheckResult.DamagedPack> hurt = hurt(index, snapshots, lost, problems);
        // and what a snapshot needs that the rebuilt index lacks: a pack cut short whose header does not read held it, and
        // repair said "nothing was lost", exit 0, and the next prune deleted that pack as an orphan (a tester's, h2). Such a
        // pack is kept under damaged/ then, for a specialist, with what the blobs' loss means named
        RepairResult.Unindexed unindexed = checker.unindexed(inCondemned);
        List<String> unreadable = new ArrayList<>();
        Set<ObjectId> found = new HashSet<>(); // what such packs' sealed blobs hold: no longer lost
        Set<ObjectId> needed = new HashSet<>();
        unindexed.blobs().forEach(b -> needed.add(ObjectId.parse(b)));
        for (var h : headerless.entrySet()) {
            if (unindexed.blobs().isEmpty()) {
                unreadable.add(Repository.packName(h.getKey()) + ": " + h.getValue());
            } else {
                problems.put(h.getKey(), RepairResult.HEADERLESS + h.getValue());
                Repository.PackHeader sealed = sealedBlobs(h.getKey(), storedSizes.get(h.getKey()), needed, elsewhere, found);
                salvage.put(h.getKey(), sealed.blobs());
                if (!sealed.blobs().isEmpty()) { // indexed where they lie until they are salvaged, as a damaged pack's blobs are
                    index.add(h.getKey(), sealed.epoch(), sealed.blobs());
                }
            }
        }
        if (!found.isEmpty()) { // walked again: below a tree found so, what is in no pack is lost too
            found.forEach(lost::remove); // whole in such a pack
            hurt = hurt(index, snapshots, lost, problems);
            unindexed = checker.unindexed(inCondemned);
        }
        Cancelled.check("the repair"); // before anything is moved: what an interrupted read left out is not damage
        // unreadable for want of a newer keyring, not damaged: nothing is taken out of use
        repo.refuseWhileNewerKeyringLacked("repair refused, nothing changed");
        return new Plan(index, byPack, indexFiles, indexProblems, indexedAgain, unreadable, problems, stored, salvage, lost, hurt,
                checker.unwalked(), unindexed, files, Checker.packsRead(toRead, packProblems), bytesRead.get(),
                checker.snapshotsGone(snapshots)); // what repair cannot bring back, said as check says it
    }

    /** The damaged packs whose {@code lost} blobs a snapshot needs, by pack, from a walk of every snapshot against {@code index}. */
    private Map<String, CheckResult.DamagedPack> hurt(Index index, List<SnapshotRef> snapshots, Map<ObjectId, String> lost,
                                                      Map<ObjectId, String> problems) {
        Map<String, CheckResult.DamagedPack> hurt = new HashMap<>();
        for (CheckResult.DamagedPack d : checker.damageOf(index, snapshots, lost, problems, new ArrayList<>())) {
            hurt.put(d.pack(), d);
        }
        return hurt;
    }

    /**
     * Snapshot files that are not as the vault wrote them. One whose bytes no longer match its name is damaged
     * for certain: it is taken out of use unless held (a held snapshot's data must stay, and prune, not knowing
     * what it needs, stays stopped until the hold is released). One that matches its name but does not open with
     * this repository's keys (another repository's file copied in, which anyone able to write to the store can do)
     * is taken out of use so too: left in place, it stopped forget, prune and key retire, each sending the operator to
     * `vault repair`, which said there was nothing to repair (a helper's loop). The snapshots that open are added to
     * {@code readable}: each file is read once.
     */
    private List<RepairResult.DamagedFile> snapshotFiles(List<SnapshotRef> readable) {
        List<RepairResult.DamagedFile> out = new ArrayList<>();
        for (String name : repo.backend().list("snapshots")) {
            ObjectId id = Repository.idOfName(name);
            byte[] sealed;
            String unreadable = null;
            try {
                sealed = id == null ? null : repo.backend().read(name);
            } catch (org.opsledger.vault.backend.MissingFileException gone) {
                continue; // a forget beside the plan
            } catch (BackendException e) {
                if (!repo.backend().isDamage(e)) {
                    throw e; // the store did not answer, or this user may not read it: nothing is known of the file
                }
                sealed = null; // a bad sector under it: kept under damaged/ with zeros where it does not read
                unreadable = "does not read (" + e.getMessage() + ")";
            }
            if (id == null) {
                out.add(new RepairResult.DamagedFile(name, "not named by a snapshot ID", null,
                        "left in place, not the vault's: " + Repository.STOPPED_UNTIL_MOVED_OUT));
            } else {
                String problem = unreadable;
                if (sealed != null && Sealing.sha256(sealed).equals(id)) {
                    try {
                        readable.add(new SnapshotRef(id, repo.readSealed(name, sealed, Sealing.Kind.SNAPSHOT, Snapshot.class)));
                        continue;
                    } catch (RuntimeException e) {
                        problem = e instanceof VaultJson.Malformed m ? m.problem() // it opened: a snapshot file in no shape the format says
                                : "does not open with this repository's keys (another repository's file, or sealed under a key its"
                                + " keyring lacks)";
                    }
                }
                String hold = "holds/" + id.hex();
                boolean held = repo.backend().exists(hold);
                out.add(new RepairResult.DamagedFile(name, problem != null ? problem : "does not match its SHA-256 name (damaged or altered)",
                        held ? null : DAMAGED + "/" + name, held
                        ? "left in place, held (" + hold + "): its data stays, and forget and prune stay stopped, until the hold is released"
                        + " (`vault release " + id.shortHex() + "` works on it)"
                        : "its root tree's ID was in it: `vault recover`, before a prune, makes a snapshot of the trees no snapshot references"));
            }
        }
        return out;
    }

    /**
     * Hold records that do not open: forget, which must know every hold, stops while one cannot be read. A new
     * record keeps the hold in force (IS.012 6.6.7: a hold ends only by a release), its reason saying what happened.
     */
    private List<RepairResult.DamagedFile> holdRecords() {
        List<RepairResult.DamagedFile> out = new ArrayList<>();
        checker.unopenable("holds", Sealing.Kind.HOLD, LegalHold.class).forEach((name, why) -> {
            boolean ours = Repository.idOfName(name) != null;
            out.add(new RepairResult.DamagedFile(name, withoutName(name, why), ours ? DAMAGED + "/" + name : null, ours
                    ? "the hold stays in force under a new record (`vault hold` the snapshot again to record its reason)"
                    : "left in place, not named by a snapshot ID: forget stays stopped until it is moved out of holds/"));
        });
        return out;
    }

    /**
     * Journal entries whose bytes no longer match their name: taken out of the journal, kept under damaged/ (§13). One
     * that matches its name but does not open is left, as a snapshot file is; one not named by a hash is not the vault's.
     */
    private List<RepairResult.DamagedFile> journalEntries() {
        List<RepairResult.DamagedFile> out = new ArrayList<>();
        for (String name : repo.backend().list(Journal.DIR)) {
            ObjectId id = Repository.idOfName(name);
            if (id == null) {
                out.add(new RepairResult.DamagedFile(name, "not named by its SHA-256", null, "left in place, not the vault's"));
            } else {
                byte[] sealed;
                try {
                    sealed = repo.backend().read(name);
                } catch (org.opsledger.vault.backend.MissingFileException gathered) {
                    continue; // gathered into a segment meanwhile
                } catch (BackendException e) {
                    if (!repo.backend().isDamage(e)) {
                        throw e;
                    }
                    out.add(new RepairResult.DamagedFile(name, "does not read (" + e.getMessage() + ")", DAMAGED + "/" + name,
                            "taken out of the journal"));
                    continue;
                }
                if (!Sealing.sha256(sealed).equals(id)) {
                    out.add(new RepairResult.DamagedFile(name, "does not match its SHA-256 name (damaged or altered)", DAMAGED + "/" + name,
                            "taken out of the journal"));
                } else if (!opens(name, sealed)) {
                    out.add(new RepairResult.DamagedFile(name, "does not open with this repository's keys (another repository's file,"
                            + " or sealed under a key its keyring lacks)", DAMAGED + "/" + name, "taken out of the journal"));
                } else if (!name.startsWith(Journal.SEGMENTS + "/") && isSegment(name, sealed)) {
                    // a key retirement of the first format-4 builds sealed each segment again as a one-entry file, which no
                    // build reads: check failed and every later retirement was refused for good (a helper's)
                    out.add(new RepairResult.DamagedFile(name, "a segment of journal entries among the one-entry files (a format-4"
                            + " build's key retirement put it there)", Journal.SEGMENTS + "/" + id.hex(), "read again as the segment it is"));
                }
            }
        }
        return out;
    }

    /** Whether a journal file that opens is a segment, not an entry: read as an entry, it fails; as a segment, it reads. */
    private boolean isSegment(String name, byte[] sealed) {
        try {
            repo.readSealed(name, sealed, Sealing.Kind.JOURNAL, JournalEntry.class);
            return false;
        } catch (RuntimeException notAnEntry) {
            try {
                repo.readSealed(name, sealed, Sealing.Kind.JOURNAL, Journal.Segment.class);
                return true;
            } catch (RuntimeException neither) {
                return false;
            }
        }
    }

    /** Whether a journal file opens as one: an entry or a segment of them. */
    private boolean opens(String name, byte[] sealed) {
        try {
            repo.openSealed(name, sealed, Sealing.Kind.JOURNAL);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Check's message for a file without the file's name it starts with: repair prints the name first. */
    private static String withoutName(String name, String why) {
        return why.startsWith(name + " ") ? why.substring(name.length() + 1) : why;
    }

    private record Plan(Index index, Map<ObjectId, List<PackedBlob>> byPack, List<String> indexFiles, List<String> indexProblems,
                        int indexedAgain, List<String> unreadable,
                        Map<ObjectId, String> problems, Set<ObjectId> stored, Map<ObjectId, List<PackedBlob>> salvage,
                        Map<ObjectId, String> lost, Map<String, CheckResult.DamagedPack> hurt, List<String> unwalked,
                        RepairResult.Unindexed unindexed, List<RepairResult.DamagedFile> files, int packsRead, long bytesRead, String snapshotsGone) {

        boolean indexNeedsRewrite() {
            return !indexProblems.isEmpty() || indexedAgain > 0 || problems.keySet().stream().anyMatch(p -> !stored.contains(p));
        }

        /** @param notRead bytes of each damaged pack that did not read when it was kept under damaged/ (zeros there); -1: not kept */
        RepairResult result(boolean dryRun, Map<ObjectId, Long> notRead) {
            List<RepairResult.RepairedPack> packs = new ArrayList<>();
            problems.forEach((p, problem) -> {
                CheckResult.DamagedPack d = hurt.get(p.hex());
                List<String> lostHere = new ArrayList<>();
                byPack.getOrDefault(p, List.of()).forEach(b -> {
                    if (lost.containsKey(b.id())) {
                        lostHere.add(b.id().hex());
                    }
                });
                packs.add(new RepairResult.RepairedPack(p.hex(), problem, salvage.get(p).size(), lostHere,
                        d == null ? List.of() : d.snapshots(), d == null ? List.of() : d.files(),
                        stored.contains(p) && notRead.getOrDefault(p, 0L) >= 0 ? DAMAGED + "/" + p.hex() : null,
                        Math.max(0, notRead.getOrDefault(p, 0L))));
            });
            return new RepairResult(dryRun, indexProblems, indexedAgain, unreadable, packs, files, packsRead, bytesRead, unwalked,
                    unindexed, snapshotsGone);
        }
    }

    /** Carries the plan out; returns, for each damaged pack kept under damaged/, the bytes that did not read. */
    private Map<ObjectId, Long> apply(Plan plan, SharedLock lock) {
        Backend backend = repo.backend();
        // 0. damaged snapshot files and hold records: each copied under damaged/ first; a snapshot file then leaves
        //    snapshots/, a hold record is replaced by one that keeps the hold in force; the files' deletions durable together
        try (Backend.Deletions deletions = backend.deletions()) {
            for (RepairResult.DamagedFile f : plan.files()) {
                if (f.keptAs() != null && !f.name().startsWith("condemned/")) {
                    keep(f);
                    if (f.name().startsWith("holds/")) {
                        repo.holdAgain(Repository.idOfName(f.name()), "the hold record was damaged; kept in force by `vault repair` on "
                                + java.time.LocalDate.now(java.time.ZoneOffset.UTC) + " (the damaged record is " + f.keptAs() + ")", "vault repair");
                    } else {
                        deletions.delete(f.name());
                    }
                }
            }
        }
        // 1. one index: every index file's readable part and the packs indexed again, without the missing packs
        //    (the damaged packs stay in it until what can be saved from them is stored)
        if (plan.indexNeedsRewrite()) {
            Set<ObjectId> missing = new HashSet<>(plan.problems().keySet());
            missing.removeAll(plan.stored());
            repo.replaceIndex(lock, plan.index(), missing, plan.indexFiles());
        }
        // damaged condemned records go once their packs are indexed again
        try (Backend.Deletions deletions = backend.deletions()) {
            for (RepairResult.DamagedFile f : plan.files()) {
                if (f.keptAs() != null && f.name().startsWith("condemned/")) {
                    keep(f);
                    deletions.delete(f.name());
                }
            }
        }
        repo.reloadIndex();
        Set<ObjectId> damaged = new HashSet<>(plan.problems().keySet());
        damaged.retainAll(plan.stored());
        if (damaged.isEmpty()) {
            return Map.of();
        }
        // 2. what still authenticates goes to new packs, under the current key epoch
        Set<ObjectId> salvaged = new HashSet<>();
        for (ObjectId p : damaged) {
            for (PackedBlob b : plan.salvage().get(p)) {
                if (!salvaged.add(b.id())) {
                    continue; // whole in two damaged packs: stored once
                }
                byte[] sealed = backend.readRange(Repository.packName(p), b.offset(), b.length());
                byte[] plain = repo.openBlob(b.id(), b.compressed(), b.rawLength(), sealed, 0, sealed.length);
                repo.storeBlob(b.type(), b.id(), plain, 0, plain.length);
            }
        }
        repo.flush();
        // 3. the damaged packs leave the index, then data/: their bytes are kept under damaged/
        List<String> indexFiles = repo.indexFiles();
        repo.replaceIndex(lock, repo.freshIndex(), damaged, indexFiles);
        Map<ObjectId, Long> notRead = new HashMap<>();
        try (Backend.Deletions deletions = backend.deletions()) { // each gone at once (its room free), durable together
            for (ObjectId p : damaged) {
                String name = Repository.packName(p);
                notRead.put(p, keepPack(name, DAMAGED + "/" + p.hex()));
                deletions.delete(name);
            }
        }
        repo.reloadIndex();
        // 4. on a store with Object Lock, held snapshots' holds follow their salvaged blobs to the new packs
        repo.renewStoreHolds();
        return notRead;
    }

    /** Bytes of a damaged pack read for its copy under damaged/ at a time, and the piece zeroed when it does not read. */
    public static final int KEEP_PIECE = 64 * 1024;

    /**
     * Copies a damaged pack to {@code as} before it leaves data/ and returns the bytes that did not read. A pack the
     * medium fails to read part of (an I/O error) is copied again piece by piece, each piece that does not read
     * written as zeros: what still reads is kept for a specialist, instead of nothing. A pack that cannot even be
     * sized is not kept: -1.
     */
    private long keepPack(String name, String as) {
        return keep(name, as, true);
    }

    /**
     * {@link #keepPack}; {@code mayMove} false for a file that must stay until what replaces it is written (a hold record:
     * the hold is never without one).
     */
    private long keep(String name, String as, boolean mayMove) {
        Backend backend = repo.backend();
        if (mayMove && backend.store().localDirectory().isPresent()) { // renamed, not copied, when every byte reads: no room
            try (InputStream in = backend.stream(name)) { // needed (a repair on a nearly full disk failed copying the pack, and
                in.transferTo(java.io.OutputStream.nullOutputStream()); // could never finish: a helper's)
                backend.move(name, as);
                return 0;
            } catch (IOException | VaultException e) {
                Cancelled.passOn(e, "the repair");
                // some of it does not read (zeros in its copy, below), or it cannot be renamed there: copied
            }
        }
        try (InputStream in = backend.stream(name); Backend.Upload out = backend.upload()) {
            byte[] piece = new byte[1 << 20];
            for (int n; (n = in.read(piece)) > 0; ) {
                out.write(piece, 0, n);
            }
            out.commit(as);
            return 0;
        } catch (IOException | VaultException e) {
            Cancelled.passOn(e, "the repair");
            if (!backend.isDamage(e)) {
                PermissionDeniedException.passOn(e);
                throw new BackendException("cannot copy " + name + " to " + as + ": " + e.getMessage() + "; the store failed, not the pack:"
                        + " it stays in data/, run the repair again when the store answers", e);
            }
            // some of it does not read: piece by piece below
        }
        long size;
        try {
            size = backend.size(name);
        } catch (VaultException e) {
            Cancelled.passOn(e, "the repair");
            return -1; // not even its length: nothing to keep
        }
        long notRead = 0;
        try (Backend.Upload out = backend.upload()) {
            for (long pos = 0; pos < size; pos += KEEP_PIECE) {
                int n = (int) Math.min(KEEP_PIECE, size - pos);
                byte[] piece;
                try {
                    piece = backend.readRange(name, pos, n);
                } catch (VaultException e) {
                    Cancelled.passOn(e, "the repair");
                    piece = new byte[n];
                    notRead += n;
                }
                out.write(piece, 0, n);
            }
            out.commit(as);
        }
        return notRead;
    }

    /** A damaged file's bytes, copied under damaged/ before the file is replaced or removed (zeros where it does not read). */
    private void keep(RepairResult.DamagedFile f) {
        keep(f.name(), f.keptAs(), !f.name().startsWith("holds/"));
    }

    /** A pack's blobs as its own authenticated header lists them, by ID; empty when the header does not read. */
    private Map<ObjectId, PackedBlob> headerOf(ObjectId pack) {
        Map<ObjectId, PackedBlob> out = new HashMap<>();
        try {
            repo.packHeader(pack).blobs().forEach(b -> out.put(b.id(), b));
        } catch (VaultException e) {
            Cancelled.passOn(e, "the repair");
            PermissionDeniedException.passOn(e);
            // no header to go by: each blob as the index says
        }
        return out;
    }

    /**
     * The blobs a pack whose header does not read holds, found by their own seals from its start (a pack cut short, its
     * index file lost too: §6, {@link PackReader#sealedBlobs}): each that authenticates, by the content ID of its plaintext,
     * decompressed when it is one whole zstd frame (as it stays when that ID is one a snapshot needs: a zstd file stored
     * raw), a tree when it decodes as one. Those whole in a pack that reads ({@code elsewhere}) or found in another such
     * pack already are passed over; the rest are added to {@code found}. Repair kept such a pack under damaged/ and called
     * every blob in it lost, the blobs before the cut too (a tester's, h2). As its header would list them (the epoch of
     * the first); none when the pack does not read, or is larger than a quarter of the heap (no pack the vault writes is).
     */
    private Repository.PackHeader sealedBlobs(ObjectId pack, Long size, Set<ObjectId> needed, Set<ObjectId> elsewhere, Set<ObjectId> found) {
        if (size == null || size > Runtime.getRuntime().maxMemory() / 4) {
            return new Repository.PackHeader(0, List.of());
        }
        byte[] bytes;
        try {
            bytes = repo.backend().read(Repository.packName(pack));
        } catch (BackendException e) {
            Cancelled.passOn(e, "the repair");
            if (!repo.backend().isDamage(e)) {
                throw e; // the store did not answer, or this user may not read it: that says nothing of the pack
            }
            return new Repository.PackHeader(0, List.of());
        }
        Map<Integer, javax.crypto.SecretKey> keys = new HashMap<>();
        repo.keys().keyring().epochs().keySet().forEach(epoch -> keys.put(epoch, repo.keys().dataKey(epoch)));
        List<PackedBlob> out = new ArrayList<>();
        PackReader.sealedBlobs(bytes, bytes.length, keys, f -> {
            ObjectId plainId = repo.keys().contentId(f.plain(), 0, f.plain().length);
            byte[] raw = needed.contains(plainId) ? null : wholeFrame(f.plain());
            byte[] content = raw != null ? raw : f.plain();
            ObjectId id = raw != null ? repo.keys().contentId(raw, 0, raw.length) : plainId;
            if (!elsewhere.contains(id) && found.add(id)) {
                out.add(new PackedBlob(isTree(id, content) ? BlobType.TREE : BlobType.DATA, raw != null, f.offset(), f.length(), content.length, id));
            }
        });
        return new Repository.PackHeader(out.isEmpty() ? 0 : Sealing.epochOf(bytes, out.getFirst().offset()), out);
    }

    /** What {@code plain} holds when it is one whole zstd frame that says its size (as the vault compresses a blob), else null. */
    private static byte[] wholeFrame(byte[] plain) {
        long size = com.github.luben.zstd.Zstd.getFrameContentSize(plain, 0, plain.length);
        if (size < 0 || size > Runtime.getRuntime().maxMemory() / 4) {
            return null; // no frame, one that does not say its size, or too large to be a blob's
        }
        byte[] raw = new byte[(int) size];
        com.github.luben.zstd.ZstdDecompressCtx zstd = Decompressors.borrow();
        boolean ok = false;
        try {
            int n = zstd.decompressByteArray(raw, 0, raw.length, plain, 0, plain.length);
            ok = true;
            return n == raw.length ? raw : null;
        } catch (RuntimeException notAFrame) {
            return null;
        } finally {
            Decompressors.release(zstd, ok);
        }
    }

    /** Whether a blob's bytes decode as a tree (the type of its pack, §6; a blob serves either type where a node names it). */
    private static boolean isTree(ObjectId id, byte[] content) {
        try {
            TreeCodec.decode(id, content);
            return true;
        } catch (VaultException | IllegalArgumentException | IndexOutOfBoundsException notATree) {
            return false;
        }
    }

    /** Null when the blob opens and matches its ID where the index says it lies, else why not. */
    private String whyUnreadable(ObjectId pack, PackedBlob b) {
        try {
            byte[] sealed = repo.backend().readRange(Repository.packName(pack), b.offset(), b.length());
            repo.openBlob(b.id(), b.compressed(), b.rawLength(), sealed, 0, sealed.length);
            return null;
        } catch (BackendException e) {
            if (!repo.backend().isDamage(e)) {
                throw e; // the store did not answer, or this user may not read it: that says nothing of the blob
            }
            return e.getMessage();
        } catch (VaultException | IllegalArgumentException | IndexOutOfBoundsException e) {
            Cancelled.passOn(e, "the repair");
            return e.getMessage();
        }
    }
}
