package org.opsledger.vault.restorer;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.opsledger.vault.snapshot.Node;

/**
 * A POSIX (pax, IEEE Std 1003.1-2001) tar stream, as {@code tar} of GNU and of the BSDs read it. Every
 * entry has an extended header with its exact path, link target and nanosecond mtime, so names of any
 * length and bytes need no truncation rules of the older ustar and GNU formats; sizes of 8 GiB and
 * more, and owners beyond the octal fields, go there too. Extended attributes are written as
 * {@code SCHILY.xattr.user.NAME} records (GNU tar restores them with {@code --xattrs}). Names that are not
 * UTF-8 go as their bytes, which GNU tar extracts as they are (the standard's {@code hdrcharset=BINARY}
 * marker is left out: GNU tar 1.34 warns of it as unknown).
 */
final class TarWriter {

    private static final int BLOCK = 512;
    private static final long OCTAL_11 = 077777777777L; // the largest size or time the ustar fields hold
    private static final long OCTAL_7 = 07777777L;

    static final byte FILE = '0';
    static final byte HARD_LINK = '1';
    static final byte SYMLINK = '2';
    static final byte CHARDEV = '3';
    static final byte BLOCKDEV = '4';
    static final byte DIRECTORY = '5';
    static final byte FIFO = '6';
    private static final byte EXTENDED = 'x';

    private final OutputStream out;
    private long written; // bytes of the archive so far
    private long pad; // bytes of zeros owed after the current entry's content

    TarWriter(OutputStream out) {
        this.out = out;
    }

    /**
     * Starts an entry; a file's {@code size} bytes of content follow through {@link #content} (others have none).
     *
     * @param path   the name's bytes, without a leading '/' (a directory's with a trailing one)
     * @param link   a symlink's target or a hard link's first name, as bytes; null for neither
     * @param device a device node's major and minor number ({@link Node#deviceMajor()}); null for other entries
     * @param xattrs extended attributes of the {@code user.} namespace as a tree keeps them: names without
     *               the prefix, values in base64
     */
    void entry(byte[] path, byte type, int mode, long mtimeNanos, int uid, int gid, long size, byte[] link, long[] device,
               Map<String, String> xattrs) throws IOException {
        endContent();
        PaxRecords pax = new PaxRecords();
        pax.add("path", path);
        if (link != null) {
            pax.add("linkpath", link);
        }
        pax.add("mtime", BigDecimal.valueOf(mtimeNanos, 9).toPlainString().getBytes(StandardCharsets.US_ASCII));
        if (size > OCTAL_11) {
            pax.add("size", Long.toString(size).getBytes(StandardCharsets.US_ASCII));
        }
        if (Integer.toUnsignedLong(uid) > OCTAL_7) {
            pax.add("uid", Integer.toUnsignedString(uid).getBytes(StandardCharsets.US_ASCII));
        }
        if (Integer.toUnsignedLong(gid) > OCTAL_7) {
            pax.add("gid", Integer.toUnsignedString(gid).getBytes(StandardCharsets.US_ASCII));
        }
        if (xattrs != null) {
            for (var x : xattrs.entrySet()) {
                // GNU tar's escapes in the keyword ('%' as %25, '=' as %3D): user.a=b was extracted as user.a, value "b=…"
                pax.add("SCHILY.xattr.user." + x.getKey().replace("%", "%25").replace("=", "%3D"), Base64.getDecoder().decode(x.getValue()));
            }
        }
        byte[] records = pax.bytes();
        header("PaxHeader".getBytes(StandardCharsets.US_ASCII), EXTENDED, 0644, 0, 0, 0, records.length, null, null);
        write(records);
        write(new byte[padding(records.length)]);

        header(path, type, mode, mtimeNanos, uid, gid, size, link, device);
        pad = padding(size);
    }

    /** Part of the current file's content. */
    void content(byte[] b, int off, int len) throws IOException {
        write(b, off, len);
    }

    /** Ends the archive: two zero blocks. The stream is flushed, not closed. */
    void finish() throws IOException {
        endContent();
        write(new byte[2 * BLOCK]);
        out.flush();
    }

    long written() {
        return written;
    }

    private void endContent() throws IOException {
        if (pad > 0) {
            write(new byte[(int) pad]);
            pad = 0;
        }
    }

    /** A ustar header block; whatever does not fit its fields is in the extended header before it. */
    private void header(byte[] name, byte type, int mode, long mtimeNanos, int uid, int gid, long size, byte[] link,
                        long[] device) throws IOException {
        byte[] h = new byte[BLOCK];
        System.arraycopy(name, 0, h, 0, Math.min(name.length, 100));
        octal(h, 100, 8, mode & 07777);
        octal(h, 108, 8, Integer.toUnsignedLong(uid) > OCTAL_7 ? 0 : uid);
        octal(h, 116, 8, Integer.toUnsignedLong(gid) > OCTAL_7 ? 0 : gid);
        octal(h, 124, 12, size > OCTAL_11 ? 0 : size);
        long seconds = Math.floorDiv(mtimeNanos, 1_000_000_000L);
        octal(h, 136, 12, seconds < 0 || seconds > OCTAL_11 ? 0 : seconds);
        h[156] = type;
        if (link != null) {
            System.arraycopy(link, 0, h, 157, Math.min(link.length, 100));
        }
        System.arraycopy("ustar\u000000".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 8);
        if (device != null) { // devmajor, devminor: seven octal digits each, as every Linux device number has
            octal(h, 329, 8, device[0]);
            octal(h, 337, 8, device[1]);
        }
        Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        octal(h, 148, 7, sum); // six digits, a NUL, and the space already there
        write(h);
    }

    /** {@code value} in octal, zero-padded to {@code len - 1} digits and a NUL. */
    private static void octal(byte[] h, int off, int len, long value) {
        String s = Long.toOctalString(value);
        int digits = len - 1;
        for (int i = 0; i < digits; i++) {
            int from = s.length() - digits + i;
            h[off + i] = (byte) (from < 0 ? '0' : s.charAt(from));
        }
        h[off + digits] = 0;
    }

    private static int padding(long size) {
        return (int) ((BLOCK - size % BLOCK) % BLOCK);
    }

    private void write(byte[] b) throws IOException {
        write(b, 0, b.length);
    }

    private void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        written += len;
    }

    /** pax records, "LENGTH KEY=VALUE\n", where LENGTH counts the whole record, its own digits too. */
    private static final class PaxRecords {
        private final java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();

        void add(String key, byte[] value) {
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            int rest = 1 + k.length + 1 + value.length + 1; // " KEY=VALUE\n"
            int len = rest + Integer.toString(rest).length();
            if (Integer.toString(len).length() != Integer.toString(rest).length()) {
                len++; // the length's own digits carried it past a power of ten
            }
            buf.writeBytes(Integer.toString(len).getBytes(StandardCharsets.US_ASCII));
            buf.write(' ');
            buf.writeBytes(k);
            buf.write('=');
            buf.writeBytes(value);
            buf.write('\n');
        }

        byte[] bytes() {
            return buf.toByteArray();
        }
    }
}
