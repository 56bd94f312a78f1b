package org.opsledger.vault.backend;

import java.util.List;
import java.util.OptionalLong;

/**
 * Storage of repository files by name ("config", "keys/ab…", "data/ab/ab…"). Every write is atomic
 * and durable when it returns: a reader sees the whole file or no file.
 */
public interface Backend extends AutoCloseable {

    /** A URL-like description: a path or s3://bucket/prefix. */
    String location();

    boolean exists(String name);

    byte[] read(String name);

    /**
     * A tree pack read whole ({@code data/<xx>/<pack-id>}): what every later command that walks the snapshots' trees reads
     * again (ls, restore, an incremental backup). This default is {@link #read}; a
     * {@link org.opsledger.vault.cache.MetadataCache} keeps it on the local disk. A data pack is never read so.
     */
    default byte[] readTreePack(String name) {
        return read(name);
    }

    /**
     * The repository's index was just read whole: {@code indexed} tells whether it names a pack ({@code data/<xx>/<id>}).
     * This default does nothing; a {@link org.opsledger.vault.cache.MetadataCache} deletes its copies of the packs no
     * longer named (another host's prune deleted them).
     */
    default void indexRead(java.util.function.Predicate<String> indexed) {
    }

    /**
     * The ID of the key slot that opened this repository last on this host, which opening tries first; null when
     * nothing here remembers one. This default remembers none; a {@link org.opsledger.vault.cache.MetadataCache} does.
     */
    default String keySlotOpenedLast() {
        return null;
    }

    /** Key slot {@code id} opened the repository: remembered for {@link #keySlotOpenedLast} where anything here remembers. */
    default void keySlotOpened(String id) {
    }

    byte[] readRange(String name, long offset, int length);

    /**
     * Reads {@code length} bytes from {@code offset} into {@code into[0, length)}: a caller that reads
     * many ranges (restore) keeps one buffer instead of a new megabyte array per range. This default
     * copies what {@link #readRange(String, long, int)} returns.
     */
    default void readRange(String name, long offset, int length, byte[] into) {
        System.arraycopy(readRange(name, offset, length), 0, into, 0, length);
    }

    long size(String name);

    /**
     * The file's bytes as a stream, read as they are consumed ({@code check --read-data} reads packs
     * this way, blob by blob); this default reads the whole file first.
     */
    default java.io.InputStream stream(String name) {
        return new java.io.ByteArrayInputStream(read(name));
    }

    /** Writes the file atomically, replacing any previous file of that name. */
    default void write(String name, byte[] data) {
        write(name, data, 0, data.length);
    }

    /** Writes {@code data[off, off+len)} as the whole file, atomically. */
    void write(String name, byte[] data, int off, int len);

    /**
     * Deletes the file, durably: when this returns the deletion survives a power cut (a local disk's directory is
     * {@code fsync}ed; an object store's DELETE is durable when answered). A file that is not there is no error.
     */
    void delete(String name);

    /**
     * Deletes each of the files, in their order, durably when this returns, as {@link #delete} does: on a local disk each
     * directory they are in is {@code fsync}ed once, after the last of them (a prune deletes thousands of packs, from 256
     * directories). Whatever a deletion makes safe (the new index, a snapshot's removal before its data's) is written or
     * deleted before; an unlink a power cut undid brought back a retired epoch's index files after its key was destroyed,
     * and a record a rewrite had taken a secret out of (a helper's, with a filesystem that keeps only what was fsynced).
     * One piece of code with {@link #deletions}: each name deleted in it, the batch closed.
     */
    default void deleteAll(java.util.Collection<String> names) {
        try (Deletions batch = deletions()) {
            names.forEach(batch::delete);
        }
    }

    /**
     * Deletions made one at a time and durable together, as {@link #deleteAll}'s are, for a command that looks at the store
     * between two of them: a forget reads a snapshot's hold again once its file is gone, and fsynced {@code snapshots/} once
     * a snapshot (999 times for 999 snapshots).
     */
    interface Deletions extends AutoCloseable {
        /** Deletes the file now: no reader finds it once this returns. A file that is not there is no error. */
        void delete(String name);

        /** Makes every deletion so far durable (on a local disk, one fsync of each directory they were in). */
        @Override
        void close();
    }

    /** Deletions durable once the batch is closed ({@link Deletions}). This default deletes each durably as it goes. */
    default Deletions deletions() {
        return new Deletions() {
            @Override
            public void delete(String name) {
                Backend.this.delete(name);
            }

            @Override
            public void close() {
            }
        };
    }

    /**
     * Overwrites a file with random bytes, then deletes it: the end of a key slot or the keyring (disposal, IS.012
     * 6.6.6.4). This default writes a file of random bytes in its place and deletes that; on an object store that is a
     * new object, or a new version in a bucket that keeps versions, whose older ones the bucket's lifecycle must expire.
     */
    default void shred(String name) {
        byte[] noise = new byte[(int) size(name)];
        new java.security.SecureRandom().nextBytes(noise);
        write(name, noise);
        delete(name);
    }

    /**
     * Why no new repository may be made here, or null: the location is inside a vault repository (a directory or prefix
     * above it holds a {@code config} and a {@code keyring}), or, on an object store, objects are under the prefix already
     * (a local directory that is not empty is refused where it is made). Each repository's commands take every file below
     * them for their own: `vault unlock` on s3://bucket/team deleted a repository made at s3://bucket/team/locks as
     * unreadable lock files, and a retried init left a dead key slot beside the new one (a helper's).
     */
    default String refusesNewRepository() {
        return null;
    }

    /** Makes the place of a new repository, refusing one that holds anything (a local directory); a prefix needs nothing. */
    default void createRoot() {
    }

    /**
     * Files a killed writer left in {@code dir} ("" for the repository's root), not below it: written before they would
     * have been renamed into place, and never read. In the root and {@code keys/} they may hold key material (a keyring a
     * stopped `key rotate` wrote, a slot a stopped `key add` wrote), which a retirement and a disposal must destroy too.
     * This default has none: an object store writes a file whole or not at all.
     */
    default List<String> unfinishedWrites(String dir) {
        return List.of();
    }

    /**
     * Deletes a file that held key material (a removed key slot, a replaced keyring), overwriting it first where the
     * store can and no other name holds it. This default deletes: on an object store the bucket's lifecycle expires
     * what a versioned bucket keeps.
     */
    default void discard(String name) {
        delete(name);
    }

    /**
     * Renames {@code from} to {@code to} within the store (a damaged file kept aside under damaged/): on a local disk no
     * room is needed. This default copies and deletes.
     */
    default void move(String from, String to) {
        write(to, read(from));
        delete(from);
    }

    /**
     * Writes {@code data} as the whole file, atomically, and overwrites what it replaces where the store can (the
     * keyring: a rotation or retirement replaces it, and the old one, which holds keys, must not stay readable on the
     * disk's free blocks). This default is {@link #write}: an object store keeps no old bytes but a version its bucket's
     * lifecycle must expire.
     */
    default void replaceShredding(String name, byte[] data) {
        write(name, data);
    }

    /** Where {@link #replaceShredding} keeps the file it replaces, by a second name, until it has overwritten it. */
    static String shreddingOf(String name) {
        return name + ".shredding";
    }

    /**
     * The old file a {@link #replaceShredding} of {@code name} killed after its rename left ({@code NAME.shredding}, not
     * the file in use), or null: it holds what was replaced, a retired epoch's key in an old keyring. This default names
     * any such file: on an object store it is never the file in use, but one a file-level copy or upload of a local
     * repository brought along (a tester's: it survived `key retire` in the bucket, and check said nothing).
     */
    default String replacedLeftBehind(String name) {
        return exists(shreddingOf(name)) ? shreddingOf(name) : null;
    }

    /**
     * Discards what a {@link #replaceShredding} of {@code name} killed after its rename left of the file it replaced (the
     * old keyring, with a retired epoch's key), as that replacement would have; the file in use is never touched. This
     * default discards what {@link #replacedLeftBehind} names.
     */
    default void discardReplaced(String name) {
        String left = replacedLeftBehind(name);
        if (left != null) {
            discard(left);
        }
    }

    /**
     * A file written piece by piece and named only when it is complete (a pack is named by the
     * SHA-256 of its bytes, known at its end). Nothing is visible under any name until
     * {@link #commit}; {@link #close} without a commit discards what was written.
     */
    interface Upload extends AutoCloseable {
        void write(byte[] data, int off, int len);

        /** Makes the bytes written so far the whole file {@code name}, atomically and durably. */
        void commit(String name);

        @Override
        void close();
    }

    /**
     * Starts an {@link Upload}. This default collects the bytes in memory and hands them to
     * {@link #write(String, byte[], int, int)}; the local and S3 backends override it so that a
     * pack never sits whole in the heap (docs/vault-format.md §7).
     */
    default Upload upload() {
        Backend self = this;
        return new Upload() {
            private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();

            @Override
            public void write(byte[] data, int off, int len) {
                bytes.write(data, off, len);
            }

            @Override
            public void commit(String name) {
                byte[] b = bytes.toByteArray();
                self.write(name, b, 0, b.length);
            }

            @Override
            public void close() {
                bytes.reset();
            }
        };
    }

    /** Names of the files under a directory ("data", "snapshots"), recursively, full names. */
    List<String> list(String dir);

    /**
     * The files {@link #list} names, each with its size in bytes, in the same order: an S3 listing carries each object's
     * size, and asking {@link #size} of each again was a HEAD per file (`vault stats` of 200 packs sent 200, 37 s 25 ms
     * from the store: a helper's). A file gone between its directory's listing and its size is left out.
     */
    java.util.SortedMap<String, Long> listSizes(String dir);

    /**
     * Why the store may keep what the vault overwrites or deletes as older versions, in words for a message ("the bucket
     * ops has versioning Enabled"), or null when it keeps none: a destroyed key stays readable there (vault-format.md §3).
     */
    default String keepsOldVersions() {
        return null;
    }

    /**
     * True when the store itself enforces legal holds on objects (an S3 bucket with Object Lock
     * enabled); a held object version cannot be deleted or overwritten until its hold is lifted.
     */
    default boolean supportsLegalHold() {
        return false;
    }

    /** Places the store's legal hold on the current version of a file; returns that version's ID (null if unversioned). */
    default String placeLegalHold(String name) {
        throw new UnsupportedOperationException(location() + " has no object-level legal hold");
    }

    /**
     * Lifts the store's legal hold from one version of a file; a version this store does not hold (deleted since, or one
     * of the bucket the repository was copied from) is a {@link MissingFileException}.
     */
    default void liftLegalHold(String name, String versionId) {
        throw new UnsupportedOperationException(location() + " has no object-level legal hold");
    }

    /** Whether the store's legal hold is on the current version of a file (asked of a store that {@link #supportsLegalHold}). */
    default boolean legalHoldOn(String name) {
        return false;
    }

    /** The filesystem device ID of the repository, for the IS.012 6.6.6 same-media rule; empty for remote stores. */
    OptionalLong device();

    /** The repository's directory when it is on a local filesystem (a backup of a path holding it leaves it out). */
    default java.util.Optional<java.nio.file.Path> localDirectory() {
        return java.util.Optional.empty();
    }

    /**
     * What the store itself says of a repository whose config is absent, when it says more (an S3 bucket that does not
     * exist: a HEAD of the config answers 404 either way), or null.
     */
    default String missingStore() {
        return null;
    }

    /**
     * Whether a read that fails says the stored bytes are lost (a local disk's I/O error: the medium cannot give them
     * back, and repair keeps what still reads), rather than that the store did not answer. An object store's failed GET,
     * after the client's retries, is the network or the store, never the object: damage there shows as bytes that do not
     * match their name. On S3 a repair that took a throttled store's 503s for damage deleted an intact pack and kept
     * zeros of it (a helper's). Asked through {@link #isDamage}.
     */
    default boolean readFailureIsDamage() {
        return true;
    }

    /**
     * Whether {@code failure}, a read of a file that is there (a file gone is the caller's to tell), says its stored bytes
     * are lost: the one place that decides, for check, repair, prune and every listing that reports a file that does not
     * read. Never a file this user may not read ({@link PermissionDeniedException}: another user's, in a repository
     * several users write to; a repair that took it for damage kept zeros of it and deleted it, a tester's), nor what is
     * no file ({@link NotAFileException}: a FIFO under an object's name), nor, where
     * {@link #readFailureIsDamage} says so, a store that did not answer. Asked of {@link #store()}.
     */
    default boolean isDamage(Exception failure) {
        return !(failure instanceof PermissionDeniedException || failure instanceof NotAFileException) && store().readFailureIsDamage();
    }

    /** The store itself, under any limit put on its transfers ({@link ThrottledBackend}): what a local-disk check asks of it. */
    default Backend store() {
        return this;
    }

    @Override
    default void close() {
    }
}
