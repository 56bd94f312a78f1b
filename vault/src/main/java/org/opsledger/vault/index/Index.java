package org.opsledger.vault.index;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.crypto.Sealing;
import org.opsledger.vault.pack.BlobType;
import org.opsledger.vault.pack.PackWriter;
import org.opsledger.vault.pack.PackedBlob;

/**
 * The union of all index files: blob ID to pack location. About 130 bytes per blob on a 64-bit
 * JVM with compressed oops (key 48 B, entry 40 B, map node and table slot ≈40 B).
 */
public final class Index {

    private final Map<ObjectId, IndexEntry> entries = new ConcurrentHashMap<>();
    private final Map<ObjectId, Integer> packEpochs = new ConcurrentHashMap<>();
    /**
     * The further places of a blob indexed in more than one pack, in the order read: any of them is valid (§7), and a read
     * that fails at the first tries these. Only such blobs are here (a crash's or a concurrent backup's leftover, an older
     * index file put back): about 200 bytes each, nothing for a blob indexed once.
     */
    private final Map<ObjectId, List<IndexEntry>> elsewhere = new ConcurrentHashMap<>();
    /** Every pack's full blob list, kept only for maintenance (prune, retire, check): a blob stored twice is in two packs. */
    private final Map<ObjectId, List<PackedBlob>> packContents;

    /** The lean index a backup or restore uses: one location per blob. */
    public Index() {
        this(false);
    }

    /** @param keepPackContents also keep each pack's complete list, so {@link #byPack()} misses no pack */
    public Index(boolean keepPackContents) {
        this.packContents = keepPackContents ? new ConcurrentHashMap<>() : null;
    }

    public void add(ObjectId pack, int epoch, List<PackedBlob> blobs) {
        ObjectId shared = pack; // one instance for all of this pack's entries
        packEpochs.put(shared, epoch);
        if (packContents != null) {
            packContents.put(shared, List.copyOf(blobs));
        }
        for (PackedBlob b : blobs) {
            IndexEntry e = new IndexEntry(shared, b.type(), b.compressed(), b.offset(), b.length(), b.rawLength());
            IndexEntry first = entries.putIfAbsent(b.id(), e);
            if (first != null && !first.pack().equals(shared)) {
                elsewhere.compute(b.id(), (id, more) -> {
                    List<IndexEntry> out = more == null ? new ArrayList<>(1) : new ArrayList<>(more);
                    if (out.stream().noneMatch(m -> m.pack().equals(shared))) {
                        out.add(e);
                    }
                    return List.copyOf(out);
                });
            }
        }
    }

    public void add(IndexFile file) {
        for (IndexFile.Pack p : file.packs()) {
            List<PackedBlob> blobs = new ArrayList<>(p.blobs().size());
            for (IndexFile.Blob b : p.blobs()) {
                blobs.add(IndexFileReader.blob(BlobType.valueOf(b.type().toUpperCase(java.util.Locale.ROOT)), b.compressed(), b.offset(), b.length(),
                        b.rawLength(), b.id()));
            }
            add(ObjectId.parse(p.id()), p.epoch(), blobs);
        }
    }

    public void clear() {
        entries.clear();
        packEpochs.clear();
        elsewhere.clear();
        if (packContents != null) {
            packContents.clear();
        }
    }

    public IndexEntry get(ObjectId blob) {
        return entries.get(blob);
    }

    /** Every place the index gives a blob, the first {@link #get} gives; empty when it is in none. */
    public List<IndexEntry> locations(ObjectId blob) {
        IndexEntry first = entries.get(blob);
        if (first == null) {
            return List.of();
        }
        List<IndexEntry> more = elsewhere.get(blob);
        if (more == null) {
            return List.of(first);
        }
        List<IndexEntry> all = new ArrayList<>(1 + more.size());
        all.add(first);
        all.addAll(more);
        return all;
    }

    public boolean contains(ObjectId blob) {
        return entries.containsKey(blob);
    }

    public int size() {
        return entries.size();
    }

    public Set<ObjectId> packs() {
        return packEpochs.keySet();
    }

    public int epochOf(ObjectId pack) {
        return packEpochs.getOrDefault(pack, 0);
    }

    /**
     * Where the last blob the index places in {@code pack} ends (its offset and length): a stored pack shorter than that
     * was cut (an interrupted `rsync --partial` leaves it under its name).
     */
    public long end(ObjectId pack) {
        return end(packContents != null ? packContents.getOrDefault(pack, List.of()) : byPack().getOrDefault(pack, List.of()));
    }

    private static long end(List<PackedBlob> blobs) {
        return blobs.stream().mapToLong(b -> (long) b.offset() + b.length()).max().orElse(0);
    }

    /**
     * Null when a stored pack of {@code size} bytes reaches {@link #end} of {@code pack}, else how it falls short ("shorter than
     * its index says (…)"): prune's refusal and check's damage, from a size the listing gives (no read).
     */
    public String cutShort(ObjectId pack, long size) {
        return cutShort(size, end(pack), -1);
    }

    /**
     * {@link #cutShort(ObjectId, long)} of a pack whose {@code blobs} the index lists, for a check that read it. With {@code
     * headerUnread} (its header did not read) also a pack that holds each blob whole but is shorter than they, their sealed
     * header (46 bytes a blob) and the trailer take (docs/vault-format.md §6): cut within its header, which is gone with
     * its end. check --read-data named a pack cut short by its header's trailer, which the cut had taken.
     */
    public static String cutShort(List<PackedBlob> blobs, long size, boolean headerUnread) {
        long whole = end(blobs) + Sealing.OVERHEAD + (long) PackedBlob.HEADER_ENTRY_SIZE * blobs.size() + PackWriter.TRAILER;
        return cutShort(size, end(blobs), headerUnread && size < whole && !blobs.isEmpty() ? whole : -1);
    }

    /** {@code whole}: the length of the whole pack where the cut is within its header, else -1. */
    private static String cutShort(long size, long end, long whole) {
        return size < end ? "shorter than its index says (" + size + " bytes, where the index places a blob up to byte " + end + ")"
                : whole >= 0 ? "shorter than its index says (" + size + " bytes, where its blobs end at byte " + end + " and their header"
                + " and the trailer at byte " + whole + "): cut within its header" : null;
    }

    public Map<ObjectId, IndexEntry> entries() {
        return entries;
    }

    /**
     * Blobs grouped by the pack that holds them. Complete only for an index built with
     * {@code keepPackContents}; the lean index lists each blob under one of its packs.
     */
    public Map<ObjectId, List<PackedBlob>> byPack() {
        if (packContents != null) {
            return new HashMap<>(packContents);
        }
        Map<ObjectId, List<PackedBlob>> out = new HashMap<>();
        entries.forEach((id, e) -> out.computeIfAbsent(e.pack(), k -> new ArrayList<>())
                .add(new PackedBlob(e.type(), e.compressed(), e.offset(), e.length(), e.rawLength(), id)));
        return out;
    }

    public static IndexFile.Pack toFile(ObjectId pack, int epoch, List<PackedBlob> blobs) {
        List<IndexFile.Blob> out = new ArrayList<>(blobs.size());
        for (PackedBlob b : blobs) {
            out.add(new IndexFile.Blob(b.id().hex(), b.type().name().toLowerCase(java.util.Locale.ROOT), b.offset(), b.length(), b.rawLength(), b.compressed()));
        }
        return new IndexFile.Pack(pack.hex(), epoch, out);
    }
}
