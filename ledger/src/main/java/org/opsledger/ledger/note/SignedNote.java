package org.opsledger.ledger.note;

import static org.opsledger.ledger.note.NoteRejectedException.Reason.BAD_SIGNATURE;
import static org.opsledger.ledger.note.NoteRejectedException.Reason.MALFORMED;
import static org.opsledger.ledger.note.NoteRejectedException.Reason.UNTRUSTED_KEY;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A C2SP signed note (c2sp.org/signed-note): a text ending in a newline, a blank line, then one
 * line per signature, {@code — <key name> <base64(4-byte key ID || signature)>}. Signing
 * reproduces golang.org/x/mod/sumdb/note byte for byte; opening is strict and bounded, since the
 * note may come from anyone:
 * <ul>
 *   <li>at most {@value #MAX_NOTE_BYTES} bytes and {@value #MAX_SIGNATURES} signature lines;</li>
 *   <li>valid UTF-8 with no control characters but newline;</li>
 *   <li>every signature line well-formed, base64 canonical, name valid;</li>
 *   <li>signatures from unknown keys are ignored, a failing signature from a known key rejects
 *       the whole note, and at least one known key must have signed.</li>
 * </ul>
 *
 * @param text     the signed text, ending in a newline
 * @param signedBy the trusted keys whose signatures verified, in note order
 */
public record SignedNote(String text, List<VerifierKey> signedBy) {

    /** Upper bound on an encoded note; a checkpoint with a few cosignatures is well under 2 KiB. */
    public static final int MAX_NOTE_BYTES = 64 * 1024;
    /** golang.org/x/mod/sumdb/note's limit; C2SP requires accepting at least 16. */
    public static final int MAX_SIGNATURES = 100;

    private static final String SIGNATURE_PREFIX = "\u2014 ";

    public SignedNote {
        signedBy = List.copyOf(signedBy);
    }

    /** Signs {@code text} (which must end in a newline) with each signer, in order. */
    public static String sign(String text, SignerKey... signers) {
        requireValidText(text);
        if (signers.length == 0) {
            throw new IllegalArgumentException("a signed note needs at least one signature");
        }
        byte[] message = text.getBytes(StandardCharsets.UTF_8);
        StringBuilder note = new StringBuilder(text).append('\n');
        for (SignerKey signer : signers) {
            byte[] signature = signer.sign(message);
            ByteBuffer idAndSignature = ByteBuffer.allocate(4 + signature.length).putInt(signer.keyId()).put(signature);
            note.append(SIGNATURE_PREFIX).append(signer.name()).append(' ')
                    .append(Base64.getEncoder().encodeToString(idAndSignature.array())).append('\n');
        }
        return note.toString();
    }

    /** Opens a note given as bytes: decoding to UTF-8 is part of the checks. */
    public static SignedNote open(byte[] note, Collection<VerifierKey> trusted) throws NoteRejectedException {
        if (note.length > MAX_NOTE_BYTES) {
            throw new NoteRejectedException(MALFORMED, "note is larger than " + MAX_NOTE_BYTES + " bytes");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(note)).toString();
        } catch (CharacterCodingException e) {
            throw new NoteRejectedException(MALFORMED, "note is not valid UTF-8");
        }
        return open(text, trusted);
    }

    /** Checks the note's signatures against {@code trusted} keys (C2SP signed-note "Signatures"). */
    public static SignedNote open(String note, Collection<VerifierKey> trusted) throws NoteRejectedException {
        if (note.length() > MAX_NOTE_BYTES || note.getBytes(StandardCharsets.UTF_8).length > MAX_NOTE_BYTES) {
            throw new NoteRejectedException(MALFORMED, "note is larger than " + MAX_NOTE_BYTES + " bytes");
        }
        Map<String, VerifierKey> known = index(trusted);
        // C2SP signed-note: valid UTF-8, no ASCII control characters other than newline.
        for (int i = 0; i < note.length(); i++) {
            char c = note.charAt(i);
            if ((c < 0x20 && c != '\n') || (Character.isSurrogate(c) && !isPairedSurrogate(note, i))) {
                throw new NoteRejectedException(MALFORMED, "note contains a control character at offset " + i);
            }
        }
        // C2SP signed-note: the text is separated from the signatures by the last empty line.
        int split = note.lastIndexOf("\n\n");
        if (split < 0) {
            throw new NoteRejectedException(MALFORMED, "note has no blank line before its signatures");
        }
        String text = note.substring(0, split + 1);
        String signatures = note.substring(split + 2);
        if (signatures.isEmpty() || !signatures.endsWith("\n")) {
            throw new NoteRejectedException(MALFORMED, "note has no signature lines, or they do not end in a newline");
        }
        String[] lines = signatures.substring(0, signatures.length() - 1).split("\n", -1);
        if (lines.length > MAX_SIGNATURES) {
            throw new NoteRejectedException(MALFORMED, "note has more than " + MAX_SIGNATURES + " signatures");
        }
        byte[] message = text.getBytes(StandardCharsets.UTF_8);
        List<VerifierKey> signedBy = new ArrayList<>();
        Set<VerifierKey> seen = new HashSet<>();
        for (String line : lines) {
            ParsedSignature signature = parseSignatureLine(line);
            VerifierKey key = known.get(lookupKey(signature.name, signature.keyId));
            if (key == null) {
                continue; // C2SP signed-note: verifiers MUST ignore signatures from unknown keys
            }
            if (!seen.add(key)) {
                continue; // a repeated signature by the same key counts once
            }
            // C2SP signed-note: a known key's signature MUST be verified; a failure rejects the note.
            if (!key.verify(message, signature.signature)) {
                throw new NoteRejectedException(BAD_SIGNATURE,
                        "signature by " + key.name() + "+" + KeyNames.hexId(key.keyId()) + " does not verify");
            }
            signedBy.add(key);
        }
        if (signedBy.isEmpty()) {
            throw new NoteRejectedException(UNTRUSTED_KEY, "note is not signed by any trusted key");
        }
        return new SignedNote(text, signedBy);
    }

    private record ParsedSignature(String name, int keyId, byte[] signature) {
    }

    private static ParsedSignature parseSignatureLine(String line) throws NoteRejectedException {
        if (!line.startsWith(SIGNATURE_PREFIX)) {
            throw new NoteRejectedException(MALFORMED, "a line after the blank line is not a signature line");
        }
        String rest = line.substring(SIGNATURE_PREFIX.length());
        int space = rest.indexOf(' ');
        if (space < 0) {
            throw new NoteRejectedException(MALFORMED, "signature line has no signature");
        }
        String name = rest.substring(0, space);
        byte[] decoded;
        try {
            decoded = KeyNames.strictBase64(rest.substring(space + 1));
        } catch (IllegalArgumentException e) {
            throw new NoteRejectedException(MALFORMED, "signature is not canonical base64");
        }
        if (!KeyNames.isValidName(name) || decoded.length < 5) {
            throw new NoteRejectedException(MALFORMED, "signature line has an invalid key name or a short signature");
        }
        int keyId = ByteBuffer.wrap(decoded, 0, 4).getInt();
        byte[] signature = new byte[decoded.length - 4];
        System.arraycopy(decoded, 4, signature, 0, signature.length);
        return new ParsedSignature(name, keyId, signature);
    }

    private static Map<String, VerifierKey> index(Collection<VerifierKey> trusted) {
        Map<String, VerifierKey> known = new HashMap<>();
        for (VerifierKey key : trusted) {
            VerifierKey previous = known.putIfAbsent(lookupKey(key.name(), key.keyId()), key);
            if (previous != null && !previous.equals(key)) {
                throw new IllegalArgumentException("two trusted keys share name and key ID " + key.name()
                        + "+" + KeyNames.hexId(key.keyId()) + ": the trusted key list is corrupt");
            }
        }
        return known;
    }

    private static String lookupKey(String name, int keyId) {
        return name + "+" + KeyNames.hexId(keyId);
    }

    static void requireValidText(String text) {
        if (text.isEmpty() || !text.endsWith("\n")) {
            throw new IllegalArgumentException("note text must end in a newline");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\n') {
                throw new IllegalArgumentException("note text may not contain control characters");
            }
        }
        if (text.getBytes(StandardCharsets.UTF_8).length > MAX_NOTE_BYTES / 2) {
            throw new IllegalArgumentException("note text too large");
        }
    }

    private static boolean isPairedSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
