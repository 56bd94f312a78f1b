package org.opsledger.vault.index;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.opsledger.vault.VaultJson;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.pack.PackWriter;
import org.opsledger.vault.pack.PackedBlob;
import tools.jackson.core.JsonGenerator;

/**
 * Writes index files (docs/vault-format.md §7) from the packs' own blob lists with Jackson's streaming
 * generator: the JSON the {@link IndexFile} records bind to, without a string per ID held for the
 * whole file. What waits to be indexed is kept as {@link Pack}s, ≈40 bytes per blob beside the index
 * entry, and an index file names at most {@link #MAX_BLOBS} blobs, so that writing one takes bounded
 * memory however many small files a backup stores or however large the index a prune rewrites.
 */
public final class IndexFileWriter {

    /**
     * Blobs one index file names at most, as many as a pack holds at most (a pack's list is never split). Its JSON is
     * ≈160 bytes per blob, 2.5 MiB at most, read and written whole: restic's index files hold up to 50,000.
     */
    public static final int MAX_BLOBS = PackWriter.MAX_BLOBS;

    /** A pack as an index file names it. */
    public record Pack(ObjectId id, int epoch, List<PackedBlob> blobs) {
    }

    private IndexFileWriter() {
    }

    /** The packs in order, grouped into index files of at most {@code maxBlobs} blobs each (a larger pack alone). */
    public static List<List<Pack>> files(List<Pack> packs, int maxBlobs) {
        List<List<Pack>> files = new ArrayList<>();
        List<Pack> file = new ArrayList<>();
        int blobs = 0;
        for (Pack p : packs) {
            if (!file.isEmpty() && blobs + p.blobs().size() > maxBlobs) {
                files.add(file);
                file = new ArrayList<>();
                blobs = 0;
            }
            file.add(p);
            blobs += p.blobs().size();
        }
        if (!file.isEmpty()) {
            files.add(file);
        }
        return files;
    }

    /** One index file's JSON: {@code {"packs":[{"id","epoch","blobs":[{"id","type","offset","length","rawLength","compressed"}]}]}}. */
    public static byte[] json(List<Pack> packs) {
        int blobs = packs.stream().mapToInt(p -> p.blobs().size()).sum();
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 100 * packs.size() + 160 * blobs);
        try (JsonGenerator g = VaultJson.MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayPropertyStart("packs");
            for (Pack p : packs) {
                g.writeStartObject();
                g.writeStringProperty("id", p.id().hex());
                g.writeNumberProperty("epoch", p.epoch());
                g.writeArrayPropertyStart("blobs");
                for (PackedBlob b : p.blobs()) {
                    g.writeStartObject();
                    g.writeStringProperty("id", b.id().hex());
                    g.writeStringProperty("type", switch (b.type()) {
                        case DATA -> "data";
                        case TREE -> "tree";
                    });
                    g.writeNumberProperty("offset", b.offset());
                    g.writeNumberProperty("length", b.length());
                    g.writeNumberProperty("rawLength", b.rawLength());
                    g.writeBooleanProperty("compressed", b.compressed());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return out.toByteArray();
    }
}
