package org.opsledger.identity.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.opsledger.identity.Role;
import org.opsledger.identity.SeparationOfDuties;
import org.opsledger.shared.PageResult;
import org.opsledger.shared.ProblemException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Account administration. Each method is one transaction with its audit entry; separation of
 * duties is checked before anything is written.
 */
@Service
class AccountService {

    static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{1,63}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s<>\"']{1,64}@[^@\\s<>\"']{1,189}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] PASSWORD_ALPHABET =
            "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();

    /** What {@code POST /api/v1/accounts} asks for. */
    record NewAccount(String username, String displayName, String email, String kind, List<String> roles, String password) {
    }

    private final AccountRepository accounts;
    private final PasswordEncoder encoder;
    private final PasswordPolicy passwords;
    private final SeparationOfDuties duties;
    private final AuditTrail audit;
    private final TokenService tokens;
    private final Clock clock;

    AccountService(AccountRepository accounts, PasswordEncoder encoder, PasswordPolicy passwords, SeparationOfDuties duties,
            AuditTrail audit, TokenService tokens, Clock clock) {
        this.accounts = accounts;
        this.encoder = encoder;
        this.passwords = passwords;
        this.duties = duties;
        this.audit = audit;
        this.tokens = tokens;
        this.clock = clock;
    }

    @Transactional(readOnly = true)
    PageResult<Account> list(int page, int size) {
        return new PageResult<>(accounts.page(size, PageResult.offset(page, size)), page, size, accounts.count());
    }

    @Transactional(readOnly = true)
    Account get(String username) {
        return accounts.findByUsername(username).orElseThrow(() -> ProblemException.notFound("Account " + username));
    }

    /**
     * Creates an individual account (IS.012 6.7.1.15). A person given an initial password must
     * change it before doing anything else.
     */
    @Transactional
    Account create(NewAccount request) {
        String username = request.username() == null ? "" : request.username().strip();
        if (!USERNAME.matcher(username).matches()) {
            throw ProblemException.invalid("username",
                    "A user name is 2 to 64 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        String displayName = request.displayName() == null ? "" : request.displayName().strip();
        if (displayName.isEmpty() || displayName.length() > 200) {
            throw ProblemException.invalid("displayName", "A display name of 1 to 200 characters is required");
        }
        String email = request.email() == null || request.email().isBlank() ? null : request.email().strip();
        if (email != null && (email.length() > 254 || !EMAIL.matcher(email).matches())) {
            throw ProblemException.invalid("email", "Not an e-mail address");
        }
        Account.Kind kind = parseKind(request.kind());
        Set<Role> roles = parseRoles(request.roles());
        String hash = null;
        if (kind == Account.Kind.SERVICE && request.password() != null) {
            throw ProblemException.invalid("password", "A service account has no password: it authenticates with API tokens");
        }
        if (kind == Account.Kind.PERSON && request.password() != null) {
            passwords.check("password", username, request.password());
            hash = encoder.encode(request.password());
        }
        if (accounts.findByUsername(username).isPresent()) {
            throw ProblemException.conflict("An account named " + username + " already exists", "username");
        }
        duties.checkRoles(username, roles);
        Account account = new Account(UUID.randomUUID(), username, displayName, email, kind, roles, hash,
                hash != null, true, 0, null, clock.instant(), null);
        accounts.insert(account);
        audit.record(AuditEvent.of("account.create", Access.CREATE, "account", username).change(null, account.auditView()));
        return account;
    }

    /** Replaces an account's roles (IS.012 6.7.1.13). Nobody changes their own. */
    @Transactional
    Account setRoles(String username, List<String> roleNames) {
        Account before = get(username);
        duties.checkActor("no-self-administration", "account", username, username);
        Set<Role> roles = parseRoles(roleNames);
        duties.checkRoles(username, roles);
        Account after = copy(before, roles, before.passwordHash(), before.passwordChangeRequired(), before.enabled(),
                before.failedLogins(), before.lockedUntil());
        accounts.update(after);
        audit.record(AuditEvent.of("account.roles", Access.UPDATE, "account", username)
                .change(before.auditView(), after.auditView()));
        return after;
    }

    /** Disables or re-enables an account; disabling revokes its tokens at once. */
    @Transactional
    Account setEnabled(String username, boolean enabled) {
        Account before = get(username);
        duties.checkActor("no-self-administration", "account", username, username);
        Account after = copy(before, before.roles(), before.passwordHash(), before.passwordChangeRequired(), enabled,
                before.failedLogins(), before.lockedUntil());
        accounts.update(after);
        if (!enabled) {
            tokens.revokeAll(before.id());
        }
        audit.record(AuditEvent.of(enabled ? "account.enable" : "account.disable", Access.UPDATE, "account", username)
                .change(before.auditView(), after.auditView()));
        return after;
    }

    @Transactional
    Account unlock(String username) {
        Account before = get(username);
        duties.checkActor("no-self-administration", "account", username, username);
        Account after = copy(before, before.roles(), before.passwordHash(), before.passwordChangeRequired(), before.enabled(), 0, null);
        accounts.update(after);
        audit.record(AuditEvent.of("account.unlock", Access.UPDATE, "account", username));
        return after;
    }

    /** Gives a person a new one-time password that must be changed at the next login. */
    @Transactional
    String resetPassword(String username) {
        Account before = get(username);
        duties.checkActor("no-self-administration", "account", username, username);
        if (before.kind() == Account.Kind.SERVICE) {
            throw ProblemException.invalid("username", "A service account has no password");
        }
        String temporary = randomPassword();
        accounts.update(copy(before, before.roles(), encoder.encode(temporary), true, before.enabled(), 0, null));
        audit.record(AuditEvent.of("account.password-reset", Access.UPDATE, "account", username));
        return temporary;
    }

    /**
     * Sets a person's new password once {@link PasswordChange} has checked the current one; the
     * new one must meet the policy and differ from it.
     */
    @Transactional
    void setOwnPassword(String username, String currentPassword, String newPassword) {
        Account account = accounts.lockByUsername(username).orElseThrow(() -> ProblemException.notFound("Account " + username));
        passwords.check("newPassword", account.username(), newPassword);
        if (newPassword.equals(currentPassword)) {
            throw ProblemException.invalid("newPassword", "The new password must differ from the current one");
        }
        accounts.update(copy(account, account.roles(), encoder.encode(newPassword), false, account.enabled(), 0, null));
        audit.record(AuditEvent.of("account.password-change", Access.UPDATE, "account", account.username()).by(account.username()));
    }

    /** Creates the first platform administrator on an empty database (see BootstrapAdministrator). */
    @Transactional
    boolean createFirstAdministrator(String username, String password, boolean mustChange) {
        if (accounts.count() > 0) {
            return false;
        }
        Account admin = new Account(UUID.randomUUID(), username, "Platform administrator", null, Account.Kind.PERSON,
                EnumSet.of(Role.PLATFORM_ADMINISTRATOR), encoder.encode(password), mustChange, true, 0, null,
                clock.instant(), null);
        accounts.insert(admin);
        audit.record(AuditEvent.of("account.create", Access.CREATE, "account", username).by("system")
                .change(null, admin.auditView()));
        return true;
    }

    static String randomPassword() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            if (i > 0 && i % 5 == 0) {
                sb.append('-');
            }
            sb.append(PASSWORD_ALPHABET[RANDOM.nextInt(PASSWORD_ALPHABET.length)]);
        }
        return sb.toString();
    }

    private static Account.Kind parseKind(String kind) {
        if (kind == null) {
            return Account.Kind.PERSON;
        }
        return switch (kind) {
            case "person" -> Account.Kind.PERSON;
            case "service" -> Account.Kind.SERVICE;
            default -> throw ProblemException.invalid("kind", "kind is 'person' or 'service'");
        };
    }

    static Set<Role> parseRoles(Collection<String> names) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        if (names == null) {
            return roles;
        }
        for (String name : names) {
            roles.add(Role.fromWireName(name).orElseThrow(() -> ProblemException.invalid("roles",
                    "Unknown role '" + name + "'; roles are: " + String.join(", ",
                            java.util.Arrays.stream(Role.values()).map(Role::wireName).toList()))));
        }
        return roles;
    }

    private static Account copy(Account a, Set<Role> roles, String hash, boolean mustChange, boolean enabled,
            int failedLogins, Instant lockedUntil) {
        return new Account(a.id(), a.username(), a.displayName(), a.email(), a.kind(), Set.copyOf(roles), hash, mustChange,
                enabled, failedLogins, lockedUntil, a.createdAt(), a.lastLoginAt());
    }
}
