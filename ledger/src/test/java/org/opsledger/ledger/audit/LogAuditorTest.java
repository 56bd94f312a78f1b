package org.opsledger.ledger.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.opsledger.ledger.ConsistencyProof;
import org.opsledger.ledger.Hash;
import org.opsledger.ledger.InMemoryHashStore;
import org.opsledger.ledger.MerkleTree;
import org.opsledger.ledger.TreeFrontier;
import org.opsledger.ledger.TreeHasher;
import org.opsledger.ledger.audit.AuditResult.CheckpointRejected;
import org.opsledger.ledger.audit.AuditResult.CheckpointsInconsistent;
import org.opsledger.ledger.audit.AuditResult.EntryAltered;
import org.opsledger.ledger.audit.AuditResult.RootMismatch;
import org.opsledger.ledger.audit.AuditResult.Truncated;
import org.opsledger.ledger.audit.AuditResult.Verified;
import org.opsledger.ledger.note.Checkpoint;
import org.opsledger.ledger.note.NoteRejectedException.Reason;
import org.opsledger.ledger.note.SignerKey;

/** The offline audit against the tampering the audit trail must reveal (issue 3). */
class LogAuditorTest {

    static final String ORIGIN = "opsledger.example/audit";
    static final int SIZE = 1000;

    final SignerKey logKey = SignerKey.generate(ORIGIN);
    final LogAuditor auditor = LogAuditor.trusting(logKey.verifierKey());
    final List<byte[]> entries = entries(SIZE);
    final MerkleTree tree = MerkleTree.create(new InMemoryHashStore());
    final String checkpointAt300;
    final String checkpointAt1000;

    LogAuditorTest() {
        tree.appendAll(entries.subList(0, 300));
        checkpointAt300 = new Checkpoint(ORIGIN, 300, tree.root()).sign(logKey);
        tree.appendAll(entries.subList(300, SIZE));
        checkpointAt1000 = new Checkpoint(ORIGIN, SIZE, tree.root()).sign(logKey);
    }

    @Test
    void untouchedLogVerifies() {
        AuditResult result = auditor.verify(export(entries, true), List.of(checkpointAt1000, checkpointAt300));
        assertThat(result).isInstanceOfSatisfying(Verified.class, verified -> {
            assertThat(verified.entries()).isEqualTo(SIZE);
            assertThat(verified.latest().size()).isEqualTo(SIZE);
        });
        assertThat(result.ok()).isTrue();
        assertThat(auditor.verify(export(entries, false), List.of(checkpointAt300, checkpointAt1000)).ok()).isTrue();
    }

    @Test
    void updatedEntryIsNamedByItsIndex() {
        List<byte[]> tampered = new ArrayList<>(entries);
        tampered.set(417, "{\"seq\":417,\"actor\":\"root\",\"action\":\"nothing to see\"}".getBytes(StandardCharsets.UTF_8));
        AuditResult result = auditor.verify(export(tampered, entries), List.of(checkpointAt300, checkpointAt1000));
        assertThat(result).isInstanceOfSatisfying(EntryAltered.class, altered -> {
            assertThat(altered.index()).isEqualTo(417);
            assertThat(altered.storedLeafHash()).isEqualTo(new TreeHasher().leafHash(entries.get(417)));
        });
        assertThat(result.describe()).startsWith("entry 417 was altered");
    }

    @Test
    void updatedEntryWithoutStoredLeafHashesFailsTheFirstCheckpointCoveringIt() {
        List<byte[]> tampered = new ArrayList<>(entries);
        tampered.set(42, "forged".getBytes(StandardCharsets.UTF_8));
        assertThat(auditor.verify(export(tampered, false), List.of(checkpointAt300, checkpointAt1000)))
                .isInstanceOfSatisfying(RootMismatch.class, mismatch -> assertThat(mismatch.checkpoint().size()).isEqualTo(300));
        tampered = new ArrayList<>(entries);
        tampered.set(700, "forged".getBytes(StandardCharsets.UTF_8));
        assertThat(auditor.verify(export(tampered, false), List.of(checkpointAt300, checkpointAt1000)))
                .isInstanceOfSatisfying(RootMismatch.class, mismatch -> assertThat(mismatch.checkpoint().size()).isEqualTo(SIZE));
    }

    @Test
    void entryRewrittenTogetherWithItsStoredLeafHashIsStillCaughtByTheRoot() {
        List<byte[]> tampered = new ArrayList<>(entries);
        tampered.set(900, "forged".getBytes(StandardCharsets.UTF_8));
        assertThat(auditor.verify(export(tampered, true), List.of(checkpointAt1000)))
                .isInstanceOf(RootMismatch.class);
    }

    @Test
    void reorderedEntriesAreCaught() {
        List<byte[]> reordered = new ArrayList<>(entries);
        Collections.swap(reordered, 10, 11);
        assertThat(auditor.verify(export(reordered, false), List.of(checkpointAt300)))
                .isInstanceOf(RootMismatch.class);
    }

    @Test
    void deletedNewestEntriesAreReportedAsTruncation() {
        AuditResult result = auditor.verify(export(entries.subList(0, 950), true), List.of(checkpointAt300, checkpointAt1000));
        assertThat(result).isInstanceOfSatisfying(Truncated.class, truncated -> {
            assertThat(truncated.entries()).isEqualTo(950);
            assertThat(truncated.checkpoint().size()).isEqualTo(SIZE);
        });
        assertThat(result.describe()).startsWith("truncated: the log is shorter than a checkpoint you hold");
    }

    @Test
    void entriesBeyondTheLatestCheckpointVerifyButAreReportedAsNotYetCovered() {
        AuditResult result = auditor.verify(export(entries, true), List.of(checkpointAt300));
        assertThat(result).isInstanceOfSatisfying(Verified.class, verified -> assertThat(verified.entries()).isEqualTo(SIZE));
        assertThat(result.describe()).contains("the last 700 are not yet covered");
    }

    @Test
    void checkpointSignedWithAnotherKeyIsRejected() {
        SignerKey impostor = SignerKey.generate(ORIGIN);
        List<byte[]> forgedHistory = new ArrayList<>(entries);
        forgedHistory.set(3, "forged".getBytes(StandardCharsets.UTF_8));
        String forged = new Checkpoint(ORIGIN, SIZE, rootOf(forgedHistory)).sign(impostor);
        AuditResult result = auditor.verify(export(forgedHistory, false), List.of(checkpointAt300, forged));
        assertThat(result).isInstanceOfSatisfying(CheckpointRejected.class, rejected -> {
            assertThat(rejected.position()).isEqualTo(1);
            assertThat(rejected.reason()).isEqualTo(Reason.UNTRUSTED_KEY);
        });
    }

    @Test
    void tamperedCheckpointTextIsRejected() {
        String grown = checkpointAt1000.replaceFirst("\n1000\n", "\n999\n");
        assertThat(auditor.verify(export(entries, true), List.of(grown)))
                .isInstanceOfSatisfying(CheckpointRejected.class,
                        rejected -> assertThat(rejected.reason()).isEqualTo(Reason.BAD_SIGNATURE));
        String noSignature = checkpointAt1000.substring(0, checkpointAt1000.indexOf("\n\n") + 2);
        assertThat(auditor.verify(export(entries, true), List.of(noSignature)))
                .isInstanceOfSatisfying(CheckpointRejected.class,
                        rejected -> assertThat(rejected.reason()).isEqualTo(Reason.MALFORMED));
    }

    @Test
    void twoSignedHistoriesOfTheSameSizeAreInconsistent() {
        List<byte[]> fork = new ArrayList<>(entries);
        fork.set(5, "rewritten".getBytes(StandardCharsets.UTF_8));
        String forkedCheckpoint = new Checkpoint(ORIGIN, SIZE, rootOf(fork)).sign(logKey);
        assertThat(auditor.verify(export(entries, true), List.of(checkpointAt1000, forkedCheckpoint)))
                .isInstanceOf(CheckpointsInconsistent.class);
    }

    @Test
    void consistencyProofsBetweenCheckpointsAreChecked() {
        ConsistencyProof honest = tree.consistencyProof(300, SIZE);
        assertThat(auditor.verify(export(entries, true), List.of(checkpointAt300, checkpointAt1000), List.of(honest)).ok())
                .isTrue();

        // The log rewrote entry 5 and signed the new history at size 1000: no proof can connect it
        // to the checkpoint at 300 the auditor already holds, even before reading any entry.
        List<byte[]> fork = new ArrayList<>(entries);
        fork.set(5, "rewritten".getBytes(StandardCharsets.UTF_8));
        MerkleTree forkedTree = MerkleTree.create(new InMemoryHashStore());
        forkedTree.appendAll(fork);
        String forkedCheckpoint = new Checkpoint(ORIGIN, SIZE, forkedTree.root()).sign(logKey);
        ConsistencyProof forkProof = forkedTree.consistencyProof(300, SIZE);
        assertThat(auditor.verify(export(fork, true), List.of(checkpointAt300, forkedCheckpoint), List.of(forkProof)))
                .isInstanceOfSatisfying(CheckpointsInconsistent.class, inconsistent -> {
                    assertThat(inconsistent.earlier().size()).isEqualTo(300);
                    assertThat(inconsistent.later().size()).isEqualTo(SIZE);
                });
    }

    @Test
    void checkpointOfTheEmptyLogIsCheckedToo() {
        String empty = new Checkpoint(ORIGIN, 0, TreeHasher.EMPTY_ROOT).sign(logKey);
        assertThat(auditor.verify(export(List.of(), false), List.of(empty)).ok()).isTrue();
        String wrongEmpty = new Checkpoint(ORIGIN, 0, tree.root()).sign(logKey);
        assertThat(auditor.verify(export(entries, false), List.of(wrongEmpty))).isInstanceOf(RootMismatch.class);
    }

    @Test
    void streamsALogThatIsNeverHeldInMemory() {
        int size = 200_000;
        TreeFrontier frontier = new TreeFrontier();
        generated(size).forEachRemaining(entry -> frontier.append(entry.data()));
        String checkpoint = new Checkpoint(ORIGIN, size, frontier.root()).sign(logKey);

        LogAuditor.Audit audit = auditor.begin(List.of(checkpoint), List.of());
        Iterator<AuditEntry> log = generated(size);
        while (log.hasNext() && audit.accept(log.next().data())) {
            // push-style, as a JDBC cursor would feed it
        }
        assertThat(audit.finish()).isInstanceOfSatisfying(Verified.class, v -> assertThat(v.entries()).isEqualTo(size));
    }

    private static Iterator<AuditEntry> generated(int size) {
        return new Iterator<>() {
            int next;

            @Override
            public boolean hasNext() {
                return next < size;
            }

            @Override
            public AuditEntry next() {
                if (next >= size) {
                    throw new NoSuchElementException();
                }
                return AuditEntry.of(entry(next++));
            }
        };
    }

    private static Hash rootOf(List<byte[]> log) {
        TreeFrontier frontier = new TreeFrontier();
        log.forEach(frontier::append);
        return frontier.root();
    }

    /** The export with the leaf hashes the server stored, computed from {@code original}. */
    private static Iterator<AuditEntry> export(List<byte[]> log, List<byte[]> original) {
        TreeHasher hasher = new TreeHasher();
        List<AuditEntry> export = new ArrayList<>();
        for (int i = 0; i < log.size(); i++) {
            export.add(AuditEntry.of(log.get(i), hasher.leafHash(original.get(i))));
        }
        return export.iterator();
    }

    private static Iterator<AuditEntry> export(List<byte[]> log, boolean withStoredLeafHashes) {
        if (withStoredLeafHashes) {
            return export(log, log);
        }
        return log.stream().map(AuditEntry::of).iterator();
    }

    private static List<byte[]> entries(int count) {
        List<byte[]> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            entries.add(entry(i));
        }
        return entries;
    }

    private static byte[] entry(int seq) {
        return ("{\"seq\":" + seq + ",\"actor\":\"alice\",\"action\":\"change.approve\",\"object\":\"CR-" + (seq * 7 % 1000)
                + "\",\"outcome\":\"success\"}").getBytes(StandardCharsets.UTF_8);
    }
}
