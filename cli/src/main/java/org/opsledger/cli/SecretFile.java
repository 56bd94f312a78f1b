package org.opsledger.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import org.opsledger.vault.IoReason;

/**
 * A password or token kept in a file (UTF-8 text of at most 4 KiB, a leading byte order mark and its one trailing line
 * end dropped) or in an environment variable (UTF-8 text, whatever the locale, its one trailing line end dropped too); a
 * new key slot's password of at most 4 KiB from either.
 */
public final class SecretFile {

    /**
     * The most UTF-8 bytes a secret may have, from a file or a variable alike: a file may hold a byte order mark and a line
     * end beside it. A new key slot's password longer than this is refused ({@link #checkNewPassword}); a variable of
     * more still opens what a build before 2026-12-06 made with it.
     */
    public static final int MAX_BYTES = 4096;
    /** A leading UTF-8 byte order mark and a trailing \r\n, which a file may hold beside {@link #MAX_BYTES} of secret. */
    private static final int MARK_AND_LINE_END = 5;

    private SecretFile() {
    }

    /**
     * A secret as read, and as builds until 2026-12-06 read it where they read it otherwise ({@code formerly}, null when
     * not): they kept a file's leading UTF-8 byte order mark (U+FEFF) as its first character, and an environment
     * variable's trailing line end as its last.
     */
    public record Text(String secret, String formerly) {
    }

    /** A password file ({@code --password-file}, {@code --db-password-file}): {@link #read(Path, String)}. */
    public static String password(Path file) {
        return read(file, "password file");
    }

    /** The secret in {@code file}: {@link #text(Path, String)}'s, its byte order mark dropped. */
    public static String read(Path file, String what) {
        return text(file, what).secret();
    }

    /**
     * The secret in {@code file}, called {@code what} in errors ("password file", "token file"). A file that is not
     * one (/dev/zero, a file named by mistake, binary bytes, nothing) is a one-line error with exit code 2, and no
     * more than 4 KiB + 1 bytes are read. A leading byte order mark is no part of it, as restic reads a password
     * file: Notepad and PowerShell 5's `Out-File -Encoding utf8` write one, and a repository made from such a file
     * opened with that file only, never with the password typed (a re-tester's).
     */
    public static Text text(Path file, String what) {
        return text(file, what, what);
    }

    /** {@link #text(Path, String)}, its option named by {@code option} ("--password-file") when a FIFO waits for a writer ({@link InputFile}). */
    public static Text text(Path file, String what, String option) {
        byte[] bytes;
        try (var in = InputFile.open(file, option)) {
            bytes = in.readNBytes(MAX_BYTES + MARK_AND_LINE_END + 1);
        } catch (IOException e) {
            throw new CliException("cannot read " + what + " " + file + ": " + IoReason.of(e), 2);
        }
        if (bytes.length > MAX_BYTES + MARK_AND_LINE_END) {
            throw new CliException(what + " " + file + " is larger than " + MAX_BYTES + " bytes: not a " + what, 2);
        }
        String p;
        try {
            p = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CliException(what + " " + file + " is not UTF-8 text", 2);
        }
        boolean byteOrderMark = p.startsWith("\uFEFF");
        p = withoutLineEnd(byteOrderMark ? p.substring(1) : p);
        if (p.indexOf('\0') >= 0) {
            // HMAC pads a key with zero bytes: "pw\0" and "pw" are one PBKDF2 password, and "pw\0\0" opened what "pw" made
            // (a helper's). No text holds one: a file that does is not a password file, whatever opened with it before.
            throw new CliException(what + " " + file + " holds a NUL byte: not text", 2);
        }
        if (p.isEmpty()) {
            throw new CliException(what + " " + file + " is empty", 2);
        }
        if (utf8Bytes(p) > MAX_BYTES) { // its mark and line end aside
            throw new CliException(what + " " + file + " is larger than " + MAX_BYTES + " bytes: not a " + what, 2);
        }
        if (readableByEveryUser(file)) {
            // as ssh warns of a private key others can read; a group may read it (a shared repository's operators)
            TerminalText.over(System.err).println("opsledger: warning: " + what + " " + file
                    + " can be read by every user of this host: chmod o-r it");
        }
        return new Text(p, byteOrderMark ? "\uFEFF" + p : null);
    }

    /** {@code text} without its one trailing line end: \n, \r\n, or a lone \r (an old Mac's). */
    private static String withoutLineEnd(String text) {
        String p = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        return p.endsWith("\r") ? p.substring(0, p.length() - 1) : p;
    }

    private static int utf8Bytes(CharSequence secret) {
        return StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(secret)).remaining();
    }

    /**
     * Refuses a new key slot's password (init, key add) of more than {@link #MAX_BYTES} UTF-8 bytes, from {@code source}
     * (the variable's name, or the file): the variable took one of any length, which the same password in a file then
     * did not open (a tester's repro-8). One limit for both; opening is not limited, so a repository made before
     * 2026-12-06 from a longer variable still opens with it.
     */
    public static void checkNewPassword(char[] secret, String source) {
        int bytes = utf8Bytes(java.nio.CharBuffer.wrap(secret));
        if (bytes > MAX_BYTES) {
            throw new CliException("the password from " + source + " is " + bytes + " bytes, more than the " + MAX_BYTES
                    + " a key slot's password may have (from a file or a variable alike): give a shorter one", 2);
        }
    }

    /**
     * Whether any local user can read the regular file {@code file}: others may read it, and search every directory
     * above it (a 0644 file in a 0700 home directory is not readable by them). False where the filesystem has no
     * POSIX modes, and for what is not a regular file (a pipe, /dev/stdin).
     */
    static boolean readableByEveryUser(Path file) {
        try {
            Path real = file.toRealPath();
            if (!Files.isRegularFile(real) || !Files.getPosixFilePermissions(real).contains(PosixFilePermission.OTHERS_READ)) {
                return false;
            }
            for (Path dir = real.getParent(); dir != null; dir = dir.getParent()) {
                if (!Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return false;
                }
            }
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** The secret in the environment variable {@code name}, as {@link #environmentText} reads it; null when it is unset or empty. */
    public static String fromEnvironment(String name) {
        Text text = environmentText(name);
        return text == null ? null : text.secret();
    }

    /**
     * The secret in the environment variable {@code name}; null when it is unset or empty. Its one trailing line end is
     * no part of it, as a file's is not: a Kubernetes secret made from `echo pw > f` gives "pw\n", and a repository made
     * from it opened neither with the password typed nor with that file (a tester's); builds until 2026-12-06 kept it
     * ({@link Text#formerly}). The JVM decodes the environment in the locale's charset and puts U+FFFD for what it cannot
     * decode: under the POSIX locale a cron job runs in, `päss` became `p??ss` and opened no repository an interactive
     * shell had made with it, and bytes that are not UTF-8 became one U+FFFD each, so two different random passwords
     * opened the same repository (a helper's). A value holding U+FFFD is read again as bytes from /proc/self/environ and
     * decoded as UTF-8, or refused, as a password file that is not UTF-8 text is.
     */
    public static Text environmentText(String name) {
        String value = System.getenv(name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (value.indexOf('\uFFFD') >= 0) {
            byte[] raw = rawEnvironment(name);
            try {
                value = raw == null ? null : StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(raw)).toString();
            } catch (CharacterCodingException e) {
                value = null;
            }
            if (value == null) {
                throw new CliException(name + " is not UTF-8 text", 2);
            }
        }
        String secret = withoutLineEnd(value);
        if (secret.isEmpty()) {
            throw new CliException(name + " holds only a line end: set it to the secret", 2);
        }
        return new Text(secret, secret.equals(value) ? null : value);
    }

    /** The bytes of {@code name}'s value as this process was given them; null where /proc cannot say (not Linux). */
    private static byte[] rawEnvironment(String name) {
        byte[] environ;
        try {
            environ = Files.readAllBytes(Path.of("/proc/self/environ"));
        } catch (IOException e) {
            return null;
        }
        byte[] prefix = (name + "=").getBytes(StandardCharsets.US_ASCII);
        for (int start = 0, end; start < environ.length; start = end + 1) {
            end = start;
            while (end < environ.length && environ[end] != 0) {
                end++;
            }
            if (end - start >= prefix.length && Arrays.equals(environ, start, start + prefix.length, prefix, 0, prefix.length)) {
                return Arrays.copyOfRange(environ, start + prefix.length, end);
            }
        }
        return null;
    }
}
