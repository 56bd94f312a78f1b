package org.opsledger.vault.repository;

/** The plaintext {@code config} file: format version, repository ID and the chunker's sizes. */
public record RepositoryConfig(int version, String id, int chunkMin, int chunkAvg, int chunkMax, int packSize) {
    public static final int VERSION = 1;
}
