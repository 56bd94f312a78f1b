package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opsledger.vault.chunker.Chunker;

class ChunkerTest {

    private static List<Integer> cuts(Chunker c, byte[] data) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        c.split(new ByteArrayInputStream(data), new byte[2 * Chunker.MAX_SIZE], (b, o, l) -> sizes.add(l));
        return sizes;
    }

    @Test
    void chunksStayWithinBoundsAndAverageNearOneMebibyte() throws Exception {
        byte[] data = TestTrees.random(1, 64 * 1024 * 1024);
        List<Integer> sizes = cuts(new Chunker(new byte[32]), data);
        assertThat(sizes.stream().mapToLong(Integer::longValue).sum()).isEqualTo(data.length);
        assertThat(sizes.subList(0, sizes.size() - 1)).allMatch(s -> s >= Chunker.MIN_SIZE && s <= Chunker.MAX_SIZE);
        double avg = data.length / (double) sizes.size();
        assertThat(avg).isBetween(0.7 * Chunker.AVG_SIZE, 1.6 * Chunker.AVG_SIZE);
    }

    @Test
    void anInsertionAtTheStartLeavesLaterChunksUnchanged() throws Exception {
        Chunker c = new Chunker(TestTrees.random(5, 32));
        byte[] data = TestTrees.random(2, 32 * 1024 * 1024);
        byte[] shifted = new byte[data.length + 100];
        System.arraycopy(data, 0, shifted, 100, data.length);
        List<Integer> a = cuts(c, data);
        List<Integer> b = cuts(c, shifted);
        assertThat(b.subList(2, b.size())).isEqualTo(a.subList(2, a.size()));
    }

    @Test
    void theGearTableIsSecretPerRepository() throws Exception {
        byte[] data = TestTrees.random(3, 32 * 1024 * 1024);
        assertThat(cuts(new Chunker(TestTrees.random(1, 32)), data)).isNotEqualTo(cuts(new Chunker(TestTrees.random(2, 32)), data));
    }

    @Test
    void theStreamingCutterFindsTheSameCutsFedInPiecesOfAnySize() throws Exception {
        Chunker c = new Chunker(TestTrees.random(9, 32));
        byte[] data = new byte[44 * 1024 * 1024];
        System.arraycopy(TestTrees.random(4, 20 * 1024 * 1024), 0, data, 0, 20 * 1024 * 1024);
        System.arraycopy(TestTrees.text(5, 7 * 1024 * 1024), 0, data, 37 * 1024 * 1024, 7 * 1024 * 1024); // 17 MiB of zeros between
        List<Integer> expected = cuts(c, data);
        Chunker.Cutter cutter = c.cutter();
        java.util.Random r = new java.util.Random(6);
        List<Integer> got = new ArrayList<>();
        int chunk = 0;
        for (int p = 0; p < data.length; ) {
            int piece = Math.min(data.length - p, 1 + r.nextInt(r.nextBoolean() ? 100 : 3_000_000));
            while (piece > 0) {
                int n = cutter.scan(data, p, piece);
                p += n;
                piece -= n;
                chunk += n;
                assertThat(cutter.length()).isEqualTo(cutter.cut() ? 0 : chunk);
                if (cutter.cut()) {
                    got.add(chunk);
                    chunk = 0;
                }
            }
        }
        if (chunk > 0) {
            got.add(chunk);
        }
        assertThat(got).isEqualTo(expected).contains(Chunker.MAX_SIZE);
    }
}
