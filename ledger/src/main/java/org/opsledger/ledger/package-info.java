/**
 * The tamper-evident log's tree: RFC 9162 Merkle tree hashing ({@link org.opsledger.ledger.TreeHasher}),
 * the append-only tree the integrator writes ({@link org.opsledger.ledger.MerkleTree}) over a
 * {@link org.opsledger.ledger.HashStore} of complete subtrees, proofs produced from that store
 * ({@link org.opsledger.ledger.ProofBuilder}) and their verification
 * ({@link org.opsledger.ledger.InclusionProof}, {@link org.opsledger.ledger.ConsistencyProof}).
 * Signed checkpoints live in {@code note}, the offline audit in {@code audit}. Plain Java, JDK only.
 * The formats are written down in {@code docs/audit-ledger.md}.
 */
package org.opsledger.ledger;
