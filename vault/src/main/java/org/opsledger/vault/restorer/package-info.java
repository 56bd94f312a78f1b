/**
 * Restore (docs/vault-format.md §8): writes a snapshot's tree under a target directory with its
 * bytes, modes, times and symlinks, refusing any name that is not a single path component so a
 * crafted snapshot cannot write outside the target; {@code verify} re-reads what was written and
 * proves it against the content IDs (IS.012 6.6.4 tested restores). A target whose filesystem cannot
 * hold everything (exFAT, FAT, an NFS export that squashes root) is probed once and gets what it can
 * hold, the rest reported ({@link org.opsledger.vault.restorer.TargetFilesystem}). {@link
 * org.opsledger.vault.restorer.Dumper} writes one file's bytes, or a directory as a POSIX tar archive,
 * to a stream instead.
 */
package org.opsledger.vault.restorer;
