/**
 * The index (docs/vault-format.md §7): which pack holds each blob, at what offset and length.
 * Index files are encrypted JSON; the in-memory {@link org.opsledger.vault.index.Index} is their union.
 */
package org.opsledger.vault.index;
