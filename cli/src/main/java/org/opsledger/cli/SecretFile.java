package org.opsledger.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.opsledger.vault.IoReason;

/** A password or token kept in a file: UTF-8 text of at most 4 KiB, its one trailing line end dropped. */
public final class SecretFile {

    static final int MAX_BYTES = 4096;

    private SecretFile() {
    }

    /** A password file ({@code --password-file}, {@code --db-password-file}): {@link #read(Path, String)}. */
    public static String password(Path file) {
        return read(file, "password file");
    }

    /**
     * The secret in {@code file}, called {@code what} in errors ("password file", "token file"). A file that is not
     * one (/dev/zero, a file named by mistake, binary bytes, nothing) is a one-line error with exit code 2, and no
     * more than 4 KiB + 1 bytes are read.
     */
    public static String read(Path file, String what) {
        byte[] bytes;
        try (var in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw new CliException("cannot read " + what + " " + file + ": " + IoReason.of(e), 2);
        }
        if (bytes.length > MAX_BYTES) {
            throw new CliException(what + " " + file + " is larger than " + MAX_BYTES + " bytes: not a " + what, 2);
        }
        String p;
        try {
            p = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CliException(what + " " + file + " is not UTF-8 text", 2);
        }
        p = p.endsWith("\n") ? p.substring(0, p.length() - 1) : p;
        p = p.endsWith("\r") ? p.substring(0, p.length() - 1) : p;
        if (p.isEmpty()) {
            throw new CliException(what + " " + file + " is empty", 2);
        }
        return p;
    }
}
