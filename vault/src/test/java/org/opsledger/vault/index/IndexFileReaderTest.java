package org.opsledger.vault.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opsledger.vault.VaultJson;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.pack.BlobType;
import org.opsledger.vault.pack.PackedBlob;

class IndexFileReaderTest {

    private static ObjectId id(long n) {
        return new ObjectId(n, ~n, n * 31, Long.MIN_VALUE + n);
    }

    private static List<IndexFileWriter.Pack> sample() {
        List<IndexFileWriter.Pack> packs = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            List<PackedBlob> blobs = new ArrayList<>();
            for (int b = 0; b < 50; b++) {
                blobs.add(new PackedBlob(b % 3 == 0 ? BlobType.TREE : BlobType.DATA, b % 2 == 0, b * 1000, 900 + b,
                        8 * 1024 * 1024 - b, id(p * 100L + b)));
            }
            blobs.add(new PackedBlob(BlobType.DATA, false, 7, 40, 8, id(99_999))); // the same blob in every pack: the first wins
            packs.add(new IndexFileWriter.Pack(id(1000 + p), p + 1, blobs));
        }
        return packs;
    }

    /** The records the format's JSON binds to. */
    private static IndexFile records(List<IndexFileWriter.Pack> packs) {
        return new IndexFile(packs.stream().map(p -> Index.toFile(p.id(), p.epoch(), p.blobs())).toList());
    }

    @Test
    void theStreamingWriterWritesWhatTheRecordBindingWrites() {
        assertThat(new String(IndexFileWriter.json(sample()), StandardCharsets.UTF_8))
                .isEqualTo(new String(VaultJson.write(records(sample())), StandardCharsets.UTF_8));
        assertThat(new String(IndexFileWriter.json(List.of()), StandardCharsets.UTF_8)).isEqualTo("{\"packs\":[]}");
    }

    @Test
    void indexFilesNameAtMostTheirBlobsAndNeverSplitAPack() {
        List<IndexFileWriter.Pack> packs = sample(); // three packs of 51 blobs
        assertThat(IndexFileWriter.files(packs, 102)).containsExactly(packs.subList(0, 2), packs.subList(2, 3));
        assertThat(IndexFileWriter.files(packs, 153)).containsExactly(packs);
        assertThat(IndexFileWriter.files(packs, 10)).containsExactly(packs.subList(0, 1), packs.subList(1, 2), packs.subList(2, 3));
        assertThat(IndexFileWriter.files(List.of(), 10)).isEmpty();
    }

    @Test
    void readsWhatTheRecordBindingReads() {
        byte[] json = IndexFileWriter.json(sample());
        for (boolean maintenance : new boolean[] {false, true}) {
            Index bound = new Index(maintenance);
            bound.add(VaultJson.read(json, IndexFile.class));
            Index streamed = new Index(maintenance);
            IndexFileReader.addTo(streamed, json);
            assertThat(streamed.entries()).isEqualTo(bound.entries()).hasSize(151);
            assertThat(streamed.packs()).isEqualTo(bound.packs());
            for (ObjectId pack : bound.packs()) {
                assertThat(streamed.epochOf(pack)).isEqualTo(bound.epochOf(pack));
            }
            assertThat(streamed.byPack()).isEqualTo(bound.byPack());
        }
    }

    @Test
    void unknownPropertiesAnyOrderAndAbsentFieldsReadAsTheBindingDid() {
        String pack = id(1).hex();
        String blob = id(2).hex();
        String json = "{\"future\":{\"x\":[1,2,{\"y\":null}]},\"packs\":[{\"blobs\":[{\"rawLength\":30,\"extra\":[true],\"type\":\"tree\","
                + "\"id\":\"" + blob + "\",\"length\":62,\"compressed\":false,\"offset\":10}],\"note\":\"n\",\"epoch\":0,\"id\":\"" + pack + "\"}],\"after\":1}";
        Index streamed = new Index();
        IndexFileReader.addTo(streamed, json.getBytes(StandardCharsets.UTF_8));
        Index bound = new Index();
        bound.add(VaultJson.read(json.getBytes(StandardCharsets.UTF_8), IndexFile.class));
        assertThat(streamed.entries()).isEqualTo(bound.entries());
        IndexEntry e = streamed.get(id(2));
        assertThat(e.pack()).isEqualTo(id(1));
        assertThat(e.type()).isEqualTo(BlobType.TREE);
        assertThat(e.compressed()).isFalse();
        assertThat(e.offset()).isEqualTo(10);
        assertThat(streamed.epochOf(id(1))).isZero();

        Index empty = new Index();
        IndexFileReader.addTo(empty, "{\"packs\":null}".getBytes(StandardCharsets.UTF_8));
        IndexFileReader.addTo(empty, "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(empty.size()).isZero();
    }

    @Test
    void malformedIndexFilesAreRefused() {
        assertThatThrownBy(() -> IndexFileReader.addTo(new Index(), "[]".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> IndexFileReader.addTo(new Index(), ("{\"packs\":[{\"id\":\"" + id(1).hex()
                + "\",\"blobs\":[{\"id\":\"" + id(2).hex() + "\"}]}]}").getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("lacks its type");
        assertThatThrownBy(() -> IndexFileReader.addTo(new Index(), ("{\"packs\":[{\"id\":\"" + id(1).hex()
                + "\",\"blobs\":[]}]}").getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("has no epoch");
        assertThatThrownBy(() -> IndexFileReader.addTo(new Index(), "{\"packs\":[{\"id\":\"abc\",\"epoch\":1,\"blobs\":[]}]}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not a 64-digit hex ID");
        assertThatThrownBy(() -> IndexFileReader.addTo(new Index(), "{\"packs\":[{\"id\"".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(tools.jackson.core.JacksonException.class);
    }

    /**
     * Lengths no blob of the vault's has, in an index file a holder of the password crafted: a restore allocated 2 GB for
     * a blob of a 26 KiB pack and ended out of memory, and check said nothing (a helper's). The file is refused, as a
     * damaged one is (`vault repair` writes the index again from the packs).
     */
    @Test
    void lengthsNoBlobHasAreRefused() {
        java.util.function.Function<String, byte[]> entry = blob -> ("{\"packs\":[{\"id\":\"" + id(1).hex() + "\",\"epoch\":1,"
                + "\"blobs\":[{\"id\":\"" + id(2).hex() + "\"," + blob + "}]}]}").getBytes(StandardCharsets.UTF_8);
        Index index = new Index();
        IndexFileReader.addTo(index, entry.apply("\"type\":\"data\",\"offset\":0,\"length\":1052,\"rawLength\":1024,\"compressed\":false"));
        assertThat(index.contains(id(2))).isTrue();
        for (String lie : List.of("\"offset\":0,\"length\":1052,\"rawLength\":2000000000", "\"offset\":0,\"length\":2000000000,\"rawLength\":1024",
                "\"offset\":-5,\"length\":1052,\"rawLength\":1024", "\"offset\":0,\"length\":3,\"rawLength\":0")) {
            assertThatThrownBy(() -> IndexFileReader.addTo(new Index(), entry.apply("\"type\":\"data\"," + lie + ",\"compressed\":true")))
                    .as(lie).hasMessageContaining("has lengths no blob of the vault's has");
        }
        // a tree of a huge directory may be larger than a data chunk, but never shorter raw than its sealed bound allows
        IndexFileReader.addTo(new Index(), entry.apply("\"type\":\"tree\",\"offset\":0,\"length\":30000000,\"rawLength\":40000000,\"compressed\":true"));
        assertThatThrownBy(() -> IndexFileReader.addTo(new Index(), entry.apply("\"type\":\"tree\",\"offset\":0,\"length\":30000000,"
                + "\"rawLength\":1000,\"compressed\":true"))).hasMessageContaining("has lengths no blob of the vault's has");
    }
}
