package org.opsledger.audit.internal.siem;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The payload formats and the syslog frame around them (docs/audit-format.md 4). */
class SiemPayloadTest {

    static final String BODY = "{\"access\":\"update\",\"action\":\"account.update\",\"actor\":\"ann\",\"address\":\"10.0.0.7\","
            + "\"after\":{\"note\":\"a=b | c\\\\d\"},\"objectId\":\"bob\",\"objectType\":\"account\",\"outcome\":\"denied\","
            + "\"privileged\":true,\"protocol\":\"https\",\"reason\":\"SOD-1\",\"system\":\"opsledger/node 1\","
            + "\"time\":\"2026-11-23T13:00:00.123456Z\",\"userAgent\":\"curl/8\",\"v\":1}";
    static final SiemMessage.Entry ENTRY = new SiemMessage.Entry(41, 77, new byte[] {1, 2, (byte) 0xff}, BODY);

    /** Undoes CEF extension escaping. */
    static String unescape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                char next = value.charAt(++i);
                out.append(next == 'n' ? '\n' : next == 'r' ? '\r' : next);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    @Test
    void cefCarriesTheSequenceNumberAndTheCanonicalEntryEscaped() {
        String cef = new CefPayload().entry(ENTRY, EntryFields.of(BODY));
        assertThat(cef).startsWith("CEF:0|OpsLedger|OpsLedger|1|account.update|account.update denied|7|")
                .contains(" cn1Label=leafIndex cn1=41 ", " cn2=77 ", "suser=ann ", "src=10.0.0.7 ", "outcome=denied ",
                        "reason=SOD-1 ", "cs5=0102ff ", "dvchost=opsledger/node 1 ", "rt=1795438800123 ");
        String canonical = cef.substring(cef.indexOf(" cs6=") + 5);
        assertThat(canonical).doesNotContain("a=b").contains("a\\=b");
        assertThat(unescape(canonical)).isEqualTo(BODY);
    }

    @Test
    void cefHeaderEscapesPipesAndCheckpointNotesKeepTheirLines() {
        assertThat(CefPayload.headerValue("a|b\\c")).isEqualTo("a\\|b\\\\c");
        String note = "opsledger/test\n12\nq83sdf==\n\n— opsledger/test AbCd==\n";
        String cef = new CefPayload().checkpoint(new SiemMessage.Checkpoint(5, 12, new byte[32], note, "opsledger/n1",
                Instant.parse("2026-11-23T13:00:00Z")));
        assertThat(cef).startsWith("CEF:0|OpsLedger|OpsLedger|1|audit.checkpoint|signed checkpoint|1|")
                .contains("cn3=12 ").doesNotContain("\n");
        assertThat(unescape(cef.substring(cef.indexOf(" cs6=") + 5))).isEqualTo(note);
    }

    @Test
    void ecsPutsTheSequenceNumberInEventSequence() {
        Map<?, ?> ecs = EntryFields.JSON.readValue(new EcsPayload().entry(ENTRY, EntryFields.of(BODY)), Map.class);
        assertThat(ecs.get("@timestamp")).isEqualTo("2026-11-23T13:00:00.123456Z");
        Map<?, ?> event = (Map<?, ?>) ecs.get("event");
        assertThat(event.get("sequence")).isEqualTo(41);
        assertThat(event.get("outcome")).isEqualTo("failure");
        assertThat(event.get("original")).isEqualTo(BODY);
        assertThat(event.get("hash")).isEqualTo("0102ff");
        assertThat(((Map<?, ?>) ecs.get("opsledger")).get("outcome")).isEqualTo("denied");
        assertThat(((Map<?, ?>) ecs.get("source")).get("ip")).isEqualTo("10.0.0.7");
        assertThat(((Map<?, ?>) ecs.get("ecs")).get("version")).isEqualTo(EcsPayload.ECS_VERSION);
    }

    @Test
    void framesAreOctetCountedRfc5424Messages() {
        byte[] frame = SiemPayload.of(SiemSettings.Format.ECS).frame(ENTRY);
        String text = new String(frame, StandardCharsets.UTF_8);
        int space = text.indexOf(' ');
        int length = Integer.parseInt(text.substring(0, space));
        assertThat(frame.length - space - 1).as("MSG-LEN counts octets, not characters").isEqualTo(length);
        // facility 13 (log audit), warning for a refusal; spaces in the hostname are not allowed
        assertThat(text.substring(space + 1)).startsWith("<108>1 2026-11-23T13:00:00.123456Z opsledger/node_1 opsledger - audit "
                + "[opsledger@32473 leaf=\"41\" entry=\"77\"] {");
        assertThat(SyslogFrame.paramValue("a\"b]c\\")).isEqualTo("a\\\"b\\]c\\\\");
    }
}
