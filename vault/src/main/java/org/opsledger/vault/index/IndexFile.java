package org.opsledger.vault.index;

import java.util.List;

/** The JSON form of one index file. */
public record IndexFile(List<Pack> packs) {

    public record Pack(String id, int epoch, List<Blob> blobs) {
    }

    public record Blob(String id, String type, int offset, int length, int rawLength, boolean compressed) {
    }
}
