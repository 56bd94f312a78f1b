package org.opsledger.ledger.audit;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.opsledger.ledger.ConsistencyProof;
import org.opsledger.ledger.Hash;
import org.opsledger.ledger.TreeFrontier;
import org.opsledger.ledger.note.Checkpoint;
import org.opsledger.ledger.note.NoteRejectedException;
import org.opsledger.ledger.note.VerifierKey;

/**
 * The offline audit: checks an exported log against checkpoints an auditor saved earlier, trusting
 * nothing but the log's verifier key. In order, it
 * <ol>
 *   <li>opens every checkpoint (signature by a trusted key, well-formed, this log's origin);</li>
 *   <li>checks the checkpoints against each other: equal sizes must have equal roots, and any
 *       consistency proof supplied must verify (RFC 9162 2.1.4.2);</li>
 *   <li>streams the entries in leaf order from index 0, recomputing each leaf hash (compared with
 *       the stored one when given, which names an altered entry) and the root at every checkpoint
 *       size;</li>
 *   <li>at the end, reports truncation if the log is shorter than a checkpoint.</li>
 * </ol>
 * Memory use is constant: entries are hashed as they arrive and then dropped.
 */
public final class LogAuditor {

    private final List<VerifierKey> trusted;
    private final String origin;

    /** Audits the log named {@code origin}, accepting checkpoints signed by any of {@code trusted}. */
    public LogAuditor(Collection<VerifierKey> trusted, String origin) {
        if (trusted.isEmpty()) {
            throw new IllegalArgumentException("an audit needs at least one trusted key");
        }
        this.trusted = List.copyOf(trusted);
        this.origin = origin;
    }

    /** Audits the log whose origin is the key's name, signed by that key. */
    public static LogAuditor trusting(VerifierKey key) {
        return new LogAuditor(List.of(key), key.name());
    }

    /** Pull-style audit of a whole export. */
    public AuditResult verify(Iterator<AuditEntry> entries, List<String> checkpointNotes) {
        return verify(entries, checkpointNotes, List.of());
    }

    /** Pull-style audit with consistency proofs between the checkpoints (for example fetched from the log). */
    public AuditResult verify(Iterator<AuditEntry> entries, List<String> checkpointNotes,
            List<ConsistencyProof> consistencyProofs) {
        Audit audit = begin(checkpointNotes, consistencyProofs);
        while (entries.hasNext()) {
            AuditEntry entry = entries.next();
            boolean going = entry.storedLeafHash().isPresent()
                    ? audit.accept(entry.data(), entry.storedLeafHash().get())
                    : audit.accept(entry.data());
            if (!going) {
                break;
            }
        }
        return audit.finish();
    }

    /**
     * Push-style audit, for a reader that produces entries itself (a JDBC cursor, a file parser):
     * checks the checkpoints now, then feed entries with {@link Audit#accept} and call
     * {@link Audit#finish()}.
     */
    public Audit begin(List<String> checkpointNotes, List<ConsistencyProof> consistencyProofs) {
        if (checkpointNotes.isEmpty()) {
            throw new IllegalArgumentException("an audit needs at least one checkpoint");
        }
        List<Checkpoint> checkpoints = new ArrayList<>(checkpointNotes.size());
        for (int position = 0; position < checkpointNotes.size(); position++) {
            try {
                checkpoints.add(Checkpoint.open(checkpointNotes.get(position), trusted, origin));
            } catch (NoteRejectedException e) {
                return Audit.failed(new AuditResult.CheckpointRejected(position, e.reason(), e.getMessage()));
            }
        }
        checkpoints.sort(Comparator.comparingLong(Checkpoint::size));
        for (int i = 1; i < checkpoints.size(); i++) {
            Checkpoint earlier = checkpoints.get(i - 1);
            Checkpoint later = checkpoints.get(i);
            if (earlier.size() == later.size() && !earlier.rootHash().equals(later.rootHash())) {
                return Audit.failed(new AuditResult.CheckpointsInconsistent(earlier, later,
                        "same size, different roots"));
            }
        }
        for (ConsistencyProof proof : consistencyProofs) {
            Checkpoint first = bySize(checkpoints, proof.size1());
            Checkpoint second = bySize(checkpoints, proof.size2());
            if (first == null || second == null) {
                throw new IllegalArgumentException("consistency proof from " + proof.size1() + " to " + proof.size2()
                        + " does not connect two checkpoints held");
            }
            if (!proof.verify(first.rootHash(), second.rootHash())) {
                return Audit.failed(new AuditResult.CheckpointsInconsistent(first, second,
                        "the consistency proof does not verify (RFC 9162 2.1.4.2)"));
            }
        }
        return new Audit(checkpoints);
    }

    private static Checkpoint bySize(List<Checkpoint> checkpoints, long size) {
        return checkpoints.stream().filter(c -> c.size() == size).findFirst().orElse(null);
    }

    /**
     * One streaming pass over a log. Not thread-safe. After the first problem, {@link #accept}
     * returns false and ignores further entries.
     */
    public static final class Audit {

        private final List<Checkpoint> checkpoints;
        private final TreeFrontier frontier = new TreeFrontier();
        private final byte[] leafHash = new byte[Hash.SIZE];
        private int nextCheckpoint;
        private AuditResult problem;

        private Audit(List<Checkpoint> checkpointsBySize) {
            this.checkpoints = checkpointsBySize;
            matchCheckpointsAtCurrentSize(); // a checkpoint of size 0 is checked before any entry
        }

        private static Audit failed(AuditResult problem) {
            Audit audit = new Audit(List.of());
            audit.problem = problem;
            return audit;
        }

        /** The next entry, without a stored leaf hash. Returns false once a problem was found. */
        public boolean accept(byte[] entry) {
            if (problem != null) {
                return false;
            }
            frontier.append(entry);
            matchCheckpointsAtCurrentSize();
            return problem == null;
        }

        /** The next entry and the leaf hash the log stored for it. Returns false once a problem was found. */
        public boolean accept(byte[] entry, Hash storedLeafHash) {
            if (problem != null) {
                return false;
            }
            long index = frontier.append(entry, leafHash, 0);
            if (!storedLeafHash.matches(leafHash, 0)) {
                problem = new AuditResult.EntryAltered(index, storedLeafHash, Hash.of(leafHash));
                return false;
            }
            matchCheckpointsAtCurrentSize();
            return problem == null;
        }

        /** Entries accepted so far. */
        public long entries() {
            return frontier.size();
        }

        /** The verdict, once every entry has been offered (or a problem stopped the pass). */
        public AuditResult finish() {
            if (problem != null) {
                return problem;
            }
            if (nextCheckpoint < checkpoints.size()) {
                return new AuditResult.Truncated(frontier.size(), checkpoints.get(nextCheckpoint));
            }
            return new AuditResult.Verified(frontier.size(), checkpoints.get(checkpoints.size() - 1));
        }

        private void matchCheckpointsAtCurrentSize() {
            Optional<Hash> root = Optional.empty();
            while (problem == null && nextCheckpoint < checkpoints.size()
                    && checkpoints.get(nextCheckpoint).size() == frontier.size()) {
                Checkpoint checkpoint = checkpoints.get(nextCheckpoint);
                if (root.isEmpty()) {
                    root = Optional.of(frontier.root());
                }
                if (!root.get().equalsInConstantTime(checkpoint.rootHash())) {
                    problem = new AuditResult.RootMismatch(checkpoint, root.get());
                }
                nextCheckpoint++;
            }
        }
    }
}
