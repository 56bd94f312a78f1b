package org.opsledger.ledger;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InMemoryHashStoreTest extends HashStoreContract {

    @Override
    protected HashStore newStore() {
        return new InMemoryHashStore();
    }

    @Test
    void refusesSubtreesOutOfOrderWithinALevel() {
        InMemoryHashStore store = new InMemoryHashStore();
        assertThatThrownBy(() -> store.put(SubtreeId.leaf(2), TreeHasher.EMPTY_ROOT))
                .isInstanceOf(IllegalStateException.class);
    }
}
