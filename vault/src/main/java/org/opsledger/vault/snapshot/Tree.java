package org.opsledger.vault.snapshot;

import java.util.List;

/** One directory listing, nodes sorted by name; stored as a tree blob. */
public record Tree(List<Node> nodes) {

    /**
     * The deepest a snapshot's directories go: a path of 4,096 bytes (Linux's PATH_MAX) names at most 2,048 levels
     * ("a/" each). A deeper tree is none a filesystem gave, but one a holder of the password crafted: 100,000 levels
     * stopped check and prune for every host with a stack overflow (a helper's). Walks refuse it, naming the snapshot.
     */
    public static final int MAX_DEPTH = 2048;

    /**
     * Why a node whose name another node of its directory has is refused: no filesystem gave it, and restore stopped midway
     * on the second ("already exists"), blaming its target (a helper's).
     */
    public static final String NAME_TWICE = "the name is twice in its directory (a damaged or forged tree)";
    /** A directory node the vault never writes (a mount point not crossed has an empty tree): check, restore and dump refuse it. */
    public static final String NO_SUBTREE = "a directory without its subtree (a damaged or forged tree)";

    /** The refusal of a tree deeper than {@link #MAX_DEPTH} in {@code snapshot} (its short ID). */
    public static org.opsledger.vault.VaultException tooDeep(String snapshot) {
        return new org.opsledger.vault.VaultException("snapshot " + snapshot + ": its directories go deeper than " + MAX_DEPTH
                + " levels, more than a path of 4,096 bytes can name (a damaged or forged tree)");
    }

}
