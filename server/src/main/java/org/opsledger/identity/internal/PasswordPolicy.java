package org.opsledger.identity.internal;

import java.util.Locale;
import java.util.Set;
import org.opsledger.shared.ProblemException;
import org.springframework.stereotype.Component;

/** IS.012 6.7.1.16 (via IS.003): what a new password must be. */
@Component
class PasswordPolicy {

    static final int MAX_LENGTH = 256;

    /** A few of the passwords every list of breached passwords starts with, at 12+ characters. */
    private static final Set<String> COMMON = Set.of("password1234", "123456789012", "qwertyuiopas",
            "password12345", "administrator", "changeme1234", "letmein12345", "welcome12345", "passwordpassword");

    private final int minLength;

    PasswordPolicy(IdentityProperties properties) {
        this.minLength = properties.passwordMinLength();
    }

    int minLength() {
        return minLength;
    }

    /** @throws ProblemException naming {@code field} when the password is not acceptable */
    void check(String field, String username, String password) {
        if (password == null || password.length() < minLength) {
            throw ProblemException.invalid(field, "A password needs at least " + minLength + " characters");
        }
        if (password.length() > MAX_LENGTH) {
            throw ProblemException.invalid(field, "A password has at most " + MAX_LENGTH + " characters");
        }
        String lower = password.toLowerCase(Locale.ROOT);
        if (username != null && lower.contains(username.toLowerCase(Locale.ROOT))) {
            throw ProblemException.invalid(field, "A password may not contain the user name");
        }
        if (COMMON.contains(lower) || password.chars().distinct().count() < 4) {
            throw ProblemException.invalid(field, "This password is too easy to guess");
        }
    }
}
