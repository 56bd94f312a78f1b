package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.snapshot.LegalHold;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.NodeType;
import org.opsledger.vault.snapshot.Tree;

class VaultJsonTest {

    @Test
    void aTreeRoundTripsWithHexIdsAndLowerCaseTypesAndNoNulls() {
        ObjectId id = new ObjectId(1, 2, 3, 4);
        Tree tree = new Tree(List.of(new Node("a", NodeType.FILE, 0644, 5, 6, 7, 8, 0, 0, 9, List.of(id), null, null)));
        String json = VaultJson.writeString(tree);
        assertThat(json).contains("\"type\":\"file\"").contains(id.hex()).doesNotContain("null");
        assertThat(VaultJson.read(json.getBytes(), Tree.class)).isEqualTo(tree);
    }

    @Test
    void aMissingNumberIsRejectedNotReadAsZero() {
        // Jackson 3 fails on null for primitives: a truncated or hand-edited tree cannot pass as mode 0 / size 0
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> VaultJson.read(
                "{\"nodes\":[{\"name\":\"a\",\"type\":\"file\"}]}".getBytes(), Tree.class))
                .isInstanceOf(tools.jackson.core.JacksonException.class);
    }

    @Test
    void aHoldRecordWrittenBeforeHoldsForSeveralMattersReadsAsHeldForOne() {
        ObjectId id = new ObjectId(1, 2, 3, 4);
        LegalHold old = VaultJson.read(("{\"snapshot\":\"" + id.hex() + "\",\"reason\":\"litigation 2026-17\",\"heldBy\":\"counsel\","
                + "\"heldAt\":\"2026-12-01T10:00:00Z\",\"storeHolds\":[]}").getBytes(), LegalHold.class);
        assertThat(old.alsoHeldFor()).isEmpty();
        assertThat(old.matters()).containsExactly(new LegalHold.Matter("litigation 2026-17", "counsel", java.time.Instant.parse("2026-12-01T10:00:00Z")));
        LegalHold two = old.alsoFor(new LegalHold.Matter("audit AUD-9", "auditor", java.time.Instant.parse("2026-12-02T10:00:00Z")));
        assertThat(VaultJson.read(VaultJson.write(two), LegalHold.class)).isEqualTo(two);
        assertThat(VaultJson.writeString(two)).as("only the components: matters() is derived").doesNotContain("\"matters\"");
    }
}
