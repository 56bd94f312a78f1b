package org.opsledger.vault.index;

import java.util.ArrayList;
import java.util.List;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.VaultJson;
import org.opsledger.vault.chunker.Chunker;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.crypto.Sealing;
import org.opsledger.vault.pack.BlobType;
import org.opsledger.vault.pack.PackedBlob;
import org.opsledger.vault.repository.Repository;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Reads an index file's JSON (docs/vault-format.md §7) straight into an {@link Index} with Jackson's
 * streaming parser: the same result as binding it to {@link IndexFile} records (unknown properties
 * skipped; a pack or blob lacking one of its fields refused, as the binding refuses an absent
 * primitive), without the record binding, which at a command's cold start cost
 * about as much as decrypting the index. Every command that opens a repository reads the index.
 */
public final class IndexFileReader {

    private IndexFileReader() {
    }

    /** Adds every pack of the index file to the index. */
    public static void addTo(Index index, byte[] json) {
        try (JsonParser p = VaultJson.MAPPER.createParser(json)) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("packs".equals(field) && value == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        pack(p, index);
                    }
                } else if (!"packs".equals(field) || value != JsonToken.VALUE_NULL) {
                    p.skipChildren();
                }
            }
        }
    }

    private static void pack(JsonParser p, Index index) {
        String id = null;
        int epoch = 0;
        boolean hasEpoch = false;
        List<PackedBlob> blobs = new ArrayList<>();
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "id" -> id = p.getValueAsString();
                case "epoch" -> {
                    epoch = p.getIntValue();
                    hasEpoch = true;
                }
                case "blobs" -> {
                    if (value == JsonToken.START_ARRAY) {
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            blobs.add(blob(p));
                        }
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (!hasEpoch) {
            throw new VaultException("index entry for pack " + id + " has no epoch");
        }
        index.add(ObjectId.parse(id), epoch, blobs);
    }

    private static PackedBlob blob(JsonParser p) {
        String id = null;
        String type = null;
        int[] numbers = new int[3]; // offset, length, rawLength
        boolean compressed = false;
        int seen = 0; // one bit per primitive field: offset, length, rawLength, compressed
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "id" -> id = p.getValueAsString();
                case "type" -> type = p.getValueAsString();
                case "offset" -> seen |= number(p, numbers, 0);
                case "length" -> seen |= number(p, numbers, 1);
                case "rawLength" -> seen |= number(p, numbers, 2);
                case "compressed" -> {
                    compressed = p.getBooleanValue();
                    seen |= 8;
                }
                default -> p.skipChildren();
            }
        }
        if (type == null || seen != 15) {
            throw new VaultException("index entry " + id + " lacks its type, offset, length, rawLength or compressed field");
        }
        return blob(BlobType.valueOf(type.toUpperCase(java.util.Locale.ROOT)), compressed, numbers[0], numbers[1], numbers[2], id);
    }

    /**
     * An index entry, refused when its lengths are such as no blob of the vault's has: a restore allocated 2 GB for one
     * in a 26 KiB pack and ended out of memory, and check said nothing (a helper's, crafted by a holder of the password).
     */
    static PackedBlob blob(BlobType type, boolean compressed, int offset, int length, int rawLength, String id) {
        if (offset < 0 || length < Sealing.OVERHEAD || rawLength < 0 || length > Repository.sealedBound(rawLength)
                || type == BlobType.DATA && rawLength > Chunker.MAX_SIZE) {
            throw new VaultException("index entry " + id + " has lengths no blob of the vault's has (offset " + offset + ", length "
                    + length + ", rawLength " + rawLength + ")");
        }
        return new PackedBlob(type, compressed, offset, length, rawLength, ObjectId.parse(id));
    }

    /** Reads the current int into {@code into[i]}; returns the field's bit. */
    private static int number(JsonParser p, int[] into, int i) {
        into[i] = p.getIntValue();
        return 1 << i;
    }

    private static void expect(JsonToken got, JsonToken wanted) {
        if (got != wanted) {
            throw new VaultException("index file is not a JSON object (" + got + ")");
        }
    }
}
