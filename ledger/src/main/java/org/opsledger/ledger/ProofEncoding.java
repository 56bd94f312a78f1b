package org.opsledger.ledger;

import java.util.ArrayList;
import java.util.List;

/** Proof paths as raw bytes: hashes back to back, as RFC 9162 2.1.3 and 2.1.4 serialize them. */
final class ProofEncoding {

    private ProofEncoding() {
    }

    static byte[] concat(List<Hash> hashes) {
        byte[] bytes = new byte[hashes.size() * Hash.SIZE];
        for (int i = 0; i < hashes.size(); i++) {
            hashes.get(i).copyTo(bytes, i * Hash.SIZE);
        }
        return bytes;
    }

    static List<Hash> split(byte[] bytes, int maxHashes) {
        if (bytes.length % Hash.SIZE != 0 || bytes.length / Hash.SIZE > maxHashes) {
            throw new IllegalArgumentException("a proof path is at most " + maxHashes + " hashes of "
                    + Hash.SIZE + " bytes, got " + bytes.length + " bytes");
        }
        List<Hash> hashes = new ArrayList<>(bytes.length / Hash.SIZE);
        for (int offset = 0; offset < bytes.length; offset += Hash.SIZE) {
            hashes.add(Hash.of(bytes, offset));
        }
        return hashes;
    }
}
