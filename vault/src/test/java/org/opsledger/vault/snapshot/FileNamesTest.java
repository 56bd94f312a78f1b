package org.opsledger.vault.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FileNamesTest {

    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    @Test
    void everyByteStringComesBackFromItsDecodingAndUtf8StaysAsItIs() {
        List<byte[]> names = List.of(
                "plain.txt".getBytes(StandardCharsets.UTF_8),
                "café – 日本 😀".getBytes(StandardCharsets.UTF_8),
                "\uFFFD itself".getBytes(StandardCharsets.UTF_8),
                bytes('c', 'a', 'f', 0xE9), // Latin-1 é
                bytes(0xFF, 0xFE, 0x80, 0xC0, 0xAF), // stray bytes and an overlong '/'
                bytes(0xED, 0xA0, 0x80), // a surrogate encoded in UTF-8: not UTF-8
                bytes(0xF4, 0x90, 0x80, 0x80), // beyond U+10FFFF
                bytes(0xE2, 0x82), // a sequence cut short
                bytes(0xF0, 0x9F, 0x98, 0x80, 0xE9)); // an emoji, then a Latin-1 byte
        for (byte[] b : names) {
            String s = FileNames.decode(b);
            assertThat(FileNames.encode(s)).isEqualTo(b);
        }
        assertThat(FileNames.decode("café – 日本 😀".getBytes(StandardCharsets.UTF_8))).isEqualTo("café – 日本 😀");
        assertThat(FileNames.hasEscapes("café – 日本 😀")).isFalse();
        assertThat(FileNames.decode(bytes('c', 'a', 'f', 0xE9))).isEqualTo("caf\uDCE9");
        assertThat(FileNames.display("caf\uDCE9")).isEqualTo("caf\uFFFD");
        assertThat(FileNames.decode(bytes('a', 0xE9))).isNotEqualTo(FileNames.decode(bytes('a', 0xE8)));
    }
}
