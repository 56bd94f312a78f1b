package org.opsledger.vault.backend;

/**
 * A file the store does not hold (any more): one listed, then removed by another process before it was read (an index
 * file a prune replaced, a snapshot a forget removed) is told apart from a store that failed by this type.
 */
public final class MissingFileException extends BackendException {
    private final String name;

    public MissingFileException(String location, String name, Throwable cause) {
        super("missing file in repository " + location + ": " + name, cause);
        this.name = name;
    }

    /** The file's name in the repository, as data/ab/&lt;pack&gt;. */
    public String name() {
        return name;
    }
}
