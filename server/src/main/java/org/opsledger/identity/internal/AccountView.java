package org.opsledger.identity.internal;

import java.time.Instant;
import java.util.List;
import org.opsledger.identity.Role;

/** An account as the API shows it: never its password hash. */
record AccountView(String username, String displayName, String email, String kind, List<String> roles,
        boolean enabled, boolean locked, boolean passwordChangeRequired, Instant createdAt, Instant lastLoginAt) {

    static AccountView of(Account a, Instant now) {
        return new AccountView(a.username(), a.displayName(), a.email(), a.kind().wireName(),
                a.roles().stream().map(Role::wireName).sorted().toList(), a.enabled(), a.lockedAt(now),
                a.passwordChangeRequired(), a.createdAt(), a.lastLoginAt());
    }
}
