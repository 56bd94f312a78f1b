package org.opsledger.vault.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.TestTrees;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.VaultJson;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.repository.RepositoryConfig;
import org.opsledger.vault.restorer.RestoreResult;
import org.opsledger.vault.restorer.Restorer;

class TreeCodecTest {

    @TempDir
    Path tmp;

    private static ObjectId id(int seed) {
        return new ObjectId(seed, -seed, Long.MAX_VALUE - seed, Long.MIN_VALUE + seed);
    }

    /** Every field and every null/empty distinction a walk can produce, with values at the edges of their types. */
    static Tree everything() {
        return new Tree(List.of(
                new Node("a file", NodeType.FILE, 04755, Long.MIN_VALUE, Long.MAX_VALUE, -1, 1L << 40, Integer.MAX_VALUE, -2,
                        Long.MAX_VALUE, List.of(id(1), id(2), id(3)), null, null, 3, Map.of("user.x", "AAEC", "comment", "")),
                new Node("empty file", NodeType.FILE, 0600, 1, 2, 3, 4, 5, 6, 0, List.of(), null, null, 1, null),
                new Node("no content", NodeType.FILE, 0, 0, 0, 0, 0, 0, 0, 0, null, null, null, 0, Map.of()),
                new Node("dïr ✓ 日本", NodeType.DIR, 01777, 10, 20, 30, 40, 0, 0, 4096, null, id(9), null, 0, Map.of("k", "dg==")),
                new Node("link", NodeType.SYMLINK, 0777, 7, 8, 9, 10, 11, 12, 0, null, null, "../target with spaces/ü", 0, null),
                new Node(null, NodeType.FILE, 0, 0, 0, 0, 0, 0, 0, 0, null, null, null)));
    }

    /** The ID the tests decode their blobs as. */
    private static final ObjectId TREE = new ObjectId(0x1a2b3c4d00000000L, 0, 0, 0);

    /** Decodes bytes of the expected encoding. */
    private static Tree decoded(byte[] bytes, boolean binary) {
        assertThat(TreeCodec.isBinary(bytes)).isEqualTo(binary);
        return TreeCodec.decode(TREE, bytes);
    }

    @Test
    void binaryRoundTripKeepsEveryFieldAndEveryNullApartFromEmpty() {
        Tree t = everything();
        byte[] bytes = TreeCodec.encode(t);
        Tree back = decoded(bytes, true);
        assertThat(back).isEqualTo(t);
        assertThat(back.nodes().get(1).content()).isEmpty();
        assertThat(back.nodes().get(2).content()).isNull();
        assertThat(back.nodes().get(2).xattrs()).isEmpty();
        assertThat(back.nodes().get(4).xattrs()).isNull();
        assertThat(TreeCodec.encode(back)).as("the same tree, the same bytes (unchanged directories keep their IDs)").isEqualTo(bytes);
        assertThat(TreeCodec.encode(new Tree(List.of()))).isEqualTo(new byte[] {'O', 'L', 'V', 'T', 1, 0, 0, 0, 0});
    }

    @Test
    void fifosAndDeviceNodesMakeATreeOfEncodingTwoAndOthersStayOne() {
        Node fifo = new Node("pickup", NodeType.FIFO, 0622, 5, 6, 7, 8, 0, 0, 0, null, null, null);
        Node nullDevice = new Node("null", NodeType.CHARDEV, 0666, 5, 6, 9, 8, 0, 0, 0, null, null, null, 0, null, 0x103);
        Node disk = new Node("sda", NodeType.BLOCKDEV, 0660, 5, 6, 10, 8, 0, 6, 0, null, null, null, 0, null, (0x1000L << 32) | (0x100L << 12)); // major 4096, minor 256: the high bits of dev_t
        Tree t = new Tree(List.of(fifo, nullDevice, disk));
        byte[] bytes = TreeCodec.encode(t);
        assertThat(bytes[4]).as("encoding").isEqualTo((byte) 2);
        assertThat(decoded(bytes, true)).isEqualTo(t);
        assertThat(TreeCodec.encode(everything())[4]).as("a tree without them keeps encoding 1, and its bytes").isEqualTo((byte) 1);
        assertThat(nullDevice.deviceMajor()).isEqualTo(1);
        assertThat(nullDevice.deviceMinor()).isEqualTo(3);
        assertThat(disk.deviceMajor()).isEqualTo(4096);
        assertThat(disk.deviceMinor()).isEqualTo(256);
        assertThat(decoded(VaultJson.write(t), false)).as("format 1's JSON").isEqualTo(t);
        List<Node> spool = new java.util.ArrayList<>(); // nodes smaller than any file, directory or symlink
        for (int i = 0; i < 500; i++) {
            spool.add(fifo.withName("p" + i));
        }
        spool.add(new Node(null, NodeType.FIFO, 0, 0, 0, 0, 0, 0, 0, 0, null, null, null));
        assertThat(decoded(TreeCodec.encode(new Tree(spool)), true).nodes()).isEqualTo(spool);
        assertThat(new String(VaultJson.write(everything()), java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("rdev");
    }

    @Test
    void xattrsAreWrittenInNameOrderWhateverTheMapsOrder() {
        var a = new java.util.LinkedHashMap<String, String>();
        a.put("b", "Ag==");
        a.put("a", "AQ==");
        Node n = new Node("f", NodeType.FILE, 0644, 1, 1, 1, 1, 0, 0, 0, List.of(), null, null, 1, a);
        assertThat(TreeCodec.encode(new Tree(List.of(n))))
                .isEqualTo(TreeCodec.encode(new Tree(List.of(n.withXattrs(new java.util.TreeMap<>(a))))));
    }

    @Test
    void jsonTreesOfFormatOneStillDecode() {
        Tree t = everything();
        Tree back = decoded(VaultJson.write(t), false);
        assertThat(back.nodes().getFirst()).isEqualTo(t.nodes().getFirst());
        assertThat(back.nodes().get(3)).isEqualTo(t.nodes().get(3));
    }

    @Test
    void truncatedTrailingOrUnknownBytesAreRefusedNotMisread() {
        byte[] bytes = TreeCodec.encode(everything());
        for (int cut : new int[] {5, 9, 20, bytes.length / 2, bytes.length - 1}) {
            // named, with why in its own words: it said "(Index 9 out of bounds for length 9)", or "(null)" once the JIT
            // threw it without a message, naming no tree (a helper's)
            assertThatThrownBy(() -> TreeCodec.decode(TREE, Arrays.copyOf(bytes, cut))).isInstanceOf(VaultException.class)
                    .hasMessageStartingWith("malformed tree blob 1a2b3c4d (")
                    .hasMessageNotContaining("out of bounds").hasMessageNotContaining("(null)");
        }
        assertThatThrownBy(() -> TreeCodec.decode(TREE, Arrays.copyOf(bytes, bytes.length + 1))).hasMessageContaining("after the last node");
        byte[] future = bytes.clone();
        future[4] = 4;
        assertThatThrownBy(() -> TreeCodec.decode(TREE, future)).hasMessageContaining("tree encoding 4 is not supported (this build reads 1 to 3)");
        byte[] badType = bytes.clone();
        badType[9] = 7;
        assertThatThrownBy(() -> TreeCodec.decode(TREE, badType)).hasMessageContaining("unknown node type 7");
        byte[] hugeCount = bytes.clone();
        hugeCount[5] = 0x7f;
        assertThatThrownBy(() -> TreeCodec.decode(TREE, hugeCount)).hasMessageContaining("exceeds the blob");
    }

    @Test
    void newRepositoriesHaveBinaryTreesAndIncrementalsReuseThem() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            assertThat(repo.config().version()).isEqualTo(RepositoryConfig.VERSION);
            var first = TestTrees.backup(repo, data);
            assertThat(TreeCodec.isBinary(repo.loadBlob(first.snapshot().tree()))).isTrue();
            var again = TestTrees.backup(repo, data);
            assertThat(again.snapshot().tree()).isEqualTo(first.snapshot().tree());
            assertThat(again.snapshot().summary().blobsAdded()).isZero();
        }
    }

    @Test
    void aFormatOneRepositoryKeepsJsonTreesAndRestoresThem() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        Path dir = tmp.resolve("repo");
        TestTrees.newRepo(dir).close();
        // the config of a repository written by a build of format 1
        String config = Files.readString(dir.resolve("config"), StandardCharsets.UTF_8);
        String current = "\"version\":" + RepositoryConfig.VERSION;
        assertThat(config).contains(current);
        Files.writeString(dir.resolve("config"), config.replace(current, "\"version\":1"));
        try (Repository repo = TestTrees.open(dir)) {
            assertThat(repo.config().version()).isEqualTo(1);
            var first = TestTrees.backup(repo, data);
            byte[] root = repo.loadBlob(first.snapshot().tree());
            assertThat(TreeCodec.isBinary(root)).isFalse();
            assertThat(root[0]).isEqualTo((byte) '{');
            var again = TestTrees.backup(repo, data);
            assertThat(again.snapshot().tree()).isEqualTo(first.snapshot().tree());
            RestoreResult r = new Restorer(repo, 2).restore(again, tmp.resolve("out"), List.of(), true);
            assertThat(r.ok()).as(r.toString()).isTrue();
            TestTrees.assertSameTree(data, tmp.resolve("out/data"));
        }
        Files.writeString(dir.resolve("config"), config.replace(current, "\"version\":" + (RepositoryConfig.VERSION + 1)));
        assertThatThrownBy(() -> TestTrees.open(dir)).hasMessageContaining("format version " + (RepositoryConfig.VERSION + 1)
                + " is not supported (this build reads 1 to " + RepositoryConfig.VERSION + ")");
    }
}
