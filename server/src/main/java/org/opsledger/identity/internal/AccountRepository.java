package org.opsledger.identity.internal;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.opsledger.identity.Role;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code account} table. */
@Repository
class AccountRepository {

    private static final String COLUMNS = "id, username, display_name, email, kind, roles, password_hash, "
            + "password_change_required, enabled, failed_logins, locked_until, created_at, last_login_at";

    private final JdbcClient jdbc;

    AccountRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<Account> findByUsername(String username) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM account WHERE username = ?").param(username)
                .query(AccountRepository::map).optional();
    }

    /** Locks the row for the rest of the transaction, so concurrent failed logins count correctly. */
    Optional<Account> lockByUsername(String username) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM account WHERE username = ? FOR UPDATE").param(username)
                .query(AccountRepository::map).optional();
    }

    List<Account> page(int limit, long offset) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM account ORDER BY username LIMIT ? OFFSET ?")
                .params(limit, offset).query(AccountRepository::map).list();
    }

    /** User names of the accounts holding any of these roles, sorted. */
    List<String> holdersOf(Set<Role> roles) {
        return jdbc.sql("SELECT username FROM account WHERE roles && ?::text[] ORDER BY username")
                .param(roles.stream().map(Role::wireName).toArray(String[]::new)).query(String.class).list();
    }

    long count() {
        return jdbc.sql("SELECT count(*) FROM account").query(Long.class).single();
    }

    void insert(Account a) {
        jdbc.sql("INSERT INTO account (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?::text[], ?, ?, ?, ?, ?, ?, ?)")
                .params(a.id(), a.username(), a.displayName(), a.email(), a.kind().wireName(), roleArray(a.roles()),
                        a.passwordHash(), a.passwordChangeRequired(), a.enabled(), a.failedLogins(),
                        ts(a.lockedUntil()), ts(a.createdAt()), ts(a.lastLoginAt()))
                .update();
    }

    void update(Account a) {
        jdbc.sql("""
                UPDATE account SET display_name = ?, email = ?, roles = ?::text[], password_hash = ?,
                    password_change_required = ?, enabled = ?, failed_logins = ?, locked_until = ?, last_login_at = ?
                WHERE id = ?""")
                .params(a.displayName(), a.email(), roleArray(a.roles()), a.passwordHash(), a.passwordChangeRequired(),
                        a.enabled(), a.failedLogins(), ts(a.lockedUntil()), ts(a.lastLoginAt()), a.id())
                .update();
    }

    private static String roleArray(Set<Role> roles) {
        return roles.stream().map(Role::wireName).sorted().collect(Collectors.joining(",", "{", "}"));
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    static Account map(ResultSet rs, int row) throws SQLException {
        Array array = rs.getArray("roles");
        Set<Role> roles = EnumSet.noneOf(Role.class);
        Arrays.stream((String[]) array.getArray()).map(Role::fromWireName).flatMap(Optional::stream).forEach(roles::add);
        return new Account(rs.getObject("id", UUID.class), rs.getString("username"), rs.getString("display_name"),
                rs.getString("email"), Account.Kind.valueOf(rs.getString("kind").toUpperCase(java.util.Locale.ROOT)),
                Set.copyOf(roles), rs.getString("password_hash"), rs.getBoolean("password_change_required"),
                rs.getBoolean("enabled"), rs.getInt("failed_logins"), instant(rs, "locked_until"),
                instant(rs, "created_at"), instant(rs, "last_login_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
