/**
 * Checkpoints and their signatures: C2SP signed notes ({@link org.opsledger.ledger.note.SignedNote})
 * carrying C2SP tlog-checkpoint bodies ({@link org.opsledger.ledger.note.Checkpoint}), Ed25519 keys in
 * the golang.org/x/mod/sumdb/note text forms ({@link org.opsledger.ledger.note.SignerKey},
 * {@link org.opsledger.ledger.note.VerifierKey}) and the signing key's file
 * ({@link org.opsledger.ledger.note.SignerKeyFile}).
 */
package org.opsledger.ledger.note;
