package org.opsledger.audit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.opsledger.IntegrationTest;
import org.opsledger.ledger.HashStore;
import org.opsledger.ledger.HashStoreContract;
import org.opsledger.ledger.InclusionProof;
import org.opsledger.ledger.MerkleTree;
import org.opsledger.ledger.ProofBuilder;
import org.opsledger.ledger.TreeHasher;

/** The PostgreSQL hash store keeps the ledger's store rules (HashStoreContract from the ledger test-jar). */
class PostgresHashStoreIntegrationTest extends IntegrationTest {

    private static final AtomicInteger TABLES = new AtomicInteger();
    private final List<String> created = new ArrayList<>();

    /** A fresh, empty table shaped like audit_subtree (which the running integrator is filling). */
    PostgresHashStore freshStore() {
        String table = "hash_store_contract_" + TABLES.incrementAndGet();
        jdbc.sql("CREATE TABLE " + table + " (LIKE " + PostgresHashStore.TABLE + " INCLUDING ALL)").update();
        created.add(table);
        return new PostgresHashStore(jdbc, table);
    }

    @AfterEach
    void dropTables() {
        created.forEach(table -> jdbc.sql("DROP TABLE " + table).update());
        created.clear();
    }

    @Nested
    class Contract extends HashStoreContract {
        @Override
        protected HashStore newStore() {
            return freshStore();
        }
    }

    @Test
    void servesProofsOfALargerTreeThatVerify() {
        PostgresHashStore store = freshStore();
        MerkleTree tree = MerkleTree.create(store);
        TreeHasher hasher = new TreeHasher();
        List<byte[]> batch = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            batch.add(("entry " + i).getBytes());
            if (batch.size() == 97) {
                tree.appendAll(batch);
                batch = new ArrayList<>();
            }
        }
        tree.appendAll(batch);
        assertThat(store.count(0)).isEqualTo(1000);
        assertThat(store.count(1)).isEqualTo(500);
        ProofBuilder proofs = new ProofBuilder(store);
        for (long index : new long[] {0, 1, 511, 512, 999}) {
            InclusionProof proof = proofs.inclusionProof(index, 1000);
            assertThat(proof.verify(hasher.leafHash(("entry " + index).getBytes()), tree.root())).isTrue();
            assertThat(proof.verify(hasher.leafHash(("entry " + (index + 1)).getBytes()), tree.root())).isFalse();
        }
        assertThat(proofs.consistencyProof(333, 1000).verify(proofs.rootAt(333), tree.root())).isTrue();
        assertThat(MerkleTree.resume(store, 1000).root()).isEqualTo(tree.root());
    }
}
