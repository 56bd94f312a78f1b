package org.opsledger.shared;

/**
 * A request OpsLedger refuses, with what the caller needs to fix it. The web layer turns it into an
 * RFC 9457 {@code application/problem+json} response (and an audit entry).
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String title;
    private final String field;
    private final boolean recorded;

    public ProblemException(int status, String title, String detail, String field) {
        this(status, title, detail, field, false);
    }

    private ProblemException(int status, String title, String detail, String field, boolean recorded) {
        super(detail);
        this.status = status;
        this.title = title;
        this.field = field;
        this.recorded = recorded;
    }

    /** The same refusal, marked as already in the audit trail (its thrower wrote a more precise entry). */
    public ProblemException recorded() {
        return new ProblemException(status, title, getMessage(), field, true);
    }

    /** Whether the thrower has written the audit entry itself. */
    public boolean isRecorded() {
        return recorded;
    }

    /** 400: a field's value is not acceptable. */
    public static ProblemException invalid(String field, String detail) {
        return new ProblemException(400, "Invalid request", detail, field);
    }

    public static ProblemException notFound(String what) {
        return new ProblemException(404, "Not found", what + " does not exist", null);
    }

    public static ProblemException conflict(String detail, String field) {
        return new ProblemException(409, "Conflict", detail, field);
    }

    public static ProblemException forbidden(String detail) {
        return new ProblemException(403, "Forbidden", detail, null);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** The offending field, or null. */
    public String field() {
        return field;
    }
}
