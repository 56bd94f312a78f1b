package org.opsledger.vault.journal;

import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.backend.BackendException;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.crypto.Sealing;
import org.opsledger.vault.repository.FilesAtOnce;
import org.opsledger.vault.repository.Repository;

/**
 * The repository's journal (docs/vault-format.md §13): {@code journal/<file-id>}, sealed files named by the SHA-256 of
 * their stored bytes as snapshot files are. A command writes one {@link JournalEntry} as it ends, in a file of its own,
 * without a lock (its name is its own, as a snapshot's is); prune gathers those files into {@link Segment}s under
 * {@code journal/segments/} ({@link #compact()}), so the journal stays a few files however many runs it records. Never deleted by forget or prune,
 * sealed again by a key retirement; the journal ends with the repository ({@code vault dispose}). Entries sealed with the
 * repository's keys cannot be forged without a password; one deleted from the store once a check has read it is
 * reported by the checks after ({@link Coverage}), and an anchor written down outside the store covers the rest.
 */
public final class Journal {

    /** The directory of the entries. */
    public static final String DIR = "journal";
    /** The first repository format that keeps a journal: builds of format 3 would neither read nor re-seal it. */
    public static final int FORMAT = 4;
    /**
     * The longest a recovery may go untested: the policy's 2.11 asks for backup and recovery procedures to be tested
     * semi-annually at a minimum (IS.012 6.6.4: at least annually). Calendar months: a test on the same day every six
     * months is 184 days from July to January, which a count of 183 days called late from 31 December; it is warned of
     * once a day has passed after the day it was due (the hour the job runs, days counted in another zone).
     */
    public static final Period TEST_EVERY = Period.ofMonths(6);

    private final Repository repo;

    public Journal(Repository repo) {
        this.repo = repo;
    }

    /**
     * Whether this repository's format keeps a journal; {@code vault upgrade} moves an older one to a format that does.
     * Refused where the config was set back ({@link #setBack}): a command that asks works only recorded.
     */
    public boolean kept() {
        String setBack = setBack();
        if (setBack != null) {
            throw new VaultException(setBack);
        }
        return configKeepsIt();
    }

    /**
     * Whether the config says a format that keeps a journal, whatever {@code journal/} holds: for check, which reports
     * {@link #setBack} as an error, and upgrade, which sets the config right.
     */
    public boolean configKeepsIt() {
        return repo.config().version() >= FORMAT;
    }

    /**
     * Why this repository keeps a journal though its config says a format that keeps none: {@code journal/} holds files,
     * which only format 4 or later writes, so the plaintext config was set back, by whoever can write to the store (no
     * password needed) or from an older copy; null when it was not. A command run in such a repository would write no
     * entry, and the config put back afterwards would leave no trace (h2's repro-6). One listing of {@code journal/}, in a
     * repository whose config says format 3 or earlier only.
     */
    public String setBack() {
        if (configKeepsIt()) {
            return null;
        }
        List<String> files = repo.backend().list(DIR);
        return files.isEmpty() ? null : "the config says format " + repo.config().version() + ", which keeps no journal, but "
                + DIR + "/ holds " + files.size() + " file(s) that only format " + FORMAT + " or later writes: the config was altered"
                + " or put back from an older copy, and nothing is done unrecorded (IS.012 6.6.5): `vault upgrade` sets it right";
    }

    /** When each source was last decommissioned ({@link Listing#decommissionTimes}); none in a format that keeps no journal. */
    public Map<List<String>, Instant> decommissionTimes() {
        return kept() ? read(e -> false).decommissionTimes() : Map.of();
    }

    /**
     * Where a tier moved the snapshot {@code idOrPrefix} names (its ID, or a prefix of one ID only) and forgot it here, as
     * its entry says ({@link JournalEntry#removed}): "moved to long-term storage by tier on DATE to LOCATION (journal): name
     * its copy there (…)"; null when no entry says so, when the journal is not kept, or cannot be read (the lookup that
     * asks says what it would have said). Reads every file of the journal: asked only of an ID that is not here.
     */
    public String movedByTier(String idOrPrefix) {
        String prefix = idOrPrefix.toLowerCase(java.util.Locale.ROOT);
        if (!kept() || !prefix.matches("[0-9a-f]+")) {
            return null;
        }
        Map<ObjectId, JournalEntry> moved;
        try {
            moved = movedByTier();
        } catch (VaultException unreadable) {
            return null;
        }
        moved.keySet().removeIf(id -> !id.hex().startsWith(prefix));
        if (moved.size() != 1) {
            return null;
        }
        JournalEntry e = moved.values().iterator().next();
        String to = e.paths().getFirst();
        return "moved to long-term storage by tier on " + utc(e.started()) + " to " + to + " (journal): name its copy there"
                + " (`vault snapshots --repo " + to + "` lists it)";
    }

    /**
     * Every snapshot a tier moved out of this repository and forgot here, with that tier's entry ({@link JournalEntry#removed});
     * none when the journal is not kept. Reads every file of the journal.
     */
    public Map<ObjectId, JournalEntry> movedByTier() {
        Map<ObjectId, JournalEntry> moved = new HashMap<>();
        if (kept()) {
            read(e -> {
                if (e.operation() == JournalEntry.Operation.TIER && !e.paths().isEmpty()) {
                    e.removed().forEach(id -> moved.put(id, e));
                }
                return false;
            });
        }
        return moved;
    }

    /**
     * The entries of tiers that ended ok moving snapshots here from the repository at {@code location} (as its
     * {@link org.opsledger.vault.backend.Backend#location} says it): this one is that one's long-term repository. None when
     * the journal is not kept.
     */
    public List<JournalEntry> tiersReceivedFrom(String location) {
        if (!kept()) {
            return List.of();
        }
        return read(e -> e.operation() == JournalEntry.Operation.TIER && e.received() && !e.paths().isEmpty()
                && e.paths().getFirst().equals(location)).entries();
    }

    /**
     * Writes an entry, sealed under the epoch current as stored ({@link Repository#refreshKeys}: a key retirement may have
     * run since the command opened the repository); refused in a repository whose format keeps no journal. One that names
     * no key slot names the one whose password opened the repository: whose password did it (IS.012 6.6.5, 6.6.8).
     */
    public ObjectId record(JournalEntry entry) {
        if (!kept()) {
            throw new VaultException(notKept());
        }
        repo.refreshKeys();
        return repo.writeSealed(DIR, Sealing.Kind.JOURNAL, entry.keySlot() != null ? entry : entry.openedWith(slotInUse()));
    }

    /** The key slot whose password opened the repository, as an entry names it; null where none did. */
    public JournalEntry.SlotInUse slotInUse() {
        String slot = repo.keySlotInUse();
        return slot == null ? null : new JournalEntry.SlotInUse(Repository.shortSlot(slot), repo.keySlotInUseLabel(),
                repo.keySlotInUseLabelVerified());
    }

    /** Why there is no journal to read or write here. */
    public String notKept() {
        return "this repository's format (" + repo.config().version() + ") keeps no journal of backups, restores and checks"
                + " (IS.012 6.6.5): `vault upgrade` moves it to format " + FORMAT + " or later";
    }

    /**
     * What a read found: the entries it kept, oldest first; one line for each file that could not be read; how many
     * entries there are in all; the newest verified restore among all of them ({@code newestVerifiedRestore}, null
     * when there is none; not one dated before checks that did not read it, or before the init: {@link Coverage#backdated};
     * nor one an acknowledgement takes at its date on its word: {@link Coverage#takenOnItsWord});
     * for each source (host and paths) whose newest backup failed, that failure, oldest first: a backup that keeps
     * failing while older snapshots stand (IS.012 6.6.5), unless the source was decommissioned since; each source's newest decommission, oldest first (IS.012 6.4.3); and which entries checks named and which of
     * those are gone ({@link Coverage}).
     */
    /**
     * {@code newestBackups}: each source's newest backup entry, whatever its outcome (a source whose snapshots have all
     * left the repository, forgotten or tiered, is known by it); {@code failingBackups} those that failed and were not
     * followed by the source's decommissioning.
     */
    public record Listing(List<JournalEntry> entries, List<String> unreadable, long total, JournalEntry newestVerifiedRestore,
                          List<JournalEntry> failingBackups, List<JournalEntry> decommissions, List<JournalEntry> newestBackups,
                          Coverage coverage) {

        /** One line for each source whose newest backup failed, for check and `vault journal`. */
        public List<String> failingBackupWarnings() {
            return failingBackups.stream().map(e -> "the newest backup of " + String.join(" ", e.paths()) + " on " + e.host()
                    + " failed (" + Journal.utc(e.started()) + "): " + e.detail()
                    + " (IS.012 6.6.5; `vault journal --failed`)").toList();
        }

        /** When each source decommissioned was last so, by source ({@link JournalEntry#source()}). */
        public Map<List<String>, Instant> decommissionTimes() {
            Map<List<String>, Instant> times = new HashMap<>();
            decommissions.forEach(e -> times.put(e.source(), e.started()));
            return times;
        }

        /** The newest restore proved byte for byte, if any (IS.012 6.6.4, policy 2.11). */
        public Optional<JournalEntry> lastVerifiedRestore() {
            return Optional.ofNullable(newestVerifiedRestore);
        }

        /** True when no restore was verified within {@link #TEST_EVERY} and a day before {@code now}. */
        public boolean recoveryUntested(Instant now) {
            // IS.012 6.6.4, the policy's 2.11: tested every six months
            return lastVerifiedRestore().map(e -> e.finished().atOffset(ZoneOffset.UTC).plus(TEST_EVERY).plusDays(1).toInstant()
                    .isBefore(now)).orElse(true);
        }

        /** What to tell the operator when {@link #recoveryUntested}, else null. */
        public String recoveryWarning(Instant now) {
            if (!recoveryUntested(now)) {
                return null;
            }
            return lastVerifiedRestore()
                    .map(e -> "the last verified restore in the journal ended " + e.finished().toString().substring(0, 10)
                            + ", more than six months ago")
                    .orElse("the journal records no verified restore")
                    + ": the policy (2.11) asks for recovery to be tested every six months, IS.012 6.6.4 at least yearly"
                    + " (`vault restore SNAPSHOT --target DIR --verify`)";
        }
    }

    /**
     * A file of the journal that holds many entries ({@link #SEGMENTS}), oldest first. Written by {@link #compact()} from
     * the one-entry files named in {@code compacted} (their file IDs), or from the segments named in {@code merged}; it
     * is written before those are deleted, so until they are (a prune or a key retirement stopped between the two) a
     * reader takes their entries from here alone.
     */
    public record Segment(List<String> compacted, List<JournalEntry> entries, List<String> merged)
            implements org.opsledger.vault.VaultJson.WellFormed {
        /** No segment is written empty; one without entries, or with one that lacks a field, does not parse (§13). */
        @Override
        public String lacks() {
            if (entries.isEmpty()) {
                return "no entries";
            }
            for (int i = 0; i < entries.size(); i++) {
                String lacks = entries.get(i).lacks();
                if (lacks != null) {
                    return "entry " + i + ": " + lacks;
                }
            }
            return null;
        }

        public Segment {
            compacted = compacted == null ? List.of() : List.copyOf(compacted);
            entries = entries == null ? List.of() : List.copyOf(entries);
            merged = merged == null ? List.of() : List.copyOf(merged); // absent in the segments of 2026-12-05's builds
        }
    }

    /** Where segments are, apart from the one-entry files: each kind is read knowing which it is. */
    public static final String SEGMENTS = DIR + "/segments";
    /** The most entries one segment holds (≈6 MB of JSON, as most entries are): a backlog of years is gathered into several. */
    public static final int SEGMENT_MAX = 10_000;
    /**
     * The most bytes of one segment, whatever its entries (a backup's of a hundred listed paths is kilobytes): a segment
     * is always read whole, and stays under what any command reads whole ({@link org.opsledger.vault.backend.Largest}).
     */
    public static final int SEGMENT_BYTES = 8 << 20;
    /** A segment's bytes counted in entries: {@link #SEGMENT_BYTES} is {@link #SEGMENT_MAX} of them. */
    private static final int ENTRY_BYTES = SEGMENT_BYTES / SEGMENT_MAX;

    /** What an entry or a segment weighs in a segment's room: its entries, or its bytes in entries when more. */
    private static int weight(int entries, int bytes) {
        return Math.max(entries, (bytes + ENTRY_BYTES - 1) / ENTRY_BYTES);
    }
    /**
     * How many small segments (less than half a segment's room, 5,000 entries or 4 MiB: a day's runs, gathered by one
     * prune) the journal keeps before a prune merges them: the journal stays a file per half a segment's room, plus at
     * most these, however many prunes it has seen.
     */
    public static final int SMALL_SEGMENTS = 8;

    /** Files read at once, as the snapshot listing and the index are read ({@link FilesAtOnce#READERS}). */
    static final int READERS = FilesAtOnce.READERS;
    /**
     * Segments held at once, read or being read: each is up to {@link #SEGMENT_BYTES} sealed (≈3 MB for 10,000 entries),
     * its JSON and its parsed entries, so a read holds two segments' worth whatever the journal's length, and the default
     * heap of 61 MiB reads a journal of 50,000 entries (eight at once held them all: a tester's).
     */
    static final int SEGMENT_READERS = 2;

    /** Every entry ({@link #read(Predicate)} keeping them all). */
    public Listing read() {
        return read(e -> true);
    }

    /**
     * Every file of the journal, read {@link #READERS} at a time, segments first; of the entries, those {@code keep}
     * selects are kept (all are counted and looked at for the newest verified restore), so a journal of years of
     * hourly runs is read in the memory of what is kept. A damaged or undecryptable file is named in {@code unreadable}
     * and hides none of the others; a store that fails is an error, never a shorter journal.
     */
    public Listing read(Predicate<JournalEntry> keep) {
        return read(keep, null);
    }

    /**
     * {@link #read(Predicate)}, keeping in {@code seen} (when not null) what a compaction after it needs of the files read
     * ({@link #compact(int, Set, FilesSeen)}): prune reads the journal for holds before it condemns anything, and gathers it
     * at its end.
     */
    public Listing read(Predicate<JournalEntry> keep, FilesSeen seen) {
        for (int attempt = 1; ; attempt++) {
            Listed files = listed();
            Reading read = read(files, keep, seen);
            if (!read.mergedStillThere().isEmpty()) {
                // a merge stopped between writing a segment and deleting those it holds: read again without them (rare;
                // the next prune deletes them)
                read = read(files.withoutSegments(read.mergedStillThere()), keep, seen);
            }
            if (read.vanished() == 0) {
                return read.listing();
            }
            // files went while they were read: a prune beside this gathered them into a segment the listing lacks
            if (attempt == READ_ATTEMPTS) {
                Listing l = read.listing();
                List<String> bad = new ArrayList<>(l.unreadable());
                bad.add(CHANGED_WHILE_READ + READ_ATTEMPTS + " times (a prune beside it?): entries may be"
                        + " missing from this reading; run it again");
                return new Listing(l.entries(), bad, l.total(), l.newestVerifiedRestore(), l.failingBackups(), l.decommissions(),
                        l.newestBackups(), l.coverage());
            }
        }
    }

    /** How the reading that a prune kept changing is named among the unreadable (Checker#journal words it for a check). */
    public static final String CHANGED_WHILE_READ = "the journal changed while it was read, ";

    /** Readings of a journal that a prune changes under them before one is taken as it is, and said to be so. */
    static final int READ_ATTEMPTS = 3;

    /**
     * A read's listing; the segments in it that another segment merged (their entries were taken twice); and how many
     * listed files were gone when read (gathered or merged since: their entries are in a file the listing lacks).
     */
    private record Reading(Listing listing, Set<String> mergedStillThere, int vanished) {
    }

    private Reading read(Listed files, Predicate<JournalEntry> keep, FilesSeen seen) {
        if (seen != null) {
            seen.clear(); // what this reading sees, not an earlier one's
        }
        List<JournalEntry> out = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        long[] total = {0};
        List<JournalEntry> verifiedRestores = new ArrayList<>(); // a few a year
        // by source (host and paths): a few per host
        Map<List<String>, JournalEntry> newestBackups = new HashMap<>();
        Map<List<String>, JournalEntry> decommissions = new HashMap<>();
        Set<List<Object>> ended = new HashSet<>(); // commands whose own entry is here
        List<List<Object>> standIns = new ArrayList<>();
        Coverage coverage = new Coverage();
        Consumer<JournalEntry> take = e -> {
            total[0]++;
            coverage.take(e);
            if (e.standIn()) {
                standIns.add(e.command());
            } else if (JournalEntry.STOOD_IN_FOR.contains(e.operation())) { // only these can have a stand-in: not one key an entry
                ended.add(e.command());
            }
            if (e.verifiedRestore()) {
                verifiedRestores.add(e);
            }
            if (e.operation() == JournalEntry.Operation.BACKUP) {
                newestBackups.merge(e.source(), e, Journal::newer);
            } else if (e.operation() == JournalEntry.Operation.DECOMMISSION) {
                decommissions.merge(e.source(), e, Journal::newer);
            }
            if (keep.test(e)) {
                out.add(e);
            }
        };
        Set<String> inSegments = new HashSet<>(); // one-entry files still present that a segment holds: read from the segment
        Set<String> merged = new HashSet<>();
        int[] vanished = {0};
        // an entry each of two segments holds, taken once: two copies of the repository written apart, each pruned, each
        // gathered the same one-entry files into a segment of its own, and merged back the journal listed them twice (a tester's, h2)
        Set<JournalEntry> fromSegments = new HashSet<>();
        eachFile(files.segments(), SEGMENT_READERS, (name, read) -> {
            if (seen != null) {
                seen.segments.put(name, SegmentSeen.of(read, files));
            }
            if (read.problem() != null) {
                bad.add(read.problem());
            } else if (read.segment() == null) {
                vanished[0]++;
            } else {
                read.segment().compacted().stream().filter(files.singleIds()::contains).forEach(inSegments::add);
                read.segment().merged().stream().map(id -> SEGMENTS + "/" + id).filter(files.segments()::contains).forEach(merged::add);
                read.segment().entries().stream().filter(fromSegments::add).forEach(take);
            }
        });
        eachFile(files.singles(), READERS, (name, read) -> {
            if (seen != null) {
                seen.single(name, read);
            }
            if (read.problem() != null) {
                bad.add(read.problem());
            } else if (read.single() == null) {
                vanished[0] += inSegments.contains(idPart(name)) ? 0 : 1; // one a segment read here holds went as it should
            } else if (!inSegments.contains(idPart(name))) {
                take.accept(read.single());
            }
        });
        // a stand-in whose command's own entry is here too was gathered into a segment by another host's prune before the
        // command could take it back: it said "did not end" beside the entry saying how it ended (a helper's)
        out.removeIf(e -> e.standIn() && ended.contains(e.command()));
        total[0] -= standIns.stream().filter(ended::contains).count();
        out.sort(Comparator.comparing(JournalEntry::started));
        // a restore dated before checks that did not read it, or before the init, is no recovery test: written later, backdated;
        // nor is one an acknowledgement of an entry dated ahead takes at its date, on the acknowledger's word alone (§13)
        Set<String> backdated = verifiedRestores.isEmpty() ? Set.of() : coverage.notEvidenceOfARestore();
        JournalEntry newest = verifiedRestores.stream().filter(e -> !backdated.contains(Coverage.digest(e)))
                .max(Comparator.comparing(JournalEntry::finished)).orElse(null);
        List<JournalEntry> failing = newestBackups.values().stream().filter(e -> e.outcome() == JournalEntry.Outcome.FAILED)
                .filter(e -> !decommissions.containsKey(e.source()) || newer(e, decommissions.get(e.source())) == e)
                .sorted(Comparator.comparing(JournalEntry::started)).toList();
        return new Reading(new Listing(out, bad, total[0], newest, failing,
                decommissions.values().stream().sorted(Comparator.comparing(JournalEntry::started)).toList(),
                newestBackups.values().stream().sorted(Comparator.comparing(JournalEntry::started)).toList(), coverage), merged, vanished[0]);
    }

    /** The one of two entries that started later ({@code b} when they started at once). */
    private static JournalEntry newer(JournalEntry a, JournalEntry b) {
        return a.started().isAfter(b.started()) ? a : b;
    }

    /**
     * What {@link #compact()} or {@link #sealAgain(int)} did: the entries of one-entry files it wrote into new segments;
     * the files (one-entry files and segments) whose entries it wrote into new segments; and the files it deleted (those,
     * and the leftovers of a compaction stopped between writing a segment and deleting what it holds).
     */
    public record Compaction(int entries, int filesRewritten, int filesDeleted) {
    }

    /** {@link #compact(int)} with {@link #SEGMENT_MAX} entries to a segment. */
    public Compaction compact() {
        return compact(SEGMENT_MAX);
    }

    /**
     * Writes the one-entry files of the journal into segments of at most {@code perSegment} entries (and
     * {@link #SEGMENT_BYTES}), each before the files it holds are deleted (prune calls it); when more than
     * {@link #SMALL_SEGMENTS} segments fill less than half that room, merges those into as few as fit, likewise. So the journal stays a few files however
     * many runs and prunes it records (a merge reads and writes at most {@code perSegment} entries, ≈6 MB, once every
     * {@link #SMALL_SEGMENTS} prunes or so), and the work holds one segment's entries at a time. Runs beside backups that
     * write entries (a file written after the listing is left for the next compaction); first deletes what a segment
     * holds already (a compaction stopped before its deletes); a file that cannot be read is left for check and
     * repair. A single one-entry file is left as it is. Does nothing where the format keeps no journal.
     */
    public Compaction compact(int perSegment) {
        return compact(perSegment, Set.of());
    }

    /**
     * As {@link #compact(int)}, leaving the one-entry files {@code leave} names as they are: the entry a forget writes
     * before it deletes, to stand for it if it is killed outright, and takes back once its own entry is written (its
     * `--prune` must not gather that one into a segment first).
     */
    public Compaction compact(int perSegment, Set<String> leave) {
        return compact(perSegment, leave, new FilesSeen());
    }

    /**
     * {@link #compact(int, Set)}, taking from {@code seen} what a {@link #read(Predicate, FilesSeen)} before it read of the
     * files still listed: each file is read once in a prune, which read every segment twice, and every one-entry file
     * too, once for holds and once to gather them (session 39). A file listed now that the read did not see (written
     * since) is read here.
     */
    public Compaction compact(int perSegment, Set<String> leave, FilesSeen seen) {
        if (perSegment < 1) {
            throw new IllegalArgumentException("a segment holds at least one entry, got " + perSegment);
        }
        if (!kept()) {
            return new Compaction(0, 0, 0);
        }
        Survey survey = survey(seen);
        int deleted = tidy(survey);
        Map<String, Integer> sizes = new HashMap<>(survey.sizes());
        Rewrite gathered = new Rewrite();
        List<String> singles = survey.singles().stream().filter(n -> !leave.contains(n)).toList();
        if (singles.size() >= 2) {
            gathered = gather(singles, perSegment, epoch -> true, false, seen);
            sizes.putAll(gathered.written());
        }
        List<String> small = sizes.entrySet().stream().filter(s -> s.getValue() * 2 < perSegment).map(Map.Entry::getKey).sorted().toList();
        Rewrite merged = new Rewrite();
        if (small.size() > SMALL_SEGMENTS) {
            List<List<String>> batches = new ArrayList<>(); // first fit in their order: every batch but the last ends over half full
            int inBatch = perSegment;
            for (String name : small) {
                if (inBatch + sizes.get(name) > perSegment) {
                    batches.add(new ArrayList<>());
                    inBatch = 0;
                }
                batches.getLast().add(name);
                inBatch += sizes.get(name);
            }
            merged = merge(batches.stream().filter(b -> b.size() > 1).toList(), false);
        }
        return new Compaction(gathered.entries(), gathered.sources() + merged.sources(), deleted + gathered.deleted() + merged.deleted());
    }

    /**
     * Seals again, under the current key, every file of the journal sealed under {@code epoch} (a key retirement, before
     * the epoch's key is destroyed): its one-entry files into a segment, each of its segments into a new one that names
     * it as merged, each written before the old is deleted. A file that cannot be read stops it: the key must not go
     * while something it seals is still unread ({@code vault repair} moves a damaged file aside).
     */
    public Compaction sealAgain(int epoch) {
        return sealAgain(epoch, new FilesSeen());
    }

    /**
     * {@link #sealAgain(int)}, taking from {@code seen} what a {@link #read(Predicate, FilesSeen)} before it read of the
     * files still listed, as {@link #compact(int, Set, FilesSeen)} does: a key retirement reads the journal once, for
     * holds, and seals again what that read saw (it read every file for holds, then every segment again to survey them).
     * A segment of the epoch is read again as it is merged: its entries are not kept.
     */
    public Compaction sealAgain(int epoch, FilesSeen seen) {
        if (!kept()) {
            return new Compaction(0, 0, 0);
        }
        Survey survey = survey(seen);
        if (!survey.problems().isEmpty()) {
            throw new VaultException("journal file " + survey.problems().getFirst() + ": `vault repair` moves it aside");
        }
        int deleted = tidy(survey);
        Rewrite gathered = gather(survey.singles(), SEGMENT_MAX, e -> e == epoch, true, seen);
        List<List<String>> each = survey.epochs().entrySet().stream().filter(s -> s.getValue() == epoch)
                .map(s -> List.of(s.getKey())).sorted(Comparator.comparing(List::getFirst)).toList();
        Rewrite merged = merge(each, true);
        return new Compaction(gathered.entries(), gathered.sources() + merged.sources(), deleted + gathered.deleted() + merged.deleted());
    }

    /**
     * The journal's files as listed and its segments as read: the entries and key epoch of each segment; the one-entry
     * files and segments that a segment holds already (leftovers of a stopped compaction), which are not in
     * {@code singles} or {@code sizes}; and a line for each segment that cannot be read.
     */
    private record Survey(List<String> singles, Map<String, Integer> sizes, Map<String, Integer> epochs, List<String> leftovers,
                          List<String> problems) {
    }

    /** The survey of the journal as listed now, each segment {@code seen} saw taken from it, the others read. */
    private Survey survey(FilesSeen seen) {
        Listed files = listed();
        Map<String, Integer> sizes = new HashMap<>();
        Map<String, Integer> epochs = new HashMap<>();
        Set<String> leftovers = new HashSet<>();
        Map<String, String> problems = new java.util.TreeMap<>();
        BiConsumer<String, SegmentSeen> take = (name, segment) -> {
            if (segment.problem() != null) {
                problems.put(name, segment.problem());
            } else if (segment.weight() > 0) {
                sizes.put(name, segment.weight());
                epochs.put(name, segment.epoch());
                segment.leftovers().stream().filter(n -> files.segments().contains(n) || files.singles().contains(n)).forEach(leftovers::add);
            }
        };
        List<String> unseen = new ArrayList<>();
        for (String name : files.segments()) {
            SegmentSeen known = seen.segments.get(name);
            if (known == null) {
                unseen.add(name);
            } else {
                take.accept(name, known);
            }
        }
        eachFile(unseen, SEGMENT_READERS, (name, read) -> take.accept(name, SegmentSeen.of(read, files)));
        sizes.keySet().removeAll(leftovers);
        epochs.keySet().removeAll(leftovers);
        problems.keySet().removeAll(leftovers); // a merge's source whose key a retirement destroyed since
        List<String> singles = files.singles().stream().filter(n -> !leftovers.contains(n)).toList();
        return new Survey(singles, sizes, epochs, leftovers.stream().sorted().toList(), List.copyOf(problems.values()));
    }

    /** Deletes what a segment holds already; how many. */
    private int tidy(Survey survey) {
        repo.backend().deleteAll(survey.leftovers());
        return survey.leftovers().size();
    }

    /** What one kind of rewrite did: entries written, source files read into new segments and deleted, the new segments' sizes. */
    private record Rewrite(int entries, int sources, int deleted, Map<String, Integer> written) {
        Rewrite() {
            this(0, 0, 0, Map.of());
        }
    }

    /**
     * One-entry files sealed under an epoch {@code epochs} accepts into new segments of at most {@code perSegment}
     * entries, each written before the files it holds are deleted. A file that cannot be read is left (check names it,
     * repair moves it aside), or, {@code strict}, stops the work.
     */
    private Rewrite gather(List<String> singles, int perSegment, java.util.function.IntPredicate epochs, boolean strict, FilesSeen seen) {
        int[] counts = new int[3]; // entries, deleted, the batch's weight
        Map<String, Integer> written = new HashMap<>();
        List<String> batchNames = new ArrayList<>();
        List<JournalEntry> batch = new ArrayList<>();
        Runnable flush = () -> {
            if (batch.isEmpty()) {
                return;
            }
            List<JournalEntry> sorted = new ArrayList<>(batch);
            sorted.sort(Comparator.comparing(JournalEntry::started));
            List<String> ids = batchNames.stream().map(Journal::idPart).toList();
            ObjectId id = repo.writeSealed(SEGMENTS, Sealing.Kind.JOURNAL, new Segment(ids, sorted, List.of())); // first: never in no file
            written.put(SEGMENTS + "/" + id.hex(), counts[2]);
            counts[0] += sorted.size();
            repo.backend().deleteAll(batchNames);
            counts[1] += batchNames.size();
            batchNames.clear();
            batch.clear();
            counts[2] = 0;
        };
        BiConsumer<String, Read> each = (name, read) -> {
            if (read.problem() != null && strict) {
                throw new VaultException("journal file " + read.problem() + ": `vault repair` moves it aside");
            }
            if (read.single() == null || !epochs.test(read.epoch())) {
                return; // unreadable (check names it, repair moves it), gone since listed, or of another epoch
            }
            int weight = weight(1, read.bytes());
            if (counts[2] + weight > perSegment) {
                flush.run(); // full, in entries or in bytes
            }
            batchNames.add(name);
            batch.add(read.single());
            counts[2] += weight;
        };
        List<String> unseen = new ArrayList<>();
        for (String name : singles) {
            Read known = seen.singles.get(name);
            if (known == null) {
                unseen.add(name);
            } else {
                each.accept(name, known); // still listed: gathered as that read found it, its bytes named by their SHA-256
            }
        }
        eachFile(unseen, READERS, each);
        flush.run();
        return new Rewrite(counts[0], counts[1], counts[1], written);
    }

    /**
     * Each batch of segments into one new segment that names them as merged, written before they are deleted. A
     * segment that cannot be read (or is gone) is left out of its batch, or, {@code strict}, stops the work.
     */
    private Rewrite merge(List<List<String>> batches, boolean strict) {
        int entries = 0;
        int sources = 0;
        for (List<String> batch : batches) {
            List<String> read = new ArrayList<>();
            List<JournalEntry> all = new ArrayList<>();
            eachFile(batch, SEGMENT_READERS, (name, r) -> {
                if (r.problem() != null && strict) {
                    throw new VaultException("journal file " + r.problem() + ": `vault repair` moves it aside");
                }
                if (r.segment() != null) {
                    read.add(name);
                    all.addAll(r.segment().entries());
                }
            });
            if (read.isEmpty()) {
                continue;
            }
            all.sort(Comparator.comparing(JournalEntry::started));
            repo.writeSealed(SEGMENTS, Sealing.Kind.JOURNAL, new Segment(List.of(), all, read.stream().map(Journal::idPart).toList()));
            repo.backend().deleteAll(read);
            entries += all.size();
            sources += read.size();
        }
        return new Rewrite(entries, sources, sources, Map.of());
    }

    /**
     * What a {@link #read(Predicate, FilesSeen)} saw of the journal's files, for a {@link #compact(int, Set, FilesSeen)}
     * after it: of each segment what its survey needs (not its entries), and the one-entry files as read, up to
     * {@link #SINGLES_KEPT} of them (the day's runs a prune gathers; one more is read again as it is gathered).
     */
    public static final class FilesSeen {
        private final Map<String, SegmentSeen> segments = new HashMap<>();
        private final Map<String, Read> singles = new HashMap<>();

        private void clear() {
            segments.clear();
            singles.clear();
        }

        private void single(String name, Read read) {
            if (read.problem() == null && read.single() != null && singles.size() < SINGLES_KEPT) {
                singles.put(name, read); // one that does not read is read again by the compaction, which leaves it
            }
        }
    }

    /**
     * The one-entry files a {@link FilesSeen} keeps as read: a day's runs of a few hundred hosts (≈1 KB each); a journal
     * never pruned, of years in one-entry files, is read again as it is gathered, a segment's worth at a time.
     */
    static final int SINGLES_KEPT = 2_000;

    /**
     * What a survey needs of one segment: its weight ({@link #weight}; 0 when it went since listed), its key epoch, the
     * one-entry files it holds that were listed beside it and the segments it merged (leftovers of a stopped compaction,
     * deleted where still listed), or why it does not read.
     */
    private record SegmentSeen(int weight, int epoch, List<String> leftovers, String problem) {
        static SegmentSeen of(Read read, Listed files) {
            if (read.problem() != null || read.segment() == null) {
                return new SegmentSeen(0, 0, List.of(), read.problem());
            }
            List<String> leftovers = new ArrayList<>();
            read.segment().compacted().stream().filter(files.singleIds()::contains).map(id -> DIR + "/" + id).forEach(leftovers::add);
            // every segment it merged, listed or not: a read leaves out those still there (Listed#withoutSegments), which
            // the compaction deletes, as it finds them listed
            read.segment().merged().stream().map(id -> SEGMENTS + "/" + id).forEach(leftovers::add);
            return new SegmentSeen(Journal.weight(read.segment().entries().size(), read.bytes()), read.epoch(), List.copyOf(leftovers), null);
        }
    }

    /** The journal's files as listed: segments, one-entry files, and the IDs of the latter. */
    private record Listed(List<String> segments, List<String> singles, Set<String> singleIds) {
        Listed withoutSegments(Set<String> names) {
            return new Listed(segments.stream().filter(n -> !names.contains(n)).toList(), singles, singleIds);
        }
    }

    private Listed listed() {
        List<String> segments = new ArrayList<>();
        List<String> singles = new ArrayList<>();
        Set<String> singleIds = new HashSet<>();
        for (String name : repo.backend().list(DIR)) { // sorted
            if (name.startsWith(SEGMENTS + "/")) {
                segments.add(name);
            } else {
                singles.add(name);
                singleIds.add(idPart(name));
            }
        }
        return new Listed(segments, singles, singleIds);
    }

    private static String idPart(String name) {
        return name.substring(name.lastIndexOf('/') + 1);
    }

    /**
     * One file of the journal: one entry or a segment, and the key epoch it is sealed under; or the line that says why
     * it cannot be read; none when it went since listed.
     */
    private record Read(JournalEntry single, Segment segment, int epoch, int bytes, String problem) {
        static Read problem(String line) {
            return new Read(null, null, 0, 0, line);
        }
    }

    /** {@link FilesAtOnce#each}: each file of {@code names} read, {@code atOnce} at a time, and handed to {@code each} in their order. */
    private void eachFile(List<String> names, int atOnce, BiConsumer<String, Read> each) {
        FilesAtOnce.each(names, atOnce, "the journal", this::readOne, each);
    }

    private Read readOne(String name) {
        ObjectId id = Repository.idOfName(name);
        if (id == null) {
            return Read.problem(name + ": not named by its SHA-256 (not written by the vault)");
        }
        try {
            byte[] sealed = repo.backend().read(name);
            if (!Sealing.sha256(sealed).equals(id)) {
                return Read.problem(name + ": does not match its SHA-256 name (damaged or altered)");
            }
            int epoch = Sealing.epochOf(sealed, 0);
            return name.startsWith(SEGMENTS + "/")
                    ? new Read(null, repo.readSealed(name, sealed, Sealing.Kind.JOURNAL, Segment.class), epoch, sealed.length, null)
                    : new Read(repo.readSealed(name, sealed, Sealing.Kind.JOURNAL, JournalEntry.class), null, epoch, sealed.length, null);
        } catch (BackendException e) {
            if (!repo.backend().exists(name)) {
                return new Read(null, null, 0, 0, null); // sealed again by a key retirement, or gathered, since it was listed
            }
            if (repo.backend().isDamage(e)) { // a bad sector under it (EIO): damaged, as one whose bytes changed
                return Read.problem(name + ": does not read (" + e.getMessage() + ")");
            }
            throw e;
        } catch (RuntimeException e) {
            org.opsledger.vault.Cancelled.passOn(e, "reading the journal");
            return Read.problem(Repository.problemOf(name, e));
        }
    }

    /** An instant as the journal's lines say it: "2026-12-07 04:12:25 UTC". */
    public static String utc(Instant t) {
        return t.toString().substring(0, 19).replace('T', ' ') + " UTC";
    }
}
