package org.opsledger.vault.pack;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.crypto.Sealing;

/** Reads a pack's header from the pack's bytes, and the blobs of one whose header is lost. */
public final class PackReader {

    private PackReader() {
    }

    /** The blobs a whole pack lists; throws {@link CorruptPackException} when the trailer or header is damaged. */
    public static List<PackedBlob> header(byte[] pack, IntFunction<SecretKey> keyForEpoch) {
        return header(pack, 0, keyForEpoch);
    }

    /**
     * The blobs a pack lists, from its last bytes: {@code pack} holds the pack's bytes from offset
     * {@code packOffset} to its end (at least the header and trailer); entries are checked against the whole pack.
     */
    public static List<PackedBlob> header(byte[] pack, long packOffset, IntFunction<SecretKey> keyForEpoch) {
        if (pack.length < PackWriter.TRAILER) {
            throw new CorruptPackException("pack shorter than its trailer");
        }
        ByteBuffer trailer = ByteBuffer.wrap(pack, pack.length - PackWriter.TRAILER, PackWriter.TRAILER).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = trailer.getInt();
        byte[] magic = new byte[4];
        trailer.get(magic);
        byte version = trailer.get();
        if (!Arrays.equals(magic, PackWriter.MAGIC) || version != PackWriter.VERSION) {
            throw new CorruptPackException("pack trailer has wrong magic or version");
        }
        int headerStart = pack.length - PackWriter.TRAILER - headerLength;
        if (headerLength < Sealing.OVERHEAD || headerStart < 0) {
            throw new CorruptPackException("pack header length " + headerLength + " out of range");
        }
        int epoch = Sealing.epochOf(pack, headerStart);
        byte[] plain;
        try {
            plain = Sealing.open(keyForEpoch.apply(epoch), Sealing.Kind.PACK_HEADER, pack, headerStart, headerLength);
        } catch (AEADBadTagException e) {
            throw new CorruptPackException("pack header fails authentication");
        }
        if (plain.length % PackedBlob.HEADER_ENTRY_SIZE != 0) {
            throw new CorruptPackException("pack header has a partial entry");
        }
        List<PackedBlob> blobs = new ArrayList<>();
        ByteBuffer h = ByteBuffer.wrap(plain).order(ByteOrder.LITTLE_ENDIAN);
        while (h.hasRemaining()) {
            BlobType type = BlobType.ofCode(h.get());
            boolean compressed = h.get() != 0;
            int offset = h.getInt();
            int length = h.getInt();
            int raw = h.getInt();
            ObjectId id = ObjectId.of(plain, h.position());
            h.position(h.position() + ObjectId.SIZE);
            if (offset < 0 || length < 0 || (long) offset + length > packOffset + headerStart) {
                throw new CorruptPackException("pack header entry out of range");
            }
            blobs.add(new PackedBlob(type, compressed, offset, length, raw, id));
        }
        return blobs;
    }

    /** A sealed blob {@link #sealedBlobs} found: where it lies in the pack, and its plaintext. */
    public record Found(int offset, int length, byte[] plain) {
    }

    /** Places after a unit's start where {@link #sealedBlobs} tries to close it before it takes the unit for damaged. */
    static final int ENDS_TRIED = 8;

    /**
     * The blobs of a pack read without its header (cut short, its index file lost: §6), {@code pack[0, length)}: blob_1 ‖
     * blob_2 ‖ … from byte 0, each a sealed unit (epoch ‖ nonce ‖ ciphertext ‖ tag, §5) that says nothing of its length. A
     * unit ends where the next one begins, at a place whose first four bytes name an epoch of {@code keys} (random
     * ciphertext does so once in 2^32 / epochs places), or where the bytes end; it is handed to {@code each} when it
     * authenticates as a blob there, its GCM tag proving its bytes and its end. When none of the next {@link #ENDS_TRIED}
     * places closes it (a damaged byte in it, the cut within it), the search goes on at the next place that names an epoch.
     * Each byte is decrypted about once: the pack's memory and one blob's.
     */
    public static void sealedBlobs(byte[] pack, int length, java.util.Map<Integer, SecretKey> keys, java.util.function.Consumer<Found> each) {
        SecretKey[] byEpoch = new SecretKey[keys.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1];
        keys.forEach((epoch, key) -> {
            if (epoch >= 0) {
                byEpoch[epoch] = key;
            }
        });
        int start = nextStart(pack, length, byEpoch, 0);
        while (start < length) {
            SecretKey key = byEpoch[Sealing.epochOf(pack, start)];
            int end = nextEnd(pack, length, byEpoch, start + Sealing.OVERHEAD);
            boolean found = false;
            for (int tried = 0; tried < ENDS_TRIED && end <= length; tried++, end = nextEnd(pack, length, byEpoch, end + 1)) {
                try {
                    byte[] plain = Sealing.open(key, Sealing.Kind.BLOB, pack, start, end - start);
                    each.accept(new Found(start, end - start, plain));
                    found = true;
                    break;
                } catch (AEADBadTagException notThere) {
                    // not this end, or not a unit that starts here
                }
            }
            start = nextStart(pack, length, byEpoch, found ? end : start + 1);
        }
    }

    /** The first place from {@code from} where a unit may begin (it names an epoch of ours and has room), else {@code length}. */
    private static int nextStart(byte[] pack, int length, SecretKey[] byEpoch, int from) {
        for (int p = from; p + Sealing.OVERHEAD <= length; p++) {
            if (namesEpoch(pack, p, byEpoch)) {
                return p;
            }
        }
        return length;
    }

    /** The first place from {@code from} where a unit may end: the next may begin there, or the bytes end; past them, {@code length + 1}. */
    private static int nextEnd(byte[] pack, int length, SecretKey[] byEpoch, int from) {
        for (int p = from; p + 4 <= length; p++) {
            if (namesEpoch(pack, p, byEpoch)) {
                return p;
            }
        }
        return from <= length ? length : length + 1;
    }

    /** Whether the four bytes at {@code p} name an epoch {@code byEpoch} has a key of (big-endian, §5). */
    private static boolean namesEpoch(byte[] pack, int p, SecretKey[] byEpoch) {
        int epoch = (pack[p] & 0xff) << 24 | (pack[p + 1] & 0xff) << 16 | (pack[p + 2] & 0xff) << 8 | pack[p + 3] & 0xff;
        return epoch >= 0 && epoch < byEpoch.length && byEpoch[epoch] != null;
    }

    /** The epoch a pack was sealed under, from its header unit. */
    public static int epoch(byte[] pack) {
        ByteBuffer trailer = ByteBuffer.wrap(pack, pack.length - PackWriter.TRAILER, 4).order(ByteOrder.LITTLE_ENDIAN);
        return Sealing.epochOf(pack, pack.length - PackWriter.TRAILER - trailer.getInt());
    }

    /** A pack that cannot be parsed or authenticated. */
    public static final class CorruptPackException extends org.opsledger.vault.VaultException {
        public CorruptPackException(String message) {
            super(message);
        }
    }
}
