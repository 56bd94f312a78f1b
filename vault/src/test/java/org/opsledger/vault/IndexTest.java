package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.index.Index;
import org.opsledger.vault.pack.BlobType;
import org.opsledger.vault.pack.PackedBlob;

class IndexTest {

    private static final ObjectId BLOB = new ObjectId(1, 2, 3, 4);
    private static final ObjectId OLD_PACK = new ObjectId(9, 9, 9, 9);
    private static final ObjectId NEW_PACK = new ObjectId(8, 8, 8, 8);

    @Test
    void aMaintenanceIndexListsEveryPackEvenWhenABlobIsStoredTwice() {
        Index full = new Index(true);
        full.add(OLD_PACK, 1, List.of(new PackedBlob(BlobType.DATA, false, 0, 100, 68, BLOB)));
        full.add(NEW_PACK, 2, List.of(new PackedBlob(BlobType.DATA, false, 0, 100, 68, BLOB)));
        assertThat(full.byPack()).containsOnlyKeys(OLD_PACK, NEW_PACK); // retire and prune rewrite the index from this
        assertThat(full.get(BLOB).pack()).isEqualTo(OLD_PACK);
    }

    @Test
    void theLeanIndexKeepsOneLocationPerBlob() {
        Index lean = new Index();
        lean.add(OLD_PACK, 1, List.of(new PackedBlob(BlobType.DATA, false, 0, 100, 68, BLOB)));
        lean.add(NEW_PACK, 2, List.of(new PackedBlob(BlobType.DATA, false, 0, 100, 68, BLOB)));
        assertThat(lean.size()).isEqualTo(1);
        assertThat(lean.byPack()).containsOnlyKeys(OLD_PACK);
    }
}
