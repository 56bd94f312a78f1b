package org.opsledger.audit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.IntegrationTest;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.opsledger.ledger.ConsistencyProof;
import org.opsledger.ledger.Hash;
import org.opsledger.ledger.ProofBuilder;
import org.opsledger.ledger.TreeFrontier;
import org.opsledger.ledger.note.Checkpoint;
import org.opsledger.ledger.note.NoteRejectedException;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Two server nodes on one PostgreSQL (issue 3): two integrators on the same database, stepping as
 * fast as they can while entries are written. Exactly one leads at a time, the other takes over when
 * it goes, and the result is one tree that agrees with the table. The same holds when the leader's
 * session dies in the middle of its work, again and again.
 */
class TwoIntegratorsIntegrationTest extends IntegrationTest {

    @Autowired
    LedgerIntegration integration;

    @Autowired
    AuditTrail trail;

    @Autowired
    LogIdentity identity;

    @Autowired
    javax.sql.DataSource dataSource;

    @Test
    void exactlyOneIntegratesAtATimeAndTheTreeStaysOne() throws Exception {
        integration.stop(); // this context's own node steps aside; two "nodes" compete below
        long firstCheckpoint = jdbc.sql("SELECT coalesce(max(id), 0) FROM audit_checkpoint").query(Long.class).single();
        LedgerIntegrator a = integration.newIntegrator();
        LedgerIntegrator b = integration.newIntegrator();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            Map<String, AtomicInteger> led = new ConcurrentHashMap<>(Map.of("a", new AtomicInteger(), "b", new AtomicInteger()));
            AtomicBoolean bothLed = new AtomicBoolean();
            AtomicBoolean running = new AtomicBoolean(true);
            List<Future<?>> work = new ArrayList<>();
            work.add(threads.submit(() -> write(200, "two.first")));
            work.add(threads.submit(() -> write(200, "two.first")));
            for (var node : List.of(Map.entry("a", a), Map.entry("b", b))) {
                LedgerIntegrator other = node.getValue() == a ? b : a;
                work.add(threads.submit(() -> {
                    while (running.get()) {
                        if (node.getValue().step() instanceof LedgerIntegrator.Step.Led) {
                            led.get(node.getKey()).incrementAndGet();
                            if (other.isLeader()) {
                                bothLed.set(true);
                            }
                        }
                    }
                }));
            }
            work.get(0).get();
            work.get(1).get();
            Thread.sleep(300);
            running.set(false);
            work.get(2).get();
            work.get(3).get();
            assertThat(bothLed).isFalse();
            assertThat(led.values()).as("steps led by a and b").filteredOn(n -> n.get() > 0).hasSize(1);
            assertTableAndTreeAgree();

            // The leader goes away (its node stops); the other takes over and carries on the same tree.
            LedgerIntegrator leader = a.isLeader() ? a : b;
            LedgerIntegrator successor = leader == a ? b : a;
            assertThat(successor.step()).isInstanceOf(LedgerIntegrator.Step.Follower.class);
            leader.close();
            write(50, "two.second");
            assertThat(successor.step()).isInstanceOf(LedgerIntegrator.Step.Led.class);
            assertTableAndTreeAgree();
            assertEveryCheckpointExtendsTheOneBefore(firstCheckpoint);
        } finally {
            threads.shutdownNow();
            a.close();
            b.close();
            integration.start();
        }
    }

    @Test
    void aLeaderWhoseSessionDiesMidWriteLeavesATreeThatAgreesWithTheTable() throws Exception {
        // What a node's crash looks like to PostgreSQL: its session ends, its transaction rolls back,
        // its lock is released. Here this context's own integrator loses its session again and again.
        long firstCheckpoint = jdbc.sql("SELECT coalesce(max(id), 0) FROM audit_checkpoint").query(Long.class).single();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                writers.add(threads.submit(() -> {
                    for (int batch = 0; batch < 40; batch++) {
                        write(10, "crash.write");
                        Thread.sleep(25); // spread the writes over the kills
                    }
                    return null;
                }));
            }
            int killed = 0;
            while (writers.stream().anyMatch(w -> !w.isDone())) {
                killed += jdbc.sql("""
                        SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_locks
                        WHERE locktype = 'advisory' AND granted AND ((classid::bigint << 32) | objid::bigint) = ?""")
                        .param(LedgerIntegrator.LEADER_LOCK).query(Integer.class).single();
                Thread.sleep(40);
            }
            for (Future<?> writer : writers) {
                writer.get();
            }
            assertThat(killed).as("leader sessions terminated").isGreaterThanOrEqualTo(3);
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50)).until(() -> jdbc.sql("""
                    SELECT count(*) FROM audit_entry a WHERE NOT EXISTS (SELECT 1 FROM audit_leaf l WHERE l.entry_id = a.id)""")
                    .query(Long.class).single() == 0 && integration.isLeader());
            await().atMost(Duration.ofMinutes(2)).untilAsserted(this::assertTableAndTreeAgree);
            assertEveryCheckpointExtendsTheOneBefore(firstCheckpoint);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aNodeWhoseKeyFileHoldsAnotherKeyNeverSigns(@TempDir Path elsewhere) {
        // a second node started with its own data folder: it creates a key of its own
        LogIdentity stranger = LogIdentity.resolve(jdbc, elsewhere.resolve("audit-signing.key"), "opsledger/other-node");
        assertThat(stranger.origin()).isEqualTo(identity.origin()); // the log keeps the name it was founded with
        assertThat(stranger.published()).isEqualTo(identity.published());
        assertThat(stranger.signer()).isEmpty();
        try (LedgerIntegrator integrator = new LedgerIntegrator(dataSource, stranger, "opsledger/other-node",
                java.time.Clock.systemUTC(), Duration.ZERO, 100)) {
            assertThat(integrator.step()).isInstanceOf(LedgerIntegrator.Step.CannotSign.class);
            assertThat(integrator.isLeader()).isFalse();
        }
        assertThat(jdbc.sql("SELECT count(*) FROM audit_checkpoint WHERE signed_by = 'opsledger/other-node'")
                .query(Long.class).single()).isZero();
    }

    private void write(int entries, String action) {
        for (int i = 0; i < entries; i++) {
            trail.recordIndependently(AuditEvent.of(action, Access.UPDATE, "node-test", Integer.toString(i)));
        }
    }

    /** Every row of the table is exactly one leaf, the leaves are 0..n-1, and they hash to the latest checkpoint. */
    private void assertTableAndTreeAgree() throws NoteRejectedException {
        Map<String, Object> counts = jdbc.sql("""
                SELECT (SELECT count(*) FROM audit_entry) AS entries, (SELECT count(*) FROM audit_leaf) AS leaves,
                       (SELECT coalesce(max(leaf_index) + 1, 0) FROM audit_leaf) AS size,
                       (SELECT count(*) FROM audit_entry a WHERE NOT EXISTS
                           (SELECT 1 FROM audit_leaf l WHERE l.entry_id = a.id)) AS missing""").query().singleRow();
        assertThat(counts.get("missing")).as("entries not in the tree").isEqualTo(0L);
        assertThat(counts.get("leaves")).isEqualTo(counts.get("entries")).isEqualTo(counts.get("size"));
        TreeFrontier recomputed = new TreeFrontier();
        jdbc.sql("SELECT a.body FROM audit_leaf l JOIN audit_entry a ON a.id = l.entry_id ORDER BY l.leaf_index")
                .query(String.class).stream().forEach(body -> recomputed.append(body.getBytes(StandardCharsets.UTF_8)));
        String note = jdbc.sql("SELECT note FROM audit_checkpoint ORDER BY id DESC LIMIT 1").query(String.class).single();
        Checkpoint latest = Checkpoint.open(note, identity.published());
        assertThat(latest.size()).isEqualTo(recomputed.size());
        assertThat(latest.rootHash()).isEqualTo(recomputed.root());
    }

    private void assertEveryCheckpointExtendsTheOneBefore(long sinceId) {
        List<Map<String, Object>> checkpoints = jdbc.sql(
                "SELECT tree_size, root_hash FROM audit_checkpoint WHERE id >= ? ORDER BY id").param(sinceId).query().listOfRows();
        assertThat(checkpoints).hasSizeGreaterThanOrEqualTo(2);
        ProofBuilder proofs = new ProofBuilder(new PostgresHashStore(jdbc));
        for (int i = 1; i < checkpoints.size(); i++) {
            long size1 = (Long) checkpoints.get(i - 1).get("tree_size");
            long size2 = (Long) checkpoints.get(i).get("tree_size");
            ConsistencyProof proof = proofs.consistencyProof(size1, size2);
            assertThat(proof.verify(Hash.of((byte[]) checkpoints.get(i - 1).get("root_hash")),
                    Hash.of((byte[]) checkpoints.get(i).get("root_hash")))).as("checkpoint %d to %d", size1, size2).isTrue();
        }
    }
}
