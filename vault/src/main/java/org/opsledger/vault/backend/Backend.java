package org.opsledger.vault.backend;

import java.util.List;
import java.util.OptionalLong;

/**
 * Storage of repository files by name ("config", "keys/ab…", "data/ab/ab…"). Every write is atomic
 * and durable when it returns: a reader sees the whole file or no file.
 */
public interface Backend extends AutoCloseable {

    /** A URL-like description: a path or s3://bucket/prefix. */
    String location();

    boolean exists(String name);

    byte[] read(String name);

    byte[] readRange(String name, long offset, int length);

    long size(String name);

    /** Writes the file atomically, replacing any previous file of that name. */
    default void write(String name, byte[] data) {
        write(name, data, 0, data.length);
    }

    /** Writes {@code data[off, off+len)} as the whole file, atomically. */
    void write(String name, byte[] data, int off, int len);

    void delete(String name);

    /** Names of the files under a directory ("data", "snapshots"), recursively, full names. */
    List<String> list(String dir);

    /**
     * True when the store itself enforces legal holds on objects (an S3 bucket with Object Lock
     * enabled); a held object version cannot be deleted or overwritten until its hold is lifted.
     */
    default boolean supportsLegalHold() {
        return false;
    }

    /** Places the store's legal hold on the current version of a file; returns that version's ID (null if unversioned). */
    default String placeLegalHold(String name) {
        throw new UnsupportedOperationException(location() + " has no object-level legal hold");
    }

    /** Lifts the store's legal hold from one version of a file (a version deleted since is fine: its hold is lifted too). */
    default void liftLegalHold(String name, String versionId) {
        throw new UnsupportedOperationException(location() + " has no object-level legal hold");
    }

    /** The filesystem device ID of the repository, for the IS.012 6.6.6 same-media rule; empty for remote stores. */
    OptionalLong device();

    @Override
    default void close() {
    }
}
