package org.opsledger.ledger.note;

/** A signed note (or checkpoint) was refused; {@link #reason()} says which way it failed. */
public final class NoteRejectedException extends Exception {

    /** Why a note was refused. */
    public enum Reason {
        /** Not a well-formed signed note or checkpoint: syntax, size, encoding. */
        MALFORMED,
        /** Well-formed, but no signature is from a trusted key. */
        UNTRUSTED_KEY,
        /** A signature from a trusted key does not verify: the text or the signature was altered. */
        BAD_SIGNATURE,
        /** Signed by a trusted key, but for a different log than expected. */
        WRONG_ORIGIN
    }

    private final Reason reason;

    public NoteRejectedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
