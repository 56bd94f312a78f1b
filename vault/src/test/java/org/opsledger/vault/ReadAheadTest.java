package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * What reads at once, and on which threads: a re-run's one snapshot file and one index file each started a reader thread
 * that read nothing beside another (two of the threads a re-run started that the build of the twenty-seventh session did not).
 */
class ReadAheadTest {

    /** Reads {@code items} 8 at once; returns the threads that read them ("caller": this one), and checks their order. */
    private static Set<String> readers(List<String> items) {
        Thread caller = Thread.currentThread();
        Set<String> readOn = ConcurrentHashMap.newKeySet();
        List<String> handed = new ArrayList<>();
        ReadAhead.inOrder(items, 8, "vault-read", "reading", item -> {
            readOn.add(Thread.currentThread() == caller ? "caller" : Thread.currentThread().getName());
            return item + " read";
        }, (item, read) -> handed.add(read));
        assertThat(handed).containsExactlyElementsOf(items.stream().map(i -> i + " read").toList());
        return readOn;
    }

    @Test
    void oneItemIsReadOnTheCallingThreadAndSeveralOnReadersInTheirOrder() {
        assertThat(readers(List.of("snapshot"))).containsExactly("caller");
        assertThat(readers(List.of("a", "b", "c"))).containsExactly("vault-read");
    }
}
