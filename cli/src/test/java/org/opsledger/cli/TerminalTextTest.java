package org.opsledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TerminalTextTest {

    @Test
    void everyWayOfPrintingEscapesControlsAndKeepsTheLayoutOfTheTextItself() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream target = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        TerminalText t = TerminalText.over(target);
        t.printf("%s\t%d%n", "a\u001b[2Jb", 7);
        t.println("c\u009bd");
        t.print((Object) "e\u007f");
        t.print('\u0007');
        t.print(new char[] {'\r'});
        t.println();
        t.flush();
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .isEqualTo("a\\x1b[2Jb\t7" + System.lineSeparator() + "c\\x9bd" + System.lineSeparator() + "e\\x7f\\x07\\x0d"
                        + System.lineSeparator());
        t.printf("%s %6d", "held", 42); // a line in pieces: written when it ends, in one write
        assertThat(bytes.toString(StandardCharsets.UTF_8)).doesNotContain("held");
        t.printf("%n");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).endsWith("held     42" + System.lineSeparator());
        assertThat(TerminalText.over(t)).isSameAs(t);
        assertThat(t.writesTo(target)).isTrue();
    }

    /**
     * A name's byte that is not UTF-8 (its escape U+DC80–U+DCFF, docs/vault-format.md §8) as \xHH, as GNU ls -b shows it:
     * the encoder wrote '?', and U+FFFD showed sec\xe9 and sec\xe8 alike (a helper's). A backslash is doubled, so a name
     * holding the four characters \xe9 reads apart; a surrogate pair is a character, kept.
     */
    @Test
    void aByteThatIsNotUtf8IsShownAsItsHexValue() {
        assertThat(TerminalText.escape("/srv/sec\uDCE9")).isEqualTo("/srv/sec\\xe9");
        assertThat(TerminalText.escape("/srv/sec\\xe9")).isEqualTo("/srv/sec\\\\xe9");
        assertThat(TerminalText.escape("a\uD83D\uDE00")).isEqualTo("a\uD83D\uDE00");
        assertThat(TerminalText.cells(List.of("db\uDCE8", "db?"))).isEqualTo("db\\xe8 db?");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TerminalText t = TerminalText.over(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        t.println("warning: /srv/sec\uDCE9: permission denied");
        t.println("warning: /srv/sec\uDCE8: permission denied");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("warning: /srv/sec\\xe9: permission denied" + System.lineSeparator()
                + "warning: /srv/sec\\xe8: permission denied" + System.lineSeparator());
    }

    /** Columns two spaces apart: a value that could read as more than one column is quoted (a helper's forged a row). */
    @Test
    void aCellThatCouldReadAsSeveralColumnsIsQuoted() {
        assertThat(TerminalText.cell("Payroll office")).isEqualTo("Payroll office");
        assertThat(TerminalText.cell("x  High sensitivity  2099-12-31")).isEqualTo("\"x  High sensitivity  2099-12-31\"");
        assertThat(TerminalText.cell(" x")).isEqualTo("\" x\"");
        assertThat(TerminalText.cell("x ")).isEqualTo("\"x \"");
        assertThat(TerminalText.cell("")).isEqualTo("\"\"");
        assertThat(TerminalText.cell("say \"hi\"  \\")).isEqualTo("\"say \\\"hi\\\"  \\\\\"");
        assertThat(TerminalText.cell("a\u001b[2J")).isEqualTo("a\\x1b[2J");
        assertThat(TerminalText.cell("-")).isEqualTo("\"-\""); // a table's none
        assertThat(TerminalText.cells(List.of("/srv/a", "/srv/b"))).isEqualTo("/srv/a /srv/b");
        assertThat(TerminalText.cells(List.of("/srv/a /srv/b"))).isEqualTo("\"/srv/a /srv/b\"");
    }

    @Test
    void aValueForOneLineHasItsNewlinesAndTabsEscapedToo() {
        assertThat(TerminalText.escape("name\nforged\tline")).isEqualTo("name\\nforged\\tline");
        // a backslash and an n are not a newline: the name shown tells which it holds
        assertThat(TerminalText.escape("name\\nforged")).isEqualTo("name\\\\nforged");
        assertThat(TerminalText.escape("C:\\temp")).isEqualTo("C:\\\\temp");
        assertThat(TerminalText.escape("plain ünïcode")).isSameAs("plain ünïcode");
        assertThat(TerminalText.escape(null)).isEqualTo("null");
    }

    /**
     * Characters that show nothing or turn the text around them (Trojan Source, CVE-2021-42574): a tester's
     * {@code invoice<U+202E>fdp.exe} read as invoiceexe.pdf in `vault ls`, {@code zw<U+200B>sp} as zwsp beside a real
     * one. Shown by their code point; the joiners Persian and Indic names spell with, and emoji, are kept.
     */
    @Test
    void aCharacterThatShowsNothingOrTurnsTheTextIsShownByItsCodePoint() {
        assertThat(TerminalText.escape("invoice\u202Efdp.exe")).isEqualTo("invoice\\u{202e}fdp.exe");
        assertThat(TerminalText.escape("zw\u200Bsp")).isEqualTo("zw\\u{200b}sp");
        assertThat(TerminalText.escape("\uFEFFbom\u2066x\u2069\u2028")).isEqualTo("\\u{feff}bom\\u{2066}x\\u{2069}\\u{2028}");
        assertThat(TerminalText.escape("flag\uDB40\uDC01")).isEqualTo("flag\\u{e0001}"); // a tag character, outside the BMP
        assertThat(TerminalText.escape("\u0645\u06cc\u200c\u0634\u0648\u062f")).isEqualTo("\u0645\u06cc\u200c\u0634\u0648\u062f");
        assertThat(TerminalText.escape("a\uD83D\uDC68\u200D\uD83D\uDC69")).isEqualTo("a\uD83D\uDC68\u200D\uD83D\uDC69");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TerminalText t = TerminalText.over(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        t.println("2026-12-07  -rw-r--r--  /srv/invoice\u202Efdp.exe");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("2026-12-07  -rw-r--r--  /srv/invoice\\u{202e}fdp.exe" + System.lineSeparator());
    }
}
