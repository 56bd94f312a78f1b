package org.opsledger.audit;

/**
 * The audit entry the server's own integrity check of the trail writes (ECOMP 6.3, 7.2): action
 * {@value #ACTION} by actor {@value #ACTOR}, outcome success or failure with the first problem as
 * its reason, and in its {@code after} values {@code verdict} (holds, altered, missing, truncated,
 * root-mismatch, checkpoint-rejected, checkpoints-inconsistent, malformed) and {@code notInTree}
 * (committed entries below the integration horizon that are not leaves). See docs/audit-format.md.
 */
public final class AuditSelfCheck {

    public static final String ACTION = "audit.verify";
    public static final String ACTOR = "system";

    private AuditSelfCheck() {
    }
}
