package org.opsledger.cli.vault;

import java.io.BufferedOutputStream;
import java.io.Console;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.opsledger.cli.CliException;
import org.opsledger.cli.Stdout;
import org.opsledger.cli.TerminalText;
import org.opsledger.vault.ByteSize;
import org.opsledger.vault.VaultJson;
import org.opsledger.vault.snapshot.FileNames;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Text or JSON on stdout; a progress line on stderr only when stderr is a terminal. */
final class Output {

    private Output() {
    }

    private static TerminalText out;
    private static TerminalText err;

    /** Standard output for text: control characters in names, tags and reasons shown escaped ({@link TerminalText}). */
    static synchronized PrintStream out() {
        if (out == null || !out.writesTo(System.out)) { // tests replace System.out
            out = TerminalText.over(System.out);
        }
        return out;
    }

    /** Standard error for warnings, escaped as {@link #out()}. */
    static synchronized PrintStream err() {
        if (err == null || !err.writesTo(System.err)) {
            err = TerminalText.over(System.err);
        }
        return err;
    }

    static void json(Object value) {
        System.out.println(jsonOf(value));
        System.out.flush();
    }

    /**
     * A JSON array written as its elements come, the bytes {@link #json} writes for the whole list: a
     * listing of millions of paths in the memory of one. {@code head}'s fields come first when given, and
     * the array is then its field {@code name} ({@code {"from":…,"changes":[…]}}). A command that fails
     * midway never calls {@link JsonList#end}: what was written is not valid JSON, and the exit is not 0.
     */
    static JsonList jsonList(Map<String, ?> head, String name) {
        String object = jsonOf(head);
        String field = jsonOf(name) + ":[";
        return new JsonList(object.length() == 2 ? "{" + field : object.substring(0, object.length() - 1) + "," + field, "]}");
    }

    /** A top-level JSON array written as its elements come, as {@link #jsonList(Map, String)}. */
    static JsonList jsonList() {
        return new JsonList("[", "]");
    }

    /** Lines between two looks at whether stdout's reader went away ({@link #untilClosed}). */
    private static final int CHECK_EVERY = 256;

    /**
     * {@code each}, and every {@value #CHECK_EVERY} lines a look at stdout: a PrintStream writes into a closed pipe
     * without a word, so `vault ls latest | head` walked the whole snapshot for nobody and exited 0. It now ends as
     * `vault dump` does, exit 1 and one line.
     */
    static <T> Consumer<T> untilClosed(Consumer<T> each) {
        return untilClosed(each, out());
    }

    /** As {@link #untilClosed(Consumer)} for lines written through {@code stream}, buffered over System.out. */
    private static <T> Consumer<T> untilClosed(Consumer<T> each, PrintStream stream) {
        long[] lines = {0};
        return row -> {
            each.accept(row);
            if (++lines[0] % CHECK_EVERY == 0 && (stream.checkError() || System.out.checkError())) {
                throw closed();
            }
        };
    }

    private static CliException closed() {
        return new CliException(Stdout.whyClosed("output"));
    }

    static final class JsonList {

        private final PrintStream out = new PrintStream(new BufferedOutputStream(System.out, 1 << 16), false, System.out.charset());
        private final String close;
        private final Consumer<Object> elements = untilClosed(this::write, out);
        private boolean first = true;

        private JsonList(String open, String close) {
            this.close = close;
            out.print(open);
        }

        void add(Object element) {
            elements.accept(element);
        }

        private void write(Object element) {
            if (!first) {
                out.print(',');
            }
            first = false;
            out.print(jsonOf(element));
        }

        void end() {
            out.println(close);
            out.flush();
        }
    }

    /**
     * {@code value} as JSON text for scripts: a name's byte that is not UTF-8 as U+FFFD, which JSON text can hold, and the
     * name's bytes in base64 in a field beside it, its field's name and {@code Bytes} ({@code "path":"/caf\uFFFD",
     * "pathBytes":"L2NhZuk="}; for a list of names a list beside it, null for each name that is UTF-8), as borg 2's
     * {@code path_b64}: U+FFFD showed caf\xe9 and caf\xe8 alike (docs/operations.md, "Names on a terminal"). The mapper
     * writes an escape, a lone surrogate, as it is, and stdout's encoder then wrote '?': a stream named db\xe8 read as one
     * named "db?".
     */
    static String jsonOf(Object value) {
        String json = VaultJson.writeString(value);
        if (!FileNames.hasEscapes(json)) {
            return json; // every name UTF-8: the text as written, no tree built
        }
        JsonNode tree = VaultJson.MAPPER.valueToTree(value);
        withBytes(tree);
        return FileNames.display(VaultJson.MAPPER.writeValueAsString(tree));
    }

    /**
     * The fields whose object is a map keyed by the user's data, not a record: a snapshot's tags, a file's extended
     * attributes. A sibling inside one reads as one more key: {@code "tags":{"site":"caf\uFFFD","siteBytes":"Y2Fm6Q=="}} was
     * two tags, and a real tag siteBytes was overwritten (a tester's). Their bytes are a map beside them, by the same keys
     * ({@code "tagsBytes":{"site":"Y2Fm6Q=="}}).
     */
    private static final java.util.Set<String> USER_KEYED = java.util.Set.of("tags", "xattrs", "permissionXattrs");

    /**
     * Beside each string of {@code node} (and of the objects in it) that holds a byte that is not UTF-8, its bytes ({@link #jsonOf});
     * beside a map keyed by user data ({@link #USER_KEYED}), a map of the bytes of its values that hold one.
     */
    private static void withBytes(JsonNode node) {
        if (node instanceof ObjectNode object) {
            ObjectNode rebuilt = object.objectNode();
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                JsonNode v = field.getValue();
                if (v instanceof ObjectNode map && USER_KEYED.contains(field.getKey())) {
                    rebuilt.set(field.getKey(), v);
                    ObjectNode bytes = object.objectNode();
                    map.properties().forEach(e -> {
                        if (e.getValue().isString() && FileNames.hasEscapes(e.getValue().asString())) {
                            bytes.put(e.getKey(), FileNames.encode(e.getValue().asString()));
                        }
                    });
                    if (!bytes.isEmpty()) {
                        rebuilt.set(field.getKey() + "Bytes", bytes);
                    }
                    continue;
                }
                withBytes(v);
                rebuilt.set(field.getKey(), v);
                if (v.isString() && FileNames.hasEscapes(v.asString())) {
                    rebuilt.put(field.getKey() + "Bytes", FileNames.encode(v.asString()));
                } else if (v.isArray() && v.valueStream().anyMatch(e -> e.isString() && FileNames.hasEscapes(e.asString()))) {
                    ArrayNode bytes = rebuilt.putArray(field.getKey() + "Bytes");
                    v.valueStream().forEach(e -> {
                        if (e.isString() && FileNames.hasEscapes(e.asString())) {
                            bytes.add(FileNames.encode(e.asString()));
                        } else {
                            bytes.addNull();
                        }
                    });
                }
            }
            object.removeAll();
            object.setAll(rebuilt);
        } else if (node instanceof ArrayNode array) {
            array.forEach(Output::withBytes);
        }
    }

    static String bytes(long n) {
        return ByteSize.format(n);
    }

    static boolean onTerminal() {
        Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(c); // JDK 22+: a console may be redirected
        } catch (ReflectiveOperationException e) {
            return true; // JDK 21: a console exists only on a terminal
        }
    }

    /**
     * Whether the line redrawn on stderr reaches a terminal: stderr itself, not the console (stdin and stdout), which a
     * `vault backup … 2>backup.log` at a terminal has, so that its log filled with redrawn lines. Read where Linux shows
     * it; elsewhere as the console says. Not on a terminal that says it cannot redraw (TERM=dumb).
     */
    static boolean stderrOnTerminal() {
        if ("dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        try {
            String fd2 = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return fd2.startsWith("/dev/pts/") || fd2.startsWith("/dev/tty") || fd2.equals("/dev/console");
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return onTerminal();
        }
    }

    /** Redraws {@code line} every 250 ms on a terminal until closed; does nothing elsewhere or with --json. */
    static AutoCloseable progress(boolean json, Supplier<String> line) {
        if (json || !stderrOnTerminal()) {
            return () -> { };
        }
        Thread t = new Thread(() -> {
            try {
                // a signal stops the drawing: the line that says what the signal left is the last (a restore drew once more)
                while (!Thread.currentThread().isInterrupted() && StopSignal.received().isEmpty()) {
                    synchronized (Output.class) {
                        drawn = true;
                        System.err.print("\r\033[K" + line.get());
                        System.err.flush();
                    }
                    Thread.sleep(250);
                }
            } catch (InterruptedException done) {
                // closed
            }
        }, "vault-progress");
        t.setDaemon(true);
        t.start();
        return () -> {
            t.interrupt();
            t.join();
            clearProgress();
        };
    }

    /** Whether a progress line is on the terminal now. */
    private static boolean drawn;

    /** Clears the progress line, if one is drawn, so that what comes next on stderr starts a line of its own. */
    private static synchronized void clearProgress() {
        if (drawn) {
            System.err.print("\r\033[K");
            System.err.flush();
            drawn = false;
        }
    }

    /**
     * Until closed, a Ctrl-C, SIGTERM or SIGHUP prints {@code message} on stderr on the way out (the progress line cleared
     * first): what the signal left, which the operator should hear from us. A backup stopped so said nothing. Of the
     * messages registered at once only the newest is said: a command's own (a restore's partial target) over the line its
     * journal entry registers for every command ({@link Journaling}).
     */
    static Said whenStopped(Supplier<String> message) {
        synchronized (STOP_LINES) {
            if (STOP_LINES.isEmpty()) {
                hooked(true);
            }
            STOP_LINES.addLast(message);
        }
        return () -> {
            synchronized (STOP_LINES) {
                if (STOP_LINES.removeLastOccurrence(message) && STOP_LINES.isEmpty()) {
                    hooked(false);
                }
            }
        };
    }

    /**
     * Puts the hook that says the line in place, or takes it away once no line is left: it ran as every vault command ended,
     * a thread started to say nothing (the line is taken back as the command ends).
     */
    private static void hooked(boolean on) {
        try {
            if (on) {
                Runtime.getRuntime().addShutdownHook(STOP_HOOK);
            } else {
                Runtime.getRuntime().removeShutdownHook(STOP_HOOK);
            }
        } catch (IllegalStateException shuttingDown) {
            // the JVM is on its way out: the hook runs, or is past adding
        }
    }

    /** What {@link #whenStopped} returns: closing it takes its message back. */
    interface Said extends AutoCloseable {
        @Override
        void close();
    }

    /** The messages {@link #whenStopped} registered and no one took back, newest last. */
    private static final java.util.Deque<Supplier<String>> STOP_LINES = new java.util.concurrent.ConcurrentLinkedDeque<>();
    /** Says the newest line on the way out; in place while a line is ({@link #hooked}). */
    static final Thread STOP_HOOK = new Thread(Output::sayWhenStopped, "said-when-stopped");

    private static void sayWhenStopped() {
        Supplier<String> message = STOP_LINES.peekLast();
        if (message == null || org.opsledger.cli.Ending.reason().isPresent()) {
            return; // ended as it should, or out of heap or stack, not by a signal: that line was said
        }
        say(message.get());
    }

    /** Says {@code line} on stderr now, on a line of its own: the progress line, if one is drawn, cleared first. */
    static synchronized void say(String line) {
        clearProgress();
        err().println(line);
        err().flush();
    }

    /** "SIGINT (Ctrl-C)", "SIGTERM": the signal that is stopping the command, for a line said as it stops. */
    static String stoppedBy() {
        return StopSignal.received().map(StopSignal::describe).orElse("a signal");
    }
}
