package org.opsledger.vault.snapshot;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.VaultJson;
import org.opsledger.vault.crypto.ObjectId;

/**
 * The compact binary encoding of a tree blob (docs/vault-format.md §8, repository format 2), and the
 * reader of both encodings: a blob starting with {@code "OLVT"} is binary, anything else is the JSON
 * of format 1. Fixed-width big-endian fields and length-prefixed UTF-8 strings: decoding a directory
 * is a loop over bytes, where Jackson's record binding cost most of a cold unchanged re-run's tree
 * loading before the JIT had compiled it. Names and link targets are the file system's bytes
 * ({@link FileNames}): UTF-8 for every name that is.
 */
public final class TreeCodec {

    private static final byte[] MAGIC = {'O', 'L', 'V', 'T'};
    /**
     * The version of this encoding, written after the magic; a reader refuses versions it does not know. Version 2
     * added FIFOs and device nodes ({@link NodeType#special()}, {@link Node#rdev()}); a tree without them is written
     * as version 1, byte for byte as before, so that it keeps its ID (and its deduplication against older snapshots)
     * and builds that read only version 1 still read it. Version 3 added POSIX ACLs and file capabilities
     * ({@link Node#permissionXattrs()}, repository format 6): a tree holding them is written as version 3, which the builds
     * that read 1 to 2 refuse, where they would have read past its flag; one without them as before.
     */
    static final int ENCODING = 3;

    private static final int HAS_CONTENT = 1;
    private static final int HAS_SUBTREE = 2;
    private static final int HAS_LINK_TARGET = 4;
    private static final int HAS_XATTRS = 8;
    private static final int HAS_NAME = 16;
    private static final int HAS_RDEV = 32;
    private static final int HAS_PERMISSION_XATTRS = 64;

    private TreeCodec() {
    }

    /** True when the bytes are a binary tree (format 2) rather than JSON. */
    public static boolean isBinary(byte[] blob) {
        return blob.length >= MAGIC.length && Arrays.equals(blob, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /**
     * Tree blob {@code id}, of either encoding; a malformed one is named with why ("malformed tree blob 1a2b3c4d (it ends
     * inside a node)"): copy, dump, find, ls and restore said "malformed tree blob (null)", naming no tree (a helper's).
     */
    public static Tree decode(ObjectId id, byte[] blob) {
        String malformed = "malformed tree blob " + id.shortHex() + " (";
        Tree tree;
        try {
            tree = isBinary(blob) ? new Reader(blob).tree() : VaultJson.read(blob, Tree.class);
        } catch (IndexOutOfBoundsException e) { // the JDK's words, or none at all once the JIT throws it without a message
            throw new VaultException(malformed + "it ends inside a node, or a length in it runs past its end)", e);
        } catch (IllegalArgumentException e) {
            throw new VaultException(malformed + e.getMessage() + ")", e);
        } catch (tools.jackson.core.JacksonException e) { // its own words name Jackson's settings, not what is wrong (a re-tester's)
            throw new VaultException(malformed + "JSON that is not a tree of the vault's: a node lacks a field or has one of"
                    + " another kind)");
        }
        // a JSON tree of {"nodes":[{"name":"x"}]}, crafted by a holder of the password, stopped check, prune and find for
        // every host with a NullPointerException or Jackson's message, naming no snapshot (a helper's)
        if (tree == null || tree.nodes() == null) {
            throw new VaultException(malformed + "no nodes)");
        }
        for (Node n : tree.nodes()) {
            if (n == null || n.type() == null) {
                throw new VaultException(malformed + "a node " + (n == null ? "that is null" : "without a type") + ")");
            }
        }
        return tree;
    }

    public static byte[] encode(Tree tree) {
        Writer w = new Writer(64 + tree.nodes().size() * 128);
        w.bytes(MAGIC, 0, MAGIC.length);
        w.u8(tree.nodes().stream().anyMatch(n -> n.permissionXattrs() != null) ? 3
                : tree.nodes().stream().anyMatch(n -> n.rdev() != 0 || n.type() != null && n.type().special()) ? 2 : 1);
        w.i32(tree.nodes().size());
        for (Node n : tree.nodes()) {
            if (n.type() == null) {
                throw new IllegalArgumentException("node " + n.name() + " has no type");
            }
            int flags = (n.content() != null ? HAS_CONTENT : 0) | (n.subtree() != null ? HAS_SUBTREE : 0)
                    | (n.linkTarget() != null ? HAS_LINK_TARGET : 0) | (n.xattrs() != null ? HAS_XATTRS : 0)
                    | (n.name() != null ? HAS_NAME : 0) | (n.rdev() != 0 ? HAS_RDEV : 0)
                    | (n.permissionXattrs() != null ? HAS_PERMISSION_XATTRS : 0);
            w.u8(n.type().ordinal());
            w.u8(flags);
            if (n.name() != null) {
                w.fileName(n.name());
            }
            w.i32(n.mode());
            w.i64(n.mtime());
            w.i64(n.ctime());
            w.i64(n.inode());
            w.i64(n.device());
            w.i32(n.uid());
            w.i32(n.gid());
            w.i64(n.size());
            w.i32(n.links());
            if (n.content() != null) {
                w.i32(n.content().size());
                for (ObjectId id : n.content()) {
                    w.id(id);
                }
            }
            if (n.subtree() != null) {
                w.id(n.subtree());
            }
            if (n.linkTarget() != null) {
                w.fileName(n.linkTarget());
            }
            if (n.xattrs() != null) {
                w.attributes(n.xattrs());
            }
            if (n.rdev() != 0) {
                w.i64(n.rdev());
            }
            if (n.permissionXattrs() != null) {
                w.attributes(n.permissionXattrs());
            }
        }
        return w.toByteArray();
    }

    private static final class Writer {
        private byte[] buf;
        private int len;

        Writer(int capacity) {
            buf = new byte[capacity];
        }

        private void room(int n) {
            if (len + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
            }
        }

        void u8(int v) {
            room(1);
            buf[len++] = (byte) v;
        }

        void i32(int v) {
            room(4);
            for (int s = 24; s >= 0; s -= 8) {
                buf[len++] = (byte) (v >>> s);
            }
        }

        void i64(long v) {
            room(8);
            for (int s = 56; s >= 0; s -= 8) {
                buf[len++] = (byte) (v >>> s);
            }
        }

        void id(ObjectId id) {
            i64(id.a());
            i64(id.b());
            i64(id.c());
            i64(id.d());
        }

        void bytes(byte[] b, int off, int n) {
            room(n);
            System.arraycopy(b, off, buf, len, n);
            len += n;
        }

        void string(String s) {
            lengthPrefixed(s.getBytes(StandardCharsets.UTF_8));
        }

        /** A count, then each name and value; sorted: the same attributes, the same bytes. */
        void attributes(Map<String, String> attributes) {
            i32(attributes.size());
            for (Map.Entry<String, String> e : new TreeMap<>(attributes).entrySet()) {
                string(e.getKey());
                string(e.getValue());
            }
        }

        /** A name or link target: the file system's bytes (FileNames), UTF-8 when they are. */
        void fileName(String s) {
            lengthPrefixed(FileNames.encode(s));
        }

        private void lengthPrefixed(byte[] b) {
            i32(b.length);
            bytes(b, 0, b.length);
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, len);
        }
    }

    private static final class Reader {
        private static final NodeType[] TYPES = NodeType.values();
        private final byte[] b;
        private int pos;

        Reader(byte[] b) {
            this.b = b;
            this.pos = MAGIC.length;
        }

        Tree tree() {
            int encoding = u8();
            if (encoding < 1 || encoding > ENCODING) {
                throw new IllegalArgumentException("tree encoding " + encoding + " is not supported (this build reads 1 to " + ENCODING + ")");
            }
            // the smallest node: type and flags, mode, uid, gid, links, mtime, ctime, inode, device, size (a FIFO
            // has no content, subtree or target; a name may be absent)
            int count = count(2 + 4 * 4 + 8 * 5);
            List<Node> nodes = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                nodes.add(node());
            }
            if (pos != b.length) {
                throw new IllegalArgumentException((b.length - pos) + " bytes after the last node");
            }
            return new Tree(nodes);
        }

        private Node node() {
            int type = u8();
            if (type >= TYPES.length) {
                throw new IllegalArgumentException("unknown node type " + type);
            }
            int flags = u8();
            String name = (flags & HAS_NAME) != 0 ? fileName() : null;
            int mode = i32();
            long mtime = i64();
            long ctime = i64();
            long inode = i64();
            long device = i64();
            int uid = i32();
            int gid = i32();
            long size = i64();
            int links = i32();
            List<ObjectId> content = null;
            if ((flags & HAS_CONTENT) != 0) {
                int n = count(ObjectId.SIZE);
                ObjectId[] ids = new ObjectId[n];
                for (int i = 0; i < n; i++) {
                    ids[i] = id();
                }
                content = List.of(ids);
            }
            ObjectId subtree = (flags & HAS_SUBTREE) != 0 ? id() : null;
            String linkTarget = (flags & HAS_LINK_TARGET) != 0 ? fileName() : null;
            Map<String, String> xattrs = (flags & HAS_XATTRS) != 0 ? attributes() : null;
            long rdev = (flags & HAS_RDEV) != 0 ? i64() : 0;
            Map<String, String> permissionXattrs = (flags & HAS_PERMISSION_XATTRS) != 0 ? attributes() : null;
            return new Node(name, TYPES[type], mode, mtime, ctime, inode, device, uid, gid, size, content, subtree, linkTarget,
                    links, xattrs, rdev, permissionXattrs);
        }

        private Map<String, String> attributes() {
            int n = count(8);
            Map<String, String> out = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                out.put(string(), string());
            }
            return out;
        }

        /** A count of items of at least {@code minBytes} each: never more than the bytes left could hold. */
        private int count(int minBytes) {
            int n = i32();
            if (n < 0 || (long) n * minBytes > b.length - pos) {
                throw new IllegalArgumentException("count " + n + " exceeds the blob");
            }
            return n;
        }

        private int u8() {
            return b[pos++] & 0xff;
        }

        private int i32() {
            int v = (b[pos] & 0xff) << 24 | (b[pos + 1] & 0xff) << 16 | (b[pos + 2] & 0xff) << 8 | (b[pos + 3] & 0xff);
            pos += 4;
            return v;
        }

        private long i64() {
            return (long) i32() << 32 | (i32() & 0xffffffffL);
        }

        private ObjectId id() {
            return new ObjectId(i64(), i64(), i64(), i64());
        }

        private String string() {
            int n = count(1);
            String s = new String(b, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }

        private String fileName() {
            int n = count(1);
            String s = FileNames.decode(b, pos, n);
            pos += n;
            return s;
        }
    }
}
