package org.opsledger.vault.pack;

import org.opsledger.vault.crypto.ObjectId;

/** One blob's entry in a pack header: where its sealed bytes are and how long it is once opened. */
public record PackedBlob(BlobType type, boolean compressed, int offset, int length, int rawLength, ObjectId id) {
    public static final int HEADER_ENTRY_SIZE = 1 + 1 + 4 + 4 + 4 + ObjectId.SIZE;
}
