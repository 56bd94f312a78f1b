/**
 * The offline audit behind {@code opsledger audit verify}: {@link org.opsledger.ledger.audit.LogAuditor}
 * streams an exported log against the checkpoints an auditor holds and returns an
 * {@link org.opsledger.ledger.audit.AuditResult} naming the first problem.
 */
package org.opsledger.ledger.audit;
