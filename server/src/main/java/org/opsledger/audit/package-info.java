/**
 * The audit record (ECOMP 6, 7; IS.012 6.1.6): every state change in every module writes an
 * {@link org.opsledger.audit.AuditEvent} through {@link org.opsledger.audit.AuditTrail} in the same
 * transaction as the change. Entries are stored in their canonical form (docs/audit-format.md) in
 * an append-only table; auditors and security officers search them.
 *
 * <p>The trail is tamper-evident (ECOMP 6.3, 6.4, 7; issue 3): one leader-elected integrator per
 * database appends committed entries to an RFC 9162 Merkle tree and signs C2SP checkpoints with a
 * key kept outside the database; the API serves checkpoints, the verifier key, proofs and an export
 * that {@link org.opsledger.audit.AuditExportVerifier} (what {@code opsledger audit verify} runs)
 * checks against checkpoints an auditor saved. The server checks itself the same way and records
 * the verdict ({@link org.opsledger.audit.AuditSelfCheck}); {@code audit.controls} turns that into
 * control statuses.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Audit trail")
package org.opsledger.audit;
