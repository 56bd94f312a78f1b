package org.opsledger.inventory.internal;

import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Imports a discovery scan (IS.012 6.3.2). Hosts are read one at a time and handled in batches of
 * {@value #BATCH}: one query finds the inventory items and queue entries any host of the batch could
 * match, then the batch's writes go out as JDBC batches. The whole import is one transaction: a file
 * that turns out bad half-way leaves nothing behind. A dry run does the same in a read-only
 * transaction and writes nothing.
 */
@Service
class DiscoveryService {

    static final int BATCH = 500;
    /** How many hosts a result lists one by one; the counts cover them all. */
    static final int LISTED = 200;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What happened to one host. */
    record HostOutcome(String host, List<String> hostnames, List<String> macAddresses, String outcome, String rule,
            UUID itemId, String itemName, UUID queueId) {
    }

    /**
     * What an import did (or, on a dry run, would do).
     *
     * @param matched        hosts matched to an inventory item
     * @param itemsUpdated   of those, items whose last-seen and observation moved forward
     * @param queuedNew      hosts added to the unauthorised-asset queue
     * @param queuedAgain    hosts already in the queue, seen again
     * @param ambiguous      hosts more than one item could be (fix the items' identifiers)
     * @param alreadyImported whether this very file had been imported before
     */
    record ImportResult(String sha256, boolean dryRun, boolean alreadyImported, String scanner, String version,
            Instant scanStarted, int hostsUp, int hostsDown, int matched, int itemsUpdated, int queuedNew,
            int queuedAgain, int queueUpdated, int ambiguous, List<HostOutcome> hosts) {
    }

    private record KnownItem(UUID id, String name, List<String> macAddresses, List<String> hostnames,
            List<String> ipAddresses, Instant lastSeenAt) implements HostMatching.Known {
    }

    private record QueueEntry(UUID id, List<String> macAddresses, List<String> hostnames, List<String> ipAddresses,
            Instant lastSeenAt, boolean fresh) implements HostMatching.Known {
    }

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;
    private final TransactionTemplate writing;
    private final TransactionTemplate reading;
    private final AuditTrail audit;
    private final Clock clock;

    DiscoveryService(JdbcClient jdbc, JdbcTemplate batch, PlatformTransactionManager transactions, AuditTrail audit,
            Clock clock) {
        this.jdbc = jdbc;
        this.batch = batch;
        this.writing = new TransactionTemplate(transactions);
        this.reading = new TransactionTemplate(transactions);
        this.reading.setReadOnly(true);
        this.audit = audit;
        this.clock = clock;
    }

    /** Imports {@code nmap -oX} output read from {@code in}. */
    ImportResult importNmap(InputStream in, boolean dryRun) {
        String actor = SecurityContextHolder.getContext().getAuthentication().getName();
        return (dryRun ? reading : writing).execute(tx -> run(in, dryRun, actor));
    }

    private ImportResult run(InputStream raw, boolean dryRun, String actor) {
        if (!dryRun) {
            // one import at a time: two imports of overlapping scans must not both queue the same host
            jdbc.sql("SELECT pg_advisory_xact_lock(hashtext('opsledger.inventory.discovery'))").query(Object.class).single();
        }
        MessageDigest sha = sha256();
        Batch work = new Batch(dryRun);
        NmapXml.Scan scan = NmapXml.read(new DigestInputStream(raw, sha), host -> {
            work.hosts.add(host);
            if (work.hosts.size() >= BATCH) {
                process(work);
            }
        });
        process(work);
        String digest = HexFormat.of().formatHex(sha.digest());
        if (!dryRun) {
            jdbc.sql("UPDATE item_observation SET scan_sha256 = ? WHERE scan_sha256 = ?").params(digest, work.marker).update();
            jdbc.sql("UPDATE unauthorized_asset SET first_scan = ? WHERE first_scan = ?").params(digest, work.marker).update();
        }
        boolean seenBefore = jdbc.sql("SELECT count(*) FROM discovery_scan WHERE sha256 = ?").param(digest)
                .query(Long.class).single() > 0;
        ImportResult result = new ImportResult(digest, dryRun, seenBefore, scan.scanner(), scan.version(), scan.start(),
                scan.hostsUp(), scan.hostsDown(), work.matched, work.itemsUpdated, work.queuedNew, work.queuedAgain,
                work.queueUpdated, work.ambiguous, List.copyOf(work.outcomes));
        if (!dryRun) {
            if (!seenBefore) {
                jdbc.sql("""
                        INSERT INTO discovery_scan (sha256, scanner, started_at, hosts_up, matched, queued, ambiguous,
                            imported_at, imported_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                        .params(digest, scan.scanner() == null ? "nmap" : scan.scanner(), ItemRepository.ts(scan.start()),
                                scan.hostsUp(), work.matched, work.queuedNew + work.queuedAgain, work.ambiguous,
                                ItemRepository.ts(clock.instant()), actor)
                        .update();
            }
            audit.record(AuditEvent.of("discovery.import", Access.UPDATE, "discovery-scan", digest).change(null,
                    Map.of("hostsUp", scan.hostsUp(), "matched", work.matched, "itemsUpdated", work.itemsUpdated,
                            "queuedNew", work.queuedNew, "queuedAgain", work.queuedAgain, "ambiguous", work.ambiguous,
                            "alreadyImported", seenBefore)));
        }
        return result;
    }

    /** The running state of one import. */
    private static final class Batch {
        final boolean dryRun;
        final List<ScannedHost> hosts = new ArrayList<>(BATCH);
        final List<HostOutcome> outcomes = new ArrayList<>();
        /** Queue entries this import created, so a host listed twice is queued once. */
        final HostMatching<QueueEntry> created = new HostMatching<>();
        /** Marks the rows this import writes until the file's digest is known, at its end. */
        final String marker = "import-" + UUID.randomUUID();
        int matched;
        int itemsUpdated;
        int queuedNew;
        int queuedAgain;
        int queueUpdated;
        int ambiguous;

        Batch(boolean dryRun) {
            this.dryRun = dryRun;
        }

        void list(HostOutcome outcome) {
            if (outcomes.size() < LISTED) {
                outcomes.add(outcome);
            }
        }
    }

    private void process(Batch work) {
        if (work.hosts.isEmpty()) {
            return;
        }
        Set<String> macs = new LinkedHashSet<>();
        Set<String> names = new LinkedHashSet<>();
        Set<String> ips = new LinkedHashSet<>();
        for (ScannedHost h : work.hosts) {
            macs.addAll(h.macAddresses());
            names.addAll(h.hostnames());
            ips.addAll(h.ipAddresses());
        }
        // one b-tree lookup per identifier (V6_6): 'mac:…', 'host:…', 'ip:…', joined from the list, never
        // a scan testing each row against the whole list
        List<String> keys = new ArrayList<>(macs.size() + names.size() + ips.size());
        macs.forEach(m -> keys.add("mac:" + m));
        names.forEach(h -> keys.add("host:" + h));
        ips.forEach(i -> keys.add("ip:" + i));
        String keyArray = PgArrays.of(keys);
        HostMatching<KnownItem> items = new HostMatching<>();
        jdbc.sql("""
                SELECT id, name, mac_addresses, hostnames, ip_addresses, last_seen_at FROM configuration_item
                WHERE id IN (SELECT i.item_id FROM unnest(?::text[]) k JOIN item_identifier i ON i.key = k)""")
                .param(keyArray)
                .query((rs, n) -> new KnownItem(rs.getObject("id", UUID.class), rs.getString("name"),
                        ItemRepository.strings(rs.getArray("mac_addresses")), ItemRepository.strings(rs.getArray("hostnames")),
                        ItemRepository.strings(rs.getArray("ip_addresses")), ItemRepository.instant(rs, "last_seen_at")))
                .list().forEach(items::add);
        HostMatching<QueueEntry> queue = new HostMatching<>();
        jdbc.sql("""
                SELECT id, mac_addresses, hostnames, ip_addresses, last_seen_at FROM unauthorized_asset
                WHERE id IN (SELECT u.asset_id FROM unnest(?::text[]) k JOIN unauthorized_identifier u ON u.key = k)""")
                .param(keyArray)
                .query((rs, n) -> new QueueEntry(rs.getObject("id", UUID.class),
                        ItemRepository.strings(rs.getArray("mac_addresses")), ItemRepository.strings(rs.getArray("hostnames")),
                        ItemRepository.strings(rs.getArray("ip_addresses")), ItemRepository.instant(rs, "last_seen_at"), false))
                .list().forEach(queue::add);

        List<Object[]> seen = new ArrayList<>();
        // one row per item: a batched INSERT … ON CONFLICT may not touch the same row twice
        Map<UUID, Object[]> observations = new java.util.LinkedHashMap<>();
        List<Object[]> newEntries = new ArrayList<>();
        List<Object[]> seenAgain = new ArrayList<>();
        String scanMarker = work.marker;
        for (ScannedHost host : work.hosts) {
            switch (items.match(host)) {
                case HostMatching.Found<KnownItem>(KnownItem item, String rule) -> {
                    work.matched++;
                    boolean newer = item.lastSeenAt() == null || host.observedAt().isAfter(item.lastSeenAt());
                    if (newer) {
                        work.itemsUpdated++;
                        Timestamp at = Timestamp.from(host.observedAt());
                        seen.add(new Object[] {at, item.id(), at});
                        observations.merge(item.id(), new Object[] {item.id(), at, scanMarker, rule, PgArrays.of(host.macAddresses()),
                                PgArrays.of(host.ipAddresses()), PgArrays.of(host.hostnames()), ports(host), host.osGuess()},
                                (old, next) -> ((Timestamp) old[1]).before((Timestamp) next[1]) ? next : old);
                    }
                    work.list(new HostOutcome(host.label(), host.hostnames(), host.macAddresses(), "matched", rule,
                            item.id(), item.name(), null));
                }
                case HostMatching.Ambiguous<KnownItem> a -> {
                    work.ambiguous++;
                    work.list(new HostOutcome(host.label(), host.hostnames(), host.macAddresses(), "ambiguous", null,
                            null, a.candidates().stream().map(KnownItem::name).sorted().toList().toString(), null));
                }
                case HostMatching.None<KnownItem> none -> queue(work, queue, host, newEntries, seenAgain, scanMarker);
            }
        }
        if (!work.dryRun) {
            batch.batchUpdate("UPDATE configuration_item SET last_seen_at = ? WHERE id = ? "
                    + "AND (last_seen_at IS NULL OR last_seen_at < ?)", seen);
            batch.batchUpdate("""
                    INSERT INTO item_observation (item_id, observed_at, scan_sha256, rule, mac_addresses, ip_addresses,
                        hostnames, open_ports, os_guess) VALUES (?, ?, ?, ?, ?::text[], ?::text[], ?::text[], ?::jsonb, ?)
                    ON CONFLICT (item_id) DO UPDATE SET observed_at = EXCLUDED.observed_at, scan_sha256 = EXCLUDED.scan_sha256,
                        rule = EXCLUDED.rule, mac_addresses = EXCLUDED.mac_addresses, ip_addresses = EXCLUDED.ip_addresses,
                        hostnames = EXCLUDED.hostnames, open_ports = EXCLUDED.open_ports, os_guess = EXCLUDED.os_guess
                    WHERE item_observation.observed_at < EXCLUDED.observed_at""", List.copyOf(observations.values()));
            batch.batchUpdate("""
                    INSERT INTO unauthorized_asset (id, mac_addresses, ip_addresses, hostnames, open_ports, os_guess,
                        first_seen_at, last_seen_at, first_scan, status)
                    VALUES (?, ?::text[], ?::text[], ?::text[], ?::jsonb, ?, ?, ?, ?, 'open')""", newEntries);
            batch.batchUpdate("""
                    UPDATE unauthorized_asset SET last_seen_at = ?, open_ports = ?::jsonb, os_guess = ?
                    WHERE id = ? AND last_seen_at < ?""", seenAgain);
        }
        work.hosts.clear();
    }

    private void queue(Batch work, HostMatching<QueueEntry> queue, ScannedHost host, List<Object[]> newEntries,
            List<Object[]> seenAgain, String scanMarker) {
        HostMatching.Match<QueueEntry> known = queue.match(host);
        if (!(known instanceof HostMatching.Found<QueueEntry>)) {
            known = work.created.match(host);
        }
        if (known instanceof HostMatching.Found<QueueEntry>(QueueEntry entry, String rule)) {
            work.queuedAgain++;
            if (!entry.fresh() && host.observedAt().isAfter(entry.lastSeenAt())) {
                work.queueUpdated++;
                Timestamp at = Timestamp.from(host.observedAt());
                seenAgain.add(new Object[] {at, ports(host), host.osGuess(), entry.id(), at});
            }
            work.list(new HostOutcome(host.label(), host.hostnames(), host.macAddresses(), "unauthorized-known", rule,
                    null, null, entry.id()));
            return;
        }
        work.queuedNew++;
        UUID id = UUID.randomUUID();
        work.created.add(new QueueEntry(id, host.macAddresses(), host.hostnames(), host.ipAddresses(), host.observedAt(), true));
        Timestamp at = Timestamp.from(host.observedAt());
        newEntries.add(new Object[] {id, PgArrays.of(host.macAddresses()), PgArrays.of(host.ipAddresses()),
                PgArrays.of(host.hostnames()), ports(host), host.osGuess(), at, at, scanMarker});
        work.list(new HostOutcome(host.label(), host.hostnames(), host.macAddresses(), "unauthorized-new", null, null,
                null, id));
    }

    private static String ports(ScannedHost host) {
        return JSON.writeValueAsString(host.openPorts());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
