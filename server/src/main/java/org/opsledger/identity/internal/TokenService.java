package org.opsledger.identity.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.opsledger.shared.PageResult;
import org.opsledger.shared.ProblemException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Bearer tokens: {@code olt_} and 43 characters of base64url (256 random bits). Only the SHA-256 of
 * a token is stored, so a copy of the database does not hold usable tokens; the token is shown once.
 */
@Service
class TokenService {

    static final String PREFIX = "olt_";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A token as listed: never the secret. */
    record TokenInfo(UUID id, String name, String kind, String prefix, Instant createdAt, Instant expiresAt,
            Instant revokedAt, Instant lastUsedAt) {
    }

    /** A token just made: the only time its secret is seen. */
    record IssuedToken(UUID id, String name, String token, Instant expiresAt) {
    }

    private final JdbcClient jdbc;
    private final AuditTrail audit;
    private final Clock clock;
    private final IdentityProperties properties;
    private final AccountRepository accounts;

    TokenService(JdbcClient jdbc, AuditTrail audit, Clock clock, IdentityProperties properties, AccountRepository accounts) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
        this.properties = properties;
        this.accounts = accounts;
    }

    /** A short-lived token for a person who just proved their password. */
    @Transactional
    IssuedToken issueSessionToken(Account account) {
        Instant expires = clock.instant().plus(properties.tokenTtl());
        return insert(account, "session", "session", expires);
    }

    /** A long-lived API token, for a person's scripts or a service account. */
    @Transactional
    IssuedToken createApiToken(String username, String name, Instant expiresAt) {
        if (name == null || name.isBlank() || name.length() > 100) {
            throw ProblemException.invalid("name", "A token needs a name of 1 to 100 characters");
        }
        if (expiresAt != null && !expiresAt.isAfter(clock.instant())) {
            throw ProblemException.invalid("expiresAt", "The expiry must be in the future");
        }
        Account account = accounts.findByUsername(username).orElseThrow(() -> ProblemException.notFound("Account " + username));
        IssuedToken token = insert(account, "api", name.strip(), expiresAt);
        audit.record(AuditEvent.of("token.create", Access.CREATE, "api-token", token.id().toString())
                .change(null, Map.of("account", username, "name", token.name(),
                        "expiresAt", expiresAt == null ? "never" : expiresAt.toString())));
        return token;
    }

    @Transactional(readOnly = true)
    List<TokenInfo> list(UUID accountId) {
        return list(accountId, 0, PageResult.MAX_SIZE).items();
    }

    /** An account's API tokens, newest first (session tokens are not listed). */
    @Transactional(readOnly = true)
    PageResult<TokenInfo> list(UUID accountId, int page, int size) {
        long total = jdbc.sql("SELECT count(*) FROM api_token WHERE account_id = ? AND kind = 'api'").param(accountId)
                .query(Long.class).single();
        List<TokenInfo> items = jdbc.sql("""
                SELECT id, name, kind, prefix, created_at, expires_at, revoked_at, last_used_at FROM api_token
                WHERE account_id = ? AND kind = 'api' ORDER BY created_at DESC LIMIT ? OFFSET ?""")
                .params(accountId, size, PageResult.offset(page, size))
                .query((rs, n) -> new TokenInfo(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("kind"),
                        rs.getString("prefix"), instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("expires_at")),
                        instant(rs.getTimestamp("revoked_at")), instant(rs.getTimestamp("last_used_at"))))
                .list();
        return new PageResult<>(items, page, size, total);
    }

    /** Revokes one of the account's own tokens. */
    @Transactional
    void revoke(UUID accountId, UUID tokenId) {
        int n = jdbc.sql("UPDATE api_token SET revoked_at = ? WHERE id = ? AND account_id = ? AND revoked_at IS NULL")
                .params(Timestamp.from(clock.instant()), tokenId, accountId).update();
        if (n == 0) {
            throw ProblemException.notFound("Token " + tokenId);
        }
        audit.record(AuditEvent.of("token.revoke", Access.UPDATE, "api-token", tokenId.toString()));
    }

    /** Revokes every token of an account (it was disabled). */
    @Transactional
    void revokeAll(UUID accountId) {
        jdbc.sql("UPDATE api_token SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL")
                .params(Timestamp.from(clock.instant()), accountId).update();
    }

    /** The account a presented token stands for, if the token is known, live and its account enabled. */
    @Transactional
    Optional<Account> authenticate(String presented) {
        if (presented == null || !presented.startsWith(PREFIX) || presented.length() > 100) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        record Found(Account account, UUID tokenId, Timestamp lastUsed) {
        }
        Optional<Found> found = jdbc.sql("""
                SELECT a.*, t.id AS token_id, t.last_used_at AS token_last_used_at
                FROM api_token t JOIN account a ON a.id = t.account_id
                WHERE t.token_hash = ? AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?) AND a.enabled""")
                .params(sha256(presented), Timestamp.from(now))
                .query((rs, n) -> new Found(AccountRepository.map(rs, n), rs.getObject("token_id", UUID.class),
                        rs.getTimestamp("token_last_used_at")))
                .optional();
        // last use, at most once a minute per token, so a busy script does not write on every request
        found.filter(f -> f.lastUsed() == null || f.lastUsed().toInstant().isBefore(now.minusSeconds(60)))
                .ifPresent(f -> jdbc.sql("UPDATE api_token SET last_used_at = ? WHERE id = ?")
                        .params(Timestamp.from(now), f.tokenId()).update());
        return found.map(Found::account);
    }

    private IssuedToken insert(Account account, String kind, String name, Instant expiresAt) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                INSERT INTO api_token (id, account_id, kind, name, token_hash, prefix, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(id, account.id(), kind, name, sha256(token), token.substring(0, 10),
                        Timestamp.from(clock.instant()), expiresAt == null ? null : Timestamp.from(expiresAt))
                .update();
        return new IssuedToken(id, name, token, expiresAt);
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
