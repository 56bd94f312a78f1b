package org.opsledger.audit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanonicalEntryTest {

    private static CanonicalEntry.Fields fields(Map<String, ?> after) {
        return new CanonicalEntry.Fields(Instant.parse("2026-11-23T10:15:30.123456789Z"), "opsledger/n1", "alice", "10.0.0.7",
                null, "https", "account.create", "create", "account", "bob", "success", null, true, null, after);
    }

    @Test
    void keysAreSortedAtEveryLevelAbsentValuesOmittedAndTimeHasMicroseconds() {
        String body = CanonicalEntry.write(fields(Map.of("z", 1, "a", "x\"y", "m", true)));
        assertThat(body).isEqualTo("{\"access\":\"create\",\"action\":\"account.create\",\"actor\":\"alice\","
                + "\"address\":\"10.0.0.7\",\"after\":{\"a\":\"x\\\"y\",\"m\":true,\"z\":1},\"objectId\":\"bob\","
                + "\"objectType\":\"account\",\"outcome\":\"success\",\"privileged\":true,\"protocol\":\"https\","
                + "\"system\":\"opsledger/n1\",\"time\":\"2026-11-23T10:15:30.123456Z\",\"v\":1}");
    }

    @Test
    void theSameEntryAlwaysSerialisesToTheSameBytes() {
        String once = CanonicalEntry.write(fields(Map.of("b", "2", "a", "1")));
        String again = CanonicalEntry.write(fields(new java.util.LinkedHashMap<>(Map.of("a", "1", "b", "2"))));
        assertThat(once).isEqualTo(again);
        assertThat(JdbcAuditTrail.toRecord(1, once).after()).containsEntry("a", "1");
    }

    @Test
    void unicodeAndControlCharactersAreEscapedNotDropped() {
        String body = CanonicalEntry.write(fields(Map.of("note", "é\n\u0001")));
        assertThat(body).contains("\"note\":\"é\\n\\u0001\"");
    }
}
