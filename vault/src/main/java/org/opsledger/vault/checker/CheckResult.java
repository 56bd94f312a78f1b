package org.opsledger.vault.checker;

import java.util.List;

/**
 * The outcome of a check: errors make it fail; warnings (unreferenced packs, stale locks) do not.
 *
 * @param packsInNoIndex packs in data/ no index names (nor condemned/): `vault repair` indexes again each whose header reads
 */
public record CheckResult(int snapshots, int packs, int packsRead, long bytesRead, List<String> errors,
                          List<String> warnings, List<DamagedPack> damagedPacks, int packsInNoIndex) {

    public boolean ok() {
        return errors.isEmpty();
    }

    /**
     * A pack whose bytes are not what its name and header promise, with the snapshots and files that need it.
     * {@code unwalked}: the snapshots whose trees could not all be read (a tree missing or damaged), of which what they
     * need of this pack is not known; empty when every snapshot's trees were read.
     */
    public record DamagedPack(String pack, String problem, List<String> blobs, List<String> snapshots, List<String> files,
                              List<String> unwalked) {
    }
}
