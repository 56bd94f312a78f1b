/**
 * What changed between two snapshots, path by path, and which snapshots hold a name
 * (docs/vault-format.md §8): for an incident ("what changed on this server since Monday's backup?",
 * "which backups still have the good nginx.conf?") and for an auditor comparing two backups of one
 * system. A subtree with the same ID is the same directory: compared or searched once.
 */
package org.opsledger.vault.history;
