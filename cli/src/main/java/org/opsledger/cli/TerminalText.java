package org.opsledger.cli;

import java.io.PrintStream;
import org.opsledger.vault.snapshot.FileNames;

/**
 * Text for an operator's terminal. File names come from any local user and snapshots, tags, hold
 * reasons and key labels from every host that writes to a repository: a name holding {@code ESC [}
 * or an OSC sequence would drive the terminal that lists it (rewrite the title, hide or repaint
 * lines, on some emulators answer with input), and a newline in a name would forge a line of a
 * listing. Control characters (C0, DEL, C1) are shown as {@code \xHH}, as GNU ls and restic's
 * {@code %q} show them; so is each byte of a name that is not UTF-8 ({@link FileNames}: the encoder wrote it as
 * {@code ?}, and U+FFFD shows two such names alike), and a character that shows nothing or turns the text around it
 * ({@link #invisible}) as a backslash, {@code u} and its code point in braces ({@code u{202e}}). JSON output escapes controls itself and is left alone. A value escaped on its own
 * ({@link #escape}) shows a backslash as {@code \\} too, so that a name holding a backslash and an
 * {@code n} is not read as one holding a newline.
 */
public final class TerminalText extends PrintStream {

    private final PrintStream target;

    private TerminalText(PrintStream target) {
        // Buffered up to each newline (write below). printf hands a line over in a dozen pieces and a PrintStream that
        // flushes automatically, as System.out does, writes each piece at once: `vault ls` of 11,000 paths made
        // 240,000 write calls. One write per line keeps the order with stderr.
        super(new java.io.BufferedOutputStream(target, 8192), false, target.charset());
        this.target = target;
    }

    // every character printed reaches the buffer through these two, the line separator of println too
    @Override
    public void write(byte[] buf, int off, int len) {
        super.write(buf, off, len);
        for (int i = off; i < off + len; i++) {
            if (buf[i] == '\n') {
                flush();
                return;
            }
        }
    }

    @Override
    public void write(int b) {
        super.write(b);
        if (b == '\n') {
            flush();
        }
    }

    /** Its own errors and its target's, through which it writes: a closed pipe is seen there. */
    @Override
    public boolean checkError() {
        return super.checkError() || target.checkError();
    }

    /** A stream over {@code target} that keeps the newlines and tabs of the text printed to it and escapes every other control. */
    public static TerminalText over(PrintStream target) {
        return target instanceof TerminalText t ? t : new TerminalText(target);
    }

    /** Whether this stream writes to {@code s}, so that a caller can keep one per System.out. */
    public boolean writesTo(PrintStream s) {
        return target == s;
    }

    /** One value (a name, a reason, a message) for a line of text: every control character escaped, newlines, tabs and backslashes too. */
    public static String escape(String s) {
        return escape(s, false);
    }

    /** A path of the file system for a line of text: its bytes ({@link FileNames#exactOf}: U+FFFD shows two alike), {@link #escape escaped}. */
    public static String path(java.nio.file.Path p) {
        return escape(FileNames.exactOf(p));
    }

    /**
     * The CLI's own message of one line: control characters escaped, newlines and tabs too, backslashes left as they
     * are. A value that may hold a newline is {@link #escape escaped} where the message puts it in (its backslashes
     * doubled there), and escaping the message again showed a tag given as {@code k=a<TAB>b} as {@code k=a\\tb}.
     */
    public static String controls(String s) {
        String kept = escape(s, true);
        return kept.indexOf('\n') < 0 && kept.indexOf('\t') < 0 ? kept : kept.replace("\n", "\\n").replace("\t", "\\t");
    }

    /**
     * One value in a column of a table, {@link #escape escaped}, and quoted (its quotes escaped) when it
     * holds two spaces in a row, starts or ends with one, or holds a quote: columns are two spaces apart, and an owner
     * "x  High sensitivity  2099-12-31" read as a row's classification and retention (a helper's). A value "-" is quoted
     * too: a table shows a value there is none of as -.
     */
    public static String cell(String s) {
        String e = escape(s);
        if (s == null || !(e.contains("  ") || e.startsWith(" ") || e.endsWith(" ") || e.contains("\"") || e.isEmpty() || e.equals("-"))) {
            return e;
        }
        return quoted(s);
    }

    /**
     * Several values in one column, a space apart (a snapshot's paths), each a {@link #cell}, and quoted when it holds a
     * space: the paths "/srv/a" and "/srv/b" and the one path "/srv/a /srv/b" printed alike.
     */
    public static String cells(java.util.List<String> values) {
        return String.join(" ", values.stream().map(v -> v != null && v.contains(" ") ? quoted(v) : cell(v)).toList());
    }

    /** {@code s} {@link #escape escaped} between quotes, a quote in it as \" (its backslashes doubled by escape). */
    public static String quoted(String s) {
        return "\"" + escape(s).replace("\"", "\\\"") + "\"";
    }

    private static String escape(String s, boolean keepLayout) {
        if (s == null) {
            return "null"; // as printing it did
        }
        int i = 0;
        while (i < s.length() && !escaped(s.charAt(i), keepLayout) && FileNames.byteAt(s, i) < 0 && !invisible(s.codePointAt(i))) {
            i++;
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length() + 8).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            int notUtf8 = FileNames.byteAt(s, i); // a name's byte that is not UTF-8, as GNU ls -b shows it: the encoder wrote '?'
            int cp = s.codePointAt(i);
            if (notUtf8 >= 0) {
                out.append(String.format(java.util.Locale.ROOT, "\\x%02x", notUtf8));
            } else if (escaped(c, keepLayout)) {
                out.append(c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\\' ? "\\\\" : String.format(java.util.Locale.ROOT, "\\x%02x", (int) c));
            } else if (invisible(cp)) {
                out.append(String.format(java.util.Locale.ROOT, "\\u{%04x}", cp));
                i += Character.charCount(cp) - 1;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * A character that shows nothing, or changes how the characters around it show, and is no letter of a script: the
     * bidirectional controls (U+202E made {@code invoice<U+202E>fdp.exe} read as {@code invoiceexe.pdf}), zero-width
     * spaces ({@code zw<U+200B>sp} read as {@code zwsp} beside a real one), the byte-order mark, the line and paragraph
     * separators: Unicode's format characters (Cf), but the zero-width joiner and non-joiner, which Persian and Indic
     * names spell with (a tester's). Shown as a backslash and {@code u{202e}}, as the Trojan Source advisory (CVE-2021-42574) asks
     * of tools that show text.
     */
    static boolean invisible(int cp) {
        int type = Character.getType(cp);
        return type == Character.FORMAT ? cp != 0x200C && cp != 0x200D
                : type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
    }

    private static boolean escaped(char c, boolean keepLayout) {
        if (keepLayout && (c == '\n' || c == '\t' || c == '\\')) {
            return false; // the stream: its text's values were escaped on their own, their backslashes doubled there
        }
        if (c == '\\') {
            return true;
        }
        return c < 0x20 || (c >= 0x7f && c <= 0x9f);
    }

    // print(Object) and print(char) do not go through print(String); println and printf do (PrintStream's subclass contract)
    @Override
    public void print(String s) {
        super.print(escape(s, true));
    }

    @Override
    public void print(Object o) {
        print(String.valueOf(o));
    }

    @Override
    public void print(char c) {
        print(String.valueOf(c));
    }

    @Override
    public void print(char[] s) {
        print(new String(s));
    }
}
