package org.opsledger.ledger.note;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The log's signing key on disk, outside the database: one line, the {@code PRIVATE+KEY+...}
 * form of {@link SignerKey}, in a file only its owner may read (mode 0600). The server creates it
 * on first start; an operator may supply their own.
 */
public final class SignerKeyFile {

    private static final long MAX_FILE_BYTES = 4096;
    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private SignerKeyFile() {
    }

    /**
     * Loads the key from {@code file}, or if the file does not exist generates a key named
     * {@code keyName} and writes it there with mode 0600. An existing key must be named
     * {@code keyName}: a log does not silently change identity.
     */
    public static SignerKey loadOrCreate(Path file, String keyName) throws IOException {
        if (!Files.exists(file)) {
            SignerKey key = SignerKey.generate(keyName);
            try {
                save(file, key);
                return key;
            } catch (FileAlreadyExistsException e) {
                // Another process created it first: use theirs.
            }
        }
        SignerKey key = load(file);
        if (!key.name().equals(keyName)) {
            throw new IOException("key file " + file + " holds the key of \"" + key.name()
                    + "\", not \"" + keyName + "\"");
        }
        return key;
    }

    /** Reads a key file; refuses files that group or others may access. */
    public static SignerKey load(Path file) throws IOException {
        PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (posix != null) {
            Set<PosixFilePermission> permissions = posix.readAttributes().permissions();
            if (!OWNER_ONLY.containsAll(permissions)) {
                throw new IOException("key file " + file + " has mode " + PosixFilePermissions.toString(permissions)
                        + "; it must be readable by its owner only (chmod 600)");
            }
        }
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw new IOException("key file " + file + " is too large to hold a signer key");
        }
        try {
            return SignerKey.parse(Files.readString(file, StandardCharsets.UTF_8).strip());
        } catch (IllegalArgumentException e) {
            throw new IOException("key file " + file + " does not hold a valid signer key: " + e.getMessage());
        }
    }

    /**
     * Writes {@code key} to a new file with mode 0600, fully or not at all: it is written to a
     * temporary file in the same directory, flushed to disk, then linked into place, which fails
     * with {@link FileAlreadyExistsException} rather than replace an existing key.
     */
    public static void save(Path file, SignerKey key) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        boolean posix = Files.getFileStore(directory).supportsFileAttributeView(PosixFileAttributeView.class);
        Path temporary = posix
                ? Files.createTempFile(directory, ".signer-key", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                : Files.createTempFile(directory, ".signer-key", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.write(StandardCharsets.UTF_8.encode(key.encodedSecret() + "\n"));
                channel.force(true);
            }
            Files.createLink(file, temporary);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
