/**
 * Packs (docs/vault-format.md §6): about 16 MiB of encrypted blobs followed by an encrypted
 * header that lists them, its length, the magic "OLVP" and the version byte.
 */
package org.opsledger.vault.pack;
