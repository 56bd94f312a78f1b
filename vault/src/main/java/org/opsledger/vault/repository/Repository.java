package org.opsledger.vault.repository;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import org.opsledger.vault.Cancelled;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.VaultJson;
import org.opsledger.vault.backend.Backend;
import org.opsledger.vault.backend.BackendException;
import org.opsledger.vault.backend.MissingFileException;
import org.opsledger.vault.chunker.Chunker;
import org.opsledger.vault.crypto.KeySlot;
import org.opsledger.vault.crypto.Keyring;
import org.opsledger.vault.crypto.Keys;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.crypto.Sealing;
import org.opsledger.vault.index.Index;
import org.opsledger.vault.journal.Journal;
import org.opsledger.vault.index.IndexEntry;
import org.opsledger.vault.index.IndexFile;
import org.opsledger.vault.index.IndexFileWriter;
import org.opsledger.vault.index.IndexFileReader;
import org.opsledger.vault.pack.BlobType;
import org.opsledger.vault.pack.PackReader;
import org.opsledger.vault.pack.PackedBlob;
import org.opsledger.vault.pack.PackWriter;
import org.opsledger.vault.snapshot.Amendment;
import org.opsledger.vault.snapshot.LegalHold;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.PermissionAttributes;
import org.opsledger.vault.snapshot.RecordHistory;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.SnapshotFilter;
import org.opsledger.vault.snapshot.SnapshotRef;
import org.opsledger.vault.snapshot.Tree;
import org.opsledger.vault.snapshot.TreeCodec;
import tools.jackson.core.JacksonException;

/**
 * An opened repository; call {@link #flush()} before writing a snapshot.
 *
 * <p>Threads: one object may be shared by several jobs at once (backups, restores, checks on a server's pool threads).
 * Saving and loading blobs, flush, the index and the snapshot files are safe from any thread; the jobs share the open
 * pack of each blob type, so a pack that cannot be written fails every later flush of this object ({@link #packLost}:
 * open the repository again; one a cancelled job's interrupt broke off, only those of the jobs whose {@link #lock} was
 * held then, until they end), and a restore lets the index go only while no blob is being saved
 * ({@link #forgetIndex()}).
 *
 * <p>Close: {@link #close()} ends the object and closes its backend; every operation then throws
 * {@link IllegalStateException} ("repository … is closed"), and its keys are zeroed. {@link #open} and {@link #init} take
 * the backend they are given: one that fails closes it (the caller makes a new one to try again). The zstd contexts and sealing buffers are the object's and go
 * with it: a pool thread keeps none.
 *
 * <p>Failures: {@link VaultException} with a one-line message, or of a subclass a caller may tell apart:
 * {@link org.opsledger.vault.WrongPasswordException}, {@link org.opsledger.vault.NoRepositoryException},
 * {@link org.opsledger.vault.SameMediaException} (a backup's, IS.012 6.6.6),
 * {@link PackReader.CorruptPackException}, {@link BackendException} (the store). A null password is an
 * {@link IllegalArgumentException}.
 */
public final class Repository implements AutoCloseable {

    /** A backup writes an index file every this many packs, or {@link IndexFileWriter#MAX_BLOBS} blobs, whichever comes first. */
    public static final int INDEX_EVERY_PACKS = 64;
    /** zstd level 3: on the benchmark tree 2 % smaller than level 1 for the same CPU time (incompressible data is skipped either way). */
    public static final int DEFAULT_COMPRESSION = 3;
    private static final int PROBE = 64 * 1024;
    /** Within the launcher's 64 MiB heap beside the backup pipeline's ≈33 MiB bound (docs/vault-format.md §7). */
    static final long TREE_CACHE_BYTES = 16L * 1024 * 1024;
    private final Map<ObjectId, byte[]> treePacks = new ConcurrentHashMap<>();
    private final AtomicLong treePackBytes = new AtomicLong();

    private final Backend backend;
    /** The key slot whose password opened this repository (or that init wrote), by ID. */
    private String slotInUse;
    /** Its label as it was then (null for a slot without one). */
    private String slotInUseLabel;
    /** Whether that label is authentic ({@link KeySlot#labelsAuthentic}). */
    private boolean slotInUseLabelAuthentic;
    /** Its file's bytes as this command read them (null: init's), written back by {@link #removeKeySlot} should it go meanwhile. */
    private byte[] slotInUseFile;
    private final Locks locks;
    /** Replaced only by {@link #upgrade()}. */
    private volatile RepositoryConfig config;
    private final byte[] masterKey;
    private volatile Keys keys;
    /** {@link #newestEpochLacked}. */
    private final java.util.concurrent.atomic.AtomicInteger newestEpochLacked = new java.util.concurrent.atomic.AtomicInteger();
    /** The first file read that named {@link #newestEpochLacked}'s epoch, named in the refusal. */
    private final java.util.concurrent.atomic.AtomicReference<String> fileOfEpochLacked = new java.util.concurrent.atomic.AtomicReference<>();
    /** The first whole file read that is sealed under another key for an epoch this keyring holds ({@link #sealedUnderAnotherKey}), or null. */
    private final java.util.concurrent.atomic.AtomicReference<String> fileOfAnotherKey = new java.util.concurrent.atomic.AtomicReference<>();
    private final Chunker chunker;
    /** Read from the index files on first use ({@link #index()}): a command that reads no blob never loads it. */
    private volatile Index index;
    private final Object indexLock = new Object();
    /** The index files {@link #index} was read from (guarded by indexLock): {@link #catchUp} reads it again if one is gone. */
    private final Set<String> indexFilesRead = new HashSet<>();
    /** The packs prune has condemned and not yet deleted, read on the first blob the index lacks: for reading only. */
    private volatile Index condemned;
    /** Blobs being sealed or in an open pack: the index has them once their pack is written. */
    private final Set<ObjectId> inFlight = ConcurrentHashMap.newKeySet();
    /** The open pack of each blob type (filled on demand), read-only map after construction. */
    private final Map<BlobType, OpenPack> open = new java.util.EnumMap<>(BlobType.class);
    /** Packs written and in the in-memory index, not yet in an index file (at most 64); guarded by itself. */
    private final List<IndexFileWriter.Pack> unindexed = new ArrayList<>();
    /**
     * Why a pack of blobs could not be written, once one could not (null until then). The open pack of a blob type is
     * shared by every job on this object, and a job's blob already in flight is not saved again by another: a failed
     * pack took other jobs' blobs with it, and their flush found nothing left to write (a helper's). Which job's blobs
     * a pack held is not known, so from then on no blob is stored and every {@link #flush()} fails: a snapshot never
     * names a blob that was lost. The object is done with for writing; open the repository again.
     *
     * <p>A pack a cancelled job's interrupt broke off fails only while a job that held its lock then ({@link #lock})
     * runs: jobs that store blobs hold one, and a job that began after saves its blobs again. One cancelled backup,
     * alone on a server's object, made it refuse every later job until the JVM ended (a helper's).
     */
    private final java.util.concurrent.atomic.AtomicReference<PackLoss> packLost = new java.util.concurrent.atomic.AtomicReference<>();
    /** Locks of this object's jobs ({@link #lock}), taken and maybe not yet released: those a lost pack may have blobs of. */
    private final Set<SharedLock> jobs = ConcurrentHashMap.newKeySet();

    /** Why a pack was lost, and the locks of the jobs it fails while one is held (null: every job, for good). */
    private record PackLoss(String why, Set<SharedLock> during) {
        boolean fails() {
            return during == null || during.stream().anyMatch(l -> !l.released());
        }

        /** This loss and {@code later}, as one: for good if either is. */
        PackLoss and(PackLoss later) {
            if (!fails()) {
                return later;
            }
            if (during == null || later.during == null) {
                return new PackLoss(why, null);
            }
            Set<SharedLock> both = new HashSet<>(during);
            both.addAll(later.during);
            return new PackLoss(why, both);
        }
    }
    /**
     * Held shared by each blob being saved, from the moment it is marked in flight until it is in an open pack, or its
     * full pack is written; {@link #flush()} takes it exclusively. Another job's saveBlob of that blob returned at once,
     * and its flush found the blob not yet in any pack (or in a full pack still being written, which could then fail)
     * and returned: a snapshot named a blob not yet durable, or never.
     */
    private final java.util.concurrent.locks.ReentrantReadWriteLock saving = new java.util.concurrent.locks.ReentrantReadWriteLock();
    private final int compressionLevel;
    /**
     * Idle {@link Sealer}s, borrowed per blob and index file. A pool of this object, not a thread-local: a server's pool
     * threads kept a zstd context (≈0.5 MiB native) of every Repository they ever used and a sealing buffer (up to
     * {@link #SEAL_BUFFER_MAX}) each after it was closed (a helper's). At most {@link #IDLE_SEALERS} are kept;
     * {@link #close()} closes them.
     */
    private final java.util.concurrent.ConcurrentLinkedQueue<Sealer> idleSealers = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** A backup's default worker count (BackupOptions.defaultThreads): its workers never allocate a sealing buffer per blob. */
    static final int IDLE_SEALERS = Math.max(2, Runtime.getRuntime().availableProcessors());
    /** Set once {@link #close()} has completed: every operation throws. */
    private volatile boolean closed;
    private final Object closing = new Object();
    /** close() was called; it completes when no {@link #holdKeys() hold} is left (both guarded by closing). */
    private boolean closeRequested;
    private int holds;

    /** What storing a blob needs: a zstd context (creating one per blob costs more than compressing a small file) and a buffer. */
    private final class Sealer {
        private ZstdCompressCtx zstd;
        private byte[] unit = new byte[0];

        /** Made on first use: merely opening a repository does not load the native library. */
        ZstdCompressCtx compressor() {
            if (zstd == null) {
                zstd = new ZstdCompressCtx().setLevel(compressionLevel);
            }
            return zstd;
        }

        /** Room for a sealed unit of {@code size} bytes; one past {@link #SEAL_BUFFER_MAX} is not kept. */
        byte[] buffer(int size) {
            if (unit.length >= size) {
                return unit;
            }
            if (size > SEAL_BUFFER_MAX) {
                return new byte[size];
            }
            unit = new byte[size];
            return unit;
        }

        void close() {
            if (zstd != null) {
                zstd.close();
            }
        }
    }

    private Sealer borrowSealer() {
        Sealer s = idleSealers.poll();
        return s != null ? s : new Sealer();
    }

    private void releaseSealer(Sealer s) {
        if (closed || idleSealers.size() >= IDLE_SEALERS) {
            s.close();
            return;
        }
        idleSealers.offer(s);
        if (closed) { // closed in between: close() may have emptied the queue before this one came back
            closeIdleSealers();
        }
    }

    private void closeIdleSealers() {
        for (Sealer s; (s = idleSealers.poll()) != null; ) {
            s.close();
        }
    }

    /**
     * The pack being filled with blobs of one type. Its lock serialises appends: the pack's bytes
     * go to the backend's {@link Backend.Upload} (a temporary file) and its SHA-256 in order, so the
     * heap holds no pack bytes, only the blob list (docs/vault-format.md §7).
     */
    private static final class OpenPack {
        PackWriter writer;
    }

    /**
     * Largest sealing buffer a {@link Sealer} keeps: one maximal data chunk, compressed (zstd's bound for
     * it) and sealed. Larger blobs (a tree of a huge directory) get a buffer of their own, dropped after use.
     */
    public static final int SEAL_BUFFER_MAX = sealedBound(Chunker.MAX_SIZE);

    /**
     * Room for a blob of {@code len} bytes sealed, compressed or not: zstd's ZSTD_COMPRESSBOUND
     * (zstd.h), computed here so that merely opening a repository does not load the native library.
     */
    public static int sealedBound(int len) {
        int small = len < 128 * 1024 ? (128 * 1024 - len) >> 11 : 0;
        return len + (len >> 8) + small + Sealing.OVERHEAD;
    }

    private Repository(Backend backend, RepositoryConfig config, byte[] masterKey, Keyring keyring, int compressionLevel) {
        this.backend = backend;
        this.locks = new Locks(backend);
        this.config = config;
        this.masterKey = masterKey;
        this.keys = new Keys(keyring);
        this.chunker = new Chunker(keyring.gearSeed());
        this.compressionLevel = compressionLevel;
        for (BlobType t : BlobType.values()) {
            open.put(t, new OpenPack());
        }
    }

    /** Creates a repository with one key slot. The backend's location must be empty. */
    public static Repository init(Backend backend, char[] password, int iterations, String label) {
        return init(backend, password, iterations, label, null);
    }

    /**
     * Creates a repository; with {@code chunkingOf} it shares that repository's content-ID key and
     * gear seed (not its data keys), so {@code copy} between the two moves blobs without re-chunking
     * and skips every blob the target already holds (docs/vault-format.md §3).
     */
    public static Repository init(Backend backend, char[] password, int iterations, String label, Repository chunkingOf) {
        return closingOnFailure(backend, () -> created(backend, password, iterations, label, chunkingOf));
    }

    /**
     * Opening or creating a repository takes its backend: the repository's {@link #close()} closes it, and so does the
     * open or init that fails. An S3 backend's client kept two threads for each failed open of a long-running JVM
     * (800 after 400 opens with a wrong password or the store down: a helper's).
     */
    private static Repository closingOnFailure(Backend backend, java.util.function.Supplier<Repository> open) {
        try {
            return open.get();
        } catch (RuntimeException | Error e) {
            backend.close();
            throw e;
        }
    }

    private static Repository created(Backend backend, char[] password, int iterations, String label, Repository chunkingOf) {
        requirePassword(password);
        if (backend.exists("config")) {
            throw new VaultException("a repository already exists at " + backend.location());
        }
        String refused = backend.refusesNewRepository();
        if (refused != null) {
            throw new VaultException(refused);
        }
        byte[] masterKey = Sealing.randomBytes(32);
        String slotId = HexFormat.of().formatHex(Sealing.randomBytes(16));
        KeySlot slot = KeySlot.wrap(slotId, password, masterKey, iterations, label, hostname()); // refused (too long a label) before the directory
        backend.createRoot(); // only now: a refused init made no directory
        Keyring keyring = chunkingOf == null ? Keyring.fresh() : Keyring.fresh().withChunkingOf(chunkingOf.keys().keyring());
        RepositoryConfig config = new RepositoryConfig(RepositoryConfig.VERSION, HexFormat.of().formatHex(Sealing.randomBytes(16)),
                Chunker.MIN_SIZE, Chunker.AVG_SIZE, Chunker.MAX_SIZE, PackWriter.TARGET_SIZE);
        byte[] slotFile = VaultJson.write(slot);
        backend.write("keys/" + slotId, slotFile);
        backend.write("keyring", Sealing.seal(Sealing.aesKey(masterKey), 0, Sealing.Kind.KEYRING, VaultJson.write(keyring)));
        backend.write("config", VaultJson.write(config)); // last: a repository exists once its config does
        Repository repo = new Repository(backend, config, masterKey, keyring, DEFAULT_COMPRESSION);
        repo.slotInUse = slotId;
        repo.slotInUseLabel = label;
        repo.slotInUseLabelAuthentic = true;
        repo.slotInUseFile = slotFile;
        backend.keySlotOpened(slotId);
        return repo;
    }

    public static Repository open(Backend backend, char[] password) {
        return open(backend, password, DEFAULT_COMPRESSION);
    }

    /** The backend is this repository's from now on: {@link #close()} closes it, and so does this when it fails. */
    public static Repository open(Backend backend, char[] password, int compressionLevel) {
        return closingOnFailure(backend, () -> opened(backend, password, compressionLevel, null, SlotNaming.REPO));
    }

    /**
     * {@link #open(Backend, char[])} with the key slot {@code keySlot} alone (its whole ID, or a prefix of at least
     * {@link ObjectId#MIN_PREFIX} hex digits only it has), none other read or tried; null: every slot, cheapest first
     * ({@link #MAX_SLOTS_TRIED}). Anyone able to write to the store can plant slots, and 32 of them refused every command;
     * the operator who names the slot is not locked out by them (docs/vault-format.md §3). The slot is --repo's
     * ({@link SlotNaming#REPO}): {@link #open(Backend, char[], String, SlotNaming)} for another repository's.
     */
    public static Repository open(Backend backend, char[] password, String keySlot) {
        return open(backend, password, keySlot, SlotNaming.REPO);
    }

    /**
     * {@link #open(Backend, char[], String)}, the slot named as {@code naming} says (a copy's or tier's target has an
     * option and variable of its own), in the lines that refuse it and in the notice of slots tried before one opened.
     */
    public static Repository open(Backend backend, char[] password, String keySlot, SlotNaming naming) {
        if (naming == null) { // said only once a slot named is refused: a library's caller learnt of it then, or not at all
            throw new IllegalArgumentException("the key slot's naming is null: give SlotNaming.REPO, or the option and variable that name it");
        }
        return closingOnFailure(backend, () -> opened(backend, password, DEFAULT_COMPRESSION, keySlot, naming));
    }

    private static Repository opened(Backend backend, char[] password, int compressionLevel, String keySlot, SlotNaming naming) {
        requirePassword(password);
        if (!backend.exists("config")) {
            String store = backend.missingStore();
            if (store == null && (backend.exists("keyring") || !filesDirectlyIn(backend, "keys").isEmpty())) {
                // a deleted config said "no vault repository" of a repository whose keys and data were whole (a helper's at 2 a.m.)
                throw new VaultException("the config of the repository at " + backend.location() + " is missing, though its keyring"
                        + " or keys/ are there: put it back from a copy of the store, or write it as docs/vault-format.md §2 says"
                        + " (\"A lost config\"); nothing else is lost with it");
            }
            throw new org.opsledger.vault.NoRepositoryException("no vault repository at " + backend.location() + (store == null ? "" : ": " + store));
        }
        RepositoryConfig config;
        try {
            config = VaultJson.read("config", backend.read("config"), RepositoryConfig.class);
        } catch (VaultJson.Malformed e) { // one without an id stopped copy and dispose with a NullPointerException (a helper's)
            throw new VaultException("the config of " + backend.location() + " is not a vault repository's: it " + e.problem());
        }
        if (config.version() < 1 || config.version() > RepositoryConfig.VERSION) {
            throw new VaultException("repository format version " + config.version()
                    + " is not supported (this build reads 1 to " + RepositoryConfig.VERSION + ")");
        }
        String last = keySlot == null ? backend.keySlotOpenedLast() : null;
        if (last != null) { // this host's cache remembers the slot that opened it last: tried first, alone (§3)
            try {
                return unlocked(backend, config, password, compressionLevel, List.of(namedKeySlot(backend, last, naming)), last, naming);
            } catch (BackendException | Cancelled e) {
                throw e;
            } catch (VaultException notNow) { // gone, replaced, another password's: every slot is tried, as without it
            }
        }
        List<SlotFile> slots = keySlot == null ? readKeySlots(backend) : List.of(namedKeySlot(backend, keySlot, naming));
        return unlocked(backend, config, password, compressionLevel, slots, keySlot, naming);
    }

    /**
     * The repository opened with the first of {@code slots} that {@code password} opens, cheapest first, at most
     * {@link #MAX_SLOTS_TRIED}; {@code keySlot}: the one slot named, or null, as {@code naming} names it. The slot that
     * opens is remembered on this host ({@link Backend#keySlotOpened}).
     */
    private static Repository unlocked(Backend backend, RepositoryConfig config, char[] password, int compressionLevel,
                                       List<SlotFile> slots, String keySlot, SlotNaming naming) {
        if (slots.isEmpty()) { // not a wrong password: no password can open it
            throw new VaultException("repository " + backend.location() + " has no key slot: it was disposed of, or its keys/ were"
                    + " deleted; nothing in it can be decrypted");
        }
        VaultException keyringFailed = null;
        // cheapest first: a costly slot that anyone able to write to the store could add delays no password that opens another
        List<SlotFile> wellFormed = slots.stream().filter(f -> f.slot() != null).sorted(Comparator.comparingInt(f -> f.slot().iterations())).toList();
        int tried = 0;
        for (SlotFile f : wellFormed) {
            if (tried == MAX_SLOTS_TRIED) { // §3: slots planted by count held every open as long as one of 2^31 iterations would
                throw new VaultException("none of the " + MAX_SLOTS_TRIED + " key slots of " + backend.location() + " tried (cheapest first)"
                        + " opens with this password, and " + (wellFormed.size() - tried) + " more are left untried: a command tries at most "
                        + MAX_SLOTS_TRIED + ", as a slot is plaintext that anyone able to write to the store can add; remove from its keys/"
                        + " the slots that are not its operators' (planted ones are copies written after the repository's own), or name"
                        + " the slot of this password (" + naming.either() + " ID), or check the password");
            }
            tried++;
            var mk = f.slot().unwrap(password);
            if (mk.isEmpty()) {
                continue;
            }
            Keyring keyring;
            try {
                keyring = readKeyring(backend, mk.get());
            } catch (MissingFileException e) { // (a command beside a dispose catches it as "disposed of": never this one)
                throw new VaultException("the keyring of " + backend.location() + " is missing (deleted, or lost with a disk), and every key"
                        + " of the data is in it; " + KEYRING_REMEDY);
            } catch (KeyringAuthenticationException e) {
                // a slot of another master key, with this password: one a failed `vault init` left before a retried one
                // wrote its own (the first slot tried then made the repository unopenable: a helper's); the next is tried
                keyringFailed = e;
                continue;
            }
            Repository repo = new Repository(backend, config, mk.get(), keyring, compressionLevel);
            repo.slotInUse = f.name().substring("keys/".length());
            repo.slotInUseLabel = f.slot().label();
            repo.slotInUseLabelAuthentic = f.slot().labelsAuthentic(repo.slotInUse, mk.get());
            repo.slotInUseFile = f.file();
            if (tried > SLOTS_FAILED_SAID) { // each one a key derivation, silently (a tester's 2,000 planted slots: 42 s of CPU)
                repo.notice((tried - 1) + " key slots of " + backend.location() + " were tried before " + repo.slotInUse.substring(0, 8)
                        + " opened with this password, each costing every command a key derivation: remove those that are not its"
                        + " operators' (`vault check` names the slots no journal entry records; `vault key remove ID`), or have it tried"
                        + " alone: " + naming.variable() + "=" + repo.slotInUse + " (or " + naming.option() + ")");
            }
            backend.keySlotOpened(repo.slotInUse);
            return repo;
        }
        if (keyringFailed != null) {
            throw keyringFailed;
        }
        if (keySlot != null) {
            throw new org.opsledger.vault.WrongPasswordException("wrong password: key slot " + slots.getFirst().name().substring("keys/".length())
                    + " of " + backend.location() + ", named by " + naming.either() + ", does not open with it: check the password, or"
                    + " the slot named (unset, every slot is tried)");
        }
        List<String> skipped = slots.stream().filter(f -> f.problem() != null).map(f -> f.name() + ": " + f.problem()).toList();
        throw new org.opsledger.vault.WrongPasswordException("wrong password: no key slot of " + backend.location() + " opens with it"
                + (skipped.isEmpty() ? "" : " (skipped as unreadable: " + String.join("; ", skipped) + ")"));
    }

    /** The most key slots one opening tries (restic stops at 20 key files without a hint): a team's, with room. §3. */
    static final int MAX_SLOTS_TRIED = 32;

    /** More slots than this failing before the one that opens is said ({@link #onNotice}): a team's few others are not. */
    static final int SLOTS_FAILED_SAID = 8;

    private static void requirePassword(char[] password) {
        if (password == null) {
            throw new IllegalArgumentException("the password is null: give the repository's password (an empty one is char[0])");
        }
    }

    /**
     * How the operator names the one key slot to try ({@link #open(Backend, char[], String, SlotNaming)}): the CLI's option
     * and variable, --repo's ({@link #REPO}) or a second repository's (a copy's or tier's target: `--to-key-slot`): a
     * target's lines named --repo's, whose variable, set as told, had --repo's open refuse its own slots.
     */
    public record SlotNaming(String option, String variable) {
        /** --repo's. */
        public static final SlotNaming REPO = new SlotNaming("--key-slot", "OPSLEDGER_VAULT_KEY_SLOT");

        String either() {
            return option + " or " + variable;
        }
    }

    /**
     * The slot {@code idOrPrefix} names in keys/, read and checked, no other read: its whole ID (a file's name), else a
     * prefix of at least {@link ObjectId#MIN_PREFIX} hex digits only it has. A prefix a planted slot shares
     * is refused as ambiguous (anyone able to write to the store sees the names and can plant one): the whole ID is not.
     */
    private static SlotFile namedKeySlot(Backend backend, String idOrPrefix, SlotNaming naming) {
        String location = backend.location();
        if (idOrPrefix.isBlank()) {
            throw new VaultException("the key slot named by " + naming.either() + " is empty: give a slot's ID (`vault key list`), or unset it");
        }
        List<String> names = filesDirectlyIn(backend, "keys");
        // the whole ID as given, before any case: a copy planted under its upper-case name made it a prefix of two
        List<String> match = names.stream().filter(n -> n.equals("keys/" + idOrPrefix)).toList();
        if (match.isEmpty() && ObjectId.isPrefix(idOrPrefix)) {
            String prefix = "keys/" + idOrPrefix.toLowerCase(java.util.Locale.ROOT);
            match = names.stream().filter(n -> n.toLowerCase(java.util.Locale.ROOT).startsWith(prefix)).toList();
        }
        if (match.size() != 1) {
            throw new VaultException(match.isEmpty() ? "no key slot " + idOrPrefix + " in the keys/ of " + location + " (named by " + naming.either()
                    + "): give the ID of a slot there (its whole ID, or a prefix of at least " + ObjectId.MIN_PREFIX + " hex digits), or unset it"
                    : "the key slot prefix " + idOrPrefix + " (named by " + naming.either() + ") begins " + match.size() + " slots of " + location
                    + ": give the slot's whole ID (32 hex digits: `vault key list --json`)");
        }
        String name = match.getFirst();
        byte[] file = backend.read(name);
        try {
            return new SlotFile(name, file, KeySlot.parse(file), null);
        } catch (VaultException e) { // not a slot, or too large to be one
            throw new VaultException("key slot " + name.substring("keys/".length()) + " of " + location + ", named by " + naming.either()
                    + ", is unreadable: " + e.getMessage() + "; name another slot, or unset it");
        }
    }

    /** A file under {@code keys/}: its bytes and slot, or why it is not one (never tried with a password). */
    private record SlotFile(String name, byte[] file, KeySlot slot, String problem) {
    }

    private static List<SlotFile> readKeySlots(Backend backend) {
        List<SlotFile> out = new ArrayList<>();
        for (String name : filesDirectlyIn(backend, "keys")) {
            try {
                byte[] file = backend.read(name);
                out.add(new SlotFile(name, file, KeySlot.parse(file), null));
            } catch (BackendException | Cancelled e) {
                throw e; // a storage failure stays one, and a cancellation: neither is the slot's
            } catch (VaultException e) { // not a slot, or too large to be one
                out.add(new SlotFile(name, null, null, e.getMessage()));
            }
        }
        return out;
    }

    /**
     * What to do about a keyring that is gone or damaged: every key the data is sealed with is in it, and the vault keeps no
     * other copy (docs/operations.md, "The keyring"). Each case said only what was wrong (a helper's at 2 a.m.).
     */
    static final String KEYRING_REMEDY = "the vault keeps no other copy of it: put back its newest copy, kept with the"
            + " disaster-recovery plan or in a backup of the store (docs/operations.md, \"The keyring\"), or restore from the long-term tier";

    private static Keyring readKeyring(Backend backend, byte[] masterKey) {
        byte[] sealed = backend.read("keyring");
        try {
            return VaultJson.read("keyring", Sealing.open(Sealing.aesKey(masterKey), Sealing.Kind.KEYRING, sealed, 0, sealed.length), Keyring.class);
        } catch (AEADBadTagException e) {
            throw new KeyringAuthenticationException("keyring of " + backend.location() + " fails authentication (damaged or altered);"
                    + " " + KEYRING_REMEDY);
        } catch (VaultJson.Malformed e) {
            throw new VaultException("the keyring of " + backend.location() + " " + e.problem() + ": it opened with the password,"
                    + " so it was written so with the master key; " + KEYRING_REMEDY);
        }
    }

    /** The keyring does not open under a master key a slot gave: damaged or altered, or that slot is another repository's. */
    private static final class KeyringAuthenticationException extends VaultException {
        KeyringAuthenticationException(String message) {
            super(message);
        }
    }

    /**
     * The host a snapshot, lock, key slot and journal entry name: {@code OPSLEDGER_HOSTNAME} (its spaces around taken
     * off), else the kernel's host name as {@code uname -n} gives it, not resolved. It was resolved
     * ({@code InetAddress.getLocalHost}), and a host whose name no DNS or /etc/hosts knew yet (a new host restoring after a
     * disaster) recorded every backup and restore as "localhost", all such hosts one source (a helper's). Where the
     * kernel's name cannot be read (no /proc: a rescue chroot, not Linux), the resolver's, if it knows one; else refused:
     * the name an error of the resolver's gives is not one (on Java 25 it began with an object's hash, a new source each
     * run: a re-tester's).
     */
    public static String hostname() {
        String env = System.getenv("OPSLEDGER_HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.strip();
        }
        try {
            String kernel = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!kernel.isEmpty()) {
                return kernel;
            }
        } catch (IOException | RuntimeException notLinux) {
            // below
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            throw new VaultException("this machine's host name cannot be read (no /proc/sys/kernel/hostname) and does not resolve:"
                    + " set OPSLEDGER_HOSTNAME to the name its backups are to carry");
        }
    }

    public Backend backend() {
        return backend;
    }

    public RepositoryConfig config() {
        return config;
    }

    public Keys keys() {
        requireOpen();
        return keys;
    }

    public Chunker chunker() {
        return chunker;
    }

    /** True when both repositories cut and name chunks alike (same gear seed and content-ID key). */
    public boolean sameChunkingAs(Repository other) {
        return java.util.Arrays.equals(keys().keyring().idKey(), other.keys().keyring().idKey())
                && java.util.Arrays.equals(keys().keyring().gearSeed(), other.keys().keyring().gearSeed());
    }

    /**
     * The index of every pack, read from the index files the first time it is needed: `snapshots` or
     * `key list` never read it, and `check` reads the files into an index of its own
     * ({@link #loadTree(ObjectId, Index)}) instead of holding two.
     */
    public Index index() {
        requireOpen();
        Index i = index;
        if (i == null) {
            synchronized (indexLock) {
                i = index;
                if (i == null) {
                    i = new Index();
                    indexFilesRead.addAll(readIndexFiles(i));
                    Set<ObjectId> packs = i.packs(); // before any other thread may add to it: this host's cache lets go of the rest
                    backend.indexRead(name -> packs.contains(ObjectId.parse(name.substring(name.lastIndexOf('/') + 1))));
                    index = i;
                }
            }
        }
        return i;
    }

    // ---------------------------------------------------------------- index

    /**
     * Reads the index files not read into the index yet, if it was read: packs indexed since (by another process) are
     * added. It read every file again, and a prune, which looks again after listing the snapshots, read each one 7 times
     * (a helper's).
     */
    public void loadIndex() {
        synchronized (indexLock) {
            if (index != null) { // an index not yet read is read whole on its first use
                indexFilesRead.addAll(readIndexFiles(index, indexFilesRead));
            }
        }
    }

    /** The index files' sealed bytes, by name, while {@link #keepingIndexFiles()} keeps them; null otherwise. */
    private volatile Map<String, byte[]> indexFilesKept;

    /** What {@link #keepingIndexFiles()} returns: closed, the index files' bytes are let go. */
    public interface IndexFilesKept extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Until the returned handle is closed, each look at the index (the first {@link #index()}, {@link #loadIndex()},
     * {@link #reloadIndex()}, {@link #freshIndex()}) reads from the store only the index files it has not read: they are
     * immutable, named by their hash (§7). Each look still lists index/, so a file written since (a backup's) is read and
     * what a file deleted since (another prune's rewrite) held is left out, as when every file was read again. Prune looks
     * at the index before and after listing the snapshots, again before deleting and after (§10): it read every file at
     * each look, 7 times in all (a helper's). The bytes kept are the files' as stored, compressed (§7).
     */
    public IndexFilesKept keepingIndexFiles() {
        indexFilesKept = new ConcurrentHashMap<>();
        return () -> indexFilesKept = null;
    }

    private List<String> readIndexFiles(Index into) {
        return readIndexFiles(into, Set.of());
    }

    /** Reads the index files but those named in {@code already} into {@code into}, each from the store once while they are kept; returns their names. */
    private List<String> readIndexFiles(Index into, Set<String> already) {
        java.util.function.BiConsumer<String, byte[]> each = (name, sealed) -> readWholeIndexFile(name, sealed, into);
        java.util.function.BiConsumer<String, BackendException> fail = (name, e) -> {
            throw indexUnreadable(e);
        };
        Map<String, byte[]> kept = indexFilesKept;
        if (kept == null) {
            return readEachIndexFile(null, already, each, fail);
        }
        List<String> listed = indexFiles();
        kept.keySet().retainAll(new HashSet<>(listed)); // deleted since: what they held is no longer indexed
        List<String> names = new ArrayList<>();
        kept.forEach((name, sealed) -> {
            if (!already.contains(name)) {
                each.accept(name, sealed);
                names.add(name);
            }
        });
        Set<String> skip = new HashSet<>(already);
        skip.addAll(names);
        names.addAll(readEachIndexFile(listed, skip, (name, sealed) -> {
            kept.put(name, sealed);
            each.accept(name, sealed);
        }, fail));
        return names;
    }

    /**
     * The index does not read, and what mends it: `vault repair` writes it again from the packs, but for a file sealed under
     * an epoch this keyring lacks ({@link #newestEpochLacked}), where repair refuses: the message sent the operator to
     * repair beside "put back the newest `keyring`", and repair refused (a helper's).
     */
    private VaultException indexUnreadable(RuntimeException e) {
        return new VaultException("the index cannot be read: " + e.getMessage() + (newestEpochLacked() > 0 || fileOfAnotherKey.get() != null ? ""
                : "; `vault check` names what else is damaged, `vault repair` writes the index again from the packs"), e);
    }

    /** {@link #readIndexFile} for a command that needs the whole index: one file that does not read stops it, saying what mends it. */
    private boolean readWholeIndexFile(String name, byte[] sealed, Index into) {
        if (leftoverOfRetirement(name, sealed)) {
            return false;
        }
        try {
            return readIndexFile(name, sealed, into);
        } catch (BackendException | Cancelled e) {
            throw e;
        } catch (VaultException e) {
            throw indexUnreadable(e);
        }
    }

    /**
     * Hands each index file's name and bytes to {@code each}, once, and returns the names. One listed and gone when read
     * was replaced meanwhile (a prune writes the index again, then deletes the files it replaced): the listing is read
     * again, up to three times, for the file that replaced it. A backup, check or restore beside a prune failed with
     * "missing file … index/…" (a helper's).
     */
    public List<String> readEachIndexFile(java.util.function.BiConsumer<String, byte[]> each) {
        return readEachIndexFile(null, Set.of(), each, null);
    }

    /**
     * As {@link #readEachIndexFile(java.util.function.BiConsumer)}, handing {@code unreadable} each file the medium fails to
     * read (a bad sector: EIO, on a store where that is damage) instead of failing: check and repair report such a file
     * and repair writes the index again without it (it stopped both, and every other command, for good: a helper's). Its
     * name is among those returned, so that the index written in place of these replaces it.
     */
    public List<String> readEachIndexFile(java.util.function.BiConsumer<String, byte[]> each,
                                          java.util.function.BiConsumer<String, BackendException> unreadable) {
        return readEachIndexFile(null, Set.of(), each, unreadable);
    }

    /**
     * {@link #readEachIndexFile(java.util.function.BiConsumer, java.util.function.BiConsumer)} but for the files named in
     * {@code skip}, from {@code listed} if the caller just listed index/ (null: listed here). The files are read
     * {@link FilesAtOnce#READERS} at a time, each handed on in the listing's order: one after another, a backup into a
     * repository of 500 index files waited 500 round trips for them, 25 ms each from an S3 store (a helper's).
     */
    private List<String> readEachIndexFile(List<String> listed, Set<String> skip, java.util.function.BiConsumer<String, byte[]> each,
                                           java.util.function.BiConsumer<String, BackendException> unreadable) {
        Set<String> read = new LinkedHashSet<>();
        for (int listing = 1; ; listing++) {
            boolean[] gone = {false};
            boolean last = listing == 3;
            List<String> names = (listing == 1 && listed != null ? listed : indexFiles()).stream()
                    .filter(n -> !read.contains(n) && !skip.contains(n)).toList();
            FilesAtOnce.each(names, FilesAtOnce.READERS, "the index", n -> readListed(n, unreadable != null), (name, file) -> {
                if (file.failure() instanceof MissingFileException e) {
                    if (last) {
                        throw e;
                    }
                    gone[0] = true;
                } else if (file.failure() != null) {
                    read.add(name);
                    unreadable.accept(name, file.failure());
                } else {
                    read.add(name);
                    each.accept(name, file.sealed());
                }
            });
            if (!gone[0]) {
                return List.copyOf(read);
            }
        }
    }

    /** A listed file's bytes as read, or why not: gone since listed, or (where it is reported) the medium failing under it. */
    public record FileBytes(byte[] sealed, BackendException failure) {
    }

    /**
     * Reads a file a listing named, for {@link FilesAtOnce}: gone since is a {@link MissingFileException} handed back, and
     * so is a read the medium fails (a bad sector: EIO, where that is damage) when {@code reportUnreadable}; a store that
     * fails is thrown, never a file fewer.
     */
    public FileBytes readListed(String name, boolean reportUnreadable) {
        try {
            return new FileBytes(backend.read(name), null);
        } catch (MissingFileException e) {
            return new FileBytes(null, e);
        } catch (BackendException e) {
            if (!reportUnreadable || !backend.isDamage(e)) {
                throw e;
            }
            return new FileBytes(null, e);
        }
    }

    /**
     * Adds the packs that one index file lists to {@code into}, from the file's bytes as the caller read them (check first
     * verifies their name); true when the file is JSON, as formats 1 and 2 write it, false when compressed (format 3).
     */
    public boolean readIndexFile(String name, byte[] sealed, Index into) {
        byte[] plain = openSealed(name, sealed, Sealing.Kind.INDEX);
        boolean json = !isZstdFrame(plain);
        try {
            IndexFileReader.addTo(into, json ? plain : decompressIndex(plain));
            return json;
        } catch (VaultException e) {
            throw new VaultException(name + ": " + e.getMessage(), e);
        } catch (RuntimeException e) { // authentic, yet not an index file: written by something else
            throw new VaultException(name + " is not a readable index file: " + e.getMessage(), e);
        }
    }

    /**
     * Writes one index file naming every pack of {@code index} but those {@code without}, then deletes
     * {@code oldFiles}: the index files listed before {@code index} was read (prune, key retirement, repair).
     * An index file a backup writes meanwhile is not among them and stays. Both are durable when this returns: a prune
     * deletes packs the old files name, a retirement then destroys the key they are sealed under.
     *
     * <p>Each step only while {@code lock}, the caller's, stands ({@link SharedLock#whileHeld}): a prune stopped after it read
     * the index (a suspended VM), its lock removed as stale by another host's prune, which then deleted packs, resumed and
     * wrote the index it had read, naming them; check found them missing and every prune refused until a repair (h3's).
     * Refused after the write, the files it wrote go, and the old ones stay.
     */
    public void replaceIndex(SharedLock lock, Index index, Set<ObjectId> without, List<String> oldFiles) {
        List<String> written = lock.whileHeld(() -> writeIndexFiles(packsOf(index, without)));
        try {
            lock.whileHeld(() -> {
                backend.deleteAll(oldFiles);
                return null;
            });
        } catch (VaultException gone) {
            backend.deleteAll(written);
            throw gone;
        }
    }

    /** How many index files {@link #replaceIndex} writes for {@code index}: a pack is never split, so one of many blobs fills one alone. */
    public static int indexFilesFor(Index index) {
        return IndexFileWriter.files(packsOf(index, Set.of()), IndexFileWriter.MAX_BLOBS).size();
    }

    private static List<IndexFileWriter.Pack> packsOf(Index index, Set<ObjectId> without) {
        List<IndexFileWriter.Pack> kept = new ArrayList<>();
        index.byPack().forEach((p, blobs) -> {
            if (!without.contains(p)) {
                kept.add(new IndexFileWriter.Pack(p, index.epochOf(p), blobs));
            }
        });
        return kept;
    }

    /** What {@code vault upgrade} did: the format before and after, and the index files written again (with their bytes before and after). */
    public record Upgrade(int from, int to, int indexFiles, long indexBytesBefore, long indexBytesAfter) {
    }

    /**
     * {@code vault upgrade} (docs/vault-format.md, its format version): a repository of an older format is moved to
     * {@link RepositoryConfig#VERSION}: its config says so (builds that read only older formats refuse it from then
     * on), and its index files are written again in the new form (format 3: compressed), as are a newer repository's
     * JSON index files left by a process of an older format; from format 3 to 4 (the journal) only the config changes.
     * Runs alone. Nothing is written when nothing is old.
     */
    public Upgrade upgrade() {
        try (SharedLock lock = lock("upgrade")) {
            RepositoryConfig old = config;
            Index whole = new Index(true); // as freshIndex() reads it, each file read once
            long[] bytes = {0};
            boolean[] anyJson = {false};
            List<String> files = readEachIndexFile((name, sealed) -> { // a damaged one: the remedy too (a helper's upgrade said only why)
                bytes[0] += sealed.length;
                anyJson[0] |= readWholeIndexFile(name, sealed, whole);
            });
            long before = bytes[0];
            boolean json = anyJson[0];
            if (old.version() == RepositoryConfig.VERSION && !json) {
                return new Upgrade(old.version(), old.version(), 0, before, before);
            }
            if (old.version() < RepositoryConfig.VERSION) {
                RepositoryConfig next = old.withVersion(RepositoryConfig.VERSION);
                backend.write("config", VaultJson.write(next)); // first: the index files below are in its form
                config = next;
            }
            if (old.version() >= 3 && !json) { // compressed already: formats 4 to 6 add nothing to the index
                return new Upgrade(old.version(), RepositoryConfig.VERSION, 0, before, before);
            }
            replaceIndex(lock, whole, Set.of(), files);
            reloadIndex();
            List<String> written = indexFiles();
            long after = written.stream().mapToLong(backend::size).sum();
            return new Upgrade(old.version(), RepositoryConfig.VERSION, written.size(), before, after);
        }
    }

    /**
     * Index files naming these packs, each of at most {@link IndexFileWriter#MAX_BLOBS} blobs; from format 3 their
     * JSON is compressed with zstd, to ≈40 % (§7: a JSON index file starts with '{', a compressed one with zstd's magic).
     */
    private List<String> writeIndexFiles(List<IndexFileWriter.Pack> packs) {
        List<String> written = new ArrayList<>();
        for (List<IndexFileWriter.Pack> file : IndexFileWriter.files(packs, IndexFileWriter.MAX_BLOBS)) {
            byte[] json = IndexFileWriter.json(file);
            written.add("index/" + writeSealedBytes("index", Sealing.Kind.INDEX, config.version() >= 3 ? compressed(json) : json).hex());
        }
        return written;
    }

    private byte[] compressed(byte[] json) {
        Sealer sealer = borrowSealer();
        try {
            return sealer.compressor().compress(json);
        } finally {
            releaseSealer(sealer);
        }
    }

    /** A JSON index file that large would name ≈1.6 million blobs: no writer makes one (§7), so a frame that says so is refused. */
    private static final long MAX_INDEX_JSON = 256L * 1024 * 1024;

    private static boolean isZstdFrame(byte[] b) {
        return b.length >= 4 && (b[0] & 0xff) == 0x28 && (b[1] & 0xff) == 0xb5 && (b[2] & 0xff) == 0x2f && (b[3] & 0xff) == 0xfd;
    }

    private static byte[] decompressIndex(byte[] frame) {
        long size = Zstd.getFrameContentSize(frame);
        if (size < 0 || size > MAX_INDEX_JSON) {
            throw new VaultException("compressed index file states no size or one past " + (MAX_INDEX_JSON >> 20) + " MiB (" + size + ")");
        }
        byte[] json = new byte[(int) size];
        try {
            if (Decompressors.decompress(frame, 0, frame.length, json, json.length) != json.length) {
                throw new VaultException("compressed index file is shorter than its frame states");
            }
        } catch (com.github.luben.zstd.ZstdException e) {
            throw new VaultException("compressed index file does not decompress: " + e.getMessage());
        }
        return json;
    }

    /** Forgets the in-memory index and reads the index files again (after prune or retire rewrote them). */
    public void reloadIndex() {
        synchronized (indexLock) {
            indexReloads++;
            forgetTreePacks();
            if (index != null) {
                index.clear();
                indexFilesRead.clear();
                indexFilesRead.addAll(readIndexFiles(index));
            }
        }
    }

    /** How many times the index was read again whole; guarded by indexLock. */
    private long indexReloads;

    /**
     * How many times the index was read again whole, as a lock does when an index file it knew has gone (a prune, repair
     * or retirement wrote it anew): what was in the index before may be gone from the store since. A caller that keeps
     * what it stored across locks (a copy's trees, from one snapshot to the next) trusts it only while this stays the same.
     */
    public long indexReloads() {
        synchronized (indexLock) {
            return indexReloads;
        }
    }

    /** Re-reads all index files into a fresh index that knows every pack's full contents (for prune, retire, check). */
    public Index freshIndex() {
        Index fresh = new Index(true);
        readIndexFiles(fresh);
        return fresh;
    }

    // ---------------------------------------------------------------- blobs

    /**
     * The packs the store's data/ listed since this object's last {@link #lock}, and those it wrote since; null until a
     * blob is looked for ({@link #hasBlob}). Guarded by {@link #packsListing} for writes.
     */
    private volatile Set<ObjectId> packsListed;
    private final Object packsListing = new Object();

    /**
     * Whether a blob may be taken as stored, and not stored again: the index names it in a pack the store listed since the
     * last lock was taken (one listing of data/ a lock, on the first blob looked for), or one this object wrote since. An
     * index file can name a pack a prune deleted (its backup's lock removed meanwhile: `vault unlock --remove-all`, a host
     * suspended): the backup run again took the pack's blobs as stored, "0 B added", exit 0, and its snapshot did not
     * restore (a tester's, h4). A pack listed while this process's lock is there is not deleted as an orphan; one a prune
     * condemned waits for the backups that may use it (vault-format.md §10).
     */
    public boolean hasBlob(ObjectId id) {
        IndexEntry first = index().get(id);
        if (first == null) {
            return false;
        }
        Set<ObjectId> listed = packsListed();
        return listed.contains(first.pack()) || index().locations(id).stream().anyMatch(e -> listed.contains(e.pack()));
    }

    private Set<ObjectId> packsListed() {
        Set<ObjectId> listed = packsListed;
        if (listed == null) {
            synchronized (packsListing) {
                listed = packsListed;
                if (listed == null) {
                    listed = ConcurrentHashMap.newKeySet();
                    listed.addAll(ReferencedBlobs.storedPacks(this));
                    packsListed = listed;
                }
            }
        }
        return listed;
    }

    /** Saves a blob unless the repository already has it; returns its content ID. */
    public ObjectId saveBlob(BlobType type, byte[] buf, int off, int len) {
        return saveBlob(type, buf, off, len, new BlobsAdded());
    }

    /** As {@link #saveBlob(BlobType, byte[], int, int)}, counting the blob in {@code added} if this call stored it. */
    public ObjectId saveBlob(BlobType type, byte[] buf, int off, int len, BlobsAdded added) {
        ObjectId id = keys().contentId(buf, off, len);
        saving.readLock().lock(); // from its in-flight mark: a flush from here on waits for it
        try {
            if (hasBlob(id) || !inFlight.add(id)) {
                return id;
            }
            try {
                storeBlob(type, id, buf, off, len, added);
            } catch (RuntimeException | Error e) {
                // Never packed (refused before, as by a pack loss {@link #failIfPackLost}): its in-flight mark stayed, and a
                // later job's save of the same bytes took it for stored and committed a snapshot naming a blob the store
                // never got (a re-tester's). The mark goes; a job that took the blob for stored meanwhile runs now, and
                // its flush fails as the jobs running at a lost pack's do.
                if (inFlight.remove(id)) {
                    packLost.accumulateAndGet(new PackLoss(String.valueOf(e.getMessage()), Set.copyOf(jobs)),
                            (before, later) -> before == null ? later : before.and(later));
                }
                throw e;
            }
            return id;
        } finally {
            saving.readLock().unlock();
        }
    }

    /** Seals and packs a blob whose ID is already known (repack, copy). */
    public void storeBlob(BlobType type, ObjectId id, byte[] buf, int off, int len) {
        storeBlob(type, id, buf, off, len, new BlobsAdded());
    }

    /** As {@link #storeBlob(BlobType, ObjectId, byte[], int, int)}, counting the blob in {@code added}. */
    public void storeBlob(BlobType type, ObjectId id, byte[] buf, int off, int len, BlobsAdded added) {
        saving.readLock().lock();
        try {
            sealAndPack(type, id, buf, off, len, added);
        } finally {
            saving.readLock().unlock();
        }
    }

    private void sealAndPack(BlobType type, ObjectId id, byte[] buf, int off, int len, BlobsAdded added) {
        failIfPackLost();
        Keys k = keys();
        SecretKey key = k.current();
        int epoch = k.currentEpoch();
        OpenPack slot = open.get(type);
        Sealer sealer = borrowSealer();
        int unitLen;
        List<PackWriter> written = new ArrayList<>(2);
        try {
            byte[] unit = sealer.buffer(sealedBound(len));
            while (true) {
                boolean compressed = false;
                unitLen = 0;
                if (compressionLevel > 0 && len >= 64 && worthCompressing(sealer.compressor(), buf, off, len, unit)) {
                    // compressed straight to where the sealed unit's ciphertext goes, then sealed in place
                    long n = sealer.compressor().compressByteArray(unit, Sealing.PREFIX, unit.length - Sealing.OVERHEAD, buf, off, len);
                    if (!Zstd.isError(n) && n <= len - len / 32) {
                        unitLen = Sealing.sealInPlace(key, epoch, Sealing.Kind.BLOB, unit, 0, (int) n);
                        compressed = true;
                    }
                }
                if (!compressed) {
                    unitLen = Sealing.seal(key, epoch, Sealing.Kind.BLOB, buf, off, len, unit, 0);
                }
                // §6: all blobs of one pack share one epoch. A rotation on this object, or one of another process's that
                // it read meanwhile, came between blobs of an open pack: its header and index said the later epoch, its
                // first blobs were sealed under the earlier, and a retirement of that one destroyed their key (a helper's)
                synchronized (slot) {
                    if (slot.writer != null && slot.writer.epoch() > epoch) { // opened under a newer epoch since: sealed again under it
                        key = slot.writer.key();
                        epoch = slot.writer.epoch();
                        continue;
                    }
                    if (slot.writer != null && slot.writer.epoch() < epoch) { // of the epoch before: written as it is, this blob begins the next
                        written.add(slot.writer);
                        slot.writer = null;
                    }
                    if (slot.writer == null) {
                        slot.writer = new PackWriter(type, backend.upload(), key, epoch);
                    }
                    try {
                        slot.writer.add(id, compressed, len, unit, 0, unitLen);
                    } catch (RuntimeException e) {
                        discard(slot.writer, e);
                        written.forEach(w -> discard(w, e));
                        inFlight.remove(id);
                        slot.writer = null;
                        throw e;
                    }
                    if (slot.writer.isFull()) {
                        written.add(slot.writer);
                        slot.writer = null;
                    }
                }
                break;
            }
        } finally {
            releaseSealer(sealer); // the unit is in the pack's upload now
        }
        added.add(unitLen);
        writePacks(written);
    }

    /**
     * A pack that could not be written: its temporary file goes and its blobs count as not saved, for every job that
     * saved one of them ({@link #packLost}).
     */
    private void discard(PackWriter w, RuntimeException why) {
        w.upload().close();
        w.blobs().forEach(b -> inFlight.remove(b.id())); // first: a job whose lock is taken after saves them again
        if (!w.isEmpty()) {
            // a cancellation's lost pack held blobs of the jobs running now; a store's failure may come again, for any job
            PackLoss lost = new PackLoss(why.getMessage(), Cancelled.caused(why) ? Set.copyOf(jobs) : null);
            packLost.accumulateAndGet(lost, (before, later) -> before == null ? later : before.and(later));
        }
    }

    private void failIfPackLost() {
        PackLoss lost = packLost.get();
        if (lost != null && lost.fails()) {
            throw new VaultException("a pack of blobs saved through this repository object could not be written (" + lost.why()
                    + "): blobs other jobs saved may be in it; " + (lost.during() == null ? "open the repository again and " : "")
                    + "run the job again");
        }
    }

    /**
     * Whether a blob is worth compressing whole: over 128 KiB, four 16 KiB samples spread from its start
     * to its end are compressed and one saving ≥ 3 % is enough (docs/vault-format.md §6). One sample
     * at the start stored ≈5 MiB more of the benchmark tree raw: archives and images whose first
     * bytes are packed and whose later parts are not. {@code scratch} holds a compressed sample.
     */
    public static boolean worthCompressing(ZstdCompressCtx zstd, byte[] buf, int off, int len, byte[] scratch) {
        if (len <= PROBE * 2) {
            return true;
        }
        int sample = PROBE / 4;
        for (int i = 0; i < 4; i++) {
            int at = off + (int) ((long) (len - sample) * i / 3);
            long n = zstd.compressByteArray(scratch, 0, scratch.length, buf, at, sample);
            if (!Zstd.isError(n) && n <= sample - sample / 32) {
                return true;
            }
        }
        return false;
    }

    /** Writes these packs in turn; when one cannot be written, those after it go too ({@link #discard}). */
    private void writePacks(List<PackWriter> packs) {
        for (int i = 0; i < packs.size(); i++) {
            try {
                writePack(packs.get(i));
            } catch (RuntimeException e) {
                for (PackWriter rest : packs.subList(i + 1, packs.size())) {
                    discard(rest, e);
                }
                throw e;
            }
        }
    }

    /** Writes a pack, its header sealed under the epoch its blobs are ({@link PackWriter#epoch()}), and indexes it so. */
    private void writePack(PackWriter w) {
        requireOpen();
        ObjectId packId;
        try {
            packId = w.finish();
            w.upload().commit(packName(packId));
        } catch (RuntimeException e) {
            discard(w, e);
            throw e;
        }
        synchronized (packsListing) { // a listing under way may have missed it
            if (packsListed != null) {
                packsListed.add(packId);
            }
        }
        synchronized (unindexed) {
            index().add(packId, w.epoch(), w.blobs());
            // indexed now: a blob saved again from here on is found in the index (in-flight IDs would otherwise stay
            // until the end of a backup, ≈40 bytes per new blob)
            w.blobs().forEach(b -> inFlight.remove(b.id()));
            unindexed.add(new IndexFileWriter.Pack(packId, w.epoch(), w.blobs()));
            if (unindexed.size() >= INDEX_EVERY_PACKS
                    || unindexed.stream().mapToInt(p -> p.blobs().size()).sum() >= IndexFileWriter.MAX_BLOBS) {
                writeIndexFile();
            }
        }
    }

    /**
     * Writes an index file of the packs not yet in one, only while a lock of this object's jobs is there ({@link
     * SharedLock#whileHeld}'s guard), before the write and after it: `vault unlock --remove-all` removed a running backup's
     * lock, a prune deleted its packs as orphans, and the backup, though it committed nothing, then wrote an index file
     * naming them; run again, it took their blobs for stored, "0 B added", exit 0, and its snapshot did not restore (a
     * tester's, h4). A backup that finds its lock gone writes none, and deletes the one it has just written. One lock is
     * enough: a prune deletes no orphan pack while any lock is live, and a lock stands for the packs written before it only
     * when one that stood for them was still there once it was written ({@link #lock}). Each job's lock was asked for, and
     * one job's lock removed (taken for stale) failed every job on a server's object, the others' locks there (a lead's);
     * the job whose lock went fails at its commit ({@link SharedLock#whileHeld}).
     */
    private void writeIndexFile() {
        if (!unindexed.isEmpty()) {
            requireJobLocks(List.of());
            List<String> written = writeIndexFiles(unindexed);
            requireJobLocks(written);
            // counted as read, its packs being in the index: one a prune deletes before the next lock is noticed then
            // ({@link #catchUp}); a copy's index kept the packs a prune had deleted, and its next snapshot named their blobs (a helper's)
            synchronized (indexLock) {
                indexFilesRead.addAll(written);
            }
            unindexed.clear();
        }
    }

    /**
     * Refuses unless a job's lock is held ({@link SharedLock#requireHeldUnlessClosed}), when any job runs on this object;
     * refused, the index files {@code written} go, and so do the packs no index file names from this object's index: a
     * prune may have deleted them, and neither a job running now nor a later one takes their blobs as stored (the jobs
     * running now fail, {@link #packLost}). Called with the lock on {@link #unindexed} held.
     */
    private void requireJobLocks(List<String> written) {
        List<VaultException> refused = new ArrayList<>();
        if (!aJobLockStands(refused) && !refused.isEmpty()) {
            VaultException gone = refused.getFirst();
            try {
                backend.deleteAll(written);
            } finally {
                unindexed.clear();
                synchronized (indexLock) {
                    index = null; // read again from the index files at its next use
                    indexFilesRead.clear();
                }
                packLost.accumulateAndGet(new PackLoss(gone.getMessage(), Set.copyOf(jobs)),
                        (before, later) -> before == null ? later : before.and(later));
            }
            throw gone;
        }
    }

    /** Whether a lock of this object's jobs stands now; {@code refused} gets why each of the others whose job runs does not. */
    private boolean aJobLockStands(List<VaultException> refused) {
        for (SharedLock job : jobs) {
            try {
                if (job.requireHeldUnlessClosed()) {
                    return true;
                }
            } catch (VaultException gone) {
                refused.add(gone);
            }
        }
        return false;
    }

    /**
     * Leaves out the packs this object wrote that are in no index file yet when no lock of its jobs stands now (each closed,
     * or removed from under its job): a prune may have deleted them as orphans meanwhile, as it should. A server's job that
     * failed left such a pack, the nightly prune deleted it, and the next job on the object wrote an index file naming it:
     * check found it missing, and every prune after refused until a repair (a lead's). Out of the index in memory too, so
     * that no job takes their blobs for stored. Called once a new job's lock is written: a lock that stands then has stood
     * for those packs since they were written, and the new one stands for them from then on ({@link #writeIndexFile}).
     */
    private void leaveOutPacksNoLockStoodFor() {
        synchronized (unindexed) {
            if (unindexed.isEmpty() || aJobLockStands(new ArrayList<>())) {
                return;
            }
            unindexed.clear();
            synchronized (indexLock) {
                index = null; // read again from the index files at its next use
                indexFilesRead.clear();
            }
        }
    }

    /**
     * Writes every open pack and an index file naming all new packs. After this, saved blobs are durable; when a pack
     * could not be written, by this flush or another job's, it throws instead ({@link #packLost}). It first waits for
     * the blobs other jobs are saving ({@link #saving}): one of them may be a blob of this caller's.
     */
    public void flush() {
        requireOpen();
        saving.writeLock().lock();
        try {
            writeOpenPacks();
        } finally {
            saving.writeLock().unlock();
        }
        failIfPackLost();
    }

    private void writeOpenPacks() {
        List<PackWriter> filled = new ArrayList<>();
        for (BlobType t : BlobType.values()) {
            OpenPack slot = open.get(t);
            synchronized (slot) {
                if (slot.writer != null && !slot.writer.isEmpty()) {
                    filled.add(slot.writer);
                    slot.writer = null;
                }
            }
        }
        writePacks(filled);
        synchronized (unindexed) {
            writeIndexFile();
        }
        inFlight.clear();
    }

    /** A pack's key epoch and its own list of its blobs, from its sealed header (its last bytes). */
    public record PackHeader(int epoch, List<PackedBlob> blobs) {
    }

    /**
     * Reads a pack's header: what it holds whatever the index says (an index file lost, or never written by a backup
     * that was killed).
     *
     * @throws PackReader.CorruptPackException when the header does not authenticate or its length is out of range
     */
    public PackHeader packHeader(ObjectId pack) {
        String name = packName(pack);
        long size = backend.size(name);
        if (size < PackWriter.TRAILER) {
            throw new PackReader.CorruptPackException("pack shorter than its trailer");
        }
        byte[] trailer = backend.readRange(name, size - PackWriter.TRAILER, PackWriter.TRAILER);
        long headerLength = Integer.toUnsignedLong(java.nio.ByteBuffer.wrap(trailer).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt());
        if (headerLength < Sealing.OVERHEAD || headerLength > Math.min(size - PackWriter.TRAILER, PackWriter.TARGET_SIZE)) {
            throw new PackReader.CorruptPackException("pack header length " + headerLength + " out of range");
        }
        int tailLength = (int) (headerLength + PackWriter.TRAILER);
        byte[] tail = backend.readRange(name, size - tailLength, tailLength);
        return new PackHeader(PackReader.epoch(tail), PackReader.header(tail, size - tailLength, this::dataKey));
    }

    public static String packName(ObjectId pack) {
        String hex = pack.hex();
        return "data/" + hex.substring(0, 2) + "/" + hex;
    }

    /**
     * The ID a repository file is named by (its last path segment), or null when that is not 64 hex
     * digits or the file is not where the format puts one (§2: a pack in its {@code data/<xx>/}, every other file one
     * directory down, a journal segment in {@code journal/segments/}, and any of them again under {@code damaged/}): a
     * file the vault did not write, which check reports and prune and retire leave alone. A store lists recursively, so
     * a repository made inside this one's data/ (s3://bucket/data/web-1 beside s3://bucket) showed its packs, index and
     * snapshots as this one's packs, and a prune here deleted them as unreferenced (a helper's).
     */
    public static ObjectId idOfName(String name) {
        int slash = name.lastIndexOf('/');
        ObjectId id;
        try {
            id = ObjectId.parse(name.substring(slash + 1));
        } catch (IllegalArgumentException notAnId) {
            return null;
        }
        String dir = slash < 0 ? "" : name.substring(0, slash);
        if (dir.equals("damaged")) {
            return id; // damaged/<pack-id>
        }
        if (dir.startsWith("damaged/")) {
            dir = dir.substring("damaged/".length());
        }
        boolean placed = dir.equals("data") || dir.startsWith("data/") ? dir.equals("data/" + id.hex().substring(0, 2))
                : dir.indexOf('/') < 0 || dir.equals("journal/segments");
        return placed ? id : null;
    }

    /**
     * The files directly in {@code dir}, one of the directories that hold no subdirectory (§2: index/, locks/, keys/): a
     * store lists recursively, and a repository made inside this one (s3://bucket/team/locks beside s3://bucket/team)
     * showed its files as this one's; `vault unlock` deleted the other's every file as unreadable locks, and `vault repair`
     * every one under index/ (a helper's). What lies deeper is not the vault's here: never read, never deleted.
     */
    public static List<String> filesDirectlyIn(Backend backend, String dir) {
        return backend.list(dir).stream().filter(n -> n.indexOf('/', dir.length() + 1) < 0).toList();
    }

    /** The index files: {@link #filesDirectlyIn} index/. */
    public List<String> indexFiles() {
        return filesDirectlyIn(backend, "index");
    }

    public byte[] loadBlob(ObjectId id) {
        try {
            return loadBlob(id, locations(id));
        } catch (MissingFileException gone) {
            return loadMoved(id, gone);
        }
    }

    /** A blob located through {@code in}, an index the caller read itself. */
    public byte[] loadBlob(ObjectId id, Index in) {
        return loadBlob(id, in.locations(id));
    }

    /**
     * A blob read at the first of its places that reads whole: one indexed in several packs is valid in any (§7), and an
     * older index file put back placed it first in a pack a prune had deleted, which restore named "missing" while
     * another indexed pack held it whole (a helper's). What the first place failed with is thrown when none reads.
     */
    public byte[] loadBlob(ObjectId id, List<IndexEntry> places) {
        if (places.size() <= 1) {
            return loadBlob(id, places.isEmpty() ? null : places.get(0));
        }
        VaultException first = null;
        for (IndexEntry e : places) {
            try {
                return loadBlob(id, e);
            } catch (BackendException | DamagedBlobException failed) {
                Cancelled.passOn(failed, "reading blob " + id.shortHex());
                first = first == null ? failed : first;
            }
        }
        throw first;
    }

    /** Every place a blob is read from: {@link #locate}'s first, then the index's others. */
    public List<IndexEntry> locations(ObjectId id) {
        List<IndexEntry> indexed = index().locations(id);
        if (!indexed.isEmpty()) {
            return indexed;
        }
        IndexEntry condemnedOne = locate(id);
        return condemnedOne == null ? List.of() : List.of(condemnedOne);
    }

    /**
     * Where a blob is, to read it: in the index, or else in a pack a prune condemned and has not deleted (null if
     * neither). A backup that ran beside a prune may have deduplicated against a blob the prune then condemned: its
     * snapshot names the blob, which the next prune puts back in the index (vault-format.md §10); until then, it is
     * read from there. Never used to deduplicate: a pack a backup starts to depend on now may be deleted.
     */
    public IndexEntry locate(ObjectId id) {
        IndexEntry e = index().get(id);
        if (e != null) {
            return e;
        }
        Index c = condemned;
        if (c == null) {
            Index read = new Index();
            readableCondemned().forEach(r -> read.add(new IndexFile(List.of(r.pack()))));
            condemned = c = read;
        }
        return c.get(id);
    }

    /**
     * Whether {@code failed} is a pack gone from under this command, which reads without a lock ({@link #readLock}): a
     * prune, key retire or repair on another host writes the packs and index that hold what it keeps before it deletes the
     * old packs (vault-format.md §10, §3), so what the command read there may be elsewhere now. Under a lock no pack it
     * found indexed goes (a prune keeps it until the lock ends), and one missing is damage.
     */
    private boolean goneFromUnder(RuntimeException failed) {
        return readWithoutLock && failed instanceof MissingFileException m && m.name().startsWith("data/");
    }

    /**
     * Blob {@code id}, whose pack {@code gone} was not there when read: where the index, read again, places it now, when
     * the pack went from under this command ({@link #goneFromUnder}: a prune or key retire moved it, and a key epoch
     * newer than this keyring is looked for in the keyring as stored, {@link #dataKey}). {@code gone} itself under a
     * lock, once the index was read again {@link #MOVES_FOLLOWED} times, and when no other pack holds the blob: a pack
     * really missing stays the error it is. A restore without a lock beside a prune failed halfway (a tester's).
     */
    public byte[] loadMoved(ObjectId id, MissingFileException gone) {
        MissingFileException last = gone;
        while (goneFromUnder(last)) {
            List<IndexEntry> now = placesAfterMove(id, idOfName(last.name()));
            if (now.isEmpty()) {
                break;
            }
            try {
                return loadBlob(id, now);
            } catch (MissingFileException again) { // moved twice: a second prune
                last = again;
            }
        }
        throw gone;
    }

    /** Where {@code id} is now but in {@code gonePack}: the index is read again if it still places the blob there. */
    private List<IndexEntry> placesAfterMove(ObjectId id, ObjectId gonePack) {
        synchronized (indexLock) { // one reading for the workers that met the pack gone at once: the others find it read
            if (locations(id).stream().anyMatch(e -> e.pack().equals(gonePack)) && !readAgainAfterMove()) {
                return List.of();
            }
            List<IndexEntry> now = locations(id).stream().filter(e -> !e.pack().equals(gonePack)).toList();
            if (!now.isEmpty()) {
                sayMoved(); // a restore reads its index afresh after planning: moved, though read again by no one here
            }
            return now;
        }
    }

    /** How many times a command that reads without a lock reads the index again for packs gone from under it. */
    public static final int MOVES_FOLLOWED = 3;
    /** How many times it did ({@link #readAgainAfterMove}); guarded by indexLock. */
    private int movesFollowed;
    /** Whether {@link #sayMoved} has said it; guarded by indexLock. */
    private boolean movedSaid;

    /** Says once a command that packs went from under it ({@link #onNotice}). */
    private void sayMoved() {
        if (!movedSaid) {
            movedSaid = true;
            notices.accept("packs this " + readWithoutLockKind + " read were removed meanwhile (a prune, key retire or repair on"
                    + " another host): it reads what they held where the index, read again, places it now");
        }
    }

    /**
     * Once packs went from under this command ({@link #goneFromUnder}): reads the index (if it was read) and the condemned
     * records again, at most {@link #MOVES_FOLLOWED} times a command, and says so the first time ({@link #onNotice}).
     * Returns whether it did; the index files that are gone are a check's to compare.
     */
    public boolean readAgainAfterMove() {
        synchronized (indexLock) {
            if (movesFollowed >= MOVES_FOLLOWED) {
                return false;
            }
            movesFollowed++;
            sayMoved();
            condemned = null;
            reloadIndex();
            return true;
        }
    }

    /** The condemned records (§10) that open; one that does not is check's to name and repair's to drop. */
    public List<Condemned> readableCondemned() {
        List<Condemned> records = new ArrayList<>();
        for (String name : backend.list("condemned")) {
            try {
                records.add(readSealed(name, Sealing.Kind.CONDEMNED, Condemned.class)); // one without a pack ID does not parse
            } catch (VaultException unreadable) {
                Cancelled.passOn(unreadable, "reading the condemned records");
                // named by check
            }
        }
        return records;
    }

    private byte[] loadBlob(ObjectId id, IndexEntry e) {
        if (e == null) {
            throw new VaultException("blob " + id.shortHex() + " is not in the index");
        }
        if (e.type() == BlobType.TREE) {
            byte[] pack = treePack(e.pack());
            if ((long) e.offset() + e.length() > pack.length) {
                throw new DamagedBlobException(id, "lies beyond the end of pack " + e.pack().shortHex() + " as the index says");
            }
            return openBlob(id, e.compressed(), e.rawLength(), pack, e.offset(), e.length());
        }
        byte[] sealed = backend.readRange(packName(e.pack()), e.offset(), e.length());
        return openBlob(id, e.compressed(), e.rawLength(), sealed, 0, sealed.length);
    }

    /**
     * Lets the index go; it is read again on its next use. A restore has located every blob it writes when it has
     * planned its files, and the index of every snapshot's blobs need not stay beside that plan. Kept while another job
     * on this object is saving blobs: it reads the index for each, and packs not yet in an index file are known only to
     * the index in memory (a restore beside a backup on one object failed, or dropped the index the backup used: a
     * helper's).
     */
    public void forgetIndex() {
        synchronized (unindexed) { // then indexLock, as writing a pack takes them: no pack is indexed in between
            if (!unindexed.isEmpty() || !inFlight.isEmpty()) {
                return;
            }
            synchronized (indexLock) {
                index = null;
            }
        }
    }

    /** Lets the cached tree packs go: a restore has planned every file and reads no tree after that. */
    public void forgetTreePacks() {
        synchronized (indexLock) {
            treePacks.clear();
            treePackBytes.set(0);
        }
    }

    /** Tree packs are small and read directory by directory: keep whole ones, up to TREE_CACHE_BYTES. */
    private byte[] treePack(ObjectId pack) {
        byte[] cached = treePacks.get(pack);
        if (cached != null) {
            return cached;
        }
        byte[] bytes = backend.readTreePack(packName(pack));
        if (treePackBytes.addAndGet(bytes.length) > TREE_CACHE_BYTES) {
            treePacks.clear(); // simple bound: start over rather than track recency
            treePackBytes.set(bytes.length);
        }
        treePacks.put(pack, bytes);
        return bytes;
    }

    /** Decrypts, decompresses and verifies one sealed blob; throws {@link DamagedBlobException} when it is not what its ID says. */
    public byte[] openBlob(ObjectId id, boolean compressed, int rawLength, byte[] sealed, int off, int len) {
        if (len < Sealing.OVERHEAD) {
            throw new DamagedBlobException(id, "fails authentication");
        }
        byte[] plain = new byte[len - Sealing.OVERHEAD]; // exact sizes: the array returned is the blob, nothing more
        int plainLen = decrypt(id, sealed, off, len, plain, 0);
        return decompressAndCheck(id, compressed, rawLength, plain, 0, plainLen, true, null).array();
    }

    /** Where an opened blob's bytes are: {@code array[offset, offset + length)}. */
    public record BlobBytes(byte[] array, int offset, int length) {
    }

    /**
     * As {@link #openBlob(ObjectId, boolean, int, byte[], int, int)}, decrypting where the sealed
     * unit lies ({@code sealed} is overwritten from {@code off}; the caller's own read buffer, never a
     * cached pack) and decompressing into {@code raw} when it is large enough (else into an array of its
     * own): the restorer's workers open every blob without a new array or a plaintext copy. With
     * {@code checkId} false the content ID is not recomputed (the GCM tag is still checked): only for a
     * caller that proves the ID itself afterwards, as {@code restore --verify} hashes every restored file.
     */
    public BlobBytes openBlobInPlace(ObjectId id, boolean compressed, int rawLength, byte[] sealed, int off, int len,
                                     boolean checkId, byte[] raw) {
        if (len < Sealing.OVERHEAD) {
            throw new DamagedBlobException(id, "fails authentication");
        }
        int plainLen = decrypt(id, sealed, off, len, sealed, off);
        return decompressAndCheck(id, compressed, rawLength, sealed, off, plainLen, checkId, raw);
    }

    /**
     * What an object under an epoch the keyring lacks is when no later keyring may hold that epoch ({@link
     * Keys#isLater}): damage, or a file not the vault's (docs/vault-format.md §3).
     */
    private static final String NOT_AN_OLDER_KEYRING = " (damaged, or not the vault's, unless a key retirement stopped)";

    private int decrypt(ObjectId id, byte[] sealed, int off, int len, byte[] out, int outOff) {
        int epoch = Sealing.epochOf(sealed, off);
        SecretKey key;
        try {
            key = dataKey(epoch);
        } catch (VaultException e) {
            if (keys().isLater(epoch) || keys().keyring().retired().contains(epoch)) {
                throw e;
            }
            // ciphertext read as an epoch (two packs' names swapped: 1190057687) was "the keyring was replaced by an older copy" (a helper's)
            throw new DamagedBlobException(id, "does not open: " + e.getMessage() + NOT_AN_OLDER_KEYRING);
        }
        try {
            return Sealing.open(key, Sealing.Kind.BLOB, sealed, off, len, out, outOff);
        } catch (AEADBadTagException e) {
            throw new DamagedBlobException(id, "fails authentication");
        }
    }

    private BlobBytes decompressAndCheck(ObjectId id, boolean compressed, int rawLength, byte[] plain, int plainOff, int plainLen,
                                         boolean checkId, byte[] raw) {
        BlobBytes out = new BlobBytes(plain, plainOff, plainLen);
        if (compressed) {
            if (rawLength > Runtime.getRuntime().maxMemory() / 4 && (raw == null || raw.length < rawLength)) { // a tree of a huge directory
                throw new VaultException("blob " + id.shortHex() + " is " + org.opsledger.vault.ByteSize.format(rawLength) + " as the index says, more than a"
                        + " quarter of this heap: give the command a larger heap (OPSLEDGER_JAVA_OPTS=-Xmx…), or the index is damaged");
            }
            byte[] into = raw != null && raw.length >= rawLength ? raw : new byte[rawLength];
            try {
                out = new BlobBytes(into, 0, Decompressors.decompress(plain, plainOff, plainLen, into, rawLength));
            } catch (RuntimeException e) {
                throw new DamagedBlobException(id, "does not decompress");
            }
        }
        if (out.length() != rawLength || checkId && !keys().contentId(out.array(), out.offset(), out.length()).equals(id)) {
            throw new DamagedBlobException(id, "content does not match its ID");
        }
        return out;
    }

    /**
     * Stores a tree in the repository's encoding: binary from format 2 on, JSON in a format 1 repository (docs/vault-format.md §8).
     * Below format 6 a tree holding ACLs or file capabilities, which its builds would read past, is refused: a copy or tier
     * from a newer repository stored it without them, exit 0, and tier forgot the near-line original that had them (a
     * re-tester's: the long-term restore "verified", the secrets file's group given the mask's permissions). A backup
     * into such a repository reads none to store (it warns of them).
     */
    public ObjectId saveTree(Tree tree) {
        return saveTree(tree, new BlobsAdded());
    }

    /** As {@link #saveTree(Tree)}, counting the tree's blob in {@code added} if this call stored it. */
    public ObjectId saveTree(Tree tree, BlobsAdded added) {
        if (config.version() < PermissionAttributes.FORMAT) {
            Node held = tree.nodes().stream().filter(n -> n.permissionXattrs() != null).findFirst().orElse(null);
            if (held != null) {
                throw new VaultException(backend.location() + " is a repository of format " + config.version() + ", which cannot hold"
                        + " POSIX ACLs or file capabilities, and " + held.name() + " has them: `vault upgrade` it"
                        + " (once every host that writes to it runs a build of format " + PermissionAttributes.FORMAT + "), then run"
                        + " again; what is not copied stays where it is");
            }
        }
        byte[] bytes = config.version() >= 2 ? TreeCodec.encode(tree) : VaultJson.write(tree);
        return saveBlob(BlobType.TREE, bytes, 0, bytes.length, added);
    }

    /** A tree of either encoding. */
    public Tree loadTree(ObjectId id) {
        return TreeCodec.decode(id, loadBlob(id));
    }

    /** A tree located through {@code in}, an index the caller read itself ({@code check}'s, which knows every pack's contents). */
    public Tree loadTree(ObjectId id, Index in) {
        return TreeCodec.decode(id, loadBlob(id, in));
    }

    // ---------------------------------------------------------------- sealed files

    /** Writes a sealed JSON file under dir, named by the SHA-256 of its stored bytes. */
    public ObjectId writeSealed(String dir, Sealing.Kind kind, Object value) {
        return writeSealedBytes(dir, kind, VaultJson.write(value));
    }

    private ObjectId writeSealedBytes(String dir, Sealing.Kind kind, byte[] plaintext) {
        Keys k = keys();
        byte[] sealed = Sealing.seal(k.current(), k.currentEpoch(), kind, plaintext);
        ObjectId id = Sealing.sha256(sealed);
        backend.write(dir + "/" + id.hex(), sealed);
        return id;
    }

    public void writeSealedAs(String name, Sealing.Kind kind, Object value) {
        Keys k = keys();
        backend.write(name, Sealing.seal(k.current(), k.currentEpoch(), kind, VaultJson.write(value)));
    }

    public <T> T readSealed(String name, Sealing.Kind kind, Class<T> type) {
        return readSealed(name, backend.read(name), kind, type);
    }

    /** As {@link #readSealed(String, Sealing.Kind, Class)}, from the file's bytes as the caller read them. */
    public <T> T readSealed(String name, byte[] sealed, Sealing.Kind kind, Class<T> type) {
        return VaultJson.read(name, openSealed(name, sealed, kind), type);
    }

    /** What a file sealed under an epoch the keyring lists as retired is, for check's errors and the readers' warnings. */
    private static final String LEFTOVER = "a leftover: a copy made without deleting what the original deleted (rsync without"
            + " --delete), or a key retirement that stopped; the original has its successor, sealed again: delete it";

    /**
     * Whether a file a reader lists (an index file, a snapshot file) is sealed under an epoch the keyring lists as retired,
     * said as a notice: the reader passes it over. A mirror kept with `rsync -a` without --delete kept every file a key
     * retirement replaced beside its successor, and no restore read the index there (a tester's). Check names each (an error).
     */
    private boolean leftoverOfRetirement(String name, byte[] sealed) {
        if (sealed.length < Sealing.OVERHEAD || !keys().keyring().retired().contains(Sealing.epochOf(sealed, 0))) {
            return false;
        }
        notices.accept(name + " is sealed under retired key epoch " + Sealing.epochOf(sealed, 0) + " and is passed over: " + LEFTOVER);
        return true;
    }

    /** The plaintext of a sealed file; fails, naming it, when it does not open with this repository's keys. */
    public byte[] openSealed(String name, byte[] sealed, Sealing.Kind kind) {
        if (sealed.length < Sealing.OVERHEAD) { // an emptied or truncated file: named, as a damaged one is
            throw new VaultException(name + " is " + sealed.length + " bytes, too short to be sealed (damaged, or not the vault's)");
        }
        SecretKey key;
        int epoch = Sealing.epochOf(sealed, 0);
        try {
            key = dataKey(epoch);
        } catch (VaultException e) {
            noteSealedUnderLacked(name, sealed, epoch);
            throw new VaultException(name + ": " + e.getMessage() + (keys().isLater(epoch) ? ""
                    : keys().keyring().retired().contains(epoch) ? " (" + LEFTOVER + ")" : NOT_AN_OLDER_KEYRING));
        }
        try {
            return Sealing.open(key, kind, sealed, 0, sealed.length);
        } catch (AEADBadTagException e) {
            throw new VaultException(name + (sealedUnderAnotherKey(name, sealed, epoch) ? " " + anotherKeyFor(epoch)
                    : " fails authentication (damaged or altered)"));
        }
    }

    /**
     * Whether a file that fails authentication under {@code epoch}, which this keyring holds, is whole: its bytes match its
     * SHA-256 name, so it was sealed so, under another key for that epoch. Two copies of one repository written apart (a
     * replica mounted where the original was) that each rotated have two keyrings, each with its own key for the same
     * epoch; merged back (`rsync -a`), one keyring stays, and check called the other copy's files damaged, repair took them
     * out of use and the next prune deleted their packs (a tester's, h2). Recorded for {@link #refuseWhileNewerKeyringLacked}.
     * Epoch 1 is every copy's (made by init, before any copy): a file failing under it is another repository's, or damage.
     */
    private boolean sealedUnderAnotherKey(String name, byte[] sealed, int epoch) {
        if (epoch <= 1 || !Sealing.sha256(sealed).equals(idOfName(name))) {
            return false;
        }
        fileOfAnotherKey.compareAndSet(null, name + " " + anotherKeyFor(epoch));
        return true;
    }

    /** How the message of a whole file {@link #sealedUnderAnotherKey} begins, after its name. */
    public static final String SEALED_UNDER_ANOTHER_KEY = "is sealed under another key for epoch ";

    /** What a whole file {@link #sealedUnderAnotherKey} means, and what to do. */
    private static String anotherKeyFor(int epoch) {
        return SEALED_UNDER_ANOTHER_KEY + epoch + " (two keyrings: a copy written apart and merged back?): it"
                + " matches its SHA-256 name, and only the other copy's `keyring` opens it (docs/operations.md, \"File-level copies\")";
    }

    /** The snapshots that could be read, oldest first, and one line for each snapshot file that could not. */
    public record SnapshotListing(List<SnapshotRef> readable, List<String> unreadable) {

        /**
         * {@link #readable} but for each snapshot a key retirement sealed again whose successor is listed too (it names the
         * old ID in its resealed-from tag): what a listing shows. A retirement writes a snapshot's successor before it deletes
         * the old file, and a listing between the two, which takes no lock, showed the snapshot twice, under its old ID and
         * its new one, the same record (a lead's note, session 42); one a stopped retirement left beside its successor is
         * the next run's to delete. Only a retirement's, which deletes every old file it replaces: an amended copy can stand
         * beside the old, held one ({@link Repository#amendCopy}), which a listing must show. The whole listing stays
         * {@link #readable}, which a retirement run again reads to finish what a stopped one left.
         */
        public List<SnapshotRef> shown() {
            Map<String, SnapshotRef> successorOf = new HashMap<>();
            for (RecordHistory.Replaced r : RecordHistory.replaced(readable)) {
                if (r.tag().equals(KeyEpochs.RESEALED_FROM)) {
                    successorOf.put(r.id(), r.by());
                }
            }
            if (successorOf.isEmpty()) {
                return readable;
            }
            // only behind the same backup: a record that names a snapshot in its tag, as anyone with the password may write,
            // hid that snapshot from the listing whatever the record said (the lead's review, session 42)
            return readable.stream().filter(s -> successorOf.get(s.id().hex()) == null
                    || !sameBackup(successorOf.get(s.id().hex()).snapshot(), s.snapshot())).toList();
        }

        /**
         * Whether {@code successor} records the backup {@code original} does, as a key retirement seals it again: all but
         * its parent (sealed again under a new ID too), its tags (one more) and its summary the same.
         */
        private static boolean sameBackup(Snapshot successor, Snapshot original) {
            return successor.time().equals(original.time()) && successor.tree().equals(original.tree())
                    && java.util.Objects.equals(successor.paths(), original.paths())
                    && java.util.Objects.equals(successor.hostname(), original.hostname())
                    && java.util.Objects.equals(successor.username(), original.username())
                    && successor.kind() == original.kind()
                    && java.util.Objects.equals(successor.dataOwner(), original.dataOwner())
                    && java.util.Objects.equals(successor.classification(), original.classification())
                    && java.util.Objects.equals(successor.retainUntil(), original.retainUntil())
                    && java.util.Objects.equals(successor.storageLocation(), original.storageLocation())
                    && java.util.Objects.equals(successor.sourceHost(), original.sourceHost());
        }

        /**
         * A snapshot of this listing by ID or unique prefix, or 'latest': the newest snapshot {@code filter} matches (an ID
         * is taken as given). A command given many names finds them all in one listing: one listing per name read and
         * decrypted every snapshot file again, 1.7 s a name among 10,000 snapshots (a helper's).
         */
        public SnapshotRef find(String idOrPrefix, SnapshotFilter filter) {
            if (idOrPrefix.isEmpty()) { // an unset variable in a script: never "the one snapshot there is"
                throw new VaultException("the snapshot ID is empty: give an ID, a prefix of one, or 'latest'");
            }
            // the snapshot files that do not read, by name: a file not named by a snapshot ID (a note, an NFS leftover) is
            // none, and blocked `latest` for good, repair leaving it in place (a helper's)
            List<String> damaged = unreadable.stream()
                    .filter(u -> idOfName(fileOf(u)) != null).toList();
            if ("latest".equals(idOrPrefix)) {
                if (!damaged.isEmpty()) {
                    // the newest may be the one that does not read: `restore latest` restored an older snapshot, exit 0 (a helper's)
                    throw new VaultException("'latest' cannot be told: " + damaged.size() + " snapshot file(s) do not read, whose host and"
                            + " time cannot be known (first: " + damaged.getFirst() + "); name the snapshot by its ID (`vault snapshots`"
                            + " lists those that read), and run `vault check`, then `vault repair`");
                }
                List<SnapshotRef> matching = filter.select(readable);
                if (readable.isEmpty()) {
                    throw new org.opsledger.vault.NoSnapshotsException("the repository has no snapshots");
                }
                if (matching.isEmpty()) {
                    throw new org.opsledger.vault.NoneSelectedException("no snapshot of " + filter.describe() + " (`vault snapshots` lists them)", readable);
                }
                return matching.getLast();
            }
            refuseShortPrefix(idOrPrefix);
            String prefix = idOrPrefix.toLowerCase(java.util.Locale.ROOT);
            List<SnapshotRef> match = readable.stream().filter(s -> s.id().hex().startsWith(prefix)).toList();
            List<String> damagedMatch = damaged.stream().filter(u -> u.startsWith("snapshots/" + prefix)).toList();
            if (match.isEmpty() && damagedMatch.size() == 1) { // its file is there and does not read: not "no snapshot"
                throw new VaultException("snapshot file " + damagedMatch.getFirst());
            }
            if (match.size() + damagedMatch.size() != 1) { // a prefix a damaged file shares too picked the one that reads (a helper's)
                if (readable.isEmpty() && damagedMatch.isEmpty()) {
                    throw new org.opsledger.vault.NoSnapshotsException("no snapshot " + idOrPrefix + ": the repository has none");
                }
                String replaced = RecordHistory.replacedBy(readable, idOrPrefix);
                throw new VaultException(match.isEmpty() && damagedMatch.isEmpty() ? "no snapshot " + idOrPrefix + (replaced == null ? "" : ": " + replaced)
                        : "snapshot prefix " + idOrPrefix + " is ambiguous" + (damagedMatch.isEmpty() ? ""
                        : " (" + damagedMatch.size() + " of its snapshot files do not read)"));
            }
            return match.getFirst();
        }
    }

    /**
     * Every snapshot file, each read on its own: a damaged, truncated or undecryptable file is reported
     * in {@code unreadable} and does not hide the others (for listing, restoring, finding a parent).
     */
    public SnapshotListing listSnapshots() {
        return listSnapshotsBut(Set.of());
    }

    /**
     * As {@link #listSnapshots()}, but for the snapshots whose IDs (hex) are in {@code known}: those are not read. The files
     * are read {@link FilesAtOnce#READERS} at a time: one after another, 500 took 34.8 s 25 ms from an S3 store (a helper's).
     */
    public SnapshotListing listSnapshotsBut(Set<String> known) {
        requireOpen();
        return listSnapshotsBut(known, backend.list("snapshots"));
    }

    /**
     * As {@link #listSnapshotsBut(Set)}, of the files of snapshots/ {@code listed} names: as the caller listed them. A file
     * listed and gone when read was removed (a forget, a tier) or replaced (a key retirement, an amend, a rewrite: each
     * writes the successor before it deletes the file it replaces): snapshots/ is listed again, up to
     * {@link #SNAPSHOT_LISTINGS} times, and the files it names that were not read yet are read (a file's bytes never change
     * under its name). The snapshots are those of the last listing: a removed one is one fewer, a replaced one is there by
     * its successor. Read once, a `vault snapshots` or `find` beside a key retirement left out every snapshot it sealed
     * again, exit 0 (f3's, session 40). Gone at the last listing too, it is one fewer, as a forget's.
     */
    private SnapshotListing listSnapshotsBut(Set<String> known, List<String> listed) {
        Map<String, SnapshotRead> read = new HashMap<>(); // by file name
        for (int listing = 1; ; listing++) {
            List<String> names = new ArrayList<>();
            for (String name : listed) {
                ObjectId id = idOfName(name);
                if (id != null && !known.contains(id.hex()) && !read.containsKey(name)) {
                    names.add(name);
                }
            }
            boolean[] gone = {false};
            FilesAtOnce.each(names, FilesAtOnce.READERS, "the listing of snapshots", this::readSnapshotFile, (name, r) -> {
                if (r.gone()) {
                    gone[0] = true; // a backup looking for its parent failed on it, when it was an error
                } else {
                    read.put(name, r);
                }
            });
            Cancelled.check("the listing of snapshots"); // a snapshot an interrupted read left out is not unreadable
            if (!gone[0] || listing == SNAPSHOT_LISTINGS) {
                break;
            }
            listed = backend.list("snapshots");
        }
        List<SnapshotRef> out = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        for (String name : listed) {
            SnapshotRead r = read.get(name);
            if (idOfName(name) == null) {
                bad.add(name + ": not named by a snapshot ID (not written by the vault)");
            } else if (r != null && r.snapshot() != null) {
                out.add(r.snapshot());
            } else if (r != null && r.problem() != null) {
                bad.add(r.problem());
            } // else known to the caller, gone at the last listing, or a retirement's leftover passed over
        }
        out.sort((x, y) -> x.snapshot().time().compareTo(y.snapshot().time()));
        return new SnapshotListing(out, bad);
    }

    /** How many times a listing of the snapshots lists snapshots/ at most, when files it listed were gone when read. */
    static final int SNAPSHOT_LISTINGS = 3;

    /**
     * A snapshot file as read: its snapshot, or the line that says why it does not read; neither when it is passed over (a
     * retirement's leftover), or {@code gone} since listed.
     */
    private record SnapshotRead(SnapshotRef snapshot, String problem, boolean gone) {
        SnapshotRead(SnapshotRef snapshot, String problem) {
            this(snapshot, problem, false);
        }
    }

    /** Reads the snapshot file {@code name}, named by a snapshot ID: a damaged one is a problem, not an error. */
    private SnapshotRead readSnapshotFile(String name) {
        ObjectId id = idOfName(name);
        try {
            byte[] sealed = backend.read(name);
            if (!Sealing.sha256(sealed).equals(id)) { // a snapshot's ID is its file's hash: a copy under another name is none
                return new SnapshotRead(null, name + ": does not match its SHA-256 name (damaged, or altered or copied under another name)");
            }
            if (leftoverOfRetirement(name, sealed)) {
                return new SnapshotRead(null, null);
            }
            return new SnapshotRead(new SnapshotRef(id, readSealed(name, sealed, Sealing.Kind.SNAPSHOT, Snapshot.class)), null);
        } catch (MissingFileException e) {
            return new SnapshotRead(null, null, true);
        } catch (BackendException e) {
            if (!backend.isDamage(e)) {
                throw e; // the store failed, or this user may not read it, not the file: an error, never a shorter list
            }
            // a bad sector under the file (EIO): damaged, as one whose bytes changed; every listing stopped on it (a helper's)
            return new SnapshotRead(null, name + ": does not read (" + e.getMessage() + "); `vault repair` moves it out of snapshots/");
        } catch (RuntimeException e) {
            Cancelled.passOn(e, "the listing of snapshots");
            return new SnapshotRead(null, problemOf(name, e));
        }
    }

    /**
     * Every snapshot, oldest first; throws when any snapshot file is unreadable. Forget and prune use
     * this: deciding what to delete while a snapshot cannot be read could delete the data it needs.
     */
    public List<SnapshotRef> snapshots() {
        return snapshotsBut(Set.of());
    }

    /**
     * As {@link #snapshots()}, but for the snapshots whose IDs (hex) are in {@code known}: those are not read (prune, for
     * the snapshots written since it listed them: it read every snapshot file again, a helper's).
     */
    public List<SnapshotRef> snapshotsBut(Set<String> known) {
        SnapshotListing l = listSnapshotsBut(known);
        if (!l.unreadable().isEmpty()) {
            String first = l.unreadable().getFirst();
            if (idOfName(fileOf(first)) == null) { // repair leaves it: sent there, the operator went round in a loop (a tester's)
                throw new VaultException(backend.location() + "/" + fileOf(first) + " is not named by a snapshot ID, not the vault's: "
                        + STOPPED_UNTIL_MOVED_OUT + " (move or delete it; `vault repair` leaves it in place)");
            }
            throw new VaultException(first + "; run `vault check`, then `vault repair`, which takes a damaged"
                    + " snapshot file out of use (refusing to continue with an incomplete snapshot list)");
        }
        return l.readable();
    }

    /** What a file in snapshots/ that is not the vault's stops, and until when: forget and prune, and `vault repair` name it so. */
    public static final String STOPPED_UNTIL_MOVED_OUT = "forget and prune stay stopped until it is moved out of snapshots/";

    /** The file a line of {@link SnapshotListing#unreadable} names. */
    private static String fileOf(String unreadable) {
        return unreadable.substring(0, Math.max(0, unreadable.indexOf(": ")));
    }

    /**
     * Why {@code word} names no snapshot by its start: fewer than {@link ObjectId#MIN_PREFIX} hex digits, or not hex (null
     * when it is an ID or a prefix of one). As key slots and `journal --snapshot` ask: `vault forget 7 --prune`, typed for
     * --keep-last 7, removed and pruned whichever snapshot's ID began with 7, exit 0 (a tester's, h4).
     */
    public static String notASnapshotPrefix(String word) {
        return ObjectId.isPrefix(word) ? null : "snapshot " + word + " is no ID: a snapshot is named by its ID, or at least "
                + ObjectId.MIN_PREFIX + " of its hex digits (`vault snapshots` lists them), or 'latest'";
    }

    private static void refuseShortPrefix(String idOrPrefix) {
        String why = notASnapshotPrefix(idOrPrefix);
        if (why != null) {
            throw new VaultException(why);
        }
    }

    /** Finds a snapshot by full ID, unique prefix, or "latest", among the readable ones. */
    public SnapshotRef findSnapshot(String idOrPrefix) {
        return findSnapshot(idOrPrefix, SnapshotFilter.ALL);
    }

    /** A snapshot by ID or unique prefix, or 'latest': the newest snapshot {@code filter} matches (an ID is taken as given). */
    public SnapshotRef findSnapshot(String idOrPrefix, SnapshotFilter filter) {
        requireOpen();
        if (!idOrPrefix.isEmpty() && !"latest".equals(idOrPrefix)) {
            refuseShortPrefix(idOrPrefix);
            // an ID or a prefix only one snapshot file's name has is that file, read alone: every file was read to find
            // it, 100 GETs for `vault ls <ID>` among 100 snapshots (a helper's)
            String prefix = "snapshots/" + idOrPrefix.toLowerCase(java.util.Locale.ROOT);
            List<String> listed = backend.list("snapshots");
            List<String> named = listed.stream().filter(n -> idOfName(n) != null && n.startsWith(prefix)).toList();
            if (named.isEmpty()) { // replaced by an amend, a rewrite, a key retirement, or moved by a tier: said so
                SnapshotListing listing = listSnapshotsBut(Set.of(), listed);
                String gone = whereGone(listing.readable(), idOrPrefix);
                if (gone != null) {
                    throw new VaultException("no snapshot " + idOrPrefix + ": " + gone);
                }
                return listing.find(idOrPrefix, filter);
            }
            if (named.size() != 1) { // a prefix of several: found, or told, in the files listed (they were listed twice)
                return listSnapshotsBut(Set.of(), listed).find(idOrPrefix, filter);
            }
            SnapshotRead read = readSnapshotFile(named.getFirst());
            Cancelled.check("the listing of snapshots");
            if (read.problem() != null) { // its file is there and does not read: not "no snapshot"
                throw new VaultException("snapshot file " + read.problem());
            }
            if (read.snapshot() != null) {
                return read.snapshot();
            }
            // gone since listed (a forget, an amend): listed again, to name what replaced it
        }
        return listSnapshots().find(idOrPrefix, filter);
    }

    /**
     * Writes a snapshot file; refused in a repository being disposed of, or whose keyring is gone: a backup begun beside a
     * `vault dispose` said "saved", exit 0, of a snapshot no key could read any more (a helper's).
     */
    public ObjectId saveSnapshot(Snapshot snapshot) {
        for (LockRecord l : locks.live()) {
            if (l.kind().equals(Disposal.KIND)) {
                throw new VaultException("a dispose on " + l.host() + " (pid " + l.pid() + ") is destroying the repository's keys:"
                        + " a snapshot written now could never be read; nothing was committed");
            }
        }
        if (!backend.exists("keyring")) {
            throw new VaultException("the repository's keyring is gone (disposed of, or deleted): a snapshot written now could never"
                    + " be read; nothing was committed");
        }
        return writeSealedBytes("snapshots", Sealing.Kind.SNAPSHOT, readingBack(snapshot));
    }

    /**
     * {@code snapshot} as the JSON of its file, once it is known to parse back as the same record: a tag name that was not
     * UTF-8 made a record no command could read (restore, due, forget and prune stopped at it), and an amend wrote one in
     * place of a good record, exit 0 (a tester's). Whatever field does so again, nothing is written and nothing replaced.
     */
    private static byte[] readingBack(Snapshot snapshot) {
        String problem;
        try {
            byte[] json = VaultJson.write(snapshot);
            if (Arrays.equals(VaultJson.write(VaultJson.read("the record", json, Snapshot.class)), json)) {
                return json;
            }
            problem = "reads back as another record";
        } catch (VaultJson.Malformed e) {
            problem = e.problem();
        } catch (tools.jackson.core.JacksonException e) {
            problem = "cannot be written as JSON";
        }
        throw new VaultException("the new snapshot record " + problem + ": nothing was written; a field of it holds what the"
                + " format cannot keep (a tag name that is not UTF-8?)");
    }

    /**
     * Corrects snapshots' records (IS.012 6.6.5, {@link Amendment}): each amended record is written as a new snapshot
     * of the same tree, then the old snapshot file goes. Every amendment is checked before any is written, so one
     * that may not be made amends nothing. A held snapshot's record stays as it is until the hold is released
     * (IS.012 6.6.7): it is evidence. A hold placed while a record is amended wins, as in forget: the new file goes
     * instead and the amendment fails.
     */
    public List<SnapshotRef> amend(List<SnapshotRef> snapshots, Amendment amendment) {
        Instant now = Instant.now();
        Set<ObjectId> held = holds().keySet();
        List<Snapshot> amended = new ArrayList<>();
        for (SnapshotRef s : snapshots) {
            if (held.contains(s.id())) {
                throw new VaultException("snapshot " + s.shortId() + " is under legal hold (IS.012 6.6.7): its record stays as it is"
                        + " until the hold is released");
            }
            amended.add(amendment.applyTo(s.id(), s.snapshot(), now));
        }
        List<SnapshotRef> out = new ArrayList<>();
        // a prune running now waits for its condemned packs: the new file is a snapshot it has not seen; and not while a key
        // retirement renames snapshot files, or a repair takes them out
        try (SharedLock lock = lock("amend")) {
            for (int i = 0; i < snapshots.size(); i++) {
                out.add(replaceSnapshot(lock, snapshots.get(i), amended.get(i), "amended", out.size()));
            }
        }
        return out;
    }

    /**
     * Writes {@code record} in place of {@code old} (an amend, a rewrite: {@code done} says which, "amended"), then
     * deletes the old snapshot file; a legal hold placed on the old one meanwhile wins (IS.012 6.6.7): the new file is
     * deleted and this throws, saying how many of the command's snapshots ({@code before}) were replaced already.
     */
    public SnapshotRef replaceSnapshot(SharedLock lock, SnapshotRef old, Snapshot record, String done, int before) {
        ObjectId id = lock.whileHeld(() -> saveSnapshot(record));
        // one replacement at a time takes the old file away: an amend and a rewrite of one snapshot both read it before
        // either deleted it, and both said they had replaced it, the rewrite's purge exit 0 while the amend's snapshot kept
        // what it took out (an engineer's); under the lock of holds, the second finds it gone and says which replaced it
        Deletion d;
        try (SharedLock turn = holdsLockWaiting()) {
            d = turn.whileHeld(() -> deleteSnapshotUnlessHeld(old.id()));
        }
        if (d != Deletion.DELETED) {
            backend.delete("snapshots/" + id.hex());
            String count = before == 0 ? "" : "; " + before + " " + done + " before it";
            if (d == Deletion.HELD) {
                throw new VaultException("snapshot " + old.shortId() + " was placed under legal hold while it was " + done + ": it stays"
                        + " as it is (IS.012 6.6.7)" + count);
            }
            // gone: an amend or a rewrite of it beside this one won, and its snapshot lives on; only when none did, a forget
            List<RecordHistory.Successor> successors = RecordHistory.successorsOf(listSnapshots().readable(), old.id().hex());
            if (successors.isEmpty()) {
                throw new VaultException("snapshot " + old.shortId() + " was removed (a forget) while it was " + done + ": nothing put in"
                        + " its place" + count);
            }
            String command = done.equals("amended") ? "amend" : "rewrite";
            throw new VaultException("snapshot " + old.shortId() + " was replaced by " + RecordHistory.Successor.named(successors)
                    + " while it was " + done + ": this " + command + " put nothing in its place" + count + "; run `vault " + command
                    + "` again on " + String.join(" ", successors.stream().map(s -> s.snapshot().shortId()).toList()));
        }
        return new SnapshotRef(id, record);
    }

    /**
     * What replaced {@code gone}, a snapshot found before and gone once a command's turn came, among the snapshots here now
     * ({@link RecordHistory#replacedBy}: "replaced by 5e6f7a8b (an amend); name that one"); null when none did (a forget).
     */
    public String replacedNowBy(ObjectId gone) {
        return whereGone(listSnapshots().readable(), gone.hex());
    }

    /**
     * What became of the snapshot {@code idOrPrefix} names, which is not here: what replaced it ({@link RecordHistory#replacedBy}),
     * else where a tier moved it (the journal: {@link Journal#movedByTier}); null when neither says (a forget). Counsel's
     * `vault hold` of a snapshot the night's tier had moved said only "no snapshot ID", and its copy stayed unheld (a tester's).
     */
    private String whereGone(List<SnapshotRef> readable, String idOrPrefix) {
        String replaced = RecordHistory.replacedBy(readable, idOrPrefix);
        return replaced != null ? replaced : new Journal(this).movedByTier(idOrPrefix);
    }

    /** What {@link #deleteSnapshotUnlessHeld} did. */
    public enum Deletion { DELETED, HELD, ALREADY_GONE }

    /**
     * Deletes a snapshot's file unless it is under legal hold, as seen before the deletion and after it: `vault hold`
     * looks for the snapshot, writes its record, then looks again, so a hold placed while the file goes is seen by one of
     * the two. Seen after, the file is written back, the same bytes under the same name (its ID is their hash): a hold
     * placed while a forget ran reported success on a snapshot that was gone, and a prune then freed its data (a
     * helper's). ALREADY_GONE: another command (a forget, an amend) removed it first.
     */
    public Deletion deleteSnapshotUnlessHeld(ObjectId snapshot) {
        try (Backend.Deletions deletion = backend.deletions()) {
            return deleteSnapshotUnlessHeld(snapshot, deletion);
        }
    }

    /**
     * {@link #deleteSnapshotUnlessHeld(ObjectId)} in {@code batch}: durable once the batch is closed, with the others in it
     * (a forget of 999 snapshots fsynced {@code snapshots/} 999 times). A hold is read after the file is gone, as ever: a
     * deletion is seen by every process at once, and only a power cut before the close undoes it.
     */
    public Deletion deleteSnapshotUnlessHeld(ObjectId snapshot, Backend.Deletions batch) {
        String hold = "holds/" + snapshot.hex();
        String name = "snapshots/" + snapshot.hex();
        if (backend.exists(hold)) {
            return Deletion.HELD;
        }
        byte[] sealed;
        try {
            sealed = backend.read(name);
        } catch (MissingFileException gone) {
            return Deletion.ALREADY_GONE;
        }
        batch.delete(name);
        if (backend.exists(hold)) {
            backend.write(name, sealed);
            return Deletion.HELD;
        }
        return Deletion.DELETED;
    }

    /** What {@link #amendCopy} wrote, and whether the copy it replaces was kept under a legal hold. */
    public record AmendedCopy(SnapshotRef copy, boolean oldKeptUnderHold) {
    }

    /**
     * A copy brought to its source's amended record ({@link org.opsledger.vault.copier.Copier}): {@code record} is written
     * as a new snapshot of the copy's tree, and the old copy goes unless it is held (IS.012 6.6.7: held, it stays as it
     * was, beside the new one), as {@link #deleteSnapshotUnlessHeld} sees it before and after the deletion: a hold placed
     * on the old copy while it went was left naming a snapshot that was gone, and its data was pruned (a helper's).
     */
    public AmendedCopy amendCopy(SnapshotRef copy, Snapshot record) {
        try (SharedLock lock = lock("amend")) {
            ObjectId id = lock.whileHeld(() -> saveSnapshot(record));
            // ALREADY_GONE: the target's own forget removed the old copy meanwhile; the new one is the copy now
            boolean held = deleteSnapshotUnlessHeld(copy.id()) == Deletion.HELD;
            return new AmendedCopy(new SnapshotRef(id, record), held);
        }
    }

    // ---------------------------------------------------------------- holds

    /** Every hold, by snapshot; fails on a hold record that does not read (forget cannot know what it holds). */
    public Map<ObjectId, LegalHold> holds() {
        HoldListing listing = listHolds();
        if (!listing.unreadable().isEmpty()) {
            throw new VaultException("hold record " + listing.unreadable().getFirst() + "; `vault repair` replaces a damaged one with a"
                    + " record that keeps the hold in force");
        }
        return listing.holds();
    }

    /** The snapshot's hold as its record says now, or null when it is not held (a damaged record fails, as {@link #holds} does). */
    public LegalHold holdOf(ObjectId snapshot) {
        String name = "holds/" + snapshot.hex();
        try {
            return backend.exists(name) ? readHold(name) : null;
        } catch (MissingFileException released) {
            return null; // released between the look and the read
        }
    }

    /**
     * The hold records that read, by snapshot, and one line for each that does not; {@code misnamed}: one line for each
     * record whose {@code snapshot} is not the one its file name says (a damaged or forged record, counted as a hold on
     * the one its name says).
     */
    public record HoldListing(Map<ObjectId, LegalHold> holds, List<String> unreadable, List<String> misnamed) {
    }

    /**
     * A hold record as its file name says: {@code holds/<id>} holds snapshot {@code <id>}, whatever its {@code snapshot}
     * says, as forget and prune go by the name (a hold fails safe); a record listed by that field showed the hold on
     * another snapshot, and one without it stopped check (a helper's).
     */
    private LegalHold readHold(String name) {
        return asNamed(name, readSealed(name, Sealing.Kind.HOLD, LegalHold.class));
    }

    /** The hold record {@code read} from the file {@code name}, on the snapshot its name says ({@link #readHold}). */
    private static LegalHold asNamed(String name, LegalHold read) {
        ObjectId named = idOfName(name);
        if (named == null) {
            throw new VaultException(name + ": not named by a snapshot ID, so it holds none; move it out of holds/");
        }
        return read.movedTo(named);
    }

    /** Every hold record, read one by one: a damaged or foreign file is named in {@code unreadable} and hides none of the others. */
    public HoldListing listHolds() {
        Map<ObjectId, LegalHold> out = new LinkedHashMap<>();
        List<String> bad = new ArrayList<>();
        List<String> misnamed = new ArrayList<>();
        for (String name : backend.list("holds")) {
            try {
                LegalHold read = readSealed(name, Sealing.Kind.HOLD, LegalHold.class);
                LegalHold h = asNamed(name, read);
                if (!h.snapshot().equals(read.snapshot())) { // IS.012 6.6.7: still a hold on the one its name says
                    misnamed.add(name + " names " + (read.snapshot() == null ? "no snapshot" : "snapshot " + read.snapshot().shortHex())
                            + ": a damaged or forged hold record; it still holds snapshot " + h.snapshot().shortHex() + ", as its name says"
                            + " (forget and prune go by it); a `vault hold` of it for a new matter, or a `vault release` of one of its matters,"
                            + " writes the record right");
                }
                out.put(h.snapshot(), h);
            } catch (MissingFileException released) {
                // released between the listing and the read: no hold, as a snapshot file gone so is one snapshot fewer (a forget
                // beside a release failed with "missing file … holds/…": a helper's)
            } catch (BackendException | Cancelled e) {
                throw e;
            } catch (VaultException | IllegalArgumentException | JacksonException e) {
                bad.add(e.getMessage() != null && e.getMessage().startsWith(name) ? e.getMessage() : problemOf(name, e));
            }
        }
        return new HoldListing(out, bad, misnamed);
    }

    /**
     * "name: what is wrong with it", naming the file once: "snapshots/ab12…: snapshots/ab12… does not parse …" named it twice
     * where the reason began with it (a re-tester's); an exception not the vault's is named by its class alone. Listings
     * keep the "name: " form, which {@link #fileOf} reads back.
     */
    public static String problemOf(String name, RuntimeException e) {
        if (!(e instanceof VaultException) || e.getMessage() == null) {
            return name + ": unreadable (" + e.getClass().getSimpleName() + ")";
        }
        String why = e.getMessage();
        return name + ": " + (why.startsWith(name) ? why.substring(name.length()).replaceFirst("^:? ", "") : why);
    }

    /** Longest reason a legal hold takes. */
    public static final int MAX_HOLD_REASON = 1000;

    /**
     * IS.012 6.6.7: a legal hold pins the snapshot and all it references. On an S3 bucket with
     * Object Lock the store's own legal hold is also placed on the snapshot file and on every pack
     * holding its data, so not even a client with delete rights can remove those object versions.
     * A snapshot held already is held for this matter too (a second matter's hold replaced the first's
     * record, and one release ended both); held for this reason already, it stays as it is.
     */
    public LegalHold hold(SnapshotRef snapshot, String reason, String by) {
        return hold(snapshot, new LegalHold.Matter(reason, by, Instant.now()));
    }

    /**
     * Places the hold of {@code matter} as it is, with the time it began: a tier carrying a hold to the long-term copy
     * (IS.012 6.6.7) keeps when and by whom it was placed (it was dated at the tier, and once the near-line repository was
     * disposed of the matter's start was nowhere: a helper's).
     */
    public LegalHold hold(SnapshotRef snapshot, LegalHold.Matter matter) {
        String reason = matter.reason();
        String by = matter.heldBy();
        if (reason == null || reason.isBlank()) {
            throw new VaultException("a legal hold needs a reason");
        }
        if (reason.length() > MAX_HOLD_REASON) { // it is listed with the snapshot: a matter number and a line, not a document
            throw new VaultException("a legal hold's reason has at most " + MAX_HOLD_REASON + " characters, got " + reason.length());
        }
        if (!Amendment.oneLine(reason) || by != null && !Amendment.oneLine(by)) { // a release names the matter by its reason
            throw new VaultException("a legal hold's reason and holder are one line each, without control characters");
        }
        String name = "holds/" + snapshot.id().hex();
        // one at a time, and not while a retirement moves holds to new IDs; waiting out another hold's or a tier's (which
        // forgets a batch of originals under it, up to 2 s)
        try (SharedLock lock = holdsLockWaiting()) {
            if (!backend.exists("snapshots/" + snapshot.id().hex())) { // forgotten, or given a new ID, since it was found
                // an amend's or a rewrite's turn came first: the hold names what replaced it, as a hold given its ID does
                String replaced = replacedNowBy(snapshot.id());
                throw new VaultException("snapshot " + snapshot.shortId() + " is no longer in the repository" + (replaced != null
                        ? ": " + replaced : " (forgotten, or sealed again under a new ID by a key retirement): find it again with"
                        + " `vault snapshots`"));
            }
            if (!backend.exists(name)) {
                LegalHold placed = lock.whileHeld(() -> writeHold(snapshot.id(), matter, placeStoreHolds(snapshot)));
                if (!backend.exists("snapshots/" + snapshot.id().hex())) { // a forget or an amend removed it meanwhile (deleteSnapshotUnlessHeld)
                    backend.delete(name);
                    liftStoreHolds(placed.storeHoldsOrEmpty(), snapshot.id()); // and the store's, on its packs, with the record
                    String replaced = replacedNowBy(snapshot.id());
                    throw new VaultException("snapshot " + snapshot.shortId() + " was removed (a forget, an amend) while the hold was placed:"
                            + " no hold placed; " + (replaced != null ? replaced : "find it again with `vault snapshots`"));
                }
                return placed;
            }
            LegalHold held = readHold(name);
            Set<LegalHold.StoreHold> storeHolds = new LinkedHashSet<>(held.storeHoldsOrEmpty());
            // the same versions, unless the bucket's Object Lock came later or the files were copied into it (aws s3 sync),
            // where they got none: held for this reason already, the store's holds are placed again all the same (§9)
            storeHolds.addAll(placeStoreHolds(snapshot));
            if (held.matter(reason) != null && storeHolds.size() == held.storeHoldsOrEmpty().size()) {
                return held;
            }
            LegalHold more = (held.matter(reason) != null ? held : held.alsoFor(matter)).withStoreHolds(List.copyOf(storeHolds));
            lock.whileHeld(() -> {
                writeSealedAs(name, Sealing.Kind.HOLD, more);
                return null;
            });
            return more;
        }
    }

    /**
     * Writes a new record for a hold whose record does not open (repair): the hold stays in force, and on a
     * store with Object Lock is placed again when the snapshot can be read (versions the lost record named
     * keep their store hold until someone lifts it in the store).
     */
    public LegalHold holdAgain(ObjectId snapshot, String reason, String by) {
        return writeHold(snapshot, new LegalHold.Matter(reason, by, Instant.now()), listSnapshots().readable().stream().filter(s -> s.id().equals(snapshot)).findFirst()
                .map(this::placeStoreHolds).orElse(List.of()));
    }

    private LegalHold writeHold(ObjectId snapshot, LegalHold.Matter matter, List<LegalHold.StoreHold> storeHolds) {
        LegalHold h = new LegalHold(snapshot, matter.reason(), matter.heldBy(), matter.heldAt(), storeHolds);
        writeSealedAs("holds/" + snapshot.hex(), Sealing.Kind.HOLD, h);
        return h;
    }

    /**
     * Places the store's legal hold on a snapshot's objects; empty when the store has none. One that fails partway lifts
     * the holds it placed (those no hold record names), and says so: they stayed held with no record naming them, so no
     * release could ever lift them (a helper's); the versions it could not lift are named.
     */
    public List<LegalHold.StoreHold> placeStoreHolds(SnapshotRef snapshot) {
        if (!backend.supportsLegalHold()) {
            return List.of();
        }
        List<LegalHold.StoreHold> out = new ArrayList<>();
        try {
            for (String name : objectsOf(snapshot)) {
                out.add(new LegalHold.StoreHold(name, backend.placeLegalHold(name)));
            }
        } catch (RuntimeException e) {
            if (out.isEmpty()) {
                throw e;
            }
            List<String> stillHeld = new ArrayList<>();
            for (LegalHold.StoreHold sh : notNeededByOtherHolds(out, null)) {
                try {
                    backend.liftLegalHold(sh.name(), sh.versionId());
                } catch (RuntimeException liftFailed) {
                    e.addSuppressed(liftFailed);
                    stillHeld.add(sh.name() + " version " + sh.versionId());
                }
            }
            throw new VaultException(e.getMessage() + "; " + (stillHeld.isEmpty()
                    ? "the " + out.size() + " S3 legal hold(s) placed before it were lifted"
                    : "lifting the S3 legal holds placed before it failed too: " + String.join(", ", stillHeld)
                            + " stay held with no hold record naming them; lift them in the store (PutObjectLegalHold OFF)"), e);
        }
        return List.copyOf(out);
    }

    /** The snapshot's file and every pack that holds one of its tree or data blobs, sorted. */
    public List<String> objectsOf(SnapshotRef snapshot) {
        java.util.TreeSet<String> names = new java.util.TreeSet<>();
        names.add("snapshots/" + snapshot.id().hex());
        for (ObjectId blob : ReferencedBlobs.stored(this, List.of(snapshot))) {
            IndexEntry e = index().get(blob);
            if (e != null) {
                names.add(packName(e.pack()));
            }
        }
        return List.copyOf(names);
    }

    /**
     * How often {@link #holdsLockWaiting} looks whether the lock of holds is free ({@link #lockInTurn}: and a copy's commit
     * whether the lock of copy commits is), and a random part of half as much again at most.
     */
    public static final java.time.Duration HOLDS_LOCK_LOOKS_EVERY = java.time.Duration.ofMillis(250);

    /** How long {@link #lockInTurn} waits for its turn before it refuses, unless {@link #waitsItsTurnUpTo} says otherwise. */
    public static final java.time.Duration TURN_WAITED_FOR = java.time.Duration.ofMinutes(1);

    private volatile java.time.Duration turnWaitedFor = TURN_WAITED_FOR;

    /**
     * How long this repository waits its turn at work that runs one at a time ({@link #holdsLockWaiting},
     * {@link #copyCommitLockWaiting}) before it refuses: {@link #TURN_WAITED_FOR} unless set here (a test's second, so
     * that a refusal does not cost it a minute).
     */
    public void waitsItsTurnUpTo(java.time.Duration wait) {
        turnWaitedFor = wait;
    }

    /**
     * The lock of holds ({@link Locks#HOLDS}), once a `vault hold`, `release` or a tier's batch holding it now has let it go:
     * each takes it for a second or two, and none should fail for another. Tried for about a minute ({@link #waitsItsTurnUpTo}).
     */
    public SharedLock holdsLockWaiting() {
        return lockInTurn(Locks.HOLDS, "placing or releasing a legal hold");
    }

    /**
     * The lock of copy commits ({@link Locks#COPY_COMMIT}), once another copy or tier into this repository holding it now
     * has let it go (each holds it a few seconds at a time): tried for about a minute, as {@link #holdsLockWaiting}.
     */
    public SharedLock copyCommitLockWaiting() {
        return lockInTurn(Locks.COPY_COMMIT, "committing copies");
    }

    /**
     * The lock of {@code kind}, work that runs one at a time ({@link Locks#ONE_AT_A_TIME}), once another process's of the
     * same kind has let it go: looked for every {@link #HOLDS_LOCK_LOOKS_EVERY} and up to half as much again at random (two processes
     * that refused each other at once look again at different times), for about a minute ({@link #waitsItsTurnUpTo}).
     * {@code what}: the work, as a cancellation names it.
     */
    private SharedLock lockInTurn(String kind, String what) {
        long tries = Math.max(1, turnWaitedFor.dividedBy(HOLDS_LOCK_LOOKS_EVERY));
        for (int attempt = 1; ; attempt++) {
            try {
                return lock(kind);
            } catch (Locks.Conflict c) {
                if (!c.otherKind().equals(kind) || attempt >= tries) {
                    throw c;
                }
            }
            try {
                long every = HOLDS_LOCK_LOOKS_EVERY.toMillis();
                Thread.sleep(every + java.util.concurrent.ThreadLocalRandom.current().nextLong(every / 2 + 1));
            } catch (InterruptedException e) {
                throw new Cancelled(what + " in " + backend.location(), e);
            }
        }
    }

    /**
     * After packs were rewritten (key retirement, repair, a prune's repacking): the store's legal holds of every held snapshot
     * are placed on the objects that now hold its data, then lifted from the versions no hold needs.
     */
    public void renewStoreHolds() {
        if (!backend.supportsLegalHold()) {
            return; // store holds a record names were placed in the bucket it was copied from: none here to renew or lift
        }
        List<LegalHold.StoreHold> superseded = new ArrayList<>();
        Map<ObjectId, SnapshotRef> readable = new HashMap<>();
        listSnapshots().readable().forEach(s -> readable.put(s.id(), s));
        for (LegalHold h : holds().values()) {
            if (!readable.containsKey(h.snapshot())) {
                continue; // a snapshot whose file cannot be read: its store holds stay as they are
            }
            // IS.012 6.6.7: one with none (its files copied into this bucket by another tool) gets them here too
            List<LegalHold.StoreHold> renewed = placeStoreHolds(readable.get(h.snapshot()));
            writeSealedAs("holds/" + h.snapshot().hex(), Sealing.Kind.HOLD, h.withStoreHolds(renewed));
            h.storeHoldsOrEmpty().stream().filter(x -> !renewed.contains(x)).forEach(superseded::add);
        }
        liftStoreHolds(superseded, null);
    }

    /** Releases the hold on a snapshot held for one matter ({@link #release(ObjectId, String)}). */
    public void release(SnapshotRef snapshot) {
        release(snapshot.id(), null);
    }

    /**
     * Releases the hold for {@code matter} (its reason) on a snapshot, by ID: also one whose snapshot file cannot be
     * read ({@link #heldUnreadable}). Held for other matters too, the snapshot stays held for them, and the hold so left
     * is returned; held for this one alone, the hold ends (null is returned). {@code matter} may be null when the
     * snapshot is held for one matter only: a release that does not say which of several would end them all.
     */
    public LegalHold release(ObjectId snapshot, String matter) {
        try (SharedLock lock = holdsLockWaiting()) { // one at a time, as hold
            return lock.whileHeld(() -> releaseHeld(snapshot, matter));
        }
    }

    private LegalHold releaseHeld(ObjectId snapshot, String matter) {
        String name = "holds/" + snapshot.hex();
        if (!backend.exists(name)) {
            // given a new ID since it was found (a key retirement moves its hold along; an amend, a rewrite): named
            String replaced = backend.exists("snapshots/" + snapshot.hex()) ? null : replacedNowBy(snapshot);
            throw new VaultException("snapshot " + snapshot.shortHex() + " is not under legal hold" + (replaced == null ? "" : ": " + replaced));
        }
        LegalHold h = readHold(name);
        List<LegalHold.Matter> matters = h.matters();
        String reasons = String.join(", ", matters.stream().map(m -> LegalHold.quoted(m.reason())).toList());
        if (matter == null && matters.size() > 1) {
            throw new VaultException("snapshot " + snapshot.shortHex() + " is under legal hold for " + matters.size() + " matters ("
                    + reasons + "): name the one to release by its reason; the others stay");
        }
        LegalHold.Matter released = matter == null ? matters.getFirst() : h.matter(matter);
        if (released == null) {
            throw new VaultException("snapshot " + snapshot.shortHex() + " is not held for " + matter + "; it is held for: " + reasons);
        }
        if (matters.size() > 1) {
            LegalHold rest = h.without(released);
            writeSealedAs(name, Sealing.Kind.HOLD, rest); // its store holds stay: the other matters need every version
            return rest;
        }
        liftStoreHolds(h.storeHoldsOrEmpty(), snapshot); // first: a release killed midway is simply run again
        backend.delete(name);
        return null;
    }

    /**
     * A held snapshot whose file cannot be read (damaged) or is gone, by full ID or unique prefix: its hold
     * keeps prune stopped, and is released by ID, after which `vault repair` takes a damaged file out of use.
     */
    public Optional<ObjectId> heldUnreadable(String idOrPrefix) {
        Set<ObjectId> readable = new HashSet<>();
        listSnapshots().readable().forEach(s -> readable.add(s.id()));
        List<ObjectId> match = new ArrayList<>();
        for (String name : backend.list("holds")) {
            ObjectId id = idOfName(name);
            if (id != null && !idOrPrefix.isEmpty() && id.hex().startsWith(idOrPrefix.toLowerCase(java.util.Locale.ROOT)) && !readable.contains(id)) {
                match.add(id);
            }
        }
        return match.size() == 1 ? Optional.of(match.getFirst()) : Optional.empty();
    }

    /**
     * The snapshots accounted for without the journal: in snapshots/ ({@code snapshotFiles} as listed, readable or not), under
     * damaged/ (where `vault repair` keeps a damaged one), or the IDs records say they had ({@code replaced}).
     */
    public Set<ObjectId> snapshotsThere(Collection<String> snapshotFiles, List<org.opsledger.vault.snapshot.RecordHistory.Replaced> replaced) {
        Set<ObjectId> accounted = new HashSet<>();
        for (String name : snapshotFiles) {
            ObjectId id = idOfName(name);
            if (id != null) {
                accounted.add(id); // there, readable or not (check names an unreadable one on its own)
            }
        }
        for (String name : backend.list("damaged/snapshots")) {
            ObjectId id = idOfName(name);
            if (id != null) {
                accounted.add(id);
            }
        }
        replaced.forEach(r -> accounted.add(r.objectId())); // the IDs each record says it had
        return accounted;
    }

    /**
     * The holds whose snapshot is in neither snapshots/ nor damaged/snapshots/ (where `vault repair` keeps a damaged one):
     * deleted while held, outside the vault, and a prune would free its data as nobody's. {@code listed}: names snapshots/
     * listed (the others are looked for one by one). IS.012 6.6.7.
     */
    public Map<ObjectId, LegalHold> heldWithoutSnapshot(Map<ObjectId, LegalHold> holds, Collection<String> listed) {
        Map<ObjectId, LegalHold> found = new LinkedHashMap<>();
        holds.forEach((id, hold) -> {
            String name = "snapshots/" + id.hex();
            if (!listed.contains(name) && !backend.exists(name) && !backend.exists("damaged/" + name)) {
                found.put(id, hold);
            }
        });
        return found;
    }

    /** Lifts the store's holds on these object versions, except those another snapshot's hold also needs. */
    public void liftStoreHolds(List<LegalHold.StoreHold> lift, ObjectId exceptHoldOf) {
        if (!lift.isEmpty() && !backend.supportsLegalHold()) { // a repository copied off a bucket with Object Lock (operations.md "File-level copies")
            notices.accept(lift.size() + " S3 legal hold(s) the hold record names were placed in the bucket this repository was copied"
                    + " from: " + backend.location() + " keeps none, so none is lifted here; lift them there (PutObjectLegalHold OFF)"
                    + " if that bucket still holds the objects");
            return;
        }
        for (LegalHold.StoreHold sh : notNeededByOtherHolds(lift, exceptHoldOf)) {
            try {
                backend.liftLegalHold(sh.name(), sh.versionId());
            } catch (MissingFileException notHere) { // placed in another bucket, the repository copied here since
                notices.accept("the S3 legal hold on " + sh.name() + " version " + sh.versionId() + " was not lifted: that version"
                        + " is not in " + backend.location() + " (the repository was copied from another bucket?); lift it in the"
                        + " bucket that holds it (PutObjectLegalHold OFF)");
            }
        }
    }

    /** Those of these object versions that no hold's record lists, but the one of {@code exceptHoldOf} (may be null). */
    private List<LegalHold.StoreHold> notNeededByOtherHolds(List<LegalHold.StoreHold> lift, ObjectId exceptHoldOf) {
        if (lift.isEmpty()) {
            return List.of();
        }
        Set<LegalHold.StoreHold> stillNeeded = new HashSet<>();
        holds().forEach((id, other) -> {
            if (!id.equals(exceptHoldOf)) {
                stillNeeded.addAll(other.storeHoldsOrEmpty());
            }
        });
        return lift.stream().filter(sh -> !stillNeeded.contains(sh)).toList();
    }

    // ---------------------------------------------------------------- locks

    /** The repository's lock files (docs/vault-format.md §10). */
    public Locks locks() {
        return locks;
    }

    /**
     * Takes a shared lock, refreshed by a daemon thread until closed (backups never wait on each other), and then, the
     * lock written, looks: work that may not go on beside another's live lock is refused ({@link Locks#refuseConflicting}),
     * and what this process read before (the keyring, the index) is read again where another process changed it
     * meanwhile ({@link #catchUp}). Of two processes each sees the other's lock, or the later one sees what the earlier
     * did: a backup that read the keyring and index, then took its lock after a rotation and retirement had run, sealed
     * its snapshot under the destroyed key; one whose index a prune emptied meanwhile deduplicated against the data the
     * prune deleted (a helper's, with breakpoints). Cancelled with {@code Thread.interrupt()} while it takes the lock, it
     * throws {@link Cancelled} and leaves no lock file (docs/architecture.md, "A cancelled job"). A keyring a killed
     * `key rotate` or `key retire` left behind it ({@link Backend#discardReplaced}) is destroyed then, as that command
     * would have: it may hold a retired epoch's key.
     */
    public SharedLock lock(String kind) {
        SharedLock lock = lookAfterTaking(new SharedLock(backend, kind));
        try {
            backend.discardReplaced("keyring");
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        jobs.removeIf(SharedLock::released);
        leaveOutPacksNoLockStoodFor();
        jobs.add(lock); // before the job saves a blob: a pack its cancellation loses fails the jobs running ({@link #packLost})
        synchronized (packsListing) {
            packsListed = null; // data/ listed again, under this lock, on the first blob looked for ({@link #hasBlob})
        }
        return lock;
    }

    private SharedLock lookAfterTaking(SharedLock lock) {
        try {
            locks.removeAbandoned();
            locks.refuseConflicting(lock);
            catchUp();
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        return lock;
    }

    /**
     * The keyring as stored, when another process rotated or retired an epoch since this one read it: what this process
     * seals from now on is sealed under the current epoch. Read before each journal entry too: a command that takes no
     * lock (a decommission, a key slot added) or one refused beside a key retirement sealed its entry under the key the
     * retirement then destroyed, and check called the journal damaged (a helper's).
     */
    public void refreshKeys() {
        Keyring stored;
        try {
            stored = storedKeyring();
        } catch (MissingFileException disposed) {
            return; // gone since it was read: nothing is committed (saveSnapshot says why)
        }
        Keyring mine = keys().keyring();
        if (stored.currentEpoch() != mine.currentEpoch() || !stored.epochs().keySet().equals(mine.epochs().keySet())) {
            keys = new Keys(stored);
        }
    }

    /**
     * After this process's lock is written: the keyring as stored, when another process rotated or retired an epoch since
     * it was read (new data is sealed under the current epoch, never a destroyed one); and the index, if it was read, when
     * an index file it was read from, or this process wrote, has gone since (a prune, repair or retirement wrote it anew: read again whole) or
     * new ones came (another backup's: added).
     */
    private void catchUp() {
        refreshKeys();
        synchronized (indexLock) {
            if (index == null) {
                return;
            }
            List<String> listed = indexFiles(); // one listing for both: what went, and what came (a backup listed index/ three times)
            if (new HashSet<>(listed).containsAll(indexFilesRead)) { // a List's containsAll of 4,000 names took 23 ms a lock (a helper's)
                indexFilesRead.addAll(readEachIndexFile(listed, indexFilesRead, (name, sealed) -> readWholeIndexFile(name, sealed, index), null));
            } else {
                reloadIndex();
            }
        }
    }

    /**
     * A lock for a command that reads packs it found in the index (restore, dump, check, a copy's source): a prune deletes
     * no condemned pack while one is live (vault-format.md §10), so what the command planned to read is still there when
     * it reads it (a helper's restore beside a prune failed halfway on a pack the prune had deleted). A store that
     * refuses the write (a read-only medium, read-only credentials) is read without one, as before: null, and said
     * ({@link #onNotice}): a least-privilege restore test or an auditor's check beside a host's prune or key retire
     * failed halfway, or called a sound repository's packs missing and advised a repair, saying nothing of it (a tester's).
     */
    public SharedLock readLock(String kind) {
        SharedLock lock;
        try {
            lock = new SharedLock(backend, kind);
        } catch (BackendException readOnly) {
            readWithoutLock = true;
            readWithoutLockKind = kind;
            notices.accept("this " + kind + " reads the repository without a lock (it cannot write one: " + readOnly.getMessage()
                    + "): a prune, key retire, repair or dispose run meanwhile on another host can remove what it reads");
            return null;
        }
        return lookAfterTaking(lock);
    }

    private volatile boolean readWithoutLock;
    /** The command that reads without a lock, as {@link #readLock} was given it. */
    private volatile String readWithoutLockKind;
    /** What was said before {@link #onNotice} named where notices go (opening's), said to it then. */
    private final List<String> noticesBefore = new ArrayList<>();
    private java.util.function.Consumer<String> notices = noticesBefore::add;

    /** Whether a command read this repository without a lock ({@link #readLock}): what it missed may have been removed meanwhile. */
    public boolean readWithoutLock() {
        return readWithoutLock;
    }

    /** Says {@code notice} where this command's notices go ({@link #onNotice}): what a backup could not judge of the store. */
    public void notice(String notice) {
        notices.accept(notice);
    }

    /** Where the repository says what the command using it should know as it happens: a read without a lock. */
    public void onNotice(java.util.function.Consumer<String> sink) {
        notices = sink;
        noticesBefore.forEach(sink);
        noticesBefore.clear();
        if (backend.store() instanceof org.opsledger.vault.backend.LocalBackend local) {
            local.onNotice(sink); // a key file deleted without its overwrite (LocalBackend#shred)
        }
    }

    // ---------------------------------------------------------------- key slots and epochs

    /**
     * A key slot as listed; {@code problem} says why an unreadable one is never tried (its other fields are then null or 0);
     * {@code fingerprint}: {@link KeySlot#fingerprint}; {@code labelVerified}: its label, host and time of creation are
     * the ones a password holder wrote ({@link KeySlot#labelsAuthentic}), false for a slot of an older build or relabelled.
     */
    public record KeySlotInfo(String id, String label, String host, Instant created, int iterations, String problem,
                              String fingerprint, boolean labelVerified) {
        /** The first 8 hex digits of its ID, as messages and the journal name it. */
        public String shortId() {
            return shortSlot(id);
        }
    }

    /**
     * A slot's removal: the slot, and what the store's old versions keep of it ({@link Disposal#oldVersions}), null when
     * none: on a versioned bucket the removed slot stays a noncurrent version that the departed password opens (a tester's).
     */
    public record KeySlotRemoval(KeySlotInfo slot, String oldVersions) {
        private static final java.util.regex.Pattern REMOVAL =
                java.util.regex.Pattern.compile("key slot ([0-9a-f]{1,8}) removed(?: \\[sha256 ([0-9a-f]{64})])?( \\(.*)?");

        /**
         * What the journal's entry of the removal says: "key slot a84478ee removed [sha256 FINGERPRINT] (departed, added on
         * host 2026-12-01)", then "; but …" of old versions. The fingerprint comes before the label, which may hold anything.
         */
        public String removal() {
            return "key slot " + slot.shortId() + " removed" + (slot.fingerprint() == null ? "" : " [sha256 " + slot.fingerprint() + "]")
                    + (slot.label() == null ? " (unreadable)" : " (" + slot.label() + ", added on " + slot.host()
                    + (slot.created() == null ? "" : " " + slot.created().toString().substring(0, 10)) + ")")
                    + Disposal.but(oldVersions); // IS.012 6.6.6.4
        }

        /**
         * The slot a journal entry's detail names as a {@link #removal}: the start of its ID (8 hex digits) and its
         * fingerprint (null in entries of builds until 2026-12-06); null when it names none.
         */
        public static NamedSlot removedIn(String detail) {
            return NamedSlot.in(REMOVAL, detail);
        }
    }

    /**
     * A key slot as a journal entry names it: the start of its ID (8 hex digits) and its fingerprint (null where the entry
     * names none: an init's, and those of builds until 2026-12-06 of a removal, until 2026-12-07 of an addition).
     */
    public record NamedSlot(String shortId, String fingerprint) {
        private static final java.util.regex.Pattern ADDITION =
                java.util.regex.Pattern.compile("key slot ([0-9a-f]{1,8}) added(?: \\[sha256 ([0-9a-f]{64})])?( \\(.*)?",
                        java.util.regex.Pattern.DOTALL);
        /** An init's first slot: "created repository ID (format 6); key slot 1a2b3c4d (initial), PBKDF2-…" (not its label's words). */
        private static final java.util.regex.Pattern INITIAL =
                java.util.regex.Pattern.compile("created repository \\S+ \\(format \\d+\\); key slot ([0-9a-f]{1,8})(?: \\(.*)",
                        java.util.regex.Pattern.DOTALL);

        /** What the journal's entry of a slot's addition says: "key slot 1a2b3c4d added [sha256 FINGERPRINT] (alice)". */
        public static String addition(KeySlotInfo slot) {
            return "key slot " + slot.shortId() + " added" + (slot.fingerprint() == null ? "" : " [sha256 " + slot.fingerprint() + "]")
                    + " (" + slot.label() + ")";
        }

        /** The slot an entry's detail names as added ({@link #addition}), or as an init's first; null when it names none. */
        public static NamedSlot addedIn(String detail) {
            NamedSlot added = in(ADDITION, detail);
            return added != null ? added : in(INITIAL, detail);
        }

        private static NamedSlot in(java.util.regex.Pattern pattern, String detail) {
            java.util.regex.Matcher m = detail == null ? null : pattern.matcher(detail);
            return m != null && m.matches() ? new NamedSlot(m.group(1), m.groupCount() >= 2 ? m.group(2) : null) : null;
        }
    }

    /** The ID of the key slot whose password opened this repository (or that init wrote). */
    public String keySlotInUse() {
        return slotInUse;
    }

    /** The label of the key slot whose password opened this repository, as it was then; null for a slot without one. */
    public String keySlotInUseLabel() {
        return slotInUseLabel;
    }

    /** Whether that label is the one a password holder wrote for the slot ({@link KeySlot#labelsAuthentic}). */
    public boolean keySlotInUseLabelVerified() {
        return slotInUseLabelAuthentic;
    }

    /** The key slot {@code id} as listed ({@link #keySlots}). */
    public KeySlotInfo keySlot(String id) {
        return keySlots().stream().filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> new VaultException("key slot " + shortSlot(id) + " is not in " + backend.location() + "'s keys/"));
    }

    public List<KeySlotInfo> keySlots() {
        List<KeySlotInfo> out = new ArrayList<>();
        for (SlotFile f : readKeySlots(backend)) {
            String id = f.name().substring("keys/".length());
            KeySlot s = f.slot();
            out.add(s == null ? new KeySlotInfo(id, null, null, null, 0, f.problem(), null, false)
                    : new KeySlotInfo(id, s.label(), s.host(), s.created(), s.iterations(), null, s.fingerprint(),
                    s.labelsAuthentic(id, masterKey())));
        }
        return out;
    }

    /** The lock of a key slot's addition: beside a backup, not beside what runs alone ({@link Locks#RUNS_ALONE}). */
    static final String ADD_KEY_SLOT = "key add";
    /** The lock of a key slot's removal, which runs alone ({@link Locks#RUNS_ALONE}). */
    static final String REMOVE_KEY_SLOT = "key remove";

    /**
     * Writes a new slot of this repository's master key. Under a lock: a slot added beside a disposal, which destroys
     * every slot it lists, or beside a slot's removal, is refused, not written where nothing accounts for it.
     */
    public String addKeySlot(char[] password, int iterations, String label) {
        requirePassword(password); // before the lock: a NullPointerException from deep in the wrap, after a lock taken and let go
        try (SharedLock lock = lock(ADD_KEY_SLOT)) {
            // a removal runs alone: one that ended before this lock is seen here. An operator whose slot was removed while
            // the add was under way added a password that outlived the removal (a re-tester's)
            if (slotInUse != null && keySlots().stream().noneMatch(s -> s.id().equals(slotInUse))) {
                throw new VaultException("refusing to add a key slot: key slot " + shortSlot(slotInUse) + ", whose password opened the"
                        + " repository for this command, was removed meanwhile; nothing was added");
            }
            String id = HexFormat.of().formatHex(Sealing.randomBytes(16));
            backend.write("keys/" + id, VaultJson.write(KeySlot.wrap(id, password, masterKey(), iterations, label, hostname())));
            return id;
        }
    }

    /**
     * After a removal, the slot whose password opened this command written back if no slot is left: a build before the
     * removal's lock (before commit 745e6a54) on another host removes without one and reads nothing again, so it and this
     * command, removing each other's slot at once, left none, and nothing in the repository opened again (h4's repro-1).
     * Throws, naming both, once it is back.
     */
    private void writeBackIfNoneLeft(KeySlotInfo removed) {
        if (slotInUseFile == null || keySlots().stream().anyMatch(s -> s.problem() == null)) {
            return;
        }
        backend.write("keys/" + slotInUse, slotInUseFile);
        throw new VaultException("key slot " + removed.shortId() + " was removed, and meanwhile another command removed key slot "
                + shortSlot(slotInUse) + ", whose password opened the repository for this command, which left no slot: it was written"
                + " back and opens the repository; a host runs a build without the key-command lock: upgrade it (docs/operations.md,"
                + " \"Format\")");
    }

    /** The first 8 hex digits of a key slot's ID, as messages and the journal name it. */
    public static String shortSlot(String id) {
        return id.substring(0, Math.min(8, id.length()));
    }

    /**
     * Removes the slot {@code idOrPrefix} names, and returns what it was; alone in the repository ({@link Locks#RUNS_ALONE}),
     * never the slot in use ({@link #slotInUse}), and none once the slot in use is gone: the last slot that opens stays.
     * A slot is named by its whole ID (keys/00003scrypt, a file someone else wrote, too) or by a prefix of at least
     * {@link ObjectId#MIN_PREFIX} hex digits in either case, as a snapshot is: `key remove 0` removed whichever slot began
     * with 0, and `key remove F…` found none (a tester's).
     */
    public KeySlotRemoval removeKeySlot(String idOrPrefix) {
        if (idOrPrefix.isEmpty()) {
            throw new VaultException("the key slot ID is empty: `vault key list` lists them");
        }
        // alone, and the slots read under the lock: two operators removing each other's slot at once each kept the slot
        // they had opened with, as each had read it, and left none; no password opened the repository again (a helper's)
        try (SharedLock lock = lock(REMOVE_KEY_SLOT)) {
            List<KeySlotInfo> slots = keySlots();
            List<KeySlotInfo> match = slots.stream().filter(s -> s.id().equals(idOrPrefix)).toList();
            if (match.isEmpty() && !ObjectId.isPrefix(idOrPrefix)) {
                throw new VaultException("key slot " + idOrPrefix + " is no slot's ID nor a prefix of at least " + ObjectId.MIN_PREFIX
                        + " of its hex digits: `vault key list` lists them");
            }
            if (match.isEmpty()) {
                String prefix = idOrPrefix.toLowerCase(java.util.Locale.ROOT);
                match = slots.stream().filter(s -> s.id().toLowerCase(java.util.Locale.ROOT).startsWith(prefix)).toList();
            }
            if (match.size() != 1) {
                // what matched, and where to look: "is ambiguous" named none, and "no key slot zz" no way on (a tester's)
                throw new VaultException(match.isEmpty() ? "no key slot " + idOrPrefix + ": `vault key list` lists the slots"
                        : "key slot prefix " + idOrPrefix + " is ambiguous: it begins " + match.stream().map(s -> s.shortId()
                        + (s.label() == null ? "" : " (" + s.label() + ")")).collect(java.util.stream.Collectors.joining(", "))
                        + "; give more of the ID");
            }
            // Not the slot whose password opened the repository: the one slot known to open it. Anyone able to write to the
            // store can add a well-formed slot of another repository's, which no password of this one opens; counted as a
            // slot that stays, it let the real one go (a helper's lockout). As restic refuses, and the last slot so too.
            if (match.getFirst().id().equals(slotInUse)) {
                throw new VaultException("refusing to remove key slot " + shortSlot(slotInUse) + ": its password opened the repository for this"
                        + " command, and it is the one slot known to open it; remove it with the password of a slot that stays");
            }
            if (slots.stream().noneMatch(s -> s.id().equals(slotInUse))) { // removed since this command opened the repository
                throw new VaultException("refusing to remove key slot " + shortSlot(match.getFirst().id()) + ": key slot " + shortSlot(slotInUse)
                        + ", whose password opened the repository for this command, was removed meanwhile, and no other slot is known to"
                        + " open it; nothing was removed: `vault key list` lists the slots left");
            }
            // IS.012 6.6.6.4: a versioned bucket keeps the removed slot, which the departed password opens, as an old version
            String oldVersions = Disposal.oldVersions(backend.keepsOldVersions(), "keys/" + match.getFirst().id());
            backend.discard("keys/" + match.getFirst().id()); // overwritten in place on a local disk: a copy carved from free blocks opens as well
            writeBackIfNoneLeft(match.getFirst());
            return new KeySlotRemoval(match.getFirst(), oldVersions);
        }
    }

    /**
     * The data key of {@code epoch}. One newer than this process's keyring is looked for in the keyring as stored, once:
     * another process rotated since this one opened the repository, and a check beside a `key rotate` called a journal
     * entry sealed under the new epoch damaged (a helper's). Found, this process seals under it from then on too.
     */
    public javax.crypto.SecretKey dataKey(int epoch) {
        Keys k = keys();
        if (k.isLater(epoch)) { // ciphertext read as 1190057687 re-read the keyring for every such blob (the reviewer's)
            try {
                Keyring stored = storedKeyring();
                if (stored.epochs().containsKey(epoch)) {
                    k = new Keys(stored);
                    keys = k;
                }
            } catch (RuntimeException unreadable) {
                // the epoch stays unknown: named as such below
            }
        }
        return k.dataKey(epoch);
    }

    /**
     * A sealed file under {@code name}, of bytes {@code sealed}, names {@code epoch}, which this keyring lacks: counted for
     * {@link #newestEpochLacked} when the file is named by its bytes' SHA-256, and whole.
     */
    public void noteSealedUnderLacked(String name, byte[] sealed, int epoch) {
        if (Sealing.sha256(sealed).equals(idOfName(name))) {
            authenticSealedUnder(name, epoch);
        }
    }

    /**
     * Stops a command that would take out of use ({@code vault repair}) or make anew ({@code key rotate}) what only a newer
     * keyring reads, when a file read since the repository was opened names an epoch it lacks ({@link #newestEpochLacked}).
     */
    public void refuseWhileNewerKeyringLacked(String refused) {
        int lacked;
        String file;
        synchronized (newestEpochLacked) {
            lacked = newestEpochLacked();
            file = fileOfEpochLacked.get();
        }
        if (lacked > 0) {
            throw new VaultException(refused + ": files are " + keys().newerThanKeyring(lacked) + " (first: " + file
                    + "; if no newer keyring ever was, that file is not the vault's: move it out of the repository)");
        }
        String other = fileOfAnotherKey.get();
        if (other != null) {
            throw new VaultException(refused + ": " + other + "; repair would count what it seals as lost (if no copy of this repository was ever written apart, that"
                    + " file is not the vault's: move it out of the repository)");
        }
    }

    /**
     * Notes, for {@link #refuseWhileNewerKeyringLacked}, orphan {@code pack}, whose header does not open, when it is whole and
     * sealed under an epoch this keyring holds: the pack of a copy written apart under its own key for that epoch
     * ({@link #sealedUnderAnotherKey}), which a prune deleted as an orphan (a tester's, h2). The pack is read whole to tell.
     */
    public void noteOrphanSealedUnderAnotherKey(ObjectId pack) {
        String name = packName(pack);
        byte[] bytes = backend.read(name);
        if (!Sealing.sha256(bytes).equals(pack)) {
            return; // damaged: an orphan as any other
        }
        int epoch;
        try {
            epoch = PackReader.epoch(bytes);
            dataKey(epoch);
        } catch (RuntimeException notOfAKnownEpoch) {
            return;
        }
        sealedUnderAnotherKey(name, bytes, epoch);
    }

    /**
     * An object whose stored bytes match its SHA-256 name (a sealed file, a pack read whole) names {@code epoch}: recorded
     * for {@link #newestEpochLacked} when the keyring, as stored too, lacks it. Only such an object: an epoch read from
     * bytes not known to be whole may be a damaged byte, and one flipped bit in a pack's first sealed unit (epoch 257) made
     * `vault repair --read-data` refuse as for an older keyring put back, where the pack was damaged (a helper's). And
     * only an epoch a later keyring may hold ({@link Keys#isLater}): a SHA-256 anyone can compute proves the bytes whole,
     * not the vault's, so a file planted under such an epoch makes repair refuse too, and the refusal names it
     * (docs/vault-format.md §3): taken for damage, a real rollback's newest files went under damaged/ (a re-tester's).
     */
    public void authenticSealedUnder(String name, int epoch) {
        if (keys().isLater(epoch)) {
            try {
                dataKey(epoch);
            } catch (VaultException lacked) {
                synchronized (newestEpochLacked) { // the epoch and its file together: files are read eight at a time (the reviewer's)
                    if (newestEpochLacked.get() < epoch) {
                        newestEpochLacked.set(epoch);
                        fileOfEpochLacked.set(name);
                    }
                }
            }
        }
    }

    /**
     * The newest key epoch an object read since the repository was opened named and its keyring lacks, newer than the
     * keyring's own newest ({@link Keys#isLater}: an older keyring put back), or 0: `vault repair` refuses to take out of
     * use what only the newer keyring reads. Only objects whose bytes match their SHA-256 name count ({@link #authenticSealedUnder}).
     */
    public int newestEpochLacked() {
        return newestEpochLacked.get();
    }

    /** The keyring as the store holds it now: another process may have rotated since this one opened the repository. */
    public Keyring storedKeyring() {
        return readKeyring(backend, masterKey());
    }

    /** Replaces the keyring (rotate, retire) and uses it from now on: from the next pack on, an open pack keeps its epoch (§6). */
    public void replaceKeyring(Keyring next) {
        // the old keyring overwritten in place on a local disk: a retired epoch's key must not stay on its free blocks
        backend.replaceShredding("keyring", Sealing.seal(Sealing.aesKey(masterKey()), 0, Sealing.Kind.KEYRING, VaultJson.write(next)));
        this.keys = new Keys(next);
    }

    /** Counts of objects per epoch are not kept; this reports the packs indexed under each epoch. */
    public Map<Integer, Long> packsPerEpoch() {
        Map<Integer, Long> out = new java.util.TreeMap<>();
        Index i = index();
        for (ObjectId p : i.packs()) {
            out.merge(i.epochOf(p), 1L, Long::sum);
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * Ends this object: its open packs' temporary files go, the store is closed, and from then on every operation throws
     * {@link IllegalStateException} ("repository … is closed"); the master key and the keyring's data keys and content-ID
     * key are zeroed (the copies inside the JCE's key objects are let go: {@code SecretKeySpec} offers no way to zero
     * them). With a {@link #holdKeys() hold} taken, the keys are zeroed when the last is released. A closed
     * object kept working, with its keys, after close (a helper's).
     */
    @Override
    public void close() {
        for (OpenPack slot : open.values()) {
            synchronized (slot) {
                if (slot.writer != null) { // not flushed (a failed backup): its temporary file goes
                    slot.writer.upload().close();
                    slot.writer = null;
                }
            }
        }
        boolean now;
        synchronized (closing) {
            closeRequested = true;
            now = holds == 0;
        }
        if (now) {
            destroyKeys();
        }
        backend.close();
    }

    /**
     * Keeps this object open past {@link #close()} until the returned release runs (once; more runs do nothing): a
     * command's journal hook writes its entry after the command closed the repository when an OutOfMemoryError or a
     * signal ended it. close() then completes when the last hold is released.
     */
    public Runnable holdKeys() {
        synchronized (closing) {
            requireOpen();
            holds++;
        }
        java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                boolean last;
                synchronized (closing) {
                    last = --holds == 0 && closeRequested;
                }
                if (last) {
                    destroyKeys();
                }
            }
        };
    }

    private void destroyKeys() {
        Keys k = keys;
        closed = true;
        closeIdleSealers();
        java.util.Arrays.fill(masterKey, (byte) 0);
        k.destroy();
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("repository " + backend.location() + " is closed: open it again to use it");
        }
    }

    private byte[] masterKey() {
        requireOpen();
        return masterKey;
    }

    /** A new random ID for lock files. */
    static String randomName() {
        return UUID.randomUUID().toString();
    }
}
