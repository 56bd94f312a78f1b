package org.opsledger.vault.snapshot;

import org.opsledger.vault.LowerCaseJson;

/** What a tree node is; {@link #letter()} is its column in `vault ls` and `vault find`. */
public enum NodeType implements LowerCaseJson {
    FILE('f', 0100000), DIR('d', 0040000), SYMLINK('l', 0120000), // l as ls -l shows a link (s is a socket there)
    /** A named pipe (mkfifo): postfix's public/pickup, a daemon's control pipe. Since tree encoding 2. */
    FIFO('p', 0010000),
    /** A character device node ({@link Node#rdev()}): a chroot's dev/null, dev/random. Since tree encoding 2. */
    CHARDEV('c', 0020000),
    /** A block device node ({@link Node#rdev()}). Since tree encoding 2. */
    BLOCKDEV('b', 0060000);

    /** The file-type bits of st_mode (S_IFMT). */
    public static final int FORMAT_BITS = 0170000;

    private final char letter;
    private final int format;

    NodeType(char letter, int format) {
        this.letter = letter;
        this.format = format;
    }

    public char letter() {
        return letter;
    }

    /** This type's file-type bits of st_mode (S_IFREG, S_IFDIR…). */
    public int format() {
        return format;
    }

    /** The type whose file-type bits {@code mode} holds; null for a socket, which no node holds. */
    public static NodeType ofMode(int mode) {
        for (NodeType t : values()) {
            if (t.format == (mode & FORMAT_BITS)) {
                return t;
            }
        }
        return null;
    }

    /** A FIFO or device node: no content, made again by mknod(2) on restore. */
    public boolean special() {
        return this == FIFO || this == CHARDEV || this == BLOCKDEV;
    }

    /** The type a listing's row names ({@link #json()}). */
    public static NodeType of(String s) {
        return valueOf(s.toUpperCase(java.util.Locale.ROOT));
    }
}
