package org.opsledger.vault.checker;

import com.github.luben.zstd.ZstdDecompressCtx;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Instant;
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
import org.opsledger.vault.Cancelled;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.backend.BackendException;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.backend.MissingFileException;
import org.opsledger.vault.backend.PermissionDeniedException;
import org.opsledger.vault.chunker.Chunker;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.crypto.Sealing;
import org.opsledger.vault.index.Index;
import org.opsledger.vault.index.IndexFile;
import org.opsledger.vault.index.IndexEntry;
import org.opsledger.vault.journal.Coverage;
import org.opsledger.vault.journal.HoldHistory;
import org.opsledger.vault.journal.Journal;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.pack.BufferPool;
import org.opsledger.vault.pack.PackReader;
import org.opsledger.vault.pack.PackWriter;
import org.opsledger.vault.pack.PackedBlob;
import org.opsledger.vault.repository.Condemned;
import org.opsledger.vault.repository.DamagedBlobException;
import org.opsledger.vault.repository.Decompressors;
import org.opsledger.vault.repository.FilesAtOnce;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.repository.ReferencedBlobs;
import org.opsledger.vault.snapshot.RecordHistory;
import org.opsledger.vault.snapshot.RecordHistory.Replaced;
import org.opsledger.vault.repository.KeyEpochs;
import org.opsledger.vault.repository.Locks;
import org.opsledger.vault.repository.SharedLock;
import org.opsledger.vault.snapshot.LegalHold;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.NodeType;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.SnapshotRef;
import org.opsledger.vault.snapshot.Tree;

/**
 * Checks a repository; read-data reads every pack (or a deterministic subset of them). Cancelled with
 * {@code Thread.interrupt()}, a check throws {@link Cancelled} and reports no error: a read the interrupt broke off is
 * never damage (docs/architecture.md, "A cancelled job").
 */
public final class Checker {

    /** NIST SP 800-38D: random 96-bit nonces stay safe for 2^32 encryptions per key; warn at half. */
    static final long NONCE_WARNING = 1L << 31;

    /** The files under data/ that are no packs a warning names, the rest counted. */
    private static final int STRANGERS_NAMED = 10;
    /** How the errors of a journal entry gone, altered or backdated begin (§13): each an incident, none a repair's. */
    public static final String JOURNAL_ENTRY = "journal entry ";
    /** The kinds of lock whose job writes packs it indexes only as it goes on: a pack of theirs in no index is not left over. */
    private static final Set<String> PACK_WRITERS = Set.of("backup", "prune", "rewrite");
    /** A check's journal reading that a prune beside it kept changing: said so, its entries not judged this time. */
    static final String JOURNAL_CHURNED = "the journal changed under each reading this check made of it: a prune beside it was gathering"
            + " the journal's files (its compaction), not an entry deleted or damage; no entry was judged missing, altered or"
            + " backdated this time: check again once the prune has ended";
    /** What the error of a key slot whose addition no entry records says ({@link #slotsUnrecorded}). */
    public static final String SLOT_UNRECORDED = "is in keys/ but no journal entry records its addition";

    private final Repository repo;
    private final int threads;
    public final AtomicInteger packsDone = new AtomicInteger();
    /** The last pack the newest subset check read, as its journal entry names it: this one goes on after it. */
    private ObjectId lastSubsetReadTo;
    private Instant lastSubsetStarted;
    private ObjectId readTo;
    /** The journal's entries this check read that no check before it named, for its entry ({@link Coverage}). */
    private List<String> journalCovers = List.of();
    /** The packs checks found damaged that no repair or full read since cleared, each with the newest entry naming it. */
    private final Map<ObjectId, JournalEntry> damageRecalled = new HashMap<>();
    /** The index files and condemned records this pass read, and whether a pack it found indexed was gone ({@link #movedUnder}). */
    private final Set<String> metadataRead = ConcurrentHashMap.newKeySet();
    private volatile boolean packGone;
    /**
     * The packs this check read and found whole, by their SHA-256 name: a pass run again after a move ({@link #movedUnder})
     * does not read them again (a pack never changes under its name), and counts them read.
     */
    private final Set<ObjectId> readWhole = ConcurrentHashMap.newKeySet();

    public Checker(Repository repo, int threads) {
        if (threads < 1) { // refused where given: check(100) failed in its pool ("maximumPoolSize must be positive", a tester's)
            throw new IllegalArgumentException("Checker: threads is " + threads + "; give at least 1");
        }
        this.repo = repo;
        this.threads = threads;
    }

    /** @param readDataPercent 0 for structure only, 100 for every pack, in between for a subset */
    public CheckResult check(double readDataPercent) {
        if (!(readDataPercent >= 0 && readDataPercent <= 100)) { // a negative or NaN percentage read nothing, quietly
            throw new IllegalArgumentException("Checker: readDataPercent is " + readDataPercent + "; give 0 to 100");
        }
        try (SharedLock reading = repo.readLock("check")) { // a prune meanwhile deletes no pack this check may read
            readWhole.clear();
            CheckResult result = checkRead(readDataPercent);
            while (movedUnder() && repo.readAgainAfterMove()) {
                packsDone.set(0);
                result = checkRead(readDataPercent);
            }
            return result;
        }
    }

    /**
     * Whether a pack this check found indexed was gone (from the listing of data/, as it read it, or its trees) while it
     * read without a lock, and an index file or condemned record it read has gone since: a prune, key retire or repair on
     * another host wrote what the pack held elsewhere before it deleted it (vault-format.md §10), and the check runs again
     * on the repository as it is now ({@link Repository#readAgainAfterMove}: a few times at most). A pack gone while the
     * index stayed as read is missing, and named so. A lockless check beside a prune called a sound repository's packs
     * missing (a tester's).
     */
    private boolean movedUnder() {
        if (!packGone || !repo.readWithoutLock()) {
            return false;
        }
        Set<String> now = new HashSet<>(repo.indexFiles());
        now.addAll(repo.backend().list("condemned"));
        return !now.containsAll(metadataRead);
    }

    private CheckResult checkRead(double readDataPercent) {
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        List<String> warnings = new ArrayList<>();
        // the snapshots first, then the index: a backup writes its index files before its snapshot, so every snapshot
        // listed finds what it needs indexed. In the other order a backup that ended in between was "tree … missing from
        // the index", exit 1, of a sound repository (a helper's check beside a backup).
        List<String> snapshotFiles = repo.backend().list("snapshots");
        Index index = new Index(true);
        metadataRead.clear();
        packGone = false;
        metadataRead.addAll(readIndex(index, errors));
        List<SnapshotRef> snapshots = new ArrayList<>();
        // read several at a time, as the snapshot listing reads them: one after another, 100 took 100 round trips (a helper's)
        FilesAtOnce.each(snapshotFiles, FilesAtOnce.READERS, "the snapshot files", n -> repo.readListed(n, true), (name, file) -> {
            if (file.failure() instanceof MissingFileException) {
                return; // removed since it was listed: a forget beside this check
            }
            if (file.failure() != null) {
                errors.add(name + " does not read (" + file.failure().getMessage() + "): damaged; `vault repair` moves it out of snapshots/");
                return;
            }
            if (!authenticName(name, file.sealed(), errors)) {
                return;
            }
            try {
                snapshots.add(new SnapshotRef(Repository.idOfName(name), repo.readSealed(name, file.sealed(), Sealing.Kind.SNAPSHOT, Snapshot.class)));
            } catch (VaultException e) {
                errors.add(e.getMessage());
            }
        });
        List<SnapshotRef> lacking = snapshots.stream().filter(s -> !s.snapshot().recordLacks().isEmpty()).toList();
        if (!lacking.isEmpty()) { // IS.012 6.6.5.1: owner, classification, time of capture, retention, storage location
            SnapshotRef first = lacking.getFirst();
            warnings.add(lacking.size() + " snapshot record(s) lack what IS.012 6.6.5.1 asks (first: " + first.shortId() + " lacks "
                    + String.join(", ", first.snapshot().recordLacks()) + "); `vault amend` completes them");
        }
        Instant latest = Instant.now().plus(Locks.CLOCK_SKEW);
        List<SnapshotRef> future = snapshots.stream().filter(s -> s.snapshot().time().isAfter(latest)).toList();
        if (!future.isEmpty()) { // it was `latest`, every later backup's parent and --keep-last's newest, and check said nothing (a helper's)
            SnapshotRef first = future.getFirst();
            warnings.add(future.size() + " snapshot(s) dated in the future of this clock (first: " + first.shortId() + " at "
                    + first.snapshot().time() + " on " + first.snapshot().hostname() + "): a host's clock was wrong, or the record is"
                    + " forged; such a snapshot counts as the newest for `latest`, for the next backup's parent and for --keep-last");
        }
        Map<String, String> unopenableHolds = unopenable("holds", Sealing.Kind.HOLD, LegalHold.class);
        errors.addAll(unopenableHolds.values()); // forget reads each
        Repository.HoldListing holdListing = repo.listHolds(); // read once: each record is a read (on S3 a GET)
        // and what forget refuses beside that opens: a record under a name that is no snapshot ID (holds/<id>.bak, an
        // interrupted rsync's .<id>.XXXX) stopped forget and prune while check said nothing (a re-tester's)
        holdListing.unreadable().stream().filter(u -> unopenableHolds.keySet().stream().noneMatch(u::startsWith)).forEach(errors::add);
        errors.addAll(holdListing.misnamed());
        Map<ObjectId, LegalHold> holds = holdListing.holds();
        errors.addAll(holdsOfNoSnapshot(snapshotFiles, holds));
        warnings.addAll(holdsWithoutStoreHold(snapshotFiles, holds));
        List<Condemned> condemnedRecords = new ArrayList<>();
        Set<String> condemned = new HashSet<>(); // the packs named in condemned/, whether their record opens or not
        // prune reads each; one listing and one read of each serve the whole check (it listed condemned/ three times, and
        // read each record twice: a helper's count at a distance)
        errors.addAll(unopenable("condemned", Sealing.Kind.CONDEMNED, Condemned.class, (name, record) -> {
            condemned.add(name.substring(name.lastIndexOf('/') + 1));
            metadataRead.add(name);
            if (record != null) {
                condemnedRecords.add(record);
            }
        }).values());
        List<Replaced> replaced = RecordHistory.replaced(snapshots); // read once for both journal comparisons
        Map<ObjectId, JournalEntry> removed = journal(snapshots, snapshotFiles, replaced, holds, errors, warnings);
        String putBack = snapshotsPutBack(snapshots, removed, replaced);
        if (putBack != null) {
            warnings.add(putBack);
        }
        warnings.addAll(recordsReplacedTwice(replaced));
        // the first ten named and the rest counted: 1,500 in a shared bucket were one line of 33 KB (a tester's)
        List<String> strangers = new ArrayList<>();
        long[] strangersSeen = {0};
        Map<ObjectId, Long> storedSizes = storedPacks(name -> {
            if (strangersSeen[0]++ < STRANGERS_NAMED) {
                strangers.add(name);
            }
        });
        Set<ObjectId> stored = storedSizes.keySet();
        if (strangersSeen[0] > 0) {
            warnings.add(strangersSeen[0] + " file(s) under data/ not named as packs, not the vault's (left alone): " + String.join(", ", strangers)
                    + (strangersSeen[0] > STRANGERS_NAMED ? " and " + (strangersSeen[0] - STRANGERS_NAMED) + " more" : ""));
        }
        // a pack the index names and the store lacks: its blobs are damaged, and the walk below names what they hurt
        Map<ObjectId, String> damagedBlobs = new ConcurrentHashMap<>();
        Map<ObjectId, String> damagedPackProblems = new ConcurrentHashMap<>();
        Map<ObjectId, List<PackedBlob>> byPack = index.byPack();
        for (ObjectId pack : index.packs()) {
            if (!stored.contains(pack)) {
                packGone = true;
                damagedPackProblems.put(pack, MISSING);
                byPack.getOrDefault(pack, List.of()).forEach(b -> damagedBlobs.put(b.id(), MISSING));
                continue;
            }
            // and one the listing gives fewer bytes than the index places blobs in (an interrupted `rsync --partial`, a full
            // disk on the copy): check called a pack cut to half its size sound, and the restore failed on a short read (a
            // tester's, h2); restic's check compares pack sizes too. The blobs past its end are damaged; no byte is read.
            long size = storedSizes.get(pack);
            String cut = index.cutShort(pack, size);
            if (cut != null) {
                damagedPackProblems.put(pack, cut);
                byPack.getOrDefault(pack, List.of()).stream().filter(b -> (long) b.offset() + b.length() > size)
                        .forEach(b -> damagedBlobs.put(b.id(), "past the end of its pack, which is " + cut));
            }
        }
        // a backup beside a prune may reference blobs it condemned, there until the next prune indexes them again (§10)
        for (Condemned c : condemnedRecords) {
            if (stored.contains(ObjectId.parse(c.pack().id()))) {
                index.add(new IndexFile(List.of(c.pack())));
            }
        }
        int unreferenced = 0;
        for (ObjectId p : stored) {
            if (!index.packs().contains(p) && !condemned.contains(p.hex())) {
                unreferenced++;
                if (readDataPercent > 0) { // its header, as repair and prune read it: one they cannot read is named (a helper's)
                    try {
                        repo.packHeader(p);
                    } catch (VaultException e) {
                        Cancelled.passOn(e, "the check");
                        warnings.add(Repository.packName(p) + ": " + e.getMessage() + " (" + UNREAD_IN_NO_INDEX + ")");
                    }
                }
            }
        }
        if (unreferenced > 0) {
            // beside an indexed pack that is missing (a copy taken across a prune that repacked) one may hold its blobs:
            // prune refuses then, and repair indexes it again (ReferencedBlobs#refuseWhileIndexedPacksMissing). Repair first
            // in any case: the advice named prune first, which deletes one whose header does not read (cut short, its index
            // file lost too) with the data a snapshot needs in it, where repair keeps it and saves what it holds
            // a backup running now writes packs it indexes only at its end (every 64 packs): the advice sent an operator to
            // repair beside a soak's backups (h3's). Those jobs are named first; what is left after them is repair's
            long writing = repo.locks().live().stream().filter(l -> PACK_WRITERS.contains(l.kind())).count();
            warnings.add(unreferenced + " pack(s) not in any index (left by an interrupted backup or prune; or their index file was lost):"
                    + (writing == 0 ? "" : " " + writing + " backup(s) or prune(s) are running now (their locks are live), whose packs"
                    + " are indexed as they go on: check again once they have ended, and if packs are still named then,")
                    + " run `vault repair` first, which indexes again one that holds data a snapshot needs" + (damagedPackProblems.isEmpty()
                    ? ", then prune removes the rest" : ": some pack(s) the index names are missing, and prune refuses until then"));
        }
        if (!condemned.isEmpty()) {
            warnings.add(condemned.size() + " pack(s) condemned by prune, awaiting deletion");
        }
        Map<String, Integer> keptDamaged = new LinkedHashMap<>(); // damaged/<pack>, damaged/snapshots/<id>, damaged/holds/<id>, …
        for (String name : repo.backend().list(Repairer.DAMAGED)) {
            String rest = name.substring(Repairer.DAMAGED.length() + 1);
            String what = !rest.contains("/") ? "pack(s)" : switch (rest.substring(0, rest.indexOf('/'))) {
                case "snapshots" -> "snapshot file(s)";
                case "holds" -> "hold record(s)";
                case "condemned" -> "condemned record(s)";
                case Journal.DIR -> "journal file(s)";
                default -> "other file(s)";
            };
            keptDamaged.merge(what, 1, Integer::sum);
        }
        if (!keptDamaged.isEmpty()) {
            List<String> kept = new ArrayList<>();
            keptDamaged.forEach((what, n) -> kept.add(n + " " + what));
            warnings.add("damaged files kept under " + Repairer.DAMAGED + "/ by `vault repair` (" + String.join(", ", kept)
                    + "), never read: delete them when they are no longer needed as evidence");
        }
        for (Repository.KeySlotInfo slot : repo.keySlots()) {
            if (slot.problem() != null) {
                warnings.add("key slot keys/" + slot.id() + " is never tried: " + slot.problem() + " (`vault key remove " + slot.id() + "` removes it)");
            }
        }
        for (String lock : repo.locks().problems()) {
            warnings.add("lock file " + lock + " (`vault unlock` removes it)");
        }
        warnings.addAll(repo.locks().unread()); // another user's: a backup of theirs may be running
        String replacedKeyring = repo.backend().replacedLeftBehind("keyring"); // IS.012 6.6.6.4: on any store
        if (replacedKeyring != null) {
            warnings.add(replacedKeyring + " is a keyring a killed `key rotate` or `key retire` replaced and left: it holds the keys it"
                    + " had, a retired epoch's too; the next command that writes to the repository (a backup, prune, `key rotate`,"
                    + " `key retire`, `repair`) overwrites and deletes it");
        }
        List<String> exposed = repo.backend().store() instanceof LocalBackend local ? local.readableByOthers("keys") : List.of();
        if (!exposed.isEmpty()) {
            warnings.add(exposed.size() + " key slot file(s) readable by other users (first: " + exposed.getFirst()
                    + "): whoever reads one can guess its password offline; chmod 600 them (a filesystem without modes,"
                    + " such as exFAT: mount it for root alone). New files are created 0600.");
        }
        if (repo.backend().store() instanceof LocalBackend local) { // on S3 the credentials read all or none: nothing to ask
            List<String> mayNotRead = new ArrayList<>(); // the packs from the listing above; the files check reads fail as read
            storedSizes.keySet().stream().map(Repository::packName).sorted().filter(p -> !local.readableByThisProcess(p)).forEach(mayNotRead::add);
            if (!mayNotRead.isEmpty()) {
                warnings.add(mayNotRead.size() + " pack(s) this user (" + System.getProperty("user.name") + ") may not read (first: "
                        + mayNotRead.getFirst() + "): a restore or `check --read-data` as this user fails on them; give the"
                        + " repository's files to the user or group that reads it (chown -R, chmod -R g+r)");
            }
        }
        List<String> nested = new ArrayList<>(); // another repository made inside this one (index/ is listed once, to read)
        for (String dir : List.of("locks", "keys")) {
            repo.backend().list(dir).stream().filter(n -> n.indexOf('/', dir.length() + 1) >= 0).forEach(nested::add);
        }
        if (!nested.isEmpty()) {
            warnings.add(nested.size() + " file(s) in subdirectories of locks/ or keys/, not the vault's (left alone): "
                    + nested.getFirst() + (nested.size() > 1 ? ", …" : ""));
        }
        int leftovers = repo.backend().store() instanceof LocalBackend local ? local.leftoverTemporaryFiles(Locks.STALE_AFTER).size() : 0; // a walk of the repository
        if (leftovers > 0) {
            warnings.add(leftovers + " temporary file(s) from an interrupted write (never read)");
        }
        Map<Integer, Long> perEpoch = new HashMap<>();
        index.entries().values().forEach(e -> perEpoch.merge(index.epochOf(e.pack()), 1L, Long::sum));
        perEpoch.forEach((epoch, n) -> {
            if (n >= NONCE_WARNING) {
                warnings.add("key epoch " + epoch + " has sealed " + n + " blobs, near the 2^32 random-nonce bound; run `key rotate`");
            }
        });

        // read data first so that the snapshot walk can name what the damage hurts
        List<ObjectId> toRead = subset(index.packs().stream().filter(stored::contains).toList(), readDataPercent, lastSubsetReadTo);
        readTo = readDataPercent > 0 && readDataPercent < 100 && !toRead.isEmpty() ? toRead.getLast() : null;
        AtomicLong bytesRead = new AtomicLong();
        if (!toRead.isEmpty()) {
            Sealing.warmUp(false);
            List<ObjectId> readBefore = toRead.stream().filter(readWhole::contains).toList(); // by a pass before a move
            readBefore.forEach(p -> bytesRead.addAndGet(storedSizes.get(p)));
            packsDone.addAndGet(readBefore.size());
            readPacks(toRead.stream().filter(p -> !readWhole.contains(p)).toList(), storedSizes, byPack, damagedBlobs, damagedPackProblems, bytesRead);
        }
        Set<ObjectId> whole = wholeElsewhere(byPack, stored, damagedPackProblems);
        Set<ObjectId> wholeInAnother = new HashSet<>(damagedBlobs.keySet());
        wholeInAnother.retainAll(whole);
        damagedBlobs.keySet().removeAll(whole);

        List<CheckResult.DamagedPack> damaged = new ArrayList<>(damageOf(index, snapshots, damagedBlobs, damagedPackProblems, errors));
        Set<String> named = new HashSet<>();
        damaged.forEach(d -> named.add(d.pack()));
        damagedPackProblems.forEach((pack, problem) -> { // every blob of it whole in another pack: needed by no snapshot
            if (!named.contains(pack.hex()) && byPack.getOrDefault(pack, List.of()).stream().anyMatch(b -> wholeInAnother.contains(b.id()))) {
                damaged.add(new CheckResult.DamagedPack(pack.hex(), problem, byPack.getOrDefault(pack, List.of()).stream()
                        .map(b -> b.id().hex()).toList(), List.of(), List.of(), List.of()));
            }
        });
        // damage a check found and nothing repaired since, in a pack still indexed that this check did not read: a check
        // --read-data named the pack, and the next check, or a subset that did not draw it, said "no errors were found"
        // and wrote `check ok` after the failure (a helper's)
        Set<ObjectId> readNow = new HashSet<>(toRead);
        damageRecalled.forEach((pack, e) -> {
            if (stored.contains(pack) && index.packs().contains(pack) && !readNow.contains(pack)) { // a missing one is said above
                errors.add("pack " + pack.hex() + " was found damaged by the check of " + Journal.utc(e.started())
                        + " on " + e.host() + ", and no repair or full `check --read-data` since has cleared it: `vault repair --read-data`");
            }
        });
        for (CheckResult.DamagedPack d : damaged) {
            errors.add("pack " + d.pack() + (d.problem().equals(MISSING) ? " is indexed but " + MISSING : " is damaged (" + d.problem() + ")")
                    + ": " + d.blobs().size() + " blob(s); " + (d.snapshots().isEmpty() ? neededByNone(d.unwalked())
                    : "needed by snapshot(s) " + String.join(", ", d.snapshots()) + "; file(s) " + String.join(", ", d.files())));
        }
        Cancelled.check("the check"); // what an interrupted read left out is no error of the repository's
        return new CheckResult(snapshots.size(), index.packs().size(), packsRead(toRead, damagedPackProblems), bytesRead.get(), List.copyOf(errors),
                warnings, damaged, unreferenced);
    }

    /**
     * The journal (§13): an entry that cannot be read is an error, as a record of the repository that is not as written
     * ({@code vault repair} takes a damaged one out of it); a repository holding snapshots whose recovery was not
     * proved by a verified restore within six months is warned of (policy 2.11; IS.012 6.6.4: at least yearly), and so
     * is each source whose newest backup failed (6.6.5): older snapshots of it stand, and check finds them whole.
     * Returns the snapshots the journal says a command removed, each with the entry that says so.
     */
    private Map<ObjectId, JournalEntry> journal(List<SnapshotRef> snapshots, List<String> snapshotFiles, List<Replaced> replaced, Map<ObjectId, LegalHold> holds,
                                  List<String> errors, List<String> warnings) {
        Journal journal = new Journal(repo);
        if (!journal.configKeepsIt()) {
            String setBack = journal.setBack();
            if (setBack != null) {
                errors.add(setBack);
            } else {
                warnings.add(journal.notKept());
            }
            return Map.of();
        }
        Gone gone = new Gone(repo.snapshotsThere(snapshotFiles, replaced));
        // named by a forget or tier as it deleted each, and those an amend, rewrite or key retirement replaced: put back
        // after their successor left (forgotten, tiered away), no record names them, and a rewritten one brought back the
        // private key its rewrite took out (a tester's)
        Map<ObjectId, JournalEntry> removed = new HashMap<>();
        Map<String, SlotRemoved> slotsRemoved = new HashMap<>(); // by the start of the slot's ID, and by its fingerprint
        List<Repository.NamedSlot> slotsAdded = new ArrayList<>(); // by an init or a key add
        JournalEntry[] began = {null};
        HoldHistory holdHistory = new HoldHistory();
        // every file read, no entry held: the predicate sees each entry once
        Instant[] cleared = {Instant.MIN}; // the newest repair, or check that read every pack and found all whole
        Journal.Listing listing = journal.read(e -> {
            if (e.operation() == JournalEntry.Operation.REPAIR && e.outcome() != JournalEntry.Outcome.FAILED
                    || e.operation() == JournalEntry.Operation.CHECK && e.verified()) {
                cleared[0] = cleared[0].isAfter(e.started()) ? cleared[0] : e.started();
            }
            if (e.operation() == JournalEntry.Operation.CHECK) {
                e.damagedPacks().forEach(p -> damageRecalled.merge(p, e, (a, b) -> a.started().isAfter(b.started()) ? a : b));
            }
            if (e.readTo() != null && e.operation() == JournalEntry.Operation.CHECK
                    && (lastSubsetStarted == null || e.started().isAfter(lastSubsetStarted))) {
                lastSubsetStarted = e.started();
                lastSubsetReadTo = e.readTo();
            }
            holdHistory.add(e);
            gone.take(e);
            e.removed().forEach(id -> removed.put(id, e));
            e.replaced().forEach(id -> removed.put(id, e));
            Repository.NamedSlot slot = e.operation() == JournalEntry.Operation.KEY && e.outcome() == JournalEntry.Outcome.OK
                    ? Repository.KeySlotRemoval.removedIn(e.detail()) : null;
            if (slot != null) {
                slotsRemoved.put(slot.shortId(), new SlotRemoved(slot, e));
                if (slot.fingerprint() != null) {
                    slotsRemoved.put(slot.fingerprint(), new SlotRemoved(slot, e));
                }
            }
            Repository.NamedSlot added = (e.operation() == JournalEntry.Operation.INIT || e.operation() == JournalEntry.Operation.KEY)
                    && e.outcome() == JournalEntry.Outcome.OK ? Repository.NamedSlot.addedIn(e.detail()) : null;
            if (added != null) {
                slotsAdded.add(added);
            }
            if (e.outcome() == JournalEntry.Outcome.OK && (e.operation() == JournalEntry.Operation.INIT
                    || e.operation() == JournalEntry.Operation.UPGRADE && e.detail() != null && e.detail().matches("upgrade: format [1-3] → .*"))
                    && (began[0] == null || e.started().isBefore(began[0].started()))) {
                began[0] = e; // the journal's beginning: the repository's init, or its upgrade from a format without one
            }
            return false;
        });
        damageRecalled.values().removeIf(e -> !e.started().isAfter(cleared[0]));
        // a reading another host's prune kept changing (its compaction gathers one-entry files into a segment the listing
        // lacks) is no damage and no tampering: a warning, and no entry called missing that sits in a segment unread. It was
        // an error routed to the incident advice, exit 1, beside a soak's prunes (h3's, finding 2)
        boolean churned = listing.unreadable().stream().anyMatch(u -> u.startsWith(Journal.CHANGED_WHILE_READ));
        listing.unreadable().stream().filter(u -> !u.startsWith(Journal.CHANGED_WHILE_READ)).forEach(u -> errors.add(JOURNAL_ENTRY + u));
        if (churned) {
            warnings.add(JOURNAL_CHURNED);
        } else {
            entriesGone(listing, errors, warnings);
        }
        journalCovers = listing.coverage().unnamed();
        String untested = listing.recoveryWarning(Instant.now());
        if (!snapshots.isEmpty() && untested != null) {
            warnings.add(untested);
        }
        warnings.addAll(listing.failingBackupWarnings());
        String goneWarning = gone.warning();
        if (goneWarning != null) {
            warnings.add(goneWarning);
        }
        slotsPutBack(slotsRemoved).forEach(warnings::add);
        Coverage.Named namedInit = listing.coverage().namedInit();
        if (began[0] != null) {
            slotsUnrecorded(slotsAdded, began[0].operation() == JournalEntry.Operation.INIT, began[0].started()).forEach(errors::add);
        } else if (namedInit != null) {
            // its init entry deleted once a check had read it (an error above): the journal began with the init all the
            // same, and every slot is held to account; a deleted init left them all unjudged (§3, "A slot no entry records")
            slotsUnrecorded(slotsAdded, true, namedInit.started()).forEach(errors::add);
        }
        Lifted lifted = holdsLifted(snapshots, replaced, holdHistory, gone.there, holds);
        if (lifted != null) { // one deleted outside the vault: its data goes with the next prune, which no hold record stops
            (lifted.deleted() ? errors : warnings).add(lifted.message());
        }
        return removed;
    }

    /**
     * The journal's entries a check read that it no longer holds (§13, "Deletion made evident"): deleted from the store by
     * whoever can write to it, without a password (IS.012 6.6.5; the policy's 6.4), each an error naming it, the first ten named; or,
     * those a repair names as lost with the damaged journal files it moved aside, one warning. Nothing said them: the
     * failed backup or the release of a hold was deleted and no command ever noticed.
     */
    private static void entriesGone(Journal.Listing listing, List<String> errors, List<String> warnings) {
        List<Coverage.Missing> missing = listing.coverage().missing();
        String orUnread = listing.unreadable().isEmpty() ? "" : ", or in a journal file that does not read (named above)";
        List<Coverage.Missing> deleted = missing.stream().filter(m -> m.lostIn() == null).toList();
        deleted.stream().limit(STRANGERS_NAMED).forEach(m -> errors.add(JOURNAL_ENTRY + "missing: " + m.entry().said() + ", which the check of "
                + Journal.utc(m.namedBy().started()) + (m.namedBy().host() == null ? "" : " on " + m.namedBy().host()) + " read, is no"
                + " longer in the journal: deleted from the store" + orUnread + " (IS.012 6.6.5; an anchor written down,"
                + " `vault journal --verify-anchor`, tells what else went)"));
        if (deleted.size() > STRANGERS_NAMED) {
            errors.add((deleted.size() - STRANGERS_NAMED) + " more journal entr(ies) checks read are no longer in the journal: deleted"
                    + " from the store" + orUnread);
        }
        // what operators acknowledged, read once (the entries altered and backdated computed once more, where there are any)
        Map<List<String>, Coverage.Acknowledgement> acknowledged = listing.coverage().acknowledged();
        entriesAltered(listing.coverage(), acknowledged, errors, warnings);
        entriesDatedAhead(listing.coverage(), acknowledged, errors, warnings);
        entriesBackdated(listing.coverage(), acknowledged, errors, warnings);
        List<Coverage.Missing> lost = missing.stream().filter(m -> m.lostIn() != null).toList();
        if (!lost.isEmpty()) {
            Coverage.Named repair = lost.getFirst().lostIn();
            warnings.add(lost.size() + " journal entr(ies) checks read were lost with the damaged journal file(s) `vault repair` moved under "
                    + Repairer.DAMAGED + "/" + Journal.DIR + "/ on " + Journal.utc(repair.started()) + (repair.host() == null ? "" : " on "
                    + repair.host()) + ", or deleted before it (the repair cannot tell; first: " + lost.getFirst().entry().said() + ")");
        }
    }

    /**
     * The journal's entries a check named with their content that it holds otherwise (§13): rewritten by someone with a
     * password, an error naming each (the first ten) and what changed; or, where the entry lacks just what an older build
     * drops when it gathers or seals an entry again, one warning. Nothing said them: the key slot and login of a dump, its
     * path and detail were rewritten after checks had read it, and check and the anchor passed (h2's repro-3).
     */
    private static void entriesAltered(Coverage coverage, Map<List<String>, Coverage.Acknowledgement> acknowledged, List<String> errors,
                                       List<String> warnings) {
        List<Coverage.Altered> altered = coverage.altered();
        List<Coverage.Altered> rewritten = altered.stream().filter(a -> !a.olderBuild()).toList();
        rewritten.stream().limit(STRANGERS_NAMED).forEach(a -> errors.add(JOURNAL_ENTRY + "altered: " + a.entry().said() + ", " + a.found()
                + ", rewritten by someone with the repository's password (IS.012 6.6.5; `vault journal` shows the entry as it is now,"
                + " marked altered, not as it was)"));
        if (rewritten.size() > STRANGERS_NAMED) {
            errors.add((rewritten.size() - STRANGERS_NAMED) + " more journal entr(ies) checks read are no longer as they read them:"
                    + " rewritten by someone with the repository's password");
        }
        List<Coverage.Altered> dropped = altered.stream().filter(Coverage.Altered::olderBuild).filter(a -> {
            Coverage.Acknowledgement ack = acknowledged.get(List.of(a.entry().digest(), Coverage.FIELDS_DROPPED));
            if (ack != null) { // one line each, naming who looked and why (§13, "Acknowledged findings")
                warnings.add(JOURNAL_ENTRY + "with " + Coverage.FIELDS_DROPPED + ", acknowledged: " + a.entry().said() + ", " + a.found()
                        + "; " + ack.said());
            }
            return ack == null;
        }).toList();
        if (!dropped.isEmpty()) {
            warnings.add(dropped.size() + " journal entr(ies) checks read lack fields they had then, as a build before session 37 (before"
                    + " commit 83d680ed, for the key slot and login) leaves an entry it gathers into a segment or seals again, or as"
                    + " someone with the password could (first: " + dropped.getFirst().entry().said() + ", " + dropped.getFirst().change()
                    + "): run builds of session 38 or later on every host (§13)");
        }
    }

    /**
     * The checks and init dated ahead of a check that read them, or of this one (§13, "Backdated entries"): written on a
     * host whose clock ran ahead (or by a password holder); the entries dated before them are not called backdated by
     * them. An error each (the first ten), at every check after: one check on a clock 2 days ahead made every right-clock
     * entry of those days "backdated", and the one dated ahead went unnamed (h2's F1, F2).
     */
    private static void entriesDatedAhead(Coverage coverage, Map<List<String>, Coverage.Acknowledgement> acknowledged, List<String> errors,
                                          List<String> warnings) {
        List<Coverage.Ahead> ahead = new ArrayList<>();
        for (Coverage.Ahead a : coverage.datedAhead()) {
            Coverage.Acknowledgement ack = acknowledged.get(List.of(a.entry().digest(), Coverage.DATED_AHEAD));
            if (ack == null) {
                ahead.add(a);
                continue;
            }
            // an operator looked and said why (§13, "Acknowledged findings"): one warning, naming who, when and why, and what
            // the acknowledgement takes at its date on that word (a check written early to discount the init launders them)
            List<Coverage.Backdated> taken = coverage.takenOnItsWord(ack);
            warnings.add(JOURNAL_ENTRY + Coverage.DATED_AHEAD + ", acknowledged: " + a.entry().said() + datedAfter(a) + "; " + ack.said()
                    + (taken.isEmpty() ? "" : "; on that word " + taken.size() + " entr(ies) it would make backdated are taken at their"
                    + " dates, none of them the recovery test (first: " + taken.getFirst().entry().said() + ")"));
        }
        ahead.stream().limit(STRANGERS_NAMED).forEach(a -> errors.add(JOURNAL_ENTRY + Coverage.DATED_AHEAD + ": " + a.entry().said()
                + datedAfter(a) + ": written on a host whose clock ran ahead (check it: timedatectl),"
                + " or by someone with the repository's password; the entries dated before it are not taken as backdated by it;"
                + " once you know which, `vault journal --acknowledge " + a.entry().digest() + " --reason WHY` records it"));
        if (ahead.size() > STRANGERS_NAMED) {
            errors.add((ahead.size() - STRANGERS_NAMED) + " more journal entr(ies) are dated after checks that read them");
        }
    }

    /** " is dated after this check began", or " is dated after the check of … on … ended, which read it". */
    private static String datedAfter(Coverage.Ahead a) {
        return a.datedAfter("this check began");
    }

    /**
     * The journal's entries dated before a check that did not read them, or before the repository's init (§13,
     * "Backdated entries"): written later with an earlier date, by someone with the password. An error each (the first
     * ten); a warning where the checks that read them name two lines of checks that fork (copies of the repository written
     * apart and merged back), whose entries are each dated before the other's checks, naming the other line's check: a
     * check's entry the forger wrote naming the restore alone made that warning of the error. A verified restore dated 90
     * days back, before the init, made the "no verified restore" warning go (h2's repro-4).
     */
    private static void entriesBackdated(Coverage coverage, Map<List<String>, Coverage.Acknowledgement> acknowledged, List<String> errors,
                                         List<String> warnings) {
        List<Coverage.Backdated> backdated = coverage.backdated();
        List<Coverage.Backdated> forged = backdated.stream().filter(b -> !b.twoLines()).toList();
        forged.stream().limit(STRANGERS_NAMED).forEach(b -> errors.add(JOURNAL_ENTRY + "backdated: " + b.entry().said() + " " + b.found()
                + ": written later with an earlier date by someone with the"
                + " repository's password (or on a host whose clock was more than " + Coverage.SKEW.toHours() + " hour behind);"
                + " a verified restore so dated is not taken for the recovery test (IS.012 6.6.5, 6.6.4)"));
        if (forged.size() > STRANGERS_NAMED) {
            errors.add((forged.size() - STRANGERS_NAMED) + " more journal entr(ies) are dated before checks that did not read them:"
                    + " written later with an earlier date");
        }
        List<Coverage.Backdated> merged = backdated.stream().filter(Coverage.Backdated::twoLines).filter(b -> {
            Coverage.Acknowledgement ack = acknowledged.get(List.of(b.entry().digest(), Coverage.TWO_LINES));
            if (ack != null) { // one line each, naming who looked and why (§13, "Acknowledged findings")
                warnings.add(JOURNAL_ENTRY + "on " + Coverage.TWO_LINES + " of checks, acknowledged: " + b.entry().said() + " " + b.found()
                        + "; the other line's check is the check of " + Journal.utc(b.otherLine().started()) + "; " + ack.said());
            }
            return ack == null;
        }).toList();
        if (!merged.isEmpty()) {
            Coverage.Backdated first = merged.getFirst();
            Coverage.Named other = first.otherLine();
            warnings.add(merged.size() + " journal entr(ies) ended before a check began that did not read them (first: "
                    + first.entry().said() + ", before the check of " + Journal.utc(first.check().started()) + "; the other line's check"
                    + " is the check of " + Journal.utc(other.started()) + (other.host() == null ? "" : " on " + other.host()) + ", which"
                    + " read none of the checks that missed it), where two lines of checks each missed the other's entries: copies of"
                    + " the repository written apart and merged back; if none were, they were written later with an earlier date, and"
                    + " that check's entry with them (§13)");
        }
    }

    /**
     * Hold records whose snapshot is not in the repository (nor kept under {@code damaged/} by a repair): the snapshot was
     * deleted while it was held, and a prune frees its data as nobody's. A copy's amendment deleted a copy a hold was
     * placed on meanwhile, and check said "no errors" while a prune then deleted every pack (a helper's). IS.012 6.6.7.
     */
    private List<String> holdsOfNoSnapshot(List<String> snapshotFiles, Map<ObjectId, LegalHold> holds) {
        List<String> found = new ArrayList<>();
        repo.heldWithoutSnapshot(holds, new HashSet<>(snapshotFiles)).forEach((id, hold) ->
                found.add("hold record holds/" + id.hex() + " keeps snapshot " + id.shortHex() + " under legal hold (" + hold.reason()
                        + "), but no such snapshot is in the repository: it was deleted while held (IS.012 6.6.7) and a prune would"
                        + " free its data (prune refuses meanwhile); " + ReferencedBlobs.RECOVER_HELD));
        return found;
    }

    /**
     * Hold records whose snapshot file has no legal hold in a bucket with Object Lock: the repository's files were copied
     * into it by another tool (aws s3 sync), which places none, and a client with delete rights removed a held snapshot's
     * object version while check said "no errors" (a tester's). One request a hold, for the snapshot file. IS.012 6.6.7.
     */
    private List<String> holdsWithoutStoreHold(List<String> snapshotFiles, Map<ObjectId, LegalHold> holds) {
        if (holds.isEmpty() || !repo.backend().supportsLegalHold()) {
            return List.of();
        }
        Set<String> listed = new HashSet<>(snapshotFiles);
        List<String> found = new ArrayList<>();
        holds.forEach((id, hold) -> {
            String name = "snapshots/" + id.hex();
            if (listed.contains(name) && !repo.backend().legalHoldOn(name)) {
                found.add("snapshot " + id.shortHex() + " is under legal hold (" + hold.reason() + ") but has no S3 legal hold in "
                        + repo.backend().location() + " (its files copied in by another tool?): a client with delete rights can"
                        + " remove it; `vault hold " + id.shortHex() + " --reason <its reason>` places the store's holds");
            }
        });
        return found;
    }

    /**
     * Matters the journal records placed on a snapshot and never released, which its hold record lacks (no record at all,
     * or one put back from an older copy, from before the matter was placed), or on a snapshot a forget has deleted
     * since: the hold file was removed or replaced outside the vault (anyone able to write to the store can; check said
     * nothing, and a forget then deleted the snapshot: a helper's, then a tester's with a record put back). IS.012 6.6.7.
     * A snapshot given a new ID since (a key retirement) is looked for under it. One neither here ({@code there}: in
     * snapshots/, readable or not, or under damaged/) nor forgotten was deleted outside the vault with its record, and was
     * left out (a tester's: "1 snapshot(s)" where two had lost their hold): it is named so, and makes the line an error, as
     * a prune frees its data. Null when there is none.
     */
    private Lifted holdsLifted(List<SnapshotRef> snapshots, List<Replaced> replaced, HoldHistory history, Set<ObjectId> there,
                               Map<ObjectId, LegalHold> holds) {
        Set<ObjectId> present = new HashSet<>();
        snapshots.forEach(s -> present.add(s.id()));
        List<String> found = new ArrayList<>();
        Set<ObjectId> lost = new HashSet<>();
        List<HoldHistory.LostHold> deleted = new ArrayList<>();
        for (HoldHistory.LostHold l : history.lost(replaced, present, there, holds)) { // deleted with its record still here: holdsOfNoSnapshot's
            found.add(l.snapshot().shortHex() + l.how() + ", held for " + l.placed());
            lost.add(l.snapshot());
            if (l.how() == HoldHistory.Lost.DELETED_OUTSIDE) {
                deleted.add(l);
            }
        }
        deleted.sort(java.util.Comparator.comparing(l -> l.snapshot().hex()));
        if (found.isEmpty()) {
            return null;
        }
        found.sort(null);
        return new Lifted(lost.size() + " snapshot(s) the journal records under legal hold, never released, have lost their hold (first: "
                + found.getFirst() + (found.size() > lost.size() ? "; " + found.size() + " matters in all" : "") + "): a hold file"
                + " was removed, or put back from an older copy, outside the vault (IS.012 6.6.7); `vault hold --reason` places each"
                + " matter again on a snapshot still here" + (deleted.isEmpty() ? "" : "; " + deleted.stream().map(HoldHistory.LostHold::snapshot)
                .distinct().count() + " of them deleted outside the vault, whose data a prune would free (prune refuses meanwhile):"
                + " `vault recover` writes a snapshot of the trees no snapshot references, to hold for the matter, then "
                + ReferencedBlobs.releaseGone(deleted.getFirst().snapshot(), deleted.getFirst().placed().matter())), !deleted.isEmpty());
    }

    /** The line of holds lost ({@link #holdsLifted}), and whether a snapshot of them was deleted outside the vault (an error). */
    private record Lifted(String message, boolean deleted) {
    }

    /** A slot's removal the journal records: the slot as its entry names it, and the entry. */
    private record SlotRemoved(Repository.NamedSlot slot, JournalEntry entry) {
    }

    /**
     * Key slots in the repository that a `key remove` the journal records had removed: put back with an older copy (a
     * rollback with `cp -a old/. r/`), the removed operator's password opened the repository again, and check warned of
     * the snapshots the rollback brought back but not of the slot (a tester's).
     */
    private List<String> slotsPutBack(Map<String, SlotRemoved> removed) {
        List<String> out = new ArrayList<>();
        for (Repository.KeySlotInfo slot : removed.isEmpty() ? List.<Repository.KeySlotInfo>of() : repo.keySlots()) {
            // IS.012 6.6.8: by its content too: the same slot under another name opens with the departed password (a tester's)
            SlotRemoved r = slot.fingerprint() != null && removed.containsKey(slot.fingerprint()) ? removed.get(slot.fingerprint())
                    : removed.get(slot.shortId());
            if (r != null) {
                JournalEntry e = r.entry();
                out.add("key slot " + slot.shortId() + (slot.label() == null ? "" : " (" + slot.label() + ")")
                        + (r.slot().shortId().equals(slot.shortId()) ? "" : " is key slot " + r.slot().shortId() + " under another name: it")
                        + " was removed on " + e.started().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " by " + e.who() + "@"
                        + e.host() + " (journal) and is back: a rollback? `vault key remove " + slot.shortId() + "`");
            }
        }
        return out;
    }

    /**
     * IS.012 6.6.8: key slots in the repository whose addition no entry records, an init or a {@code key add} (by its
     * fingerprint, or by the start of its ID where the entry names none, each entry for one slot): a slot added outside the
     * vault, or whose entry was deleted from the store before a check read it (h2's repro-1: check, anchors and the journal
     * were clean, and the password opened the repository). Slots made before the journal began are not asked for one: where
     * it {@code began} with the upgrade of a format 3 repository ({@code fromInit} false), those made before it
     * ({@code created}, a label a password holder can set back: vault-format.md §3); a journal without the entry of its
     * beginning (a build before init entries; written through the library) is not judged, but one whose init a check
     * named, its entry deleted since.
     */
    private List<String> slotsUnrecorded(List<Repository.NamedSlot> added, boolean fromInit, Instant began) {
        Set<String> fingerprints = new HashSet<>();
        Map<String, Integer> byId = new HashMap<>();
        for (Repository.NamedSlot a : added) {
            if (a.fingerprint() != null) {
                fingerprints.add(a.fingerprint());
            } else {
                byId.merge(a.shortId(), 1, Integer::sum);
            }
        }
        List<String> out = new ArrayList<>();
        for (Repository.KeySlotInfo slot : repo.keySlots().stream().sorted(java.util.Comparator.comparing(Repository.KeySlotInfo::id)).toList()) {
            if (slot.problem() != null || fingerprints.contains(slot.fingerprint())) {
                continue; // an unreadable one is never tried, and warned of above
            }
            int named = byId.getOrDefault(slot.shortId(), 0);
            if (named > 0) {
                byId.put(slot.shortId(), named - 1);
                continue;
            }
            if (!fromInit && slot.created() != null && slot.created().isBefore(began)) {
                continue; // older than the journal
            }
            out.add("key slot " + slot.shortId() + " (" + (slot.label() == null ? "" : slot.label() + ", ") + "created on " + slot.host() + " "
                    + (slot.created() == null ? "-" : slot.created().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)) + ")"
                    + " " + SLOT_UNRECORDED + ": added outside the vault, or its entry deleted from"
                    + " the store; its password opens the repository (IS.012 6.6.8): unless its holder is known, `vault key remove "
                    + slot.shortId() + "`");
        }
        return out;
    }

    /**
     * One warning per record that two present snapshots each say they replaced (its ID in the {@code amended-from},
     * {@code rewritten-from} or {@code resealed-from} of both), neither replaced by the other: two records of one backup,
     * each amended (rewritten, sealed again) apart, in two copies of the repository merged back file by file. Check said
     * nothing, `snapshots` listed both with conflicting owner, classification and retention, and forget's policies counted
     * two backups (a tester's, h2). Each names both and what differs between them. A successor put back beside its own
     * successor (one replaced the other) is {@link #snapshotsPutBack}'s.
     */
    private static List<String> recordsReplacedTwice(List<Replaced> replaced) {
        Set<ObjectId> replacedIds = new HashSet<>();
        replaced.forEach(r -> replacedIds.add(r.objectId()));
        Map<String, List<Replaced>> byReplaced = new LinkedHashMap<>();
        for (Replaced r : replaced) {
            if (!replacedIds.contains(r.by().id())) {
                List<Replaced> same = byReplaced.computeIfAbsent(r.id(), id -> new ArrayList<>());
                if (same.stream().noneMatch(o -> o.by().id().equals(r.by().id()))) {
                    same.add(r);
                }
            }
        }
        List<String> out = new ArrayList<>();
        byReplaced.forEach((id, by) -> {
            if (by.size() > 1) {
                Snapshot a = by.get(0).by().snapshot();
                Snapshot b = by.get(1).by().snapshot();
                List<String> differ = new ArrayList<>();
                if (!java.util.Objects.equals(a.dataOwner(), b.dataOwner())) {
                    differ.add("owner " + a.dataOwner() + " / " + b.dataOwner());
                }
                if (!java.util.Objects.equals(a.classification(), b.classification())) {
                    differ.add("classification " + a.classification() + " / " + b.classification());
                }
                if (!java.util.Objects.equals(a.retainUntil(), b.retainUntil())) {
                    differ.add("retained until " + a.retainUntil() + " / " + b.retainUntil());
                }
                if (!a.tree().equals(b.tree())) {
                    differ.add("tree " + a.tree().shortHex() + " / " + b.tree().shortHex());
                }
                out.add(by.size() + " snapshots (" + String.join(", ", by.stream().map(r -> r.by().shortId() + " (" + r.tag() + ")").toList())
                        + ") each replaced the record of snapshot " + id.substring(0, 8) + (differ.isEmpty() ? "" : ", and differ: "
                        + String.join("; ", differ)) + ": two records of one backup, each amended apart in a copy of the repository"
                        + " and merged back? forget's policies count them as two; `vault forget ID` the one not meant");
            }
        });
        return out;
    }

    /**
     * Snapshots in the repository that a command had removed: one a forget's entry names as deleted or a tier's as
     * forgotten near-line (only a forget's was known: a helper's), one an amend's, rewrite's or key retirement's entry
     * names as replaced (and a copy's or tier's, an older copy an amended record replaced here), or one whose record a present snapshot's {@code amended-from} or {@code rewritten-from} names as
     * the one it replaced. A snapshot file put back from an older copy by someone able to write to the store (the old
     * record of an amended snapshot, a forgotten one whose data is not yet pruned) read as a backup like any other, and so
     * did the old one of an amend or rewrite stopped between writing the new snapshot and deleting the old; and one whose
     * successor had left since (forgotten, tiered away) was known by the record alone, so the record a rewrite had taken
     * a private key out of came back unnoticed (a tester's).
     */
    private static String snapshotsPutBack(List<SnapshotRef> readable, Map<ObjectId, JournalEntry> removed, List<Replaced> replaced) {
        Set<ObjectId> present = new HashSet<>();
        readable.forEach(s -> present.add(s.id()));
        List<Replaced> successorHere = replaced.stream() // named by the record that replaced it, below
                .filter(r -> !r.tag().equals(KeyEpochs.RESEALED_FROM) && present.contains(r.objectId())).toList();
        List<String> found = new ArrayList<>();
        for (SnapshotRef s : readable) {
            JournalEntry e = removed.get(s.id());
            if (e != null && successorHere.stream().noneMatch(r -> r.objectId().equals(s.id()))) {
                String op = e.operation() == JournalEntry.Operation.KEY ? "key retirement" : e.operation().json();
                found.add(s.shortId() + ", which " + Locks.a(op)
                        + (e.replaced().isEmpty() ? " removed" : " replaced on " + e.started().toString().substring(0, 10) + " (journal)"));
            }
        }
        successorHere.forEach(r -> found.add(r.objectId().shortHex() + ", which " + r.by().shortId() + " replaced (" + r.tag() + ")"));
        if (found.isEmpty()) {
            return null;
        }
        return found.size() + " snapshot(s) are in the repository that a command had removed (" + String.join("; ", found.subList(0,
                Math.min(3, found.size()))) + (found.size() > 3 ? "; …" : "") + "): put back from an older copy, or left by an amend or"
                + " rewrite that stopped before it deleted them; `vault forget ID` removes one";
    }

    /**
     * What check warns of when snapshots a journal entry says its command wrote ({@link JournalEntry#written}: a backup, recover, amend, rewrite,
     * key retirement, or a copy or tier into this repository) that are neither in the repository nor accounted for by the
     * journal (a forget, a tier, an amend or rewrite that replaced them, a repair that moved them to damaged/, a
     * retirement that sealed them again):
     * a snapshot file deleted from the store by someone able to write to it, which nothing noticed (a helper deleted one
     * retained until 2099; check was clean, and the next prune freed its data). A retirement's entry names the IDs it
     * replaced; backups from before one an older build ran, whose entry names none, are passed over. Null when there is
     * none, or the format keeps no journal. The whole journal is read: for `vault snapshots`, `restore latest` and repair,
     * which say so too (snapshots/ lost, they said "0 snapshot(s)" and "nothing to repair", exit 0: a helper's at 2 a.m.).
     */
    public String snapshotsGone(List<SnapshotRef> readable) {
        Journal journal = new Journal(repo);
        if (!journal.kept()) {
            return null;
        }
        Gone gone = new Gone(repo.snapshotsThere(repo.backend().list("snapshots"), RecordHistory.replaced(readable)));
        journal.read(e -> {
            gone.take(e); // an entry that does not read is check's to name
            return false;
        });
        return gone.warning();
    }

    /** The snapshots the journal says were written that are not {@code there}, and what accounts for those that left, entry by entry. */
    private final class Gone {
        private final Set<ObjectId> there;
        // by the entry that wrote each (a backup, recover, amend, rewrite, key retirement, a copy or tier received), of those
        // not there: 30,000 entries held whole took check past its heap
        private final Map<ObjectId, JournalEntry> written = new HashMap<>();
        private final Set<ObjectId> left = new HashSet<>(); // named by what removes, moves or replaces snapshots
        private Instant retired = Instant.MIN;

        Gone(Set<ObjectId> there) {
            this.there = there;
        }

        void take(JournalEntry e) {
            // an amend's, rewrite's or retirement's new IDs were taken as gone, so one deleted went unnoticed; a target's copies
            // too (a tester's)
            e.written().stream().filter(id -> !there.contains(id)).forEach(id -> written.put(id, e));
            switch (e.operation()) {
                case FORGET, TIER, AMEND, REWRITE, REPAIR, DISPOSE, KEY -> {
                    List<ObjectId> named = e.namesReplacedThenWritten() || e.received() ? e.replaced() : e.snapshots();
                    if (e.operation() != JournalEntry.Operation.AMEND || e.outcome() != JournalEntry.Outcome.FAILED) {
                        left.addAll(named); // a failed amend names what it was to amend: each checked before any is written
                    }
                    if (e.operation() == JournalEntry.Operation.KEY && e.snapshots().isEmpty() && e.detail() != null
                            && e.detail().startsWith("retired key epoch") && !e.detail().contains(", 0 snapshot(s)")
                            && e.started().isAfter(retired)) {
                        retired = e.started(); // an older build's: it gave snapshots new IDs and named none of them
                    }
                }
                case COPY -> left.addAll(e.replaced()); // the older copies a copy's amended records replaced in the target
                default -> { }
            }
        }

        String warning() {
            List<Map.Entry<ObjectId, JournalEntry>> gone = written.entrySet().stream()
                    .filter(w -> !left.contains(w.getKey()) && w.getValue().started().isAfter(retired))
                    // not one a backup beside this check wrote after snapshots/ was listed, its entry before the journal was read
                    .filter(w -> !repo.backend().exists("snapshots/" + w.getKey().hex()))
                    .sorted(Map.Entry.comparingByValue(java.util.Comparator.comparing(JournalEntry::started))).toList();
            if (gone.isEmpty()) {
                return null;
            }
            JournalEntry first = gone.getFirst().getValue();
            String by = switch (first.operation()) {
                case BACKUP -> "a backup of " + String.join(" ", first.paths());
                case COPY, TIER -> "received by a " + first.operation().json() + " from " + String.join(" ", first.paths());
                case AMEND -> "written by an amend";
                case KEY -> "written by a key retirement";
                default -> "written by a " + first.operation().json();
            };
            return gone.size() + " snapshot(s) the journal says were written are not in the repository, and no journal entry says they"
                    + " left (first: " + gone.getFirst().getKey().shortHex() + ", " + by + " on " + first.host() + " at " + Journal.utc(first.started()) + "): deleted from the"
                    + " store? Its data goes with the next prune; `vault recover`, before that, makes a snapshot of the trees left";
        }
    }

    /**
     * Each sealed file under {@code dir} that does not open as a {@code type}, by name, with why (a message that
     * starts with its name). A file deleted since it was listed (by a release, a prune) is passed over; a store
     * that fails is an error of its own, never a damaged file.
     */
    Map<String, String> unopenable(String dir, Sealing.Kind kind, Class<?> type) {
        return unopenable(dir, kind, type, (name, opened) -> { });
    }

    /** As above, handing {@code each} every file still there, with what it opened as (null: it did not open). */
    <T> Map<String, String> unopenable(String dir, Sealing.Kind kind, Class<T> type, java.util.function.BiConsumer<String, T> each) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : repo.backend().list(dir)) {
            T opened = null;
            try {
                opened = repo.readSealed(name, kind, type);
            } catch (RuntimeException e) {
                Cancelled.passOn(e, "the check");
                if (!repo.backend().exists(name)) {
                    continue;
                }
                if (e instanceof BackendException && !(e instanceof MissingFileException) && !repo.backend().isDamage(e)) {
                    throw e; // the store did not answer; a bad sector under the file (EIO) is damage like any other
                }
                out.put(name, e instanceof VaultException ? e.getMessage() : name + " unreadable (" + e.getClass().getSimpleName() + ")");
            }
            each.accept(name, opened);
        }
        return out;
    }

    /**
     * Reads every index file whose bytes match its name into {@code index}; what is wrong with each of the
     * others is added to {@code problems}. Returns the name of every index file read, whether it opened or not (one gone
     * since its listing, a prune beside this having replaced it, is not).
     */
    List<String> readIndex(Index index, List<String> problems) {
        return repo.readEachIndexFile((name, sealed) -> { // read once: its name checked, then opened
            if (authenticName(name, sealed, problems)) {
                try {
                    repo.readIndexFile(name, sealed, index);
                } catch (VaultException e) {
                    problems.add(e.getMessage());
                }
            }
        }, (name, e) -> problems.add(name + " does not read (" + e.getMessage() + "): damaged; `vault repair` writes the index again"
                + " from the packs"));
    }

    /** The problem of a pack the index names and the store lacks ({@code check --help}: check names what damage hurts); copy's too. */
    public static final String MISSING = "missing from the repository";
    /** A pack the store answered with an error when read (a bad sector): damage, and not a pack read. */
    static final String UNREADABLE = "unreadable: ";
    /** What becomes of a pack no index names whose header does not read (repair keeps it, §12; prune alone would delete it). */
    static final String UNREAD_IN_NO_INDEX = "in no index: `vault repair` keeps it and saves what it holds while a snapshot lacks data,"
            + " else prune removes it";
    /** A pack whose blobs do not all read as their IDs say, when nothing more basic is wrong with it. */
    static final String DAMAGED_BLOBS = "damaged blobs";

    /**
     * The packs in data/ with their sizes, from one listing ({@link org.opsledger.vault.backend.Backend#listSizes}): reading
     * the data asked each pack's size again, a HEAD each on S3 (a helper's); {@code strangers} gets each name that is no pack's.
     */
    Map<ObjectId, Long> storedPacks(java.util.function.Consumer<String> strangers) {
        Map<ObjectId, Long> sizes = new HashMap<>();
        repo.backend().listSizes("data").forEach((name, size) -> {
            ObjectId pack = Repository.idOfName(name);
            if (pack == null) {
                strangers.accept(name);
            } else {
                sizes.put(pack, size);
            }
        });
        return sizes;
    }

    /** How many of the packs {@link #readPacks} was given did read: those the store answered with an error did not. */
    static int packsRead(List<ObjectId> packs, Map<ObjectId, String> problems) {
        return (int) packs.stream().filter(p -> !problems.getOrDefault(p, "").startsWith(UNREADABLE)).count();
    }

    /**
     * The blobs a pack in the store with no problem found holds: one indexed in several packs is valid in any (§7), so
     * damage at one of its places is none. An older index file put back placed a blob first in a pack a prune had deleted,
     * and check called the intact pack holding it "damaged", naming the file that needs it (a helper's).
     */
    static Set<ObjectId> wholeElsewhere(Map<ObjectId, List<PackedBlob>> byPack, Set<ObjectId> stored, Map<ObjectId, String> problems) {
        Set<ObjectId> whole = new HashSet<>();
        byPack.forEach((pack, blobs) -> {
            if (stored.contains(pack) && !problems.containsKey(pack)) {
                blobs.forEach(b -> whole.add(b.id()));
            }
        });
        return whole;
    }

    /** The snapshots the last {@link #damageOf} could not walk whole, by short ID. */
    private List<String> walkedNot = List.of();

    List<String> unwalked() {
        return walkedNot;
    }

    /** The last {@link #damageOf} walk, for {@link #unindexed}. */
    private SnapshotWalk lastWalk;

    /**
     * The trees and blobs the last {@link #damageOf} walk found a snapshot needs and no index holds (but those {@code
     * elsewhere} holds), with the snapshots and files that need them: repair's rebuilt index lacked the blobs of a pack
     * whose header did not read, and it said "nothing was lost", exit 0 (a tester's, h2).
     */
    RepairResult.Unindexed unindexed(Set<ObjectId> elsewhere) {
        Set<String> snaps = new LinkedHashSet<>();
        Set<String> files = new TreeSet<>();
        List<String> blobs = new ArrayList<>();
        for (ObjectId b : lastWalk.missing()) {
            if (!elsewhere.contains(b)) {
                blobs.add(b.hex());
                snaps.addAll(lastWalk.snapshotsOf().getOrDefault(b, Set.of()));
                files.addAll(lastWalk.users().getOrDefault(b, Set.of()));
            }
        }
        return new RepairResult.Unindexed(blobs, List.copyOf(snaps), List.copyOf(files));
    }

    /**
     * Walks every snapshot (every tree and blob must be indexed: what is not is added to {@code errors})
     * and groups the damaged blobs by pack, each with the snapshots and files that need them.
     */
    List<CheckResult.DamagedPack> damageOf(Index index, List<SnapshotRef> snapshots, Map<ObjectId, String> damagedBlobs,
                                           Map<ObjectId, String> packProblems, List<String> errors) {
        Map<ObjectId, Set<String>> damageUsers = new HashMap<>();
        Map<ObjectId, Set<String>> damageSnapshots = new HashMap<>();
        SnapshotWalk sw = new SnapshotWalk(index, damagedBlobs, errors, damageUsers, damageSnapshots, new HashSet<>(), new HashSet<>(),
                new LinkedHashSet<>(), new TreeSet<>());
        for (SnapshotRef s : snapshots) {
            sw.brokenInThisSnapshot().clear();
            walk(s, s.snapshot().tree(), "", 0, sw);
        }
        Map<ObjectId, List<ObjectId>> blobsOfPack = new LinkedHashMap<>();
        for (ObjectId blob : new TreeSet<>(damagedBlobs.keySet())) {
            List<IndexEntry> places = index.locations(blob); // each pack it is damaged in, not one it may be whole in
            List<IndexEntry> damagedIn = places.stream().filter(e -> packProblems.containsKey(e.pack())).toList();
            for (IndexEntry e : damagedIn.isEmpty() ? places.stream().limit(1).toList() : damagedIn) {
                blobsOfPack.computeIfAbsent(e.pack(), k -> new ArrayList<>()).add(blob);
            }
        }
        walkedNot = List.copyOf(sw.unwalked());
        lastWalk = sw;
        List<CheckResult.DamagedPack> damaged = new ArrayList<>();
        for (var entry : blobsOfPack.entrySet()) {
            Set<String> snaps = new LinkedHashSet<>();
            Set<String> files = new TreeSet<>();
            for (ObjectId b : entry.getValue()) {
                snaps.addAll(damageSnapshots.getOrDefault(b, Set.of()));
                files.addAll(damageUsers.getOrDefault(b, Set.of()));
            }
            damaged.add(new CheckResult.DamagedPack(entry.getKey().hex(), packProblems.getOrDefault(entry.getKey(), DAMAGED_BLOBS),
                    entry.getValue().stream().map(ObjectId::hex).toList(), List.copyOf(snaps), List.copyOf(files), List.copyOf(sw.unwalked())));
        }
        return damaged;
    }

    /**
     * The packs a read of {@code percent} % reads: all at 100, none at 0, else that share of them rounded up (at least
     * one), the next in the order of their IDs after {@code after}, the last pack the newest subset check read (its
     * journal entry names it), going round past the last ID to the first; from a pack chosen at random where no check
     * named one. Ten checks of 10 % so read every pack that was there throughout (IS.012 6.6.4), where packs drawn anew
     * each run left a pack unread with a chance of 0.9 per run: two of ten after ten checks, nothing saying which
     * (a helper's). It was the same packs every run once, and none at all in a repository of fewer than ten packs.
     */
    static List<ObjectId> subset(List<ObjectId> packs, double percent, ObjectId after) {
        if (percent >= 100) {
            return packs;
        }
        if (percent <= 0 || packs.isEmpty()) {
            return List.of();
        }
        List<ObjectId> ordered = packs.stream().sorted(java.util.Comparator.comparing(ObjectId::hex)).toList();
        int from = after == null ? new java.security.SecureRandom().nextInt(ordered.size()) : firstAfter(ordered, after.hex());
        int n = (int) Math.min(packs.size(), Math.ceil(packs.size() * percent / 100));
        List<ObjectId> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            out.add(ordered.get((from + k) % ordered.size()));
        }
        return out;
    }

    /** The position of the first of {@code ordered} (by hex ID) after {@code hex}, 0 past the last. */
    private static int firstAfter(List<ObjectId> ordered, String hex) {
        int lo = 0;
        int hi = ordered.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ordered.get(mid).hex().compareTo(hex) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo % ordered.size();
    }

    /** The last pack (in the order of IDs) this check's subset read, for its journal entry; null unless a subset was read. */
    public ObjectId readTo() {
        return readTo;
    }

    /**
     * The journal's entries this check read that no check before it named, as its entry names them ({@link
     * JournalEntry#covers}): later checks report any of them deleted from the store (§13).
     */
    public List<String> journalCovers() {
        return journalCovers;
    }

    /** Whether this subset check went on from where the newest one named in the journal stopped. */
    public boolean continued() {
        return lastSubsetReadTo != null;
    }

    private static boolean authenticName(String name, byte[] stored, List<String> errors) {
        ObjectId expected = Repository.idOfName(name);
        if (expected == null) {
            errors.add(name + " is not named by a 64-digit hex ID (not written by the vault)");
            return false;
        }
        if (!Sealing.sha256(stored).equals(expected)) {
            errors.add(name + " does not match its SHA-256 name (damaged or altered)");
            return false;
        }
        return true;
    }

    /** Blobs read and not yet verified, in bytes: four average blobs per worker, and at least one maximal blob. */
    static long budgetBytes(int threads) {
        return Math.max(BufferPool.sizeOf(Chunker.MAX_SIZE + Sealing.OVERHEAD), 4L * threads * Chunker.AVG_SIZE);
    }

    /** Gaps between indexed blobs are read (and hashed) in pieces of this size. */
    private static final int PIECE = 64 * 1024;

    /**
     * The calling thread streams each pack once, in order, and hashes it on the way (the pack's
     * SHA-256 name); each indexed blob is read into a buffer of its own and handed to the workers,
     * which decrypt, decompress and re-hash it into per-thread buffers. Blobs read and not yet
     * verified are bounded by {@link #budgetBytes}: no pack is held whole, whatever {@code --threads}.
     * The header (at the pack's end) is compared with the index once the pack is read.
     */
    void readPacks(List<ObjectId> packs, Map<ObjectId, Long> sizes, Map<ObjectId, List<PackedBlob>> byPack,
                           Map<ObjectId, String> damagedBlobs, Map<ObjectId, String> problems, AtomicLong bytesRead) {
        ExecutorService workers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "vault-check");
            t.setDaemon(true);
            return t;
        });
        long budget = budgetBytes(threads);
        Semaphore inFlight = new Semaphore((int) budget);
        // as many spares as may be in flight: every buffer a worker gives back is reused (with half,
        // half of the returns were dropped and ≈540 MB of megabyte arrays allocated per check of the
        // benchmark tree, promoted while they waited and collected by a full GC every ≈0.3 s)
        BufferPool pool = new BufferPool(budget);
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] piece = new byte[PIECE];
        List<CompletableFuture<Void>> jobs = new ArrayList<>();
        try {
            for (ObjectId p : packs) {
                List<PackedBlob> indexed = new ArrayList<>(byPack.getOrDefault(p, List.of()));
                indexed.sort(java.util.Comparator.comparingInt(PackedBlob::offset));
                List<CompletableFuture<?>> parts = new ArrayList<>();
                Set<ObjectId> misplaced = new HashSet<>();
                Map<Integer, List<ObjectId>> sealedUnder = new HashMap<>(); // each blob by the key epoch it names
                byte[] tail;
                long pos = 0;
                long size = -1;
                sha.reset();
                try (InputStream in = repo.backend().stream(Repository.packName(p))) {
                    Long listed = sizes.get(p);
                    size = listed != null ? listed : repo.backend().size(Repository.packName(p));
                    for (PackedBlob b : indexed) {
                        if (b.offset() < pos || b.length() < Sealing.OVERHEAD || (long) b.offset() + b.length() > size - PackWriter.TRAILER) {
                            misplaced.add(b.id()); // overlaps the blob before it: the header will say where it is not
                            continue;
                        }
                        pos += skip(in, b.offset() - pos, piece, sha);
                        if (pos < b.offset()) {
                            break; // the pack ends early; the trailer check below reports it
                        }
                        int len = b.length();
                        int weight = (int) Math.min(BufferPool.sizeOf(len), budget); // a tree blob may be larger: then alone
                        try {
                            inFlight.acquire(weight);
                        } catch (InterruptedException e) {
                            throw new Cancelled("the check", e);
                        }
                        byte[] sealed = pool.take(len);
                        int n = in.readNBytes(sealed, 0, len);
                        sha.update(sealed, 0, n);
                        pos += n;
                        if (n < len) {
                            pool.give(sealed);
                            inFlight.release(weight);
                            misplaced.add(b.id());
                            break;
                        }
                        sealedUnder.computeIfAbsent(Sealing.epochOf(sealed, 0), e -> new ArrayList<>()).add(b.id());
                        parts.add(CompletableFuture.runAsync(() -> {
                            try {
                                verify(b, sealed, len);
                            } catch (DamagedBlobException e) {
                                damagedBlobs.put(b.id(), e.getMessage());
                                problems.putIfAbsent(p, DAMAGED_BLOBS); // which pack it did not read in: it may read in another
                            } finally {
                                pool.give(sealed);
                                inFlight.release(weight);
                            }
                        }, workers));
                    }
                    tail = in.readAllBytes();
                    sha.update(tail);
                    bytesRead.addAndGet(pos + tail.length);
                } catch (IOException | VaultException e) {
                    Cancelled.passOn(e, "the check");
                    // gone since listed: the store answered (an S3 404 was "the store failed, … check again when it answers": a re-tester's)
                    boolean gone = e instanceof MissingFileException;
                    packGone |= gone;
                    if (!gone && !repo.backend().isDamage(e)) { // the store did not answer, or this user may not read it
                        PermissionDeniedException.passOn(e);
                        throw new BackendException("cannot read pack " + p + " from " + repo.backend().location() + ": " + e.getMessage()
                                + "; the store failed, not the pack: nothing was taken for damage, check again when it answers", e);
                    }
                    problems.put(p, gone ? MISSING : UNREADABLE + e.getMessage());
                    indexed.forEach(b -> damagedBlobs.put(b.id(), gone ? MISSING : "unreadable"));
                    Cancelled.join(CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).handle((v, x) -> null), "the check");
                    packsDone.incrementAndGet();
                    continue;
                }
                boolean hashOk = ObjectId.of(sha.digest()).equals(p);
                if (hashOk) { // the epochs its blobs name are as written: one newer than the keyring's is no damaged byte
                    sealedUnder.keySet().forEach(epoch -> repo.authenticSealedUnder(Repository.packName(p), epoch));
                }
                Placement placement = placed(tail, pos, indexed, misplaced, damagedBlobs);
                String otherEpoch = placement.headerProblem() == null ? sealedUnderAnotherEpoch(PackReader.epoch(tail), sealedUnder, damagedBlobs) : null;
                // a pack cut short (an interrupted `rsync --partial`) lost its header with its end: the cut is said, as the
                // check that reads no data says it, and not the header's trailer, which sent the operator after a header
                String cut = Index.cutShort(indexed, size, placement.headerProblem() != null);
                jobs.add(CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
                    // one problem per pack, the most basic first: a pack cut short, a header that cannot be read, then the pack's hash
                    String problem = cut != null ? cut : placement.headerProblem() != null ? placement.headerProblem()
                            : !hashOk ? "content does not match its SHA-256 name"
                            : placement.disagree() ? "index and pack header disagree" : otherEpoch;
                    if (problem != null) {
                        problems.put(p, problem);
                    } else if (!problems.containsKey(p)) {
                        readWhole.add(p);
                    }
                    packsDone.incrementAndGet();
                }));
            }
            Cancelled.join(CompletableFuture.allOf(jobs.toArray(CompletableFuture[]::new)), "the check");
        } finally {
            workers.shutdownNow();
        }
    }

    /** Reads and hashes {@code n} bytes between blobs; returns how many there were before the end. */
    private static long skip(InputStream in, long n, byte[] piece, MessageDigest sha) throws IOException {
        long done = 0;
        while (done < n) {
            int r = in.read(piece, 0, (int) Math.min(piece.length, n - done));
            if (r < 0) {
                break;
            }
            sha.update(piece, 0, r);
            done += r;
        }
        return done;
    }

    /** Per worker: a 256 KiB piece of the decompressed blob, on its way into the content-ID HMAC. */
    private static final ThreadLocal<byte[]> PIECE_OF_PLAIN = ThreadLocal.withInitial(() -> new byte[256 * 1024]);

    /**
     * What {@link Repository#openBlob} checks, without a new array per blob: decrypted where it lies
     * (the plaintext overwrites the sealed unit from its start: no second blob-sized buffer per worker),
     * decompressed 256 KiB at a time straight into the content-ID HMAC.
     */
    private void verify(PackedBlob b, byte[] sealed, int len) {
        byte[] plain = sealed;
        int plainLen;
        try {
            plainLen = Sealing.open(repo.dataKey(Sealing.epochOf(sealed, 0)), Sealing.Kind.BLOB, sealed, 0, len, plain, 0);
        } catch (javax.crypto.AEADBadTagException | VaultException e) {
            throw new DamagedBlobException(b.id(), "fails authentication");
        }
        javax.crypto.Mac mac = repo.keys().contentIdMac();
        long rawLen = plainLen;
        if (b.compressed()) {
            rawLen = 0;
            ZstdDecompressCtx zstd = Decompressors.borrow();
            boolean ok = false;
            java.nio.ByteBuffer src = java.nio.ByteBuffer.wrap(plain, 0, plainLen);
            byte[] piece = PIECE_OF_PLAIN.get();
            java.nio.ByteBuffer dst = java.nio.ByteBuffer.wrap(piece);
            try {
                while (rawLen <= b.rawLength()) {
                    dst.clear();
                    zstd.decompressByteBufferStream(dst, src);
                    if (dst.position() == 0) {
                        break; // the frame is complete, or its input ran out
                    }
                    mac.update(piece, 0, dst.position());
                    rawLen += dst.position();
                }
                ok = true;
            } catch (RuntimeException e) {
                throw new DamagedBlobException(b.id(), "does not decompress");
            } finally {
                Decompressors.release(zstd, ok);
            }
        } else {
            mac.update(plain, 0, plainLen);
        }
        ObjectId id = ObjectId.of(mac.doFinal());
        if (rawLen != b.rawLength() || !id.equals(b.id())) {
            throw new DamagedBlobException(b.id(), "content does not match its ID");
        }
    }

    /**
     * §6: all blobs of one pack share one epoch, the header's. A rotation beside a backup on one Repository object (or one
     * of another process's it read meanwhile) made packs of earlier builds whose first blobs were sealed under the epoch
     * before, their header and index under the next: `key retire` of the earlier left those blobs and destroyed their key,
     * and check called the pack sound (a helper's). Such blobs are recorded as damaged; the pack's problem, or null.
     */
    private static String sealedUnderAnotherEpoch(int headerEpoch, Map<Integer, List<ObjectId>> sealedUnder, Map<ObjectId, String> damagedBlobs) {
        String problem = null;
        for (var e : new java.util.TreeMap<>(sealedUnder).entrySet()) {
            if (e.getKey() != headerEpoch) {
                e.getValue().forEach(b -> damagedBlobs.putIfAbsent(b, "sealed under key epoch " + e.getKey() + ", its pack's header under "
                        + headerEpoch));
                if (problem == null) {
                    problem = e.getValue().size() + " blob(s) sealed under key epoch " + e.getKey() + ", its header under epoch " + headerEpoch
                            + ": retiring epoch " + e.getKey() + " would destroy their key; `vault repair --read-data` seals them again";
                }
            }
        }
        return problem;
    }

    /** The indexed blobs that the pack's own header lists at the same place, and what was wrong with the header. */
    private record Placement(String headerProblem, boolean disagree) {
    }

    /** Blobs that are not where the index says are recorded as damaged. {@code tail} is the pack from {@code tailOffset} to its end. */
    private Placement placed(byte[] tail, long tailOffset, List<PackedBlob> indexed, Set<ObjectId> misplaced,
                             Map<ObjectId, String> damagedBlobs) {
        // by ID, each place the header gives it: a retirement or repack of earlier builds stored a blob two backups had
        // stored at once twice in one pack, and check called that healthy pack damaged (a helper's)
        Map<ObjectId, List<PackedBlob>> header = new HashMap<>();
        String headerProblem = null;
        try {
            for (PackedBlob b : PackReader.header(tail, tailOffset, repo::dataKey)) {
                header.computeIfAbsent(b.id(), k -> new ArrayList<>(1)).add(b);
            }
        } catch (VaultException e) {
            Cancelled.passOn(e, "the check");
            headerProblem = "header: " + e.getMessage();
        }
        boolean disagree = false;
        for (PackedBlob b : indexed) {
            List<PackedBlob> at = header.getOrDefault(b.id(), List.of()).stream()
                    .filter(h -> h.offset() == b.offset() && h.length() == b.length()).toList();
            // the raw length and compression too: an index entry wrong in those called an intact pack's blob damaged (a helper's)
            boolean same = at.stream().anyMatch(h -> h.rawLength() == b.rawLength() && h.compressed() == b.compressed());
            if (misplaced.contains(b.id()) || !same) {
                disagree |= !header.isEmpty();
                damagedBlobs.put(b.id(), at.isEmpty() || misplaced.contains(b.id()) ? "not where the index says"
                        : "its raw length or compression is not the one its pack's header gives");
            }
        }
        return new Placement(headerProblem, disagree);
    }

    /**
     * What the snapshot walk needs and finds: the index, the damaged blobs, the errors, which files and
     * snapshots need each damaged blob, the trees found whole, and those of the snapshot walked now found not whole.
     */
    /**
     * {@code unwalked}: the snapshots one of whose trees could not be read (missing, damaged), by short ID; {@code missing}: the
     * trees and blobs needed and in no index ({@code users} and {@code snapshotsOf} name who needs them too).
     */
    private record SnapshotWalk(Index index, Map<ObjectId, String> damaged, List<String> errors,
                                Map<ObjectId, Set<String>> users, Map<ObjectId, Set<String>> snapshotsOf, Set<ObjectId> whole,
                                Set<ObjectId> brokenInThisSnapshot, Set<String> unwalked, Set<ObjectId> missing) {

        /** A tree or blob {@code s} needs at {@code path} (a directory's ends in "/") is in no index, or damaged. */
        void needs(ObjectId id, String path, SnapshotRef s) {
            users.computeIfAbsent(id, k -> new TreeSet<>()).add(path);
            snapshotsOf.computeIfAbsent(id, k -> new LinkedHashSet<>()).add(s.shortId());
        }
    }

    /**
     * What a damaged pack no snapshot was found to need is said to be needed by. Blobs below a tree that could not be read
     * are attributed to no snapshot: check said "needed by no snapshot" of a missing pack holding all of a snapshot whose
     * tree was in another missing pack (a tester's), so then it names the snapshots it could not walk.
     */
    private static String neededByNone(List<String> unwalked) {
        return unwalked.isEmpty() ? "needed by no snapshot"
                : "needed by no snapshot whose trees could be read; snapshot(s) " + String.join(", ", unwalked) + " could not be walked";
    }

    /**
     * Walks a snapshot's tree: every tree and blob must be in the index (a directory's subtree one that reads as a tree,
     * a file's content blobs whose lengths add up to its size), no name twice in a directory, and each damaged one is
     * recorded with the files and snapshots that need it: what restore would refuse or restore wrongly is named here, from
     * the index alone. The type an index entry gives is not asserted: a content ID is the keyed hash of the plaintext
     * alone, so a file whose bytes are a tree's encoding (an empty directory's: 9 bytes any local user can write) has the
     * tree's ID, and the one blob stored serves both, whichever was saved first (docs/vault-format.md §6); check called
     * such an intact repository "a damaged or forged tree" (a helper's). A tree found whole (everything below it
     * indexed, consistent and undamaged) is not walked again for a later snapshot, as restic checks each tree
     * once: a year of daily snapshots of one tree costs one walk of its directories, not 365. A tree found not whole is
     * reported at the first path it has in a snapshot, and not walked again in that snapshot: a crafted snapshot whose 40
     * levels each name the next twice, one blob below missing, had check walk 2^40 paths and run out of memory (a helper's).
     *
     * @return whether the tree is whole
     */
    private boolean walk(SnapshotRef s, ObjectId treeId, String dir, int depth, SnapshotWalk w) {
        if (w.whole().contains(treeId)) {
            return true;
        }
        if (depth > Tree.MAX_DEPTH) {
            w.errors().add(Tree.tooDeep(s.shortId()).getMessage());
            return false;
        }
        if (!w.brokenInThisSnapshot().add(treeId)) {
            return false;
        }
        IndexEntry indexed = w.index().get(treeId);
        if (indexed == null) {
            w.errors().add("snapshot " + s.shortId() + " " + (dir.isEmpty() ? "/" : dir) + ": tree " + treeId.shortHex()
                    + " missing from the index");
            w.missing().add(treeId);
            w.needs(treeId, dir.isEmpty() ? "/" : dir + "/", s);
            w.unwalked().add(s.shortId());
            return false;
        }
        if (w.damaged().containsKey(treeId)) {
            w.needs(treeId, dir.isEmpty() ? "/" : dir + "/", s);
            w.unwalked().add(s.shortId());
            return false;
        }
        Tree tree;
        try {
            tree = repo.loadTree(treeId, w.index()); // the repository's own index is never read: one index in memory, not two
        } catch (VaultException e) {
            Cancelled.passOn(e, "the check");
            packGone |= e instanceof MissingFileException;
            w.errors().add("snapshot " + s.shortId() + " " + (dir.isEmpty() ? "/" : dir) + ": " + e.getMessage());
            w.unwalked().add(s.shortId());
            return false;
        }
        boolean whole = true;
        Set<String> names = new HashSet<>();
        for (Node n : tree.nodes()) {
            String path = dir + "/" + n.name(); // named in reports and JSON, its bytes as ls shows them (FileNames)
            // what restore and dump refuse, or restore wrongly, is named here (IS.012 6.6.4; docs/vault-format.md §8)
            String forged = !Node.isSafeName(n.name()) ? Node.NOT_ONE_COMPONENT
                    : !names.add(n.name()) ? Tree.NAME_TWICE
                    : n.type() == NodeType.DIR && n.subtree() == null ? Tree.NO_SUBTREE
                    : null;
            if (forged != null) {
                w.errors().add("snapshot " + s.shortId() + " " + path + ": " + forged);
                whole = false;
            } else if (n.type() == NodeType.DIR) {
                whole &= walk(s, n.subtree(), path, depth + 1, w);
            } else if (n.type() == NodeType.FILE) {
                long bytes = 0;
                boolean indexedAll = true; // and undamaged: a damaged blob's raw length is not to be trusted either
                for (ObjectId b : n.content() == null ? List.<ObjectId>of() : n.content()) {
                    IndexEntry e = w.index().get(b);
                    if (e == null) {
                        w.errors().add("snapshot " + s.shortId() + " " + path + ": blob " + b.shortHex()
                                + " missing from the index");
                        w.missing().add(b);
                        w.needs(b, path, s);
                        whole = indexedAll = false;
                    } else {
                        bytes += e.rawLength();
                        if (w.damaged().containsKey(b)) {
                            w.needs(b, path, s);
                            whole = indexedAll = false;
                        }
                    }
                }
                String disagreement = indexedAll ? n.sizeDisagreement(bytes) : null;
                if (disagreement != null) {
                    w.errors().add("snapshot " + s.shortId() + " " + path + ": " + disagreement);
                    whole = false;
                }
            }
        }
        if (whole) {
            w.whole().add(treeId);
        }
        return whole;
    }
}
