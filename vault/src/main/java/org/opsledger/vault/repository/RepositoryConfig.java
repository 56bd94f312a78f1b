package org.opsledger.vault.repository;

/** The plaintext {@code config} file: format version, repository ID and the chunker's sizes. */
public record RepositoryConfig(int version, String id, int chunkMin, int chunkAvg, int chunkMax, int packSize) {
    /**
     * The format this build writes into new repositories; it reads 1 to VERSION. 2: tree blobs in the
     * binary encoding of docs/vault-format.md §8 (a format 1 repository keeps JSON trees). 3: index files
     * compressed with zstd (§7; a format 2 repository keeps writing JSON index files). 4: a journal of backups,
     * restores, dumps and checks under {@code journal/} (§13), which a build of format 3 would neither read nor seal
     * again when it retires a key.
     */
    public static final int VERSION = 4;

    /** The same repository in another format ({@code vault upgrade}). */
    public RepositoryConfig withVersion(int newVersion) {
        return new RepositoryConfig(newVersion, id, chunkMin, chunkAvg, chunkMax, packSize);
    }
}
