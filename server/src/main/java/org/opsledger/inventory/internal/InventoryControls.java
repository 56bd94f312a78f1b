package org.opsledger.inventory.internal;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.opsledger.compliance.ControlEvaluator;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The configuration-management controls the inventory decides from its own records. Of IS.012 6.3.3
 * it decides the yearly assessment (the written procedures are a document no record here shows);
 * 6.3.6 (network device changes) is the change module's and 6.3.8 (no shared IDs) identity's.
 */
@Component
class InventoryControls implements ControlEvaluator {

    /** How long an unauthorised host or an unauthorised-change alert may wait for its action plan. */
    static final Duration ACTION_PLAN_WITHIN = Duration.ofDays(30);
    /** IS.012 6.3.3: conformance to the configuration requirements assessed at least once a year. */
    static final Duration ASSESSED_WITHIN = Duration.ofDays(365);
    /** IS.012 6.3.1: "update the asset inventory on a regular basis". */
    static final Duration REFRESHED_WITHIN = Duration.ofDays(90);
    private static final int NAMED = 5;

    private final JdbcClient jdbc;
    private final Duration discoveryEvery;

    InventoryControls(JdbcClient jdbc, @Value("${opsledger.inventory.stale-after-days:30}") int staleAfterDays) {
        this.jdbc = jdbc;
        this.discoveryEvery = Duration.ofDays(staleAfterDays);
    }

    @Override
    public Set<String> controls() {
        return Set.of("IS.012-6.3.1", "IS.012-6.3.2", "IS.012-6.3.3", "IS.012-6.3.4", "IS.012-6.3.5", "IS.012-6.3.7", "IS.012-6.4.3",
                "ECOMP-11.8", "ECOMP-11.9");
    }

    @Override
    public Result evaluate(String controlId, Instant now) {
        return switch (controlId) {
            // IS.012 6.3.1: an inventory of authorised hardware and software, updated regularly
            case "IS.012-6.3.1" -> inventoryKept(now);
            // IS.012 6.3.2: discovery tools run; unauthorised systems found get an action plan
            case "IS.012-6.3.2" -> discoveryRuns(now);
            // IS.012 6.3.3: compliance with the configuration requirements assessed at least annually
            case "IS.012-6.3.3" -> configurationAssessedYearly(now);
            // IS.012 6.3.4: hardening assessed at least quarterly
            case "IS.012-6.3.4" -> hardeningAssessedQuarterly(now, false);
            // ECOMP 11.8: every host hardened to the required level
            case "ECOMP-11.8" -> hardeningAssessedQuarterly(now, true);
            // IS.012 6.3.5: configuration tracked automatically; deviations get an action plan
            case "IS.012-6.3.5" -> configurationTracked(now);
            // IS.012 6.3.7: configuration changes consistent with their change tickets
            case "IS.012-6.3.7" -> changesMatchTickets();
            // IS.012 6.4.3: past end of life only with the CISO's (a security officer's) approval
            case "IS.012-6.4.3" -> endOfLifeApproved(now);
            // ECOMP 11.9: network documentation stored securely; network components in the register
            case "ECOMP-11.9" -> networkDocumented();
            default -> throw new IllegalArgumentException(controlId);
        };
    }

    private Result inventoryKept(Instant now) {
        long items = count("SELECT count(*) FROM configuration_item WHERE lifecycle <> 'decommissioned'");
        if (items == 0) {
            return Result.notAssessed("The inventory holds no configuration item in use yet");
        }
        long software = count("SELECT count(DISTINCT item_id) FROM installed_software");
        Instant latest = latest("SELECT greatest((SELECT max(updated_at) FROM configuration_item), "
                + "(SELECT max(imported_at) FROM discovery_scan), (SELECT max(recorded_at) FROM installed_software))");
        String summary = items + " configuration items in use; software recorded on " + software + " of them";
        if (latest == null || latest.isBefore(now.minus(REFRESHED_WITHIN))) {
            return Result.notCompliant(List.of(summary, "The inventory was last updated " + (latest == null ? "never" : latest)
                    + ", more than " + REFRESHED_WITHIN.toDays() + " days ago (no item change, discovery import or software record)"));
        }
        return Result.compliant(summary, "Last updated " + latest + " (item change, discovery import or software record)");
    }

    private Result discoveryRuns(Instant now) {
        Instant last = latest("SELECT max(imported_at) FROM discovery_scan");
        if (last == null) {
            return Result.notAssessed("No discovery scan has been imported yet (POST /api/v1/discovery/nmap)");
        }
        List<String> problems = new ArrayList<>();
        if (last.isBefore(now.minus(discoveryEvery))) {
            problems.add("The latest discovery scan was imported " + last + ", more than " + discoveryEvery.toDays() + " days ago");
        }
        Timestamp planCutoff = Timestamp.from(now.minus(ACTION_PLAN_WITHIN));
        List<String> waiting = jdbc.sql("SELECT coalesce(hostnames[1], ip_addresses[1], mac_addresses[1]) FROM unauthorized_asset "
                + "WHERE status = 'open' AND first_seen_at < ? ORDER BY first_seen_at").param(planCutoff).query(String.class).list();
        if (!waiting.isEmpty()) {
            problems.add(waiting.size() + " unauthorised hosts have waited more than " + ACTION_PLAN_WITHIN.toDays()
                    + " days for a disposition: " + named(waiting));
        }
        List<String> overdue = jdbc.sql("SELECT coalesce(hostnames[1], ip_addresses[1], mac_addresses[1]) FROM unauthorized_asset "
                + "WHERE status = 'removal-planned' AND due_date < ? AND last_seen_at::date > due_date ORDER BY due_date")
                .param(ItemRepository.date(LocalDate.ofInstant(now, ZoneOffset.UTC))).query(String.class).list();
        if (!overdue.isEmpty()) {
            problems.add(overdue.size() + " hosts planned for removal were still seen after their due date: " + named(overdue));
        }
        if (!problems.isEmpty()) {
            return Result.notCompliant(problems);
        }
        long open = count("SELECT count(*) FROM unauthorized_asset WHERE status = 'open'");
        return Result.compliant("The latest discovery scan was imported " + last,
                open + " unauthorised hosts await a disposition, none for more than " + ACTION_PLAN_WITHIN.toDays() + " days");
    }

    private Result hardeningAssessedQuarterly(Instant now, boolean noFailures) {
        long inScope = count("SELECT count(*) FROM configuration_item WHERE " + HardeningService.IN_SCOPE);
        if (inScope == 0) {
            return Result.notAssessed("No server, workstation, network device or database in use is in the inventory");
        }
        Timestamp cutoff = Timestamp.from(now.minus(HardeningService.QUARTER));
        List<String> overdue = jdbc.sql("SELECT c.name FROM configuration_item c WHERE c." + HardeningService.IN_SCOPE
                .replace("lifecycle", "c.lifecycle") + " AND NOT EXISTS (SELECT 1 FROM hardening_assessment h "
                + "WHERE h.item_id = c.id AND h.assessed_at >= ?) ORDER BY c.name").param(cutoff).query(String.class).list();
        List<String> problems = new ArrayList<>();
        if (!overdue.isEmpty()) {
            problems.add(overdue.size() + " of " + inScope + " hosts have no hardening assessment within "
                    + HardeningService.QUARTER.toDays() + " days: " + named(overdue));
        }
        if (noFailures) {
            List<String> failing = jdbc.sql(String.format(java.util.Locale.ROOT, """
                    SELECT c.name || ' (' || h.failed + h.errors || ' rules failed)' FROM configuration_item c
                    JOIN LATERAL (SELECT failed, errors FROM hardening_assessment h WHERE h.item_id = c.id
                                  ORDER BY assessed_at DESC LIMIT 1) h ON true
                    WHERE c.%s AND h.failed + h.errors > 0 ORDER BY c.name""", HardeningService.IN_SCOPE
                    .replace("lifecycle", "c.lifecycle"))).query(String.class).list();
            if (!failing.isEmpty()) {
                problems.add(failing.size() + " hosts fail rules of their latest hardening assessment: " + named(failing));
            }
        }
        if (!problems.isEmpty()) {
            return Result.notCompliant(problems);
        }
        return noFailures
                ? Result.compliant("All " + inScope + " hosts were assessed within a quarter and pass every rule of their "
                        + "latest assessment (patch levels count as far as the benchmark checks them)")
                : Result.compliant("All " + inScope + " hosts were assessed within " + HardeningService.QUARTER.toDays() + " days");
    }

    /**
     * A host's configuration counts as assessed when, within the year, a snapshot of it was compared
     * with its approved baseline or a hardening benchmark was run on it.
     */
    private Result configurationAssessedYearly(Instant now) {
        String inScope = HardeningService.IN_SCOPE.replace("kind", "c.kind").replace("lifecycle", "c.lifecycle");
        long hosts = count("SELECT count(*) FROM configuration_item c WHERE " + inScope);
        if (hosts == 0) {
            return Result.notAssessed("No server, workstation, network device or database in use is in the inventory");
        }
        Timestamp cutoff = Timestamp.from(now.minus(ASSESSED_WITHIN));
        List<String> unassessed = jdbc.sql("SELECT c.name FROM configuration_item c WHERE " + inScope
                + " AND NOT EXISTS (SELECT 1 FROM item_baseline b JOIN config_snapshot s ON s.item_id = b.item_id"
                + " WHERE b.item_id = c.id AND s.id <> b.snapshot_id AND s.observed_at >= ?)"
                + " AND NOT EXISTS (SELECT 1 FROM hardening_assessment h WHERE h.item_id = c.id AND h.assessed_at >= ?)"
                + " ORDER BY c.name").params(cutoff, cutoff).query(String.class).list();
        if (!unassessed.isEmpty()) {
            return Result.notCompliant(List.of(unassessed.size() + " of " + hosts + " hosts had neither a configuration "
                    + "snapshot compared with an approved baseline nor a hardening assessment within "
                    + ASSESSED_WITHIN.toDays() + " days: " + named(unassessed)));
        }
        return Result.compliant("All " + hosts + " hosts in use had their configuration compared with an approved baseline "
                + "or assessed against a hardening benchmark within " + ASSESSED_WITHIN.toDays() + " days",
                "The secure-configuration procedures themselves are documents: keep them with the item documents");
    }

    private Result configurationTracked(Instant now) {
        long baselines = count("SELECT count(*) FROM item_baseline");
        if (baselines == 0) {
            return Result.notAssessed("No item has an approved configuration baseline yet");
        }
        long inScope = count("SELECT count(*) FROM configuration_item WHERE " + HardeningService.IN_SCOPE);
        long tracked = count("SELECT count(*) FROM configuration_item c JOIN item_baseline b ON b.item_id = c.id WHERE c."
                + HardeningService.IN_SCOPE.replace("lifecycle", "c.lifecycle"));
        List<String> stale = jdbc.sql("SELECT c.name || ': ' || d.kind || ' ' || d.key FROM drift_item d "
                        + "JOIN configuration_item c ON c.id = d.item_id WHERE d.status = 'alert' AND d.observed_at < ? "
                        + "ORDER BY d.observed_at")
                .param(Timestamp.from(now.minus(ACTION_PLAN_WITHIN))).query(String.class).list();
        String coverage = tracked + " of " + inScope + " hosts in use have an approved baseline that snapshots are compared with";
        if (!stale.isEmpty()) {
            return Result.notCompliant(List.of(coverage, stale.size() + " configuration deviations have been open for more than "
                    + ACTION_PLAN_WITHIN.toDays() + " days without a resolution: " + named(stale)));
        }
        return Result.compliant(coverage, "No deviation has been open for more than " + ACTION_PLAN_WITHIN.toDays() + " days");
    }

    private Result changesMatchTickets() {
        long drift = count("SELECT count(*) FROM drift_item");
        if (drift == 0) {
            return Result.notAssessed("No configuration change has been observed yet (no drift from any baseline)");
        }
        List<String> alerts = jdbc.sql("SELECT c.name || ': ' || d.kind || ' ' || d.key FROM drift_item d "
                + "JOIN configuration_item c ON c.id = d.item_id WHERE d.status = 'alert' ORDER BY d.observed_at")
                .query(String.class).list();
        long authorised = count("SELECT count(*) FROM drift_item WHERE status = 'authorized'");
        long resolved = count("SELECT count(*) FROM drift_item WHERE status = 'resolved'");
        String summary = drift + " observed configuration changes: " + authorised + " covered by an approved change, "
                + resolved + " unauthorised and resolved, " + alerts.size() + " unauthorised and open";
        if (!alerts.isEmpty()) {
            return Result.notCompliant(List.of(summary, "Open unauthorised-change alerts: " + named(alerts)));
        }
        return Result.compliant(summary);
    }

    private Result endOfLifeApproved(Instant now) {
        long recorded = count("SELECT count(*) FROM configuration_item WHERE vendor_support_ends IS NOT NULL");
        if (recorded == 0) {
            return Result.notAssessed("No item records its vendor support end (vendorSupportEnds)");
        }
        java.sql.Date today = ItemRepository.date(LocalDate.ofInstant(now, ZoneOffset.UTC));
        List<String> uncovered = jdbc.sql("SELECT c.name || ' (support ended ' || c.vendor_support_ends || ')' "
                + EndOfLifeService.UNCOVERED + " ORDER BY c.vendor_support_ends").params(today, today).query(String.class).list();
        long past = count("SELECT count(*) FROM configuration_item WHERE vendor_support_ends < current_date "
                + "AND lifecycle <> 'decommissioned'");
        if (!uncovered.isEmpty()) {
            return Result.notCompliant(List.of(uncovered.size() + " items in use past vendor support have no approved, "
                    + "unexpired exception: " + named(uncovered)));
        }
        return Result.compliant(recorded + " items record their vendor support end; " + past
                + " in use past it, each with an exception approved by a security officer and not expired");
    }

    private Result networkDocumented() {
        long devices = count("SELECT count(*) FROM configuration_item WHERE kind = 'network-device' AND lifecycle <> 'decommissioned'");
        if (devices == 0) {
            return Result.notAssessed("No network device is in the asset register yet");
        }
        long architecture = count("SELECT count(*) FROM item_document WHERE kind = 'network-architecture'");
        List<String> undocumented = jdbc.sql("SELECT c.name FROM configuration_item c WHERE c.kind = 'network-device' "
                + "AND c.lifecycle <> 'decommissioned' AND NOT EXISTS (SELECT 1 FROM item_document d WHERE d.item_id = c.id "
                + "AND d.kind IN ('configuration', 'network-architecture')) ORDER BY c.name").query(String.class).list();
        List<String> problems = new ArrayList<>();
        if (architecture == 0) {
            problems.add("No network architecture document is stored");
        }
        if (!undocumented.isEmpty()) {
            problems.add(undocumented.size() + " of " + devices + " network devices have no configuration document: "
                    + named(undocumented));
        }
        if (!problems.isEmpty()) {
            return Result.notCompliant(problems);
        }
        return Result.compliant(devices + " network devices in the register, each with its configuration documented",
                architecture + " network architecture documents, readable only by asset managers, system administrators, "
                        + "security officers and auditors");
    }

    /** A query's one timestamp, or null. */
    private Instant latest(String sql) {
        Timestamp t = jdbc.sql(sql).query((rs, n) -> rs.getTimestamp(1)).list().getFirst();
        return t == null ? null : t.toInstant();
    }

    private long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    private static String named(List<String> names) {
        return String.join(", ", names.subList(0, Math.min(NAMED, names.size())))
                + (names.size() > NAMED ? " and " + (names.size() - NAMED) + " more" : "");
    }
}
