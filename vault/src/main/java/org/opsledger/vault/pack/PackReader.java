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

/** Reads a pack's header from the pack's bytes. */
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
