package org.opsledger.vault.pack;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.SecretKey;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.crypto.Sealing;

/** Accumulates sealed blobs of one type in memory and finishes them into pack bytes. Not thread-safe. */
public final class PackWriter {

    public static final int TARGET_SIZE = 16 * 1024 * 1024;
    public static final byte[] MAGIC = "OLVP".getBytes(StandardCharsets.US_ASCII);
    public static final byte VERSION = 1;
    public static final int TRAILER = 4 + 4 + 1;

    private final BlobType type;
    private byte[] buf;
    private int size;
    private final List<PackedBlob> blobs = new ArrayList<>();

    public PackWriter(BlobType type) {
        this(type, null);
    }

    /** A writer that fills {@code spare} (the buffer of a pack already written) when it is large enough. */
    public PackWriter(BlobType type, byte[] spare) {
        this.type = type;
        // data packs: one allocation in the common case; tree packs are usually small and grow on demand
        int initial = type == BlobType.DATA ? TARGET_SIZE + 1024 * 1024 : 256 * 1024;
        this.buf = spare != null && spare.length >= initial ? spare : new byte[initial];
    }

    public BlobType type() {
        return type;
    }

    /** Appends an already sealed blob. */
    public void add(ObjectId id, boolean compressed, int rawLength, byte[] sealed, int off, int len) {
        ensure(size + len);
        System.arraycopy(sealed, off, buf, size, len);
        blobs.add(new PackedBlob(type, compressed, size, len, rawLength, id));
        size += len;
    }

    public boolean isFull() {
        return size >= TARGET_SIZE;
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

    /** The pack's bytes: blobs, sealed header, header length, magic, version (a copy; see {@link #finishInPlace}). */
    public byte[] finish(SecretKey key, int epoch) {
        int n = finishInPlace(key, epoch);
        return Arrays.copyOf(buf, n);
    }

    /** Appends header and trailer to the writer's own buffer and returns the pack's length; read it with {@link #buffer()}. */
    public int finishInPlace(SecretKey key, int epoch) {
        ByteBuffer header = ByteBuffer.allocate(blobs.size() * PackedBlob.HEADER_ENTRY_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (PackedBlob b : blobs) {
            header.put(b.type().code()).put((byte) (b.compressed() ? 1 : 0))
                    .putInt(b.offset()).putInt(b.length()).putInt(b.rawLength());
            header.order(ByteOrder.BIG_ENDIAN);
            b.id().writeTo(header);
            header.order(ByteOrder.LITTLE_ENDIAN);
        }
        byte[] sealedHeader = Sealing.seal(key, epoch, Sealing.Kind.PACK_HEADER, header.array());
        int total = size + sealedHeader.length + TRAILER;
        ensure(total);
        System.arraycopy(sealedHeader, 0, buf, size, sealedHeader.length);
        ByteBuffer.wrap(buf, size + sealedHeader.length, TRAILER).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(sealedHeader.length).put(MAGIC).put(VERSION);
        return total;
    }

    public byte[] buffer() {
        return buf;
    }

    private void ensure(int capacity) {
        if (capacity > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(capacity, Math.min(buf.length * 2, TARGET_SIZE + 9 * 1024 * 1024)));
        }
    }
}
