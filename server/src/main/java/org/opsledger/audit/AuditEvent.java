package org.opsledger.audit;

import java.util.Map;
import java.util.Objects;

/**
 * What a module tells the audit trail. The trail adds the rest of ECOMP 6.1.1–6.1.9 itself: system
 * identity, time, user-ID, client address, user agent, protocol and privileged use.
 *
 * @param action     what happened, dotted lower case: {@code account.create}, {@code auth.login}
 * @param access     the kind of access
 * @param objectType the kind of object acted on ({@code account}, {@code control}); may be null
 * @param objectId   its identifier; may be null
 * @param outcome    success, failure or denied
 * @param reason     why it failed or was denied (a rule id, a message); null on success
 * @param before     configuration values before the change (ECOMP 6.1.7); never secrets
 * @param after      configuration values after the change; never secrets
 * @param actor      the user-ID when it is not the authenticated principal (a failed login); else null
 */
public record AuditEvent(String action, Access access, String objectType, String objectId, Outcome outcome,
        String reason, Map<String, ?> before, Map<String, ?> after, String actor) {

    public AuditEvent {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(outcome, "outcome");
        before = before == null ? null : Map.copyOf(before);
        after = after == null ? null : Map.copyOf(after);
    }

    /** A successful access to an object. */
    public static AuditEvent of(String action, Access access, String objectType, String objectId) {
        return new AuditEvent(action, access, objectType, objectId, Outcome.SUCCESS, null, null, null, null);
    }

    public AuditEvent failed(String why) {
        return new AuditEvent(action, access, objectType, objectId, Outcome.FAILURE, why, before, after, actor);
    }

    public AuditEvent denied(String why) {
        return new AuditEvent(action, access, objectType, objectId, Outcome.DENIED, why, before, after, actor);
    }

    public AuditEvent change(Map<String, ?> beforeValues, Map<String, ?> afterValues) {
        return new AuditEvent(action, access, objectType, objectId, outcome, reason, beforeValues, afterValues, actor);
    }

    public AuditEvent by(String userId) {
        return new AuditEvent(action, access, objectType, objectId, outcome, reason, before, after, userId);
    }
}
