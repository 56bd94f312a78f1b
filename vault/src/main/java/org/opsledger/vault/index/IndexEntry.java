package org.opsledger.vault.index;

import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.pack.BlobType;

/** Where one blob lives. {@code pack} instances are shared across a pack's entries to keep memory small. */
public record IndexEntry(ObjectId pack, BlobType type, boolean compressed, int offset, int length, int rawLength) {
}
