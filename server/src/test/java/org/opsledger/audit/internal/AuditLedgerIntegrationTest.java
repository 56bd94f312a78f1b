package org.opsledger.audit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opsledger.Api;
import org.opsledger.IntegrationTest;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditExportVerifier;
import org.opsledger.audit.AuditExportVerifier.Verdict;
import org.opsledger.audit.AuditTrail;
import org.opsledger.ledger.ConsistencyProof;
import org.opsledger.ledger.Hash;
import org.opsledger.ledger.InclusionProof;
import org.opsledger.ledger.TreeHasher;
import org.opsledger.ledger.audit.AuditResult;
import org.opsledger.ledger.note.Checkpoint;
import org.opsledger.ledger.note.SignerKey;
import org.opsledger.ledger.note.VerifierKey;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/**
 * The ledger over the real audit table: integration within a second, proofs and exports that
 * verify, and what a database superuser's tampering looks like to an auditor (issue 3, "Tests that
 * must exist"). Tampering tests put the rows back afterwards: the database is shared.
 */
class AuditLedgerIntegrationTest extends IntegrationTest {

    @Autowired
    AuditTrail trail;


    @Autowired
    LedgerIntegration integration;

    @Autowired
    LogIdentity identity;

    @Value("${opsledger.data-dir}")
    Path dataDir;

    private final TreeHasher hasher = new TreeHasher();
    private String auditor;

    @BeforeEach
    void auditor() {
        auditor = api.person(Api.unique("auditor"), "auditor");
    }

    /**
     * How soon a commit is covered (within a second or two: a step every 200 ms) is a figure of bench/audit-bench.sh
     * (docs/performance.md, "Audit ledger"), not asserted here: a test on a machine whose load we do not control waited
     * 1.5 s of wall time for it.
     */
    @Test
    void aCommittedEntryIsUnderASignedCheckpointAndItsProofsVerify() throws Exception {
        String earlierNote = api.get("/api/v1/audit/checkpoint", auditor).body();
        long id = record("ledger.prompt");
        long index = awaitCovered(id);

        // The key any signed-in account may read opens the checkpoint auditors and officers may read.
        Api.Response key = api.get("/api/v1/audit/key", api.person(Api.unique("req"), "requester"));
        assertThat(key.status()).isEqualTo(200);
        assertThat(key.contentType()).startsWith("text/plain");
        VerifierKey verifier = VerifierKey.parse(key.body().strip());
        assertThat(verifier.name()).isEqualTo("opsledger/test-node");
        Api.Response note = api.get("/api/v1/audit/checkpoint", auditor);
        assertThat(note.contentType()).startsWith("text/plain");
        Checkpoint latest = Checkpoint.open(note.body(), verifier);
        Checkpoint earlier = Checkpoint.open(earlierNote, verifier);
        assertThat(latest.size()).isGreaterThan(index);

        Map<String, Object> inclusion = api.get("/api/v1/audit/proofs/inclusion?index=" + index + "&size=" + latest.size(),
                auditor).json();
        assertThat(((Number) inclusion.get("entryId")).longValue()).isEqualTo(id);
        InclusionProof proof = new InclusionProof(index, latest.size(), hashes(inclusion.get("path")));
        Hash leafHash = hasher.leafHash(body(id).getBytes(StandardCharsets.UTF_8));
        assertThat(proof.verify(leafHash, latest.rootHash())).isTrue();
        assertThat(proof.verify(hasher.leafHash("forged".getBytes(StandardCharsets.UTF_8)), latest.rootHash())).isFalse();

        Map<String, Object> consistency = api.get("/api/v1/audit/proofs/consistency?from=" + earlier.size()
                + "&to=" + latest.size(), auditor).json();
        assertThat(new ConsistencyProof(earlier.size(), latest.size(), hashes(consistency.get("path")))
                .verify(earlier.rootHash(), latest.rootHash())).isTrue();
    }

    @Test
    void theSigningKeyIsAFileOnlyItsOwnerMayRead() throws Exception {
        Path key = dataDir.resolve("audit-signing.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(Files.readString(key)).startsWith("PRIVATE+KEY+opsledger/test-node+");
        assertThat(jdbc.sql("SELECT count(*) FROM audit_checkpoint WHERE note LIKE '%PRIVATE%'").query(Long.class).single())
                .isZero();
    }

    @Test
    void theExportVerifiesAgainstEveryCheckpointHeld() throws Exception {
        String first = api.get("/api/v1/audit/checkpoint", auditor).body();
        awaitCovered(record("ledger.export"));
        String second = api.get("/api/v1/audit/checkpoint", auditor).body();
        Api.Response export = api.get("/api/v1/audit/export", auditor);
        assertThat(export.status()).isEqualTo(200);
        assertThat(export.contentType()).startsWith("application/x-ndjson");
        Verdict verdict = verify(export.body(), first, second);
        assertThat(verdict.ok()).as(verdict.describe()).isTrue();
        assertThat(verdict.describe()).startsWith("ok: ");
        // reading the trail is itself recorded
        assertThat(lastAuditEntry("audit.export")).containsEntry("access", "read");
    }

    @Test
    void aSuperuserWhoUpdatesOneRowIsNamedByTheVerifier() throws Exception {
        long id = record("ledger.victim");
        long index = awaitCovered(id);
        String held = api.get("/api/v1/audit/checkpoint", auditor).body();
        String original = body(id);
        asSuperuserWithoutTriggers("UPDATE audit_entry SET body = replace(body, 'ledger.victim', 'ledger.harmless') WHERE id = ?", id);
        try {
            assertThat(body(id)).contains("ledger.harmless");
            Verdict verdict = verify(api.get("/api/v1/audit/export", auditor).body(), held);
            assertThat(verdict).isInstanceOfSatisfying(Verdict.Fails.class, fails -> {
                assertThat(fails.result()).isInstanceOfSatisfying(AuditResult.EntryAltered.class,
                        altered -> assertThat(altered.index()).isEqualTo(index));
                assertThat(fails.entryId()).isEqualTo(id);
            });
            assertThat(verdict.describe()).startsWith("entry " + index + " (audit entry id " + id + ") was altered");
        } finally {
            asSuperuserWithoutTriggers("UPDATE audit_entry SET body = ? WHERE id = ?", original, id);
        }
        assertThat(verify(api.get("/api/v1/audit/export", auditor).body(), held).ok()).isTrue();
    }

    @Test
    void aSuperuserWhoDeletesTheNewestRowsIsCaughtByAnEarlierCheckpoint() throws Exception {
        for (int i = 0; i < 3; i++) {
            record("ledger.newest");
        }
        awaitCovered(record("ledger.newest"));
        integration.stop(); // nothing new is integrated, so the rows deleted stay the newest leaves
        List<Object[]> deleted = new ArrayList<>();
        try {
            String held = api.get("/api/v1/audit/checkpoint", auditor).body();
            long size = treeSize(held);
            deleted.addAll(jdbc.sql("""
                    SELECT a.id, a.body, a.txid::text FROM audit_leaf l JOIN audit_entry a ON a.id = l.entry_id
                    WHERE l.leaf_index >= ? ORDER BY l.leaf_index""").param(size - 4)
                    .query((rs, n) -> new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3)}).list());
            assertThat(deleted).hasSize(4);
            for (Object[] row : deleted) {
                asSuperuserWithoutTriggers("DELETE FROM audit_entry WHERE id = ?", row[0]);
            }
            Verdict verdict = verify(api.get("/api/v1/audit/export", auditor).body(), held);
            assertThat(verdict).isInstanceOfSatisfying(Verdict.Fails.class,
                    fails -> assertThat(fails.result()).isInstanceOf(AuditResult.Truncated.class));
            assertThat(verdict.describe()).startsWith("truncated: the log is shorter than a checkpoint you hold");
        } finally {
            for (Object[] row : deleted) {
                asSuperuserWithoutTriggers("INSERT INTO audit_entry (id, body, txid) OVERRIDING SYSTEM VALUE VALUES (?, ?, ?::xid8)",
                        row);
            }
            integration.start();
        }
    }

    @Test
    void aCheckpointSignedByAnotherKeyIsRejected() throws Exception {
        awaitCovered(record("ledger.forgery"));
        Checkpoint genuine = Checkpoint.open(api.get("/api/v1/audit/checkpoint", auditor).body(), identity.published());
        SignerKey impostor = SignerKey.generate(identity.origin()); // same name, another key
        String forged = new Checkpoint(genuine.origin(), genuine.size(), genuine.rootHash()).sign(impostor);
        Verdict verdict = verify(api.get("/api/v1/audit/export", auditor).body(), forged);
        assertThat(verdict).isInstanceOfSatisfying(Verdict.Fails.class,
                fails -> assertThat(fails.result()).isInstanceOf(AuditResult.CheckpointRejected.class));
        assertThat(verdict.describe()).startsWith("checkpoint #0 rejected");
    }

    @Test
    void anEntryWhoseTransactionCommitsLateIsIntegratedAfterTheOnesThatPassedIt() throws Exception {
        try (Connection slow = dataSource.getConnection()) {
            slow.setAutoCommit(false);
            long stragglerId;
            try (PreparedStatement insert = slow.prepareStatement("INSERT INTO audit_entry (body) VALUES (?) RETURNING id")) {
                insert.setString(1, CanonicalEntry.write(new CanonicalEntry.Fields(Instant.now(), "opsledger/test-node",
                        "tester", null, null, "internal", "ledger.straggler", "update", null, null, "success", null, false,
                        null, null)));
                try (ResultSet rs = insert.executeQuery()) {
                    rs.next();
                    stragglerId = rs.getLong(1);
                }
            }
            long overtakerId = record("ledger.overtaker");
            assertThat(overtakerId).isGreaterThan(stragglerId);
            long overtakerIndex = awaitCovered(overtakerId);
            Thread.sleep(500); // several integrator passes while the straggler is still open
            assertThat(leafIndex(stragglerId)).isNull();
            slow.commit();
            assertThat(awaitCovered(stragglerId)).isGreaterThan(overtakerIndex);
        }
    }

    @Test
    void badProofAndExportParametersAreRefusedNamingTheField() {
        long size = treeSize(api.get("/api/v1/audit/checkpoint", auditor).body());
        long beyond = size + 1_000_000; // the tree grows while the test runs; this stays out of reach
        Map<String, String> cases = Map.of(
                "/api/v1/audit/proofs/inclusion?size=" + size, "index",
                "/api/v1/audit/proofs/inclusion?index=0&size=" + beyond, "size",
                "/api/v1/audit/proofs/inclusion?index=" + size + "&size=" + size, "index",
                "/api/v1/audit/proofs/consistency?from=2&to=1", "from",
                "/api/v1/audit/proofs/consistency?from=0&to=" + beyond, "to",
                "/api/v1/audit/export?from=-1", "from",
                "/api/v1/audit/export?to=" + beyond, "to");
        cases.forEach((path, field) -> {
            Api.Response r = api.get(path, auditor);
            assertThat(r.status()).as(path).isEqualTo(400);
            assertThat(r.contentType()).as(path).startsWith("application/problem+json");
            assertThat(r.json()).as(path).containsEntry("field", field);
        });
    }

    // --- helpers

    private long record(String action) {
        String objectId = UUID.randomUUID().toString();
        trail.recordIndependently(AuditEvent.of(action, Access.UPDATE, "ledger-test", objectId));
        return jdbc.sql("SELECT id FROM audit_entry WHERE object_id = ?").param(objectId).query(Long.class).single();
    }

    private String body(long id) {
        return jdbc.sql("SELECT body FROM audit_entry WHERE id = ?").param(id).query(String.class).single();
    }

    private Long leafIndex(long entryId) {
        return jdbc.sql("SELECT leaf_index FROM audit_leaf WHERE entry_id = ?").param(entryId).query(Long.class)
                .optional().orElse(null);
    }

    /** Waits until a signed checkpoint covers the entry; returns its leaf index. */
    private long awaitCovered(long entryId) {
        return await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20)).until(() -> {
            Long index = leafIndex(entryId);
            long size = jdbc.sql("SELECT coalesce(max(tree_size), 0) FROM audit_checkpoint").query(Long.class).single();
            return index != null && index < size ? index : null;
        }, java.util.Objects::nonNull);
    }

    /** The size line of a checkpoint note (the test trusts its own server here). */
    private static long treeSize(String note) {
        return Long.parseLong(note.split("\n")[1]);
    }

    private Verdict verify(String export, String... checkpoints) throws Exception {
        return new AuditExportVerifier(identity.published()).verify(new BufferedReader(new StringReader(export)),
                List.of(checkpoints));
    }

    private static List<Hash> hashes(Object base64List) {
        return ((List<?>) base64List).stream().map(h -> Hash.of(Base64.getDecoder().decode((String) h))).toList();
    }
}
