package org.opsledger.vault.snapshot;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * File names and symlink targets as trees hold them: the file system's bytes, exactly. A Linux name
 * is any bytes but '/' and NUL; the JDK decodes it as UTF-8 and turns each byte that is not UTF-8
 * into U+FFFD, so two names could become one and a restore would write a name the file never had.
 * A tree's string carries such a byte as the lone surrogate U+DC80–U+DCFF (Python's
 * "surrogateescape"), which no UTF-8 text can contain; the tree stores the original bytes
 * (docs/vault-format.md §8). The bytes are read from and written to the file system through
 * {@code file:} URIs, whose percent-escapes the JDK maps to and from a path's bytes one to one.
 */
public final class FileNames {

    private static final char ESCAPE_BASE = '\uDC00';

    /** What to do when a name's bytes that are not UTF-8 were given as shown, U+FFFD, which stands for any of them. */
    public static final String GIVE_AS_BYTES = "give the one meant as its bytes (bash's $'…' quoting writes a byte as x and two"
            + " hex digits after a backslash)";

    private FileNames() {
    }

    /** The name of {@code path}'s last component. */
    public static String nameOf(Path path) {
        String s = path.getFileName().toString();
        return s.indexOf('\uFFFD') < 0 ? s : decode(lastSegmentBytes(path.getFileName()));
    }

    /**
     * A path of the file system as a string whose names keep their bytes (an escape for each that is not UTF-8): a
     * symlink's target as read ({@link java.nio.file.Files#readSymbolicLink}), a path the backup walks.
     */
    public static String exactOf(Path target) {
        String s = target.toString();
        if (s.indexOf('\uFFFD') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(target.isAbsolute() ? "/" : "");
        for (int i = 0; i < target.getNameCount(); i++) {
            out.append(i == 0 ? "" : "/").append(decode(lastSegmentBytes(target.getName(i))));
        }
        return out.toString();
    }

    /** {@code dir}'s child of this name, with the name's bytes as they were backed up. */
    public static Path resolve(Path dir, String name) {
        return hasEscapes(name) ? dir.resolve(component(encode(name))) : dir.resolve(name);
    }

    /**
     * The path of a string that may carry bytes that are not UTF-8 as escapes: a tree's link target (what a symlink is
     * created with), or a path given on the command line (the CLI's ExactArguments).
     */
    public static Path pathOf(String target) {
        if (!hasEscapes(target)) {
            return Path.of(target);
        }
        Path p = Path.of(target.startsWith("/") ? "/" : "");
        for (String part : target.split("/")) {
            if (!part.isEmpty()) {
                p = p.resolve(hasEscapes(part) ? component(encode(part)) : Path.of(part));
            }
        }
        return p;
    }

    /**
     * For JSON, which cannot hold such a byte, and for a name given as shown: each byte that was not UTF-8 as U+FFFD, as the
     * JDK shows it (the CLI's JSON gives the name's bytes beside it in base64, its Output.jsonOf). Text output shows each as
     * {@code \xHH} instead ({@link #byteAt}; the CLI's TerminalText), so two names that differ in such a byte read apart
     * there. Paths for reports keep the escapes, and each output shows them its way.
     */
    public static String display(String s) {
        if (!hasEscapes(s)) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            out.append(isEscape(s, i) ? '\uFFFD' : s.charAt(i));
        }
        return out.toString();
    }

    /** True when {@code s} carries a byte that is not UTF-8. */
    public static boolean hasEscapes(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (isEscape(s, i)) {
                return true;
            }
        }
        return false;
    }

    /** The bytes of a name or link target: UTF-8, with each escape back to its byte. */
    public static byte[] encode(String s) {
        if (!hasEscapes(s)) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() + 8);
        int start = 0; // the run of ordinary text before the next escape
        for (int i = 0; i < s.length(); i++) {
            if (isEscape(s, i)) {
                out.writeBytes(s.substring(start, i).getBytes(StandardCharsets.UTF_8));
                out.write(s.charAt(i) - ESCAPE_BASE);
                start = i + 1;
            }
        }
        out.writeBytes(s.substring(start).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** A name or link target from its bytes: UTF-8 where they are, an escape for each byte that is not. */
    public static String decode(byte[] b, int off, int len) {
        String s = new String(b, off, len, StandardCharsets.UTF_8);
        if (s.indexOf('\uFFFD') < 0) {
            return s; // valid UTF-8 (a name with U+FFFD itself takes the exact path below)
        }
        StringBuilder out = new StringBuilder(len);
        int i = off;
        int end = off + len;
        while (i < end) {
            int n = sequenceLength(b, i, end);
            if (n == 0) {
                out.append((char) (ESCAPE_BASE + (b[i] & 0xff))); // bytes 0x80–0xFF: U+DC80–U+DCFF
                i++;
            } else {
                out.append(new String(b, i, n, StandardCharsets.UTF_8));
                i += n;
            }
        }
        return out.toString();
    }

    public static String decode(byte[] b) {
        return decode(b, 0, b.length);
    }

    /** The length of the well-formed UTF-8 sequence at {@code i} (RFC 3629: no overlong forms, no surrogates), or 0. */
    private static int sequenceLength(byte[] b, int i, int end) {
        int c = b[i] & 0xff;
        if (c < 0x80) {
            return 1;
        }
        int n;
        int min;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 2;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 3;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 4;
            min = 0x10000;
        } else {
            return 0;
        }
        if (i + n > end) {
            return 0;
        }
        int cp = c & (0xFF >> (n + 1));
        for (int k = 1; k < n; k++) {
            int cc = b[i + k] & 0xff;
            if ((cc & 0xC0) != 0x80) {
                return 0;
            }
            cp = cp << 6 | (cc & 0x3F);
        }
        return cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ? 0 : n;
    }

    /** The byte that is not UTF-8 which the escape at {@code i} of {@code s} carries (0x80–0xFF), or -1 when none is there. */
    public static int byteAt(String s, int i) {
        return isEscape(s, i) ? s.charAt(i) - ESCAPE_BASE : -1;
    }

    private static boolean isEscape(String s, int i) {
        char c = s.charAt(i);
        return c >= '\uDC80' && c <= '\uDCFF' && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
    }

    /** The bytes of a one-component path (its file: URI's last segment, percent-decoded). */
    private static byte[] lastSegmentBytes(Path component) {
        String raw = rawPath(component);
        return percentDecoded(raw.substring(raw.lastIndexOf('/') + 1));
    }

    /**
     * The bytes of an absolute path as the file system takes them: {@code path.toString()} shows each byte that is
     * not UTF-8 as U+FFFD, and a command given that string names another file (a FIFO made through a symlink whose
     * name was the U+FFFD spelling of its directory's, outside the restore target: a helper's).
     */
    public static byte[] bytesOf(Path path) {
        return percentDecoded(rawPath(path));
    }

    /** {@code path}'s file: URI's raw path, without the trailing '/' toUri gives a directory. */
    private static String rawPath(Path path) {
        String raw = path.toAbsolutePath().toUri().getRawPath();
        return raw.length() > 1 && raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
    }

    private static byte[] percentDecoded(String raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                out.write(Integer.parseInt(raw, i + 1, i + 3, 16));
                i += 2;
            } else {
                out.write(c); // the URI's raw path is ASCII: anything else is escaped
            }
        }
        return out.toByteArray();
    }

    /** A relative one-component path of exactly these bytes (no '/' nor NUL among them). */
    private static Path component(byte[] name) {
        StringBuilder uri = new StringBuilder("file:///");
        for (byte x : name) {
            int c = x & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
                uri.append((char) c);
            } else {
                uri.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
            }
        }
        Path abs = Path.of(URI.create(uri.toString()));
        if (abs.getNameCount() != 1) {
            throw new IllegalArgumentException("not one path component: " + display(decode(name)));
        }
        return abs.getRoot().relativize(abs);
    }
}
