package org.opsledger.vault.snapshot;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What a tree node is; {@link #letter()} is its column in `vault ls` and `vault find`. */
public enum NodeType {
    FILE('f'), DIR('d'), SYMLINK('s'),
    /** A named pipe (mkfifo): postfix's public/pickup, a daemon's control pipe. Since tree encoding 2. */
    FIFO('p'),
    /** A character device node ({@link Node#rdev()}): a chroot's dev/null, dev/random. Since tree encoding 2. */
    CHARDEV('c'),
    /** A block device node ({@link Node#rdev()}). Since tree encoding 2. */
    BLOCKDEV('b');

    private final char letter;

    NodeType(char letter) {
        this.letter = letter;
    }

    public char letter() {
        return letter;
    }

    /** A FIFO or device node: no content, made again by mknod(2) on restore. */
    public boolean special() {
        return this == FIFO || this == CHARDEV || this == BLOCKDEV;
    }

    @JsonValue
    public String json() {
        return name().toLowerCase();
    }

    @JsonCreator
    public static NodeType of(String s) {
        return valueOf(s.toUpperCase());
    }
}
