/**
 * The repository's journal (docs/vault-format.md §13): one sealed entry for each backup, restore, dump, check, forget,
 * prune, copy, tier, hold, release and key operation as it ended, the failed ones too (IS.012 6.6.5 exception
 * tracking), so that the repository says when a backup last failed, which records left it, who held and released
 * what, and when a restore was last verified (6.6.4; the policy's 2.11 asks for a test every six months).
 */
package org.opsledger.vault.journal;
