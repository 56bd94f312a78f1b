package org.opsledger.ledger.note;

import static org.opsledger.ledger.note.NoteRejectedException.Reason.MALFORMED;
import static org.opsledger.ledger.note.NoteRejectedException.Reason.WRONG_ORIGIN;

import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import org.opsledger.ledger.Hash;

/**
 * A log's signed statement of its tree at one size: the body of a C2SP tlog-checkpoint
 * (c2sp.org/tlog-checkpoint), carried in a {@link SignedNote}. The body is
 * <pre>
 * &lt;origin&gt;\n
 * &lt;tree size, decimal, no leading zeros&gt;\n
 * &lt;base64 RFC 9162 root hash&gt;\n
 * [extension line\n]...
 * </pre>
 * An auditor keeps the signed note text; anything the log shows later must be consistent with it.
 */
public record Checkpoint(String origin, long size, Hash rootHash, List<String> extensions) {

    /** Our bound; the spec sets none. The log writes none (C2SP tlog-checkpoint: NOT RECOMMENDED). */
    public static final int MAX_EXTENSION_LINES = 16;

    private static final Pattern TREE_SIZE = Pattern.compile("0|[1-9][0-9]{0,18}");

    public Checkpoint {
        extensions = List.copyOf(extensions);
        if (origin.isEmpty() || origin.indexOf('\n') >= 0 || hasControl(origin)) {
            throw new IllegalArgumentException("origin must be one non-empty line without control characters");
        }
        if (size < 0) {
            throw new IllegalArgumentException("negative tree size " + size);
        }
        if (extensions.size() > MAX_EXTENSION_LINES) {
            throw new IllegalArgumentException("more than " + MAX_EXTENSION_LINES + " extension lines");
        }
        for (String extension : extensions) {
            // C2SP tlog-checkpoint: extension lines, if any, MUST be non-empty.
            if (extension.isEmpty() || extension.indexOf('\n') >= 0 || hasControl(extension)) {
                throw new IllegalArgumentException("extension lines must be non-empty single lines");
            }
        }
    }

    public Checkpoint(String origin, long size, Hash rootHash) {
        this(origin, size, rootHash, List.of());
    }

    /** The note text: origin, size and root hash lines, then any extensions, each ending in a newline. */
    public String body() {
        StringBuilder body = new StringBuilder(origin).append('\n')
                .append(size).append('\n')
                .append(rootHash.base64()).append('\n');
        extensions.forEach(extension -> body.append(extension).append('\n'));
        return body.toString();
    }

    /** The signed note; C2SP tlog-checkpoint: the key name SHOULD match the origin, so it must here. */
    public String sign(SignerKey key) {
        if (!key.name().equals(origin)) {
            throw new IllegalArgumentException("key " + key.name() + " may only sign checkpoints of origin " + key.name());
        }
        return SignedNote.sign(body(), key);
    }

    /** Opens a checkpoint note signed by {@code key} for the log named like the key. */
    public static Checkpoint open(String note, VerifierKey key) throws NoteRejectedException {
        return open(note, List.of(key), key.name());
    }

    /**
     * Opens a checkpoint note: the note must be signed by one of {@code trusted} and its origin must
     * be {@code expectedOrigin}.
     */
    public static Checkpoint open(String note, Collection<VerifierKey> trusted, String expectedOrigin)
            throws NoteRejectedException {
        Checkpoint checkpoint = parseBody(SignedNote.open(note, trusted).text());
        if (!checkpoint.origin.equals(expectedOrigin)) {
            throw new NoteRejectedException(WRONG_ORIGIN,
                    "checkpoint is for log \"" + checkpoint.origin + "\", expected \"" + expectedOrigin + "\"");
        }
        return checkpoint;
    }

    /** Parses a checkpoint body (C2SP tlog-checkpoint "Note text"); does not check any signature. */
    public static Checkpoint parseBody(String text) throws NoteRejectedException {
        if (!text.endsWith("\n")) {
            throw new NoteRejectedException(MALFORMED, "checkpoint text must end in a newline");
        }
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        if (lines.length < 3) {
            throw new NoteRejectedException(MALFORMED, "checkpoint needs origin, size and root hash lines");
        }
        if (lines.length > 3 + MAX_EXTENSION_LINES) {
            throw new NoteRejectedException(MALFORMED, "checkpoint has too many extension lines");
        }
        if (!TREE_SIZE.matcher(lines[1]).matches()) {
            throw new NoteRejectedException(MALFORMED, "tree size is not a decimal without leading zeros");
        }
        long size;
        try {
            size = Long.parseLong(lines[1]);
        } catch (NumberFormatException e) {
            throw new NoteRejectedException(MALFORMED, "tree size out of range");
        }
        Hash root;
        try {
            root = Hash.fromBase64(lines[2]);
        } catch (IllegalArgumentException e) {
            throw new NoteRejectedException(MALFORMED, "root hash is not the base64 of 32 bytes");
        }
        try {
            return new Checkpoint(lines[0], size, root, List.of(lines).subList(3, lines.length));
        } catch (IllegalArgumentException e) {
            throw new NoteRejectedException(MALFORMED, e.getMessage());
        }
    }

    /** One-line description for messages: {@code origin@size root}. */
    public String describe() {
        return origin + " at size " + size + " (root " + rootHash.base64() + ")";
    }

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(c -> c < 0x20);
    }
}
