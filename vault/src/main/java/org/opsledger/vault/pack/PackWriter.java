package org.opsledger.vault.pack;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.SecretKey;
import org.opsledger.vault.backend.Backend;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.crypto.Sealing;

/**
 * Streams sealed blobs of one type into an {@link Backend.Upload} and hashes them on the way, so a
 * pack is never held in memory: what a writer keeps is its blob list (one {@link PackedBlob} per
 * blob) and the upload's own buffer. Not thread-safe.
 */
public final class PackWriter {

    public static final int TARGET_SIZE = 16 * 1024 * 1024;
    /**
     * A pack is full at {@link #TARGET_SIZE} bytes or this many blobs, whichever comes first: the blobs of small files
     * (a few KiB each) would otherwise put ≈6,000 in a pack, tiny ones up to 200,000. An index file names no more
     * (docs/vault-format.md §7), so that it is written and read in bounded memory.
     */
    public static final int MAX_BLOBS = 16_384;
    public static final byte[] MAGIC = "OLVP".getBytes(StandardCharsets.US_ASCII);
    public static final byte VERSION = 1;
    public static final int TRAILER = 4 + 4 + 1;

    private final BlobType type;
    private final Backend.Upload out;
    private final SecretKey key;
    private final int epoch;
    private final MessageDigest sha256;
    private int size;
    private final List<PackedBlob> blobs = new ArrayList<>();

    /**
     * A pack sealed under key epoch {@code epoch}, with {@code key}: its blobs and its header, whatever rotation comes while
     * it is open (docs/vault-format.md §6: all blobs of one pack share one epoch).
     */
    public PackWriter(BlobType type, Backend.Upload out, SecretKey key, int epoch) {
        this.type = type;
        this.out = out;
        this.key = key;
        this.epoch = epoch;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public BlobType type() {
        return type;
    }

    /** The key epoch of every blob of this pack and of its header. */
    public int epoch() {
        return epoch;
    }

    /** The data key of {@link #epoch()}: what each blob added must be sealed under. */
    public SecretKey key() {
        return key;
    }

    /** Appends a blob already sealed under this pack's {@link #key()}. */
    public void add(ObjectId id, boolean compressed, int rawLength, byte[] sealed, int off, int len) {
        append(sealed, off, len);
        blobs.add(new PackedBlob(type, compressed, size, len, rawLength, id));
        size += len;
    }

    private void append(byte[] b, int off, int len) {
        out.write(b, off, len);
        sha256.update(b, off, len);
    }

    public boolean isFull() {
        return size >= TARGET_SIZE || blobs.size() >= MAX_BLOBS;
    }

    public boolean isEmpty() {
        return blobs.isEmpty();
    }

    public int size() {
        return size;
    }

    public List<PackedBlob> blobs() {
        return blobs;
    }

    /**
     * Appends the header, sealed under the pack's epoch, its length, magic and version, and returns the pack's ID (the
     * SHA-256 of all its bytes); the caller commits the upload under {@code data/<xx>/<id>}.
     */
    public ObjectId finish() {
        ByteBuffer header = ByteBuffer.allocate(blobs.size() * PackedBlob.HEADER_ENTRY_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (PackedBlob b : blobs) {
            header.put(b.type().code()).put((byte) (b.compressed() ? 1 : 0))
                    .putInt(b.offset()).putInt(b.length()).putInt(b.rawLength());
            header.order(ByteOrder.BIG_ENDIAN);
            b.id().writeTo(header);
            header.order(ByteOrder.LITTLE_ENDIAN);
        }
        byte[] sealedHeader = Sealing.seal(key, epoch, Sealing.Kind.PACK_HEADER, header.array());
        append(sealedHeader, 0, sealedHeader.length);
        byte[] trailer = new byte[TRAILER];
        ByteBuffer.wrap(trailer).order(ByteOrder.LITTLE_ENDIAN).putInt(sealedHeader.length).put(MAGIC).put(VERSION);
        append(trailer, 0, trailer.length);
        size += sealedHeader.length + TRAILER;
        return ObjectId.of(sha256.digest());
    }

    /** The upload the blobs go to. */
    public Backend.Upload upload() {
        return out;
    }
}
