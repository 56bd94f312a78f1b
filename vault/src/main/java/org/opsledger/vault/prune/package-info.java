/**
 * Retention (docs/vault-format.md §9, §10): forget policies that never remove a held snapshot
 * (IS.012 6.6.7) or one whose retain-until has not passed, and the two-phase prune that is safe
 * against backups running at the same time.
 */
package org.opsledger.vault.prune;
