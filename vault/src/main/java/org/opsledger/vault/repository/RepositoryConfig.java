package org.opsledger.vault.repository;

/** The plaintext {@code config} file: format version, repository ID and the chunker's sizes. */
public record RepositoryConfig(int version, String id, int chunkMin, int chunkAvg, int chunkMax, int packSize)
        implements org.opsledger.vault.VaultJson.WellFormed {

    /** What a config lacks of what the vault reads in it (docs/vault-format.md §2): its version is checked on its own. */
    @Override
    public String lacks() {
        return id == null || id.isBlank() ? "no id" : null;
    }
    /**
     * The format this build writes into new repositories; it reads 1 to VERSION. 2: tree blobs in the
     * binary encoding of docs/vault-format.md §8 (a format 1 repository keeps JSON trees). 3: index files
     * compressed with zstd (§7; a format 2 repository keeps writing JSON index files). 4: a journal of backups,
     * restores, dumps and checks under {@code journal/} (§13), which a build of format 3 would neither read nor seal
     * again when it retires a key. 5: what format 4's later builds added without raising it, which its first builds
     * misread or damage: journal segments (their key retirement made a segment a one-entry file no build reads), entries
     * of every operation (their check calls them damaged), the record of rewritten trees (their recover brought back what
     * a rewrite took out) and the lock rules of docs/vault-format.md §10 (their prune deleted a live lock of a host 5
     * minutes behind: a helper's, running the builds of one day side by side). 6: POSIX ACLs and file capabilities in tree
     * nodes (docs/vault-format.md §8), which a build of format 5 would read past, and its restore drop without a word.
     * docs/adr/0007 says when it rises.
     */
    public static final int VERSION = 6;

    /** The same repository in another format ({@code vault upgrade}). */
    public RepositoryConfig withVersion(int newVersion) {
        return new RepositoryConfig(newVersion, id, chunkMin, chunkAvg, chunkMax, packSize);
    }
}
