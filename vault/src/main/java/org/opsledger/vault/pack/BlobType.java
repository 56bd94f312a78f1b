package org.opsledger.vault.pack;

/** What a blob holds: a chunk of file content or one directory listing. */
public enum BlobType {
    DATA, TREE;

    public byte code() {
        return (byte) ordinal();
    }

    /**
     * The type a pack header's entry gives; one of no type is a damaged or forged pack (an authenticated header with type 5
     * stopped every prune and repair with "unknown blob type 5", naming no pack: a helper's), refused as the pack's damage.
     */
    public static BlobType ofCode(int code) {
        return switch (code) {
            case 0 -> DATA;
            case 1 -> TREE;
            default -> throw new PackReader.CorruptPackException("pack header entry has unknown blob type " + code);
        };
    }
}
