/**
 * This host's copy of the repository files every command reads again: index files, snapshot records and tree packs, as
 * restic keeps them in {@code ~/.cache/restic}. No part of the format (docs/vault-format.md §14): each copy is the store's
 * file under its own name, checked against that name, and used only while the store still has it.
 */
package org.opsledger.vault.cache;
