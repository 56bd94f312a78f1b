/**
 * What changed between two snapshots, path by path (docs/vault-format.md §8): for an incident
 * ("what changed on this server since Monday's backup?") and for an auditor comparing two backups
 * of one system. Subtrees with the same ID are the same and never read.
 */
package org.opsledger.vault.differ;
