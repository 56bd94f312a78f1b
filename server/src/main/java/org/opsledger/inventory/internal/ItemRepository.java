package org.opsledger.inventory.internal;

import java.sql.Array;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.opsledger.inventory.ItemKind;
import org.opsledger.inventory.Lifecycle;
import org.opsledger.shared.CriticalityTier;
import org.opsledger.shared.DataClassification;
import org.opsledger.shared.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code configuration_item} table. */
@Repository
class ItemRepository {

    static final String COLUMNS = "id, name, kind, tier, environment, lifecycle, owner, custodian, classification, "
            + "hostnames, ip_addresses, mac_addresses, serial, vendor_support_ends, location, last_seen_at, "
            + "created_at, created_by, updated_at, updated_by, version";

    /** Filters of the inventory list; null means any. */
    record Filter(String query, ItemKind kind, CriticalityTier tier, Environment environment, Lifecycle lifecycle,
            DataClassification classification, String owner, Boolean pastVendorSupport, LocalDate today) {
    }

    private final JdbcClient jdbc;

    ItemRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<ConfigurationItem> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM configuration_item WHERE id = ?").param(id)
                .query(ItemRepository::map).optional();
    }

    /** Locks the row for the rest of the transaction: concurrent edits apply one after the other. */
    Optional<ConfigurationItem> lock(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM configuration_item WHERE id = ? FOR UPDATE").param(id)
                .query(ItemRepository::map).optional();
    }

    List<ConfigurationItem> findAll(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("SELECT " + COLUMNS + " FROM configuration_item WHERE id = ANY(?::uuid[])")
                .param(PgArrays.of(ids.stream().map(UUID::toString).toList()))
                .query(ItemRepository::map).list();
    }

    /** Another item already carrying one of these MAC addresses, or this serial number. */
    Optional<ConfigurationItem> findClash(UUID except, List<String> macAddresses, String serial) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM configuration_item WHERE id <> ? "
                        + "AND (mac_addresses && ?::text[] OR serial = ?) LIMIT 1")
                .params(except, PgArrays.of(macAddresses), serial)
                .query(ItemRepository::map).optional();
    }

    void insert(ConfigurationItem i) {
        jdbc.sql("INSERT INTO configuration_item (" + COLUMNS + ", search_text) VALUES "
                        + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?::text[], ?::text[], ?::text[], ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(i.id(), i.name(), i.kind().wireName(), i.tier().wireName(), i.environment().wireName(),
                        i.lifecycle().wireName(), i.owner(), i.custodian(), i.classification().wireName(),
                        PgArrays.of(i.hostnames()), PgArrays.of(i.ipAddresses()), PgArrays.of(i.macAddresses()),
                        i.serial(), date(i.vendorSupportEnds()), i.location(), ts(i.lastSeenAt()), ts(i.createdAt()),
                        i.createdBy(), ts(i.updatedAt()), i.updatedBy(), i.version(), i.searchText())
                .update();
    }

    void update(ConfigurationItem i) {
        jdbc.sql("""
                UPDATE configuration_item SET name = ?, kind = ?, tier = ?, environment = ?, lifecycle = ?, owner = ?,
                    custodian = ?, classification = ?, hostnames = ?::text[], ip_addresses = ?::text[],
                    mac_addresses = ?::text[], serial = ?, vendor_support_ends = ?, location = ?, updated_at = ?,
                    updated_by = ?, version = ?, search_text = ?
                WHERE id = ?""")
                .params(i.name(), i.kind().wireName(), i.tier().wireName(), i.environment().wireName(),
                        i.lifecycle().wireName(), i.owner(), i.custodian(), i.classification().wireName(),
                        PgArrays.of(i.hostnames()), PgArrays.of(i.ipAddresses()), PgArrays.of(i.macAddresses()),
                        i.serial(), date(i.vendorSupportEnds()), i.location(), ts(i.updatedAt()), i.updatedBy(),
                        i.version(), i.searchText(), i.id())
                .update();
    }

    /** One page of the inventory, by name. */
    List<ConfigurationItem> page(Filter filter, int limit, long offset) {
        Where where = where(filter);
        List<Object> params = new ArrayList<>(where.params());
        params.add(limit);
        params.add(offset);
        return jdbc.sql("SELECT " + COLUMNS + " FROM configuration_item" + where.sql() + " ORDER BY lower(name), id LIMIT ? OFFSET ?")
                .params(params).query(ItemRepository::map).list();
    }

    long count(Filter filter) {
        Where where = where(filter);
        return jdbc.sql("SELECT count(*) FROM configuration_item" + where.sql()).params(where.params())
                .query(Long.class).single();
    }

    private record Where(String sql, List<Object> params) {
    }

    private static Where where(Filter f) {
        List<String> clauses = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (f.query() != null) {
            // substring of the name or an identifier; the trigram index serves it
            clauses.add("search_text LIKE ?");
            params.add("%" + likeEscape(f.query().toLowerCase(Locale.ROOT)) + "%");
        }
        if (f.kind() != null) {
            clauses.add("kind = ?");
            params.add(f.kind().wireName());
        }
        if (f.tier() != null) {
            clauses.add("tier = ?");
            params.add(f.tier().wireName());
        }
        if (f.environment() != null) {
            clauses.add("environment = ?");
            params.add(f.environment().wireName());
        }
        if (f.lifecycle() != null) {
            clauses.add("lifecycle = ?");
            params.add(f.lifecycle().wireName());
        }
        if (f.classification() != null) {
            clauses.add("classification = ?");
            params.add(f.classification().wireName());
        }
        if (f.owner() != null) {
            clauses.add("owner = ?");
            params.add(f.owner());
        }
        if (f.pastVendorSupport() != null) {
            // IS.012 6.4.3: in use (not decommissioned) after the vendor's support ended
            String past = "(coalesce(vendor_support_ends, 'infinity') < ? AND lifecycle <> 'decommissioned')";
            clauses.add(f.pastVendorSupport() ? past : "NOT " + past);
            params.add(date(f.today()));
        }
        return new Where(clauses.isEmpty() ? "" : " WHERE " + String.join(" AND ", clauses), params);
    }

    static String likeEscape(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    static Date date(LocalDate d) {
        return d == null ? null : Date.valueOf(d);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    static ConfigurationItem map(ResultSet rs, int row) throws SQLException {
        Date support = rs.getDate("vendor_support_ends");
        return new ConfigurationItem(rs.getObject("id", UUID.class), rs.getString("name"),
                ItemKind.fromWireName(rs.getString("kind")).orElseThrow(),
                CriticalityTier.fromWireName(rs.getString("tier")).orElseThrow(),
                Environment.fromWireName(rs.getString("environment")).orElseThrow(),
                Lifecycle.fromWireName(rs.getString("lifecycle")).orElseThrow(), rs.getString("owner"),
                rs.getString("custodian"), DataClassification.fromWireName(rs.getString("classification")).orElseThrow(),
                strings(rs.getArray("hostnames")), strings(rs.getArray("ip_addresses")),
                strings(rs.getArray("mac_addresses")), rs.getString("serial"),
                support == null ? null : support.toLocalDate(), rs.getString("location"), instant(rs, "last_seen_at"),
                instant(rs, "created_at"), rs.getString("created_by"), instant(rs, "updated_at"),
                rs.getString("updated_by"), rs.getInt("version"));
    }

    static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : List.of((String[]) array.getArray());
    }
}
