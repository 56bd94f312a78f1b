/**
 * Content-defined chunking (docs/vault-format.md §4): FastCDC with cut-point skipping and
 * normalised chunking over a Gear hash whose 256-entry table is derived from the repository's
 * secret gear seed. 512 KiB minimum, 1 MiB average, 8 MiB maximum.
 */
package org.opsledger.vault.chunker;
