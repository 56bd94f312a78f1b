package org.opsledger.identity.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.opsledger.shared.ProblemException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Checks a user name and password, for the UI login and {@code POST /api/v1/auth/token} alike.
 * Failed attempts lock the account with a back-off, many failures from one address refuse that address
 * for a while ({@link LoginThrottle}); every attempt is an audit entry (ECOMP 6.1.6).
 */
@Service
class LoginService {

    /** The outcome of a login attempt. */
    sealed interface LoginResult {
        record Success(Account account) implements LoginResult {
        }

        /** {@code reason} goes to the audit record; callers show users a generic message. */
        record Failure(String reason) implements LoginResult {
        }

        /** Too many failed logins from the client's address: refused without looking at the password. */
        record Throttled() implements LoginResult {
        }
    }

    private final AccountRepository accounts;
    private final PasswordEncoder encoder;
    private final AuditTrail audit;
    private final IdentityProperties properties;
    private final Clock clock;
    private final LoginThrottle throttle;
    private final String dummyHash;

    LoginService(AccountRepository accounts, PasswordEncoder encoder, AuditTrail audit, IdentityProperties properties,
            Clock clock, LoginThrottle throttle) {
        this.accounts = accounts;
        this.encoder = encoder;
        this.audit = audit;
        this.properties = properties;
        this.clock = clock;
        this.throttle = throttle;
        this.dummyHash = encoder.encode("not a real password, used to keep timing even");
    }

    /** Audit actions: a UI login and a token request from a script. */
    static final String UI_LOGIN = "auth.login";
    static final String TOKEN_LOGIN = "auth.token";

    /**
     * One transaction: the counter update and the audit entry commit together, whether the attempt
     * succeeds or not (a failure is a result, not an exception, so nothing rolls back).
     */
    @Transactional
    LoginResult login(String rawUsername, String password, String action) {
        String username = rawUsername == null ? "" : rawUsername.strip().toLowerCase(java.util.Locale.ROOT);
        AuditEvent attempt = AuditEvent.of(action, Access.LOGIN, "account", username).by(username);
        String address = clientAddress();
        if (address != null && throttle.refuses(address)) {
            audit.record(attempt.denied("too many failed logins from " + address));
            return new LoginResult.Throttled();
        }
        LoginResult result = check(username, password, attempt);
        if (address != null && result instanceof LoginResult.Failure) {
            throttle.failed(address);
        }
        return result;
    }

    private LoginResult check(String username, String password, AuditEvent attempt) {
        Optional<Account> found = username.isEmpty() ? Optional.empty() : accounts.lockByUsername(username);
        if (found.isEmpty()) {
            encoder.matches(password == null ? "" : password, dummyHash);
            return fail(attempt, "unknown user name");
        }
        Account account = found.get();
        Instant now = clock.instant();
        if (account.kind() == Account.Kind.SERVICE) {
            return fail(attempt, "service accounts use API tokens and cannot log in");
        }
        if (!account.enabled()) {
            return fail(attempt, "account disabled");
        }
        if (account.lockedAt(now)) {
            return fail(attempt, "account locked until " + account.lockedUntil());
        }
        if (password == null || account.passwordHash() == null || !encoder.matches(password, account.passwordHash())) {
            int failures = account.failedLogins() + 1;
            Instant lockedUntil = failures >= properties.lockoutThreshold() ? now.plus(lockDuration(failures)) : null;
            accounts.update(withFailures(account, failures, lockedUntil));
            if (lockedUntil != null) {
                audit.record(AuditEvent.of("account.lock", Access.UPDATE, "account", username).by("system")
                        .failed(failures + " consecutive failed logins; locked until " + lockedUntil));
            }
            return fail(attempt, "wrong password (" + failures + " consecutive)");
        }
        Account loggedIn = new Account(account.id(), account.username(), account.displayName(), account.email(),
                account.kind(), account.roles(), account.passwordHash(), account.passwordChangeRequired(),
                account.enabled(), 0, null, account.createdAt(), now);
        accounts.update(loggedIn);
        audit.record(attempt);
        return new LoginResult.Success(loggedIn);
    }

    /** Back-off: the base duration at the threshold, doubling with each further failure, capped. */
    Duration lockDuration(int failures) {
        int doublings = Math.min(20, Math.max(0, failures - properties.lockoutThreshold()));
        Duration d = properties.lockoutBase().multipliedBy(1L << doublings);
        return d.compareTo(properties.lockoutMax()) > 0 ? properties.lockoutMax() : d;
    }

    /** The API's answer to a throttled attempt (the attempt itself is already recorded). */
    static ProblemException throttled() {
        return new ProblemException(429, "Too Many Requests",
                "Too many failed logins from your address; try again in a few minutes", null).recorded();
    }

    /** The client's address when the attempt arrives over HTTP; null otherwise. */
    private static String clientAddress() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attrs
                ? attrs.getRequest().getRemoteAddr() : null;
    }

    private LoginResult fail(AuditEvent attempt, String reason) {
        audit.record(attempt.failed(reason));
        return new LoginResult.Failure(reason);
    }

    private static Account withFailures(Account a, int failures, Instant lockedUntil) {
        return new Account(a.id(), a.username(), a.displayName(), a.email(), a.kind(), a.roles(), a.passwordHash(),
                a.passwordChangeRequired(), a.enabled(), failures, lockedUntil != null ? lockedUntil : a.lockedUntil(),
                a.createdAt(), a.lastLoginAt());
    }
}
