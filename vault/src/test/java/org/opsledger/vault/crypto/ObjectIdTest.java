package org.opsledger.vault.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObjectIdTest {

    private static final ObjectId ID = ObjectId.parse("00112233445566778899aabbccddeeff102132435465768798a9bacbdcedfe0f");

    @Test
    void equalityTakesAllFourWordsIntoAccount() {
        assertThat(ObjectId.parse(ID.hex())).isEqualTo(ID).hasSameHashCodeAs(ID);
        assertThat(new ObjectId(ID.a() + 1, ID.b(), ID.c(), ID.d())).isNotEqualTo(ID);
        assertThat(new ObjectId(ID.a(), ID.b() + 1, ID.c(), ID.d())).isNotEqualTo(ID);
        assertThat(new ObjectId(ID.a(), ID.b(), ID.c() + 1, ID.d())).isNotEqualTo(ID);
        assertThat(new ObjectId(ID.a(), ID.b(), ID.c(), ID.d() + 1)).isNotEqualTo(ID);
        assertThat(ID).isNotEqualTo(null).isNotEqualTo(ID.hex());
    }

    @Test
    void anIdFindsItsEntryInAMapWhateverInstanceAsksAndOnlyThatOne() {
        Map<ObjectId, String> map = new HashMap<>();
        map.put(ID, "pack");
        map.put(new ObjectId(ID.a(), ID.b(), ID.c(), ~ID.d()), "other"); // same hash code, other ID
        assertThat(map.get(ObjectId.of(ID.bytes()))).isEqualTo("pack");
        assertThat(map).hasSize(2);
    }
}
