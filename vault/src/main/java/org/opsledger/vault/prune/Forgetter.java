package org.opsledger.vault.prune;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.backend.Backend;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.repository.SharedLock;
import org.opsledger.vault.snapshot.SnapshotFilter;
import org.opsledger.vault.snapshot.SnapshotRef;

/** Applies a retention policy per (host, paths) group and removes the snapshots nothing keeps. */
public final class Forgetter {

    private final Repository repo;
    private final ZoneId zone;

    public Forgetter(Repository repo, ZoneId zone) {
        this.repo = repo;
        this.zone = zone;
    }

    /** When each source was decommissioned, by {@link org.opsledger.vault.snapshot.BackupsDue#key}: the journal's. */
    private Map<List<String>, Instant> decommissioned = Map.of();

    /**
     * The sources decommissioned (IS.012 6.4.3) and when, from the journal: --keep-last keeps no snapshot of a source
     * decommissioned after its newest one. It keeps a source's newest snapshots so that backups that stopped do not empty
     * it; these stopped on purpose, and their snapshots stay by their retention, their holds and the other rules. A
     * decommissioned host's snapshots were kept for ever, years past their retention, by the policy the guide asks for (a
     * helper's).
     */
    public Forgetter decommissioned(Map<List<String>, Instant> times) {
        this.decommissioned = Map.copyOf(times);
        return this;
    }

    /**
     * Whether {@code g}'s source was decommissioned after the newest of {@code snapshots} that is of it: a removal or a
     * tier that leaves it no snapshot is then no sign that its backups stopped by accident (both warned so: a helper's).
     */
    public boolean decommissioned(Group g, List<SnapshotRef> snapshots) {
        Instant d = decommissioned.get(org.opsledger.vault.snapshot.BackupsDue.key(g.host(), g.paths()));
        return d != null && snapshots.stream().filter(s -> groupOf(s).equals(g)).allMatch(s -> d.isAfter(s.snapshot().time()));
    }

    public List<ForgetDecision> plan(RetentionPolicy policy, Instant now) {
        return plan(policy, now, SnapshotFilter.ALL);
    }

    /** The decision for every snapshot {@code filter} matches; the others are neither kept nor removed by this policy. */
    public List<ForgetDecision> plan(RetentionPolicy policy, Instant now, SnapshotFilter filter) {
        return plan(policy, now, filter, repo.snapshots());
    }

    /** {@link #plan(RetentionPolicy, Instant, SnapshotFilter)} of {@code snapshots}, the repository's as listed. */
    public List<ForgetDecision> plan(RetentionPolicy policy, Instant now, SnapshotFilter filter, List<SnapshotRef> snapshots) {
        if (policy.isEmpty()) {
            throw new VaultException("forget needs at least one --keep-* option");
        }
        Set<ObjectId> held = repo.holds().keySet();
        Instant future = now.plus(org.opsledger.vault.repository.Locks.CLOCK_SKEW); // as `vault due` counts it
        Map<Group, List<SnapshotRef>> groups = new LinkedHashMap<>();
        for (SnapshotRef s : filter.select(snapshots).reversed()) { // newest first
            groups.computeIfAbsent(groupOf(s), k -> new ArrayList<>()).add(s);
        }
        List<ForgetDecision> out = new ArrayList<>();
        for (List<SnapshotRef> group : groups.values()) {
            Map<String, Bucket> buckets = new HashMap<>();
            buckets.put("daily", new Bucket(policy.keepDaily(), t -> t.toLocalDate().toString()));
            buckets.put("weekly", new Bucket(policy.keepWeekly(),
                    t -> t.get(IsoFields.WEEK_BASED_YEAR) + "-W" + t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR)));
            buckets.put("monthly", new Bucket(policy.keepMonthly(), t -> t.getYear() + "-" + t.getMonthValue()));
            buckets.put("yearly", new Bucket(policy.keepYearly(), t -> String.valueOf(t.getYear())));
            int newer = 0; // snapshots of the group newer than this one
            boolean ended = decommissioned(groupOf(group.getFirst()), group);
            // a decommissioned source's snapshots age out by the clock: counted from its newest, its last span stayed for good
            Instant within = ended ? now : withinFrom(group, now);
            int keepLast = ended ? 0 : policy.keepLast();
            for (SnapshotRef s : group) {
                List<String> reasons = new ArrayList<>();
                if (newer++ < keepLast) {
                    reasons.add("last " + policy.keepLast());
                }
                reasons.addAll(protections(s, held, now));
                if (policy.keepWithin() != null && s.snapshot().time().isAfter(future)) {
                    // a host's clock years ahead, a forged record: kept, as its newest backups may be what it dated so, but
                    // not as "within 0d", which said a disposal's --keep-within 0d had kept it by its age (a helper's)
                    reasons.add("dated in the future");
                } else if (policy.keepWithin() != null && policy.keepWithin().holds(s.snapshot(), within, zone)) {
                    reasons.add("within " + policy.keepWithin().words()); // "within 30m1h" read as minutes (a tester's)
                }
                ZonedDateTime t = s.snapshot().localTime(zone); // in the backup host's calendar where it is recorded
                for (String rule : List.of("daily", "weekly", "monthly", "yearly")) {
                    if (buckets.get(rule).offer(t)) {
                        reasons.add(rule);
                    }
                }
                out.add(new ForgetDecision(s, !reasons.isEmpty(), List.copyOf(reasons)));
            }
        }
        return out;
    }

    /**
     * Where --keep-within counts back from in {@code group} (newest first): its newest snapshot not dated in the future, as
     * restic counts it, not the clock. On a host whose clock ran a year ahead, `--keep-within 30d` counted from the clock
     * kept nothing of last week and removed a snapshot minutes old (a tester's); and a source whose backups stopped keeps
     * its last span of them. Never after {@code now}: a snapshot dated in the future is kept as such, and counts nothing.
     */
    static Instant withinFrom(List<SnapshotRef> group, Instant now) {
        Instant future = now.plus(org.opsledger.vault.repository.Locks.CLOCK_SKEW);
        return group.stream().map(s -> s.snapshot().time()).filter(t -> !t.isAfter(future)).findFirst()
                .map(t -> t.isAfter(now) ? now : t).orElse(now);
    }

    /**
     * How far past the newest time the repository records (its newest snapshot or journal entry) a clock may be before the
     * end of a retention date in between is taken as the clock's word alone: a nightly forget or backup writes one a day.
     */
    public static final java.time.Duration CLOCK_AHEAD = java.time.Duration.ofDays(7);

    /**
     * Refuses, before anything is written, a forget on a clock far ahead: one more than {@link #CLOCK_AHEAD} past {@code
     * recorded}, the newest time the repository records (its newest snapshot, its journal's newest entry), that would
     * judge ended a retention date that ends after that time (IS.012 6.6.5.1: the date is the record's promise). On a
     * clock a year ahead (a bad NTP server, an RTC with the wrong year) `forget --prune` removed and pruned a snapshot
     * retained for two more months, exit 0, no word (a tester's). A repository whose backups stopped for months still
     * records its nightly forget and weekly check, so it is not refused; one that recorded nothing for a week and whose
     * retention ended meanwhile is, and {@code trustClock} (--trust-clock, once timedatectl says the clock is right) lets it.
     */
    public static void refuseOnAClockAhead(List<SnapshotRef> snapshots, Instant recorded, Instant now, boolean trustClock) {
        if (trustClock || !now.isAfter(recorded.plus(CLOCK_AHEAD))) {
            return;
        }
        snapshots.stream().filter(s -> s.snapshot().retainedAt(recorded) && !s.snapshot().retainedAt(now)).findFirst().ifPresent(s -> {
            throw new VaultException("this clock (" + org.opsledger.vault.journal.Journal.utc(now) + ") is "
                    + java.time.Duration.between(recorded, now).toDays() + " day(s) past the newest time the repository records ("
                    + org.opsledger.vault.journal.Journal.utc(recorded) + "), and only by it has the retention of snapshot " + s.shortId()
                    + " (until " + s.snapshot().retainUntil() + ") ended: check the host's clock (timedatectl); if it is right, run"
                    + " again with --trust-clock; nothing was removed");
        });
    }

    /**
     * What keeps a snapshot whatever a policy or an operator says: a legal hold (IS.012 6.6.7: held backups are never
     * deleted) and a retention date not yet ended everywhere (6.6.5.1; {@link org.opsledger.vault.snapshot.Snapshot#retentionEnded}).
     */
    private static List<String> protections(SnapshotRef s, Set<ObjectId> held, Instant now) {
        List<String> reasons = new ArrayList<>();
        if (held.contains(s.id())) {
            reasons.add("legal hold");
        }
        if (s.snapshot().retainedAt(now)) {
            reasons.add("retain until " + s.snapshot().retainUntil());
        }
        return reasons;
    }

    /**
     * The removal of snapshots an operator named (`vault forget ID…`: a backup of the wrong path, data that must go):
     * refused as a whole, before anything is removed, when one of them is held or retained, which no command overrides.
     * {@link #remove} then removes them.
     */
    public List<ForgetDecision> plan(List<SnapshotRef> named, Instant now) {
        Set<ObjectId> held = repo.holds().keySet();
        List<ForgetDecision> out = new ArrayList<>();
        for (SnapshotRef s : named) {
            List<String> protections = protections(s, held, now);
            if (!protections.isEmpty()) {
                throw new VaultException("snapshot " + s.shortId() + " cannot be forgotten: " + String.join(", ", protections)
                        + (protections.contains("legal hold") ? " (`vault release` ends a hold)" : "") + "; nothing was removed");
            }
            out.add(new ForgetDecision(s, false, List.of(NAMED)));
        }
        // each source's together, oldest first, as a policy's plan: named alternately, a source's header and counts came
        // twice in forget's report (a re-tester's)
        java.util.Map<Group, List<ForgetDecision>> bySource = new java.util.LinkedHashMap<>();
        out.forEach(d -> bySource.computeIfAbsent(groupOf(d.snapshot()), g -> new ArrayList<>()).add(d));
        return bySource.values().stream().flatMap(g -> g.stream().sorted(java.util.Comparator.comparing(
                (ForgetDecision d) -> d.snapshot().snapshot().time()))).toList();
    }

    /** The snapshots one policy is applied to together: those of one host and one list of paths. */
    public record Group(String host, List<String> paths) {
        @Override
        public String toString() {
            return host + " " + String.join(" ", paths);
        }
    }

    /** The group {@code s} is decided in. */
    public static Group groupOf(SnapshotRef s) {
        return new Group(s.snapshot().hostname(), s.snapshot().paths());
    }

    /** The groups of which {@code plan} keeps no snapshot: a host whose backups stopped, under a policy by age. */
    public static List<Group> leftEmpty(List<ForgetDecision> plan) {
        Map<Group, Boolean> anyKept = new LinkedHashMap<>();
        for (ForgetDecision d : plan) {
            anyKept.merge(groupOf(d.snapshot()), d.keep(), Boolean::logicalOr);
        }
        return anyKept.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList();
    }

    /** Deletes the snapshot files the plan does not keep; re-checks holds just before each delete. */
    public List<ForgetDecision> forget(RetentionPolicy policy, Instant now) {
        return forget(policy, now, SnapshotFilter.ALL);
    }

    public List<ForgetDecision> forget(RetentionPolicy policy, Instant now, SnapshotFilter filter) {
        return forget(policy, now, filter, id -> { });
    }

    /**
     * As {@link #forget(RetentionPolicy, Instant, SnapshotFilter)}, handing each snapshot to {@code removed} as its file is
     * deleted: a forget stopped part-way (SIGTERM) names in its journal entry what it removed, and one a hold placed
     * meanwhile kept is not named.
     */
    public List<ForgetDecision> forget(RetentionPolicy policy, Instant now, SnapshotFilter filter, java.util.function.Consumer<ObjectId> removed) {
        return remove(plan(policy, now, filter), removed);
    }

    /**
     * Deletes the snapshot files {@code plan} does not keep, handing each to {@code removed} as it goes; a hold placed
     * since the plan was made still wins. Returns the plan as carried out: a snapshot a hold kept is kept, one another
     * command removed meanwhile says so. It holds a lock while it deletes, so that no key retirement (which gives
     * snapshots new IDs) or repair runs beside it: one that did wrote a snapshot the forget removed back under a new ID,
     * and the forget said it was removed (a helper's, with breakpoints).
     */
    public List<ForgetDecision> remove(List<ForgetDecision> plan, java.util.function.Consumer<ObjectId> removed) {
        return remove(plan, removed, d -> { });
    }

    /**
     * As {@link #remove(List, java.util.function.Consumer)}, handing each decision as carried out to {@code carriedOut} as
     * it goes, the kept ones too: a forget prints its plan as it removes.
     */
    public List<ForgetDecision> remove(List<ForgetDecision> plan, java.util.function.Consumer<ObjectId> removed,
            java.util.function.Consumer<ForgetDecision> carriedOut) {
        List<ForgetDecision> done = new ArrayList<>(plan.size());
        // durable together, before this returns and so before the entry that names them: one fsync of snapshots/, not one a
        // snapshot. Each deleted and handed on in one commit under the lock: a signal's hook lets the lock go between two,
        // the batch made durable first, and its entry names exactly those (it named some not yet durable, and missed one
        // deleted as it read the list); the forget deletes nothing after
        try (SharedLock lock = plan.stream().allMatch(ForgetDecision::keep) ? null : repo.lock("forget");
             Backend.Deletions deletions = lock == null ? null : lock.deletions()) {
            for (ForgetDecision d : plan) {
                // IS.012 6.6.7: a hold placed while we planned, or while the file goes, still wins
                ForgetDecision outcome = d.keep() ? d : lock.whileHeld(() -> switch (repo.deleteSnapshotUnlessHeld(d.snapshot().id(), deletions)) {
                    case DELETED -> {
                        removed.accept(d.snapshot().id());
                        yield d;
                    }
                    case HELD -> new ForgetDecision(d.snapshot(), true, List.of("legal hold, placed while the forget ran"));
                    case ALREADY_GONE -> new ForgetDecision(d.snapshot(), false, List.of(whyGone(d)));
                });
                done.add(outcome);
                carriedOut.accept(outcome);
            }
        }
        return done;
    }

    /** The reason of a snapshot an operator named ({@link #plan(List, Instant)}). */
    public static final String NAMED = "named";

    /** How the reason of a snapshot gone between the plan and its deletion begins. */
    private static final String GONE = "gone meanwhile";

    /** The reason of a snapshot another command removed, or gave a new ID, between the plan and its deletion. */
    public static final String GONE_MEANWHILE = GONE + " (removed by another forget or tier, or given a new ID by a key retirement:"
            + " `vault snapshots` shows what is there)";

    /** Whether {@code d} is of a snapshot gone between the plan and its deletion: not removed by this forget. */
    public static boolean goneMeanwhile(ForgetDecision d) {
        return d.reasons().stream().anyMatch(r -> r.startsWith(GONE));
    }

    /**
     * Whether {@code d} is of a snapshot an operator named that an amend, a rewrite or a key retirement replaced between
     * the plan and its deletion ({@link #whyGone}): its record lives on under the new ID, and the forget was not done.
     */
    public static boolean replacedMeanwhile(ForgetDecision d) {
        return d.reasons().stream().anyMatch(r -> r.startsWith(GONE + ": "));
    }

    /**
     * Why {@code d}'s snapshot, gone since the plan, was not removed: {@link #GONE_MEANWHILE}; one an operator named, that
     * an amend or a rewrite replaced meanwhile, "gone meanwhile: replaced by 5e6f7a8b (an amend); name that one", as a
     * forget given its ID says (its record and data live on under the new ID). A policy's are not looked for: the next
     * forget judges the new one by its policy.
     */
    private String whyGone(ForgetDecision d) {
        String replaced = d.reasons().equals(List.of(NAMED)) ? repo.replacedNowBy(d.snapshot().id()) : null;
        return replaced == null ? GONE_MEANWHILE : GONE + ": " + replaced;
    }

    private static final class Bucket {
        private final int limit;
        private final Function<ZonedDateTime, String> key;
        private int kept;
        private String last;

        Bucket(int limit, Function<ZonedDateTime, String> key) {
            this.limit = limit;
            this.key = key;
        }

        boolean offer(ZonedDateTime t) {
            if (kept >= limit) {
                return false;
            }
            String k = key.apply(t);
            if (k.equals(last)) {
                return false;
            }
            last = k;
            kept++;
            return true;
        }
    }
}
