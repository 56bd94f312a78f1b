package org.opsledger.ledger;

/** A node hash together with its address: what a {@link HashStore} persists. */
public record StoredSubtree(SubtreeId id, Hash hash) {
}
