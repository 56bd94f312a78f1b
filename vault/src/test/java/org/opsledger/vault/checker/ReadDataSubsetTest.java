package org.opsledger.vault.checker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.crypto.Sealing;

/**
 * `check --read-data-subset N%` reads N % of the packs rounded up, at least one, going on where the last subset check
 * stopped: a helper's 10 % of 6 packs read none and reported "no errors were found", and once every run read the same packs.
 */
class ReadDataSubsetTest {

    private static final List<ObjectId> SIX = IntStream.range(0, 6).mapToObj(i -> Sealing.sha256(new byte[] {(byte) i})).toList();

    @Test
    void aSmallShareOfAFewPacksIsOnePack() {
        assertThat(Checker.subset(SIX, 10, null)).hasSize(1);
        assertThat(Checker.subset(SIX, 0.5, null)).hasSize(1);
        assertThat(Checker.subset(SIX, 50, null)).hasSize(3).doesNotHaveDuplicates();
        assertThat(Checker.subset(SIX, 100, null)).isEqualTo(SIX);
        assertThat(Checker.subset(SIX, 0, null)).isEmpty();
        assertThat(Checker.subset(List.of(), 10, null)).isEmpty();
    }

    /**
     * Each run goes on after the last pack the one before read (its journal entry names it), round past the last ID: ten
     * runs of 10 % read every pack. Drawn anew each run, ten runs of 10 % of ten packs left two unread (a helper's).
     */
    @Test
    void tenRunsOfTenPercentReadEveryPackOnce() {
        List<ObjectId> ten = IntStream.range(0, 10).mapToObj(i -> Sealing.sha256(new byte[] {(byte) i})).toList();
        List<ObjectId> read = new java.util.ArrayList<>();
        ObjectId after = null;
        for (int run = 0; run < 10; run++) {
            List<ObjectId> got = Checker.subset(ten, 10, after);
            assertThat(got).hasSize(1);
            read.addAll(got);
            after = got.getLast();
        }
        assertThat(read).containsExactlyInAnyOrderElementsOf(ten);
        assertThat(Checker.subset(ten, 30, after)).hasSize(3).doesNotHaveDuplicates(); // round again, past the last ID
    }

    /** A pack named by the last check and gone since (pruned) still says where to go on: the next ID after it. */
    @Test
    void goesOnAfterAPackThatIsGone() {
        List<ObjectId> sorted = SIX.stream().sorted(java.util.Comparator.comparing(ObjectId::hex)).toList();
        List<ObjectId> five = sorted.subList(0, 5);
        ObjectId gone = sorted.get(2);
        List<ObjectId> rest = new java.util.ArrayList<>(five);
        rest.remove(gone);
        assertThat(Checker.subset(rest, 25, gone)).containsExactly(sorted.get(3));
        assertThat(Checker.subset(rest, 25, sorted.get(5))).containsExactly(sorted.get(0)); // after the last: the first
    }
}
