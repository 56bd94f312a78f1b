package org.opsledger.vault.repository;

/** The plaintext {@code config} file: format version, repository ID and the chunker's sizes. */
public record RepositoryConfig(int version, String id, int chunkMin, int chunkAvg, int chunkMax, int packSize) {
    /**
     * The format this build writes into new repositories; it reads 1 to VERSION. 2: tree blobs in the
     * binary encoding of docs/vault-format.md §8 (a format 1 repository keeps JSON trees). 3: index files
     * compressed with zstd (§7; a format 2 repository keeps writing JSON index files).
     */
    public static final int VERSION = 3;

    /** The same repository in another format ({@code vault upgrade}). */
    public RepositoryConfig withVersion(int newVersion) {
        return new RepositoryConfig(newVersion, id, chunkMin, chunkAvg, chunkMax, packSize);
    }
}
