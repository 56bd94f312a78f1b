package org.opsledger.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.StreamTokenizer;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.opsledger.vault.IoReason;
import org.opsledger.vault.snapshot.FileNames;

/**
 * Argument files ("@FILE": the arguments FILE holds, in its place), expanded here, not by picocli, which expanded every
 * argument starting with '@' after "--" too: `backup --stdin-from-command -- curl -d @query.json` ran curl with the file's
 * words, and "@@x" became "@x" (a tester's). Before the first "--" (of the command line or of a file) "@FILE" is FILE's
 * arguments and "@@x" is "@x", as picocli reads them, and "@FILE" that cannot be read is itself; from "--" on, each
 * argument is as given: the command of --stdin-from-command.
 *
 * <p>A file holds arguments separated by blanks and line ends; one holding blanks is quoted whole, in '…' or "…" (a
 * backslash escape inside, as picocli reads them). A line whose first character that is not a blank is '#' is a comment.
 * A '#' anywhere else is part of its argument: picocli ended the argument at it, and `--tag ticket=CHG#123` was stored as
 * ticket=CHG, an IS.012 6.6.5.1 record cut short, exit 0 (a tester's).
 *
 * <p>The argument files of a command line hold {@link #MAX_BYTES} together at most: each was read whole, and `@/dev/zero`
 * or a large file named by mistake filled the heap (an earlier session's finding). A file, a pipe ({@code @<(…)}) or a
 * device is read up to that bound and refused past it, exit 2. A FIFO waits for its writer, saying so ({@link InputFile}).
 */
final class ArgumentFiles {

    /** picocli's end of options. */
    private static final String END_OF_OPTIONS = "--";

    private final List<String> out = new ArrayList<>();
    private final Deque<Path> reading = new ArrayDeque<>();
    /** Bytes of argument files read so far. */
    private int read;
    private boolean ended;

    private ArgumentFiles() {
    }

    /** {@code args} with each argument file before "--" expanded; a file that names itself, or cannot be read whole, is refused (exit 2). */
    static String[] expand(String[] args) {
        ArgumentFiles files = new ArgumentFiles();
        for (String a : args) {
            files.add(a);
        }
        return files.out.toArray(String[]::new);
    }

    private void add(String arg) {
        if (ended || arg.length() < 2 || arg.charAt(0) != '@') {
            ended |= arg.equals(END_OF_OPTIONS);
            out.add(arg);
        } else if (arg.charAt(1) == '@') {
            out.add(arg.substring(1));
        } else {
            Path file = FileNames.pathOf(arg.substring(1));
            if (!Files.isReadable(file)) {
                out.add(arg);
                return;
            }
            Path key = file.toAbsolutePath().normalize();
            if (reading.contains(key)) {
                throw new CliException("the argument file " + TerminalText.escape(arg) + " includes itself: name each file once", 2);
            }
            reading.push(key);
            for (String a : arguments(arg, file)) {
                add(a);
            }
            reading.pop();
        }
    }

    /** The most bytes the argument files of one command line hold together: options, never data. */
    static final int MAX_BYTES = 1 << 20;

    /** The arguments of {@code file}, as the class comment says. */
    private List<String> arguments(String arg, Path file) {
        StringBuilder text = new StringBuilder();
        try {
            byte[] bytes;
            try (InputStream in = InputFile.open(file, "the argument file " + TerminalText.escape(arg))) {
                bytes = in.readNBytes(MAX_BYTES - read + 1);
            }
            read += bytes.length;
            if (read > MAX_BYTES) {
                throw new CliException("the argument file " + TerminalText.escape(arg) + " passes the " + (MAX_BYTES >> 20) + " MiB that"
                        + " the argument files of a command line may hold together: an argument file holds options, not data", 2);
            }
            for (String line : FileNames.decode(bytes).split("\n", -1)) {
                if (!line.strip().startsWith("#")) {
                    text.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            throw new CliException("cannot read the argument file " + TerminalText.escape(arg) + ": " + IoReason.of(e), 2);
        }
        StreamTokenizer tok = new StreamTokenizer(new StringReader(text.toString()));
        tok.resetSyntax();
        tok.wordChars(' ', 255); // and what is past 255, which the tokenizer counts as a word's
        tok.whitespaceChars(0, ' ');
        tok.quoteChar('"');
        tok.quoteChar('\'');
        List<String> words = new ArrayList<>();
        try {
            while (tok.nextToken() != StreamTokenizer.TT_EOF) {
                words.add(tok.sval);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e); // a string's reader
        }
        return words;
    }
}
