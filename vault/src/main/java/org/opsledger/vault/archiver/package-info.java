/**
 * Backup (docs/vault-format.md §8, §11): walks the paths, chunks and saves changed files in
 * parallel, reuses the parent snapshot's content for files unchanged by size, mtime, ctime and
 * inode (IS.012 6.6.1.2 daily incremental) unless a full backup is asked for (6.6.1.1 weekly
 * full), writes trees bottom-up and the snapshot last.
 */
package org.opsledger.vault.archiver;
