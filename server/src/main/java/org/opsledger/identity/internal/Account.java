package org.opsledger.identity.internal;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.opsledger.identity.Role;

/**
 * An individual account (IS.012 6.3.8, 6.7.1.15). A {@code service} account has no password and
 * authenticates with API tokens only.
 */
record Account(UUID id, String username, String displayName, String email, Kind kind, Set<Role> roles,
        String passwordHash, boolean passwordChangeRequired, boolean enabled, int failedLogins,
        Instant lockedUntil, Instant createdAt, Instant lastLoginAt) {

    enum Kind {
        PERSON, SERVICE;

        String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    boolean lockedAt(Instant now) {
        return lockedUntil != null && lockedUntil.isAfter(now);
    }

    boolean privileged() {
        return roles.stream().anyMatch(Role::privileged);
    }

    /** What the audit trail records of an account: configuration, never secrets. */
    Map<String, Object> auditView() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("username", username);
        m.put("displayName", displayName);
        m.put("email", email == null ? "" : email);
        m.put("kind", kind.wireName());
        m.put("roles", roles.stream().map(Role::wireName).sorted().toList());
        m.put("enabled", enabled);
        return m;
    }
}
