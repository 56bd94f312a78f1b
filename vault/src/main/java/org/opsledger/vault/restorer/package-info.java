/**
 * Restore (docs/vault-format.md §8): writes a snapshot's tree under a target directory with its
 * bytes, modes, times and symlinks, refusing any name that is not a single path component so a
 * crafted snapshot cannot write outside the target; {@code verify} re-reads what was written and
 * proves it against the content IDs (IS.012 6.6.4 tested restores).
 */
package org.opsledger.vault.restorer;
