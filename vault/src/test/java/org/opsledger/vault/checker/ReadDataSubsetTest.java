package org.opsledger.vault.checker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.crypto.Sealing;

/**
 * `check --read-data-subset N%` reads N % of the packs rounded up, at least one, chosen anew each run: a helper's 10 %
 * of 6 packs read none and reported "no errors were found", and every run read the same packs (chosen by their IDs).
 */
class ReadDataSubsetTest {

    private static final List<ObjectId> SIX = IntStream.range(0, 6).mapToObj(i -> Sealing.sha256(new byte[] {(byte) i})).toList();

    @Test
    void aSmallShareOfAFewPacksIsOnePack() {
        assertThat(Checker.subset(SIX, 10)).hasSize(1);
        assertThat(Checker.subset(SIX, 0.5)).hasSize(1);
        assertThat(Checker.subset(SIX, 50)).hasSize(3).doesNotHaveDuplicates();
        assertThat(Checker.subset(SIX, 100)).isEqualTo(SIX);
        assertThat(Checker.subset(SIX, 0)).isEmpty();
        assertThat(Checker.subset(List.of(), 10)).isEmpty();
    }

    @Test
    void runsAfterRunsComeToReadEveryPack() {
        Set<ObjectId> read = new HashSet<>();
        for (int run = 0; run < 200 && read.size() < SIX.size(); run++) { // 6 packs, one a run: all of them within 200 runs
            read.addAll(Checker.subset(SIX, 10));                        // but for a chance below 10^-14
        }
        assertThat(read).containsExactlyInAnyOrderElementsOf(SIX);
    }
}
