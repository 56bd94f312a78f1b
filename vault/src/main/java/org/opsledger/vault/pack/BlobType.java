package org.opsledger.vault.pack;

/** What a blob holds: a chunk of file content or one directory listing. */
public enum BlobType {
    DATA, TREE;

    public byte code() {
        return (byte) ordinal();
    }

    public static BlobType ofCode(int code) {
        return switch (code) {
            case 0 -> DATA;
            case 1 -> TREE;
            default -> throw new IllegalArgumentException("unknown blob type " + code);
        };
    }
}
