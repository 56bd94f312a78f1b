package org.opsledger.vault.restorer;

import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.repository.SharedLock;
import org.opsledger.vault.snapshot.FileNames;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.NodeType;
import org.opsledger.vault.snapshot.SnapshotPaths;
import org.opsledger.vault.snapshot.SnapshotRef;
import org.opsledger.vault.snapshot.Tree;

/**
 * {@code vault dump}: one path of a snapshot written to a stream, as restic's dump does: a file's
 * bytes (a database dump straight into {@code psql}), a directory (or the whole snapshot) as a
 * POSIX tar archive of it ({@code | ssh host tar -x}). Every blob is checked against its ID as it is
 * read, so a damaged repository stops the dump with an error rather than passing on wrong bytes;
 * what was written before the damaged blob has been written. One blob is held at a time.
 */
public final class Dumper {

    private final Repository repo;

    public Dumper(Repository repo) {
        this.repo = repo;
    }

    /** What a dump wrote: a file's content, or a tar archive of how many entries. */
    public record Dumped(NodeType type, long bytes, long entries) {
    }

    /** Writes {@code path} of the snapshot ("" or "/" for all of it) to {@code out}, which is flushed, not closed. */
    public Dumped dump(SnapshotRef snapshot, String path, OutputStream out) throws IOException {
        return dump(snapshot, path, out, () -> { });
    }

    /**
     * As {@link #dump(SnapshotRef, String, OutputStream)}, {@code begins} run once {@code path} is found and is one a dump
     * writes, before its first byte: a path refused runs it not.
     */
    public Dumped dump(SnapshotRef snapshot, String path, OutputStream out, Runnable begins) throws IOException {
        try (SharedLock reading = repo.readLock("dump")) { // a prune meanwhile deletes no pack this dump reads
            return dumpRead(snapshot, path, out, begins);
        }
    }

    /** The snapshot being dumped, for {@link Tree#tooDeep}. */
    private SnapshotRef dumping;

    private Dumped dumpRead(SnapshotRef snapshot, String path, OutputStream out, Runnable begins) throws IOException {
        String rel = SnapshotPaths.relative(path);
        List<Node> top;
        int depth = 0; // of top's directory, the root's 0
        dumping = snapshot;
        String parent = ""; // the names above the dumped directory, as the snapshot has them
        if (rel.isEmpty()) {
            top = repo.loadTree(snapshot.snapshot().tree()).nodes();
        } else {
            List<Node> trail = SnapshotPaths.trail(snapshot, rel, repo::loadTree);
            Node node = trail.getLast();
            for (Node above : trail.subList(0, trail.size() - 1)) {
                parent += above.name() + "/";
            }
            if (node.type() == NodeType.FILE) {
                begins.run();
                long bytes = content(node, out::write);
                out.flush();
                return new Dumped(NodeType.FILE, bytes, 1);
            }
            if (node.type() == NodeType.SYMLINK) {
                throw new VaultException(rel + " in snapshot " + snapshot.shortId() + " is a symbolic link to "
                        + node.linkTarget() + "; dump the path it points to");
            }
            top = List.of(node);
            depth = trail.size() - 1;
        }
        begins.run();
        TarWriter tar = new TarWriter(out);
        Map<List<Long>, String> firstNames = new HashMap<>();
        long entries = tarAll(tar, top, parent, depth, firstNames);
        tar.finish();
        return new Dumped(NodeType.DIR, tar.written(), entries);
    }

    @FunctionalInterface
    private interface BlobSink {
        void accept(byte[] plaintext) throws IOException;
    }

    /** A file's blobs in order, each decrypted and checked against its ID as it is read; returns their bytes. */
    private long content(Node file, BlobSink sink) throws IOException {
        long bytes = 0;
        for (ObjectId blob : file.content() == null ? List.<ObjectId>of() : file.content()) {
            byte[] b = repo.loadBlob(blob);
            sink.accept(b);
            bytes += b.length;
        }
        String disagreement = file.sizeDisagreement(bytes);
        if (disagreement != null) { // a tar entry's header has promised the size already
            throw new VaultException(file.name() + ": " + disagreement);
        }
        return bytes;
    }

    /**
     * The nodes of one directory. A name twice in one directory is refused: a crafted tree could make "d" a
     * symlink to /etc and then a directory holding "passwd", for an extracting tar to write through the link.
     */
    private long tarAll(TarWriter tar, List<Node> nodes, String dir, int depth, Map<List<Long>, String> firstNames) throws IOException {
        if (depth > Tree.MAX_DEPTH) { // a forged tree of 100,000 levels ran out of heap, advising a larger one (a tester's)
            throw Tree.tooDeep(dumping.shortId());
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        long entries = 0;
        for (Node n : nodes) {
            if (!names.add(n.name())) {
                throw new VaultException("refused the name " + n.name() + ", twice under "
                        + (dir.isEmpty() ? "/" : dir) + " in the snapshot; the archive is incomplete");
            }
            entries += tar(tar, n, dir, depth, firstNames);
        }
        return entries;
    }

    /** One node and, for a directory, everything under it, pre-order; returns the entries written. */
    private long tar(TarWriter tar, Node n, String dir, int depth, Map<List<Long>, String> firstNames) throws IOException {
        if (!Node.isSafeName(n.name())) { // a crafted name ("..", "a/b", "/etc") never reaches an archive
            throw new VaultException("refused unsafe name " + n.name() + " under "
                    + (dir.isEmpty() ? "/" : dir) + " in the snapshot; the archive is incomplete");
        }
        String name = dir + n.name();
        switch (n.type()) {
            case DIR -> {
                if (n.subtree() == null) { // an empty directory in the archive, exit 0 (a re-tester's)
                    throw new VaultException(name + ": " + Tree.NO_SUBTREE + "; the archive is incomplete");
                }
                tar.entry(FileNames.encode(name + "/"), TarWriter.DIRECTORY, n.mode(), n.mtime(), n.uid(), n.gid(), 0, null, null,
                        n.xattrs());
                return 1 + tarAll(tar, repo.loadTree(n.subtree()).nodes(), name + "/", depth + 1, firstNames);
            }
            case SYMLINK -> tar.entry(FileNames.encode(name), TarWriter.SYMLINK, 0777, n.mtime(), n.uid(), n.gid(), 0,
                    FileNames.encode(n.linkTarget()), null, null);
            case FIFO -> tar.entry(FileNames.encode(name), TarWriter.FIFO, n.mode(), n.mtime(), n.uid(), n.gid(), 0, null, null, null);
            case CHARDEV, BLOCKDEV -> tar.entry(FileNames.encode(name), n.type() == NodeType.CHARDEV ? TarWriter.CHARDEV
                    : TarWriter.BLOCKDEV, n.mode(), n.mtime(), n.uid(), n.gid(), 0, null,
                    new long[] {n.deviceMajor(), n.deviceMinor()}, null);
            case FILE -> {
                String first = n.hardLinked() ? firstNames.putIfAbsent(List.of(n.device(), n.inode()), name) : null;
                if (first != null) { // its content is in the archive under its first name
                    tar.entry(FileNames.encode(name), TarWriter.HARD_LINK, n.mode(), n.mtime(), n.uid(), n.gid(), 0,
                            FileNames.encode(first), null, n.xattrs());
                    return 1;
                }
                tar.entry(FileNames.encode(name), TarWriter.FILE, n.mode(), n.mtime(), n.uid(), n.gid(), n.size(), null, null,
                        n.xattrs());
                content(n, b -> tar.content(b, 0, b.length));
            }
        }
        return 1;
    }
}
