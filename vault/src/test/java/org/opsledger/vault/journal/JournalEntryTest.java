package org.opsledger.vault.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opsledger.vault.crypto.ObjectId;

/** What an entry says its command removed: what check reads to name a snapshot put back. */
class JournalEntryTest {

    private static final ObjectId FORGOTTEN = ObjectId.parse("a".repeat(64));
    private static final ObjectId KEPT = ObjectId.parse("b".repeat(64));

    private static JournalEntry tier(String to, long forgotten) {
        return JournalEntry.of(JournalEntry.Operation.TIER, JournalEntry.Outcome.OK, Instant.now(), List.of(to), List.of(FORGOTTEN, KEPT),
                false, 0, "2 snapshot(s) older than 30d in long-term storage at " + to + "; " + JournalEntry.forgottenNearLine(forgotten)
                        + ", 1 kept (held)");
    }

    @Test
    void aTierNamesTheSnapshotsItForgotFirstAndALocationCannotSayOtherwise() {
        assertThat(tier("/srv/long-term", 1).removed()).containsExactly(FORGOTTEN);
        // a long-term location holding the words itself made check call a held snapshot put back (a re-tester's)
        assertThat(tier("/x; the first 2 forgotten near-line, 0 kept (held)", 1).removed()).containsExactly(FORGOTTEN);
        assertThat(tier("/srv/long-term", 0).removed()).isEmpty();
    }
}
