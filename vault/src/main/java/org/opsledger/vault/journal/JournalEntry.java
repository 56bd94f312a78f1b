package org.opsledger.vault.journal;

import java.time.Instant;
import java.util.List;
import org.opsledger.vault.LowerCaseJson;
import org.opsledger.vault.OsUser;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.BackupsDue;
import org.opsledger.vault.snapshot.Snapshot;

/**
 * One operation on the repository as it ended (docs/vault-format.md §13). {@code paths}: what a backup read (its
 * paths, or a stream's name), where a restore wrote (its target), what a dump wrote out, where a copy or tier went;
 * {@code snapshots}: the snapshot a backup wrote, a restore or dump read, a hold or release was for; those a forget
 * removed (IS.012 6.6.5: a record that leaves the repository says so here); those a copy or tier took to long-term
 * storage; {@code verified}: a restore whose every file was read back and proved against the snapshot
 * ({@code --verify}), a check that read and authenticated every pack; {@code exitCode} and {@code detail}: what the
 * command returned and the line it ended with (its summary, or why it failed); {@code sourceHost}: in a decommission's
 * entry, the host of the source it ended (its paths are {@code paths}), null in every other; {@code login}: who logged
 * in, where that is not {@code username} (an operator through sudo: {@link OsUser#login}); {@code keySlot}: the key slot
 * whose password opened the repository for the command. The last two are null in an entry of a build before 2026-12-06.
 * {@code replacedTrees}: in a rewrite's entry, the root trees of the snapshots it replaced, which {@code vault recover}
 * leaves alone for good (the rewritten snapshot's own record names them only while it is in the repository); in its
 * stand-in and in the entry of one stopped, those it was to replace; empty in every other entry, and in a rewrite's of a
 * build before 2026-12-07. {@code readTo}: in a check's entry with
 * {@code --read-data-subset}, the last pack it read in the order of pack IDs, after which the next subset check goes on
 * (IS.012 6.6.4: regular subset checks read every pack); null in every other entry, and in one of a build before 2026-12-07.
 * {@code damagedPacks}: in a check's or repair's entry, the packs it found damaged or missing, which later checks recall
 * until a repair or a check that reads them finds them whole; empty in every other entry.
 * {@code covers}: in a check's entry, the entries it read that no check before it named, each described by
 * {@link Coverage#describe}: later checks report any of them the journal no longer holds (a deletion in the store);
 * {@code lostEntries}: in a repair's entry, those named so that were not in the journal once it had moved damaged journal
 * files aside. Both empty in every other entry, and in one of a build before session 37.
 */
public record JournalEntry(Operation operation, Outcome outcome, Instant started, Instant finished, String host,
                           String username, List<String> paths, List<ObjectId> snapshots, boolean verified, int exitCode,
                           String detail, String sourceHost, String login, SlotInUse keySlot,
                           @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
                           List<ObjectId> replacedTrees,
                           @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                           ObjectId readTo,
                           @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
                           List<ObjectId> damagedPacks,
                           @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
                           List<String> covers,
                           @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
                           List<String> lostEntries)
        implements org.opsledger.vault.VaultJson.WellFormed {

    /** An entry that names no login and no key slot (as one an older build wrote). */
    public JournalEntry(Operation operation, Outcome outcome, Instant started, Instant finished, String host, String username,
                        List<String> paths, List<ObjectId> snapshots, boolean verified, int exitCode, String detail, String sourceHost) {
        this(operation, outcome, started, finished, host, username, paths, snapshots, verified, exitCode, detail, sourceHost, null, null);
    }

    /** An entry that names no replaced trees (any but a rewrite's). */
    public JournalEntry(Operation operation, Outcome outcome, Instant started, Instant finished, String host, String username,
                        List<String> paths, List<ObjectId> snapshots, boolean verified, int exitCode, String detail, String sourceHost,
                        String login, SlotInUse keySlot) {
        this(operation, outcome, started, finished, host, username, paths, snapshots, verified, exitCode, detail, sourceHost, login,
                keySlot, List.of(), null, List.of(), List.of(), List.of());
    }

    /**
     * The key slot whose password opened the repository: the first 8 hex digits of its ID, and its label then (null for a
     * slot without one). Everyone running as root on one host, a slot labelled as a colleague's was tied to no one (h3's).
     * {@code labelVerified}: the label was the one a password holder wrote for the slot ({@code KeySlot.labelsAuthentic});
     * false where it was not (a slot of an older build, or relabelled by whoever can write to the store), null in an entry
     * of a build that did not check it, whose label is no more verified.
     */
    public record SlotInUse(String id, String label, Boolean labelVerified) {
        /**
         * "1a2b3c4d (bob)", "1a2b3c4d (bob?)" where the label is not verified: the ID names the slot, a label anyone may have
         * written does not. ", label unverified" it said, which every entry before session 34 shows, and `vault journal`'s
         * column of 18 overflowed, each line's Snapshot(s) and Detail pushed right (an engineer's note).
         */
        @Override
        public String toString() {
            return id + (label == null ? "" : " (" + label + (labelUnverified() ? "?" : "") + ")");
        }

        /** A label that was not checked, or did not hold: a build's before it was checked, or one changed in the store. */
        public boolean labelUnverified() {
            return label != null && !Boolean.TRUE.equals(labelVerified);
        }
    }

    /** This entry naming {@code slot} as the one that opened the repository. */
    public JournalEntry openedWith(SlotInUse slot) {
        return new JournalEntry(operation, outcome, started, finished, host, username, paths, snapshots, verified, exitCode, detail,
                sourceHost, login, slot, replacedTrees, readTo, damagedPacks, covers, lostEntries);
    }

    /** This entry naming {@code trees} as the root trees its rewrite replaced. */
    public JournalEntry replacing(List<ObjectId> trees) {
        return new JournalEntry(operation, outcome, started, finished, host, username, paths, snapshots, verified, exitCode, detail,
                sourceHost, login, keySlot, trees, readTo, damagedPacks, covers, lostEntries);
    }

    /** This entry naming {@code pack} as the last its subset check read (null: none, or not a subset check). */
    public JournalEntry readingTo(ObjectId pack) {
        return new JournalEntry(operation, outcome, started, finished, host, username, paths, snapshots, verified, exitCode, detail,
                sourceHost, login, keySlot, replacedTrees, pack, damagedPacks, covers, lostEntries);
    }

    /** This entry naming {@code packs} as those its check or repair found damaged or missing. */
    public JournalEntry damaging(List<ObjectId> packs) {
        return new JournalEntry(operation, outcome, started, finished, host, username, paths, snapshots, verified, exitCode, detail,
                sourceHost, login, keySlot, replacedTrees, readTo, packs, covers, lostEntries);
    }

    /** This check's entry naming {@code entries} as those it read that no check before it named ({@link Coverage}). */
    public JournalEntry covering(List<String> entries) {
        return new JournalEntry(operation, outcome, started, finished, host, username, paths, snapshots, verified, exitCode, detail,
                sourceHost, login, keySlot, replacedTrees, readTo, damagedPacks, entries, lostEntries);
    }

    /** This repair's entry naming {@code entries} as those checks named that its moves under damaged/ left out ({@link Coverage}). */
    public JournalEntry losing(List<String> entries) {
        return new JournalEntry(operation, outcome, started, finished, host, username, paths, snapshots, verified, exitCode, detail,
                sourceHost, login, keySlot, replacedTrees, readTo, damagedPacks, covers, entries);
    }

    /** Who wrote it: "root (login op1)", "backup"; null where the entry names no one. */
    public String who() {
        return username == null ? null : OsUser.withLogin(username, login);
    }

    /** The longest detail kept: a summary or an error message is a line, not a log. */
    public static final int MAX_DETAIL = 1000;
    /** The most paths kept (a backup of a long --files-from list): the snapshot has them all. */
    public static final int MAX_PATHS = 100;

    /**
     * What an entry lacks of what journal, due, check and prune read in it (docs/vault-format.md §13): its operation,
     * outcome and start. One without them is a file that does not open, reported, and hides none of the others (it
     * stopped every reader with "Cannot invoke … Instant.isBefore …": a helper's).
     */
    @Override
    public String lacks() {
        return operation == null ? "no operation" : outcome == null ? "no outcome" : started == null ? "no started" : null;
    }

    public JournalEntry {
        paths = paths == null ? List.of() : List.copyOf(paths.size() > MAX_PATHS ? paths.subList(0, MAX_PATHS) : paths);
        snapshots = snapshots == null ? List.of() : List.copyOf(snapshots);
        replacedTrees = replacedTrees == null ? List.of() : List.copyOf(replacedTrees);
        damagedPacks = damagedPacks == null ? List.of() : List.copyOf(damagedPacks);
        covers = covers == null ? List.of() : List.copyOf(covers); // absent before session 37
        lostEntries = lostEntries == null ? List.of() : List.copyOf(lostEntries);
        detail = capped(detail);
    }

    /**
     * The start of the detail of an entry a command writes before it begins to delete, to stand for it if it is killed
     * outright (a forget: the snapshots it was to remove), and takes back once its own entry is written. One still there
     * says the command did not end; the snapshots it names may be there or not.
     */
    public static final String UNFINISHED = "did not end (killed outright, out of memory, or the machine stopped): ";

    /** An entry of this host and OS user, finished now. */
    public static JournalEntry of(Operation operation, Outcome outcome, Instant started, List<String> paths, List<ObjectId> snapshots,
                                  boolean verified, int exitCode, String detail) {
        return new JournalEntry(operation, outcome, started, Instant.now(), Repository.hostname(), OsUser.name(),
                paths, snapshots, verified, exitCode, detail, null, OsUser.login(), null);
    }

    /**
     * The entry that ends a source's backups on purpose (IS.012 6.4.3: a host or system decommissioned), written by this
     * host and OS user now: {@code snapshots} holds the source's newest snapshot, if it has one.
     */
    public static JournalEntry decommission(String sourceHost, List<String> sourcePaths, List<ObjectId> snapshots, String detail) {
        Instant now = Instant.now();
        return new JournalEntry(Operation.DECOMMISSION, Outcome.OK, now, now, Repository.hostname(), OsUser.name(),
                sourcePaths, snapshots, false, 0, detail, sourceHost, OsUser.login(), null);
    }

    /** The source (host, then paths sorted) this entry is about: the one a backup read, or the one a decommission ended. */
    public List<String> source() {
        return BackupsDue.key(sourceHost == null ? host : sourceHost, paths);
    }

    /**
     * How a tier's entry says which of its snapshots it forgot near-line: it names those first, then the ones it kept
     * (held) or found gone meanwhile; an older build's entry ({@code "2 forgotten near-line"}) does not tell them apart.
     */
    public static String forgottenNearLine(long count) {
        return "the first " + count + " forgotten near-line";
    }

    /** At the line's end, after the long-term location, which could hold these words itself (a re-tester's `--to`). */
    private static final java.util.regex.Pattern FORGOTTEN_NEAR_LINE =
            java.util.regex.Pattern.compile("; the first (\\d+) forgotten near-line, \\d+ kept \\(held\\)$");

    /**
     * The snapshots this entry's command removed from the repository: a forget's (none of a stand-in's: it names what
     * it was to remove, not what it did), and those a tier that ended says it forgot near-line ({@link #forgottenNearLine}).
     */
    public List<ObjectId> removed() {
        if (operation == Operation.FORGET) {
            return detail != null && detail.startsWith(UNFINISHED) ? List.of() : snapshots;
        }
        if (operation == Operation.TIER && outcome == Outcome.OK && detail != null) {
            var m = FORGOTTEN_NEAR_LINE.matcher(detail);
            if (m.find()) {
                return snapshots.subList(0, (int) Math.min(snapshots.size(), Long.parseLong(m.group(1))));
            }
        }
        return List.of();
    }

    /**
     * Whether this entry names the snapshots its command replaced, then as many it wrote in their place, in order (§13):
     * an amend's, a rewrite's or a key retirement's that ended ok. A failed one names what it was to work on; an odd
     * count tells none apart.
     */
    public boolean namesReplacedThenWritten() {
        return outcome == Outcome.OK && !snapshots.isEmpty() && snapshots.size() % 2 == 0
                && (operation == Operation.AMEND || operation == Operation.REWRITE || operation == Operation.KEY);
    }

    /**
     * The snapshots an amend, rewrite or key retirement that ended ok replaced ({@link #namesReplacedThenWritten}, the
     * first half): its command deleted each once it had written the other; and the older copies a copy's or tier's
     * amended records replaced in the target ({@link #copiesReplaced}). None of any other entry.
     */
    public List<ObjectId> replaced() {
        if (received()) {
            return copiesReplaced();
        }
        return namesReplacedThenWritten() ? snapshots.subList(0, snapshots.size() / 2) : List.of();
    }

    /**
     * How a backup's detail begins: {@code snapshot 1a2b3c4d saved (full): …}, the kind of the snapshot it wrote, which
     * the journal alone keeps once the snapshot has left the repository (forgotten, tiered).
     */
    public static String backupSaved(String shortId, Snapshot.Kind kind) {
        return "snapshot " + shortId + " saved (" + kind.json() + ")";
    }

    private static final java.util.regex.Pattern BACKUP_SAVED = java.util.regex.Pattern.compile("^snapshot \\S+ saved \\((\\w+)\\)");

    /** The kind of the snapshot a backup that did not fail wrote ({@link #backupSaved}); null of any other entry. */
    public Snapshot.Kind backupKind() {
        if (operation != Operation.BACKUP || outcome == Outcome.FAILED || detail == null) {
            return null;
        }
        var m = BACKUP_SAVED.matcher(detail);
        return m.find() ? java.util.Arrays.stream(Snapshot.Kind.values()).filter(k -> k.json().equals(m.group(1))).findFirst().orElse(null)
                : null;
    }

    /**
     * How the detail of a tier's entry in the repository it tiers begins when it ended ok: {@code 3 snapshot(s) older than
     * 30d in long-term storage at s3://…}, its near-line period as --near-line gave it.
     */
    public static String inLongTermStorage(int count, String nearLine, String to) {
        return count + " snapshot(s) older than " + nearLine + " in long-term storage at " + to;
    }

    private static final java.util.regex.Pattern IN_LONG_TERM_STORAGE = java.util.regex.Pattern.compile("^\\d+ snapshot\\(s\\) older than (\\S+) in long-term storage at ");

    /**
     * The near-line period of a tier that ended ok in the repository it tiers ({@link #inLongTermStorage}), as given; null
     * of any other entry (the long-term repository's, {@link #received}).
     */
    public String nearLinePeriod() {
        if (operation != Operation.TIER || outcome != Outcome.OK || detail == null) {
            return null;
        }
        var m = IN_LONG_TERM_STORAGE.matcher(detail);
        return m.find() ? m.group(1) : null;
    }

    /** The start of the detail of a copy's or tier's entry in the target, whose snapshots are the copies it received. */
    public static final String RECEIVED = "received ";

    /** A copy's or tier's entry in the target that ended ok: the copies it names were written there. */
    public boolean received() {
        return (operation == Operation.COPY || operation == Operation.TIER) && outcome == Outcome.OK && detail != null
                && detail.startsWith(RECEIVED);
    }

    /**
     * How the detail of a copy's or tier's entry in the target ends since 2026-12-07: the last {@code count} IDs it names,
     * after the copies, are the snapshots they were made of, by their IDs in the source (§13). `journal --snapshot` there
     * found nothing of a near-line ID, which no entry named (a tester's repro-4).
     */
    public static String originalsNamed(int count) {
        return "; the last " + count + " ID(s) named are the originals";
    }

    private static final java.util.regex.Pattern ORIGINALS_NAMED = java.util.regex.Pattern.compile("; the last (\\d+) ID\\(s\\) named are the originals$");

    /**
     * How the detail of a copy's or tier's entry in the target says, before {@link #originalsNamed}, that the amended records
     * it brought replaced {@code count} older copies there, named between the copies and the originals (§13). Named
     * among the copies, each after the one that replaced it, they read as written, and check knew none put back once its
     * successor had left too (an amend's or a rewrite's it knew by their entries).
     */
    public static String copiesReplaced(int count) {
        return count == 0 ? "" : "; their amended records replaced " + count + " older copy(ies), the " + count
                + " ID(s) named before the originals";
    }

    private static final java.util.regex.Pattern COPIES_REPLACED =
            java.util.regex.Pattern.compile("; their amended records replaced (\\d+) older copy\\(ies\\), the \\d+ ID\\(s\\) named before the"
                    + " originals; the last \\d+ ID\\(s\\) named are the originals$");

    /**
     * The older copies the amended records of a {@link #received} entry replaced ({@link #copiesReplaced}), deleted from the
     * target once each new one was written; none of an entry that names none, or of an older build's, which named them
     * among the copies.
     */
    public List<ObjectId> copiesReplaced() {
        if (!received()) {
            return List.of();
        }
        var m = COPIES_REPLACED.matcher(detail);
        if (!m.find()) {
            return List.of();
        }
        int end = snapshots.size() - originals().size();
        return snapshots.subList(Math.max(0, end - (int) Math.min(end, Long.parseLong(m.group(1)))), end);
    }

    /** The source snapshots a {@link #received} entry names after its copies ({@link #originalsNamed}); none of an older build's. */
    public List<ObjectId> originals() {
        if (!received()) {
            return List.of();
        }
        var m = ORIGINALS_NAMED.matcher(detail);
        return m.find() ? snapshots.subList(snapshots.size() - (int) Math.min(snapshots.size(), Long.parseLong(m.group(1))), snapshots.size())
                : List.of();
    }

    /**
     * The snapshots this entry says its command wrote in the repository: a backup's or recover's that did not fail; those
     * an amend, rewrite or key retirement wrote in place of others ({@link #namesReplacedThenWritten}, the second half);
     * the copies a copy or tier {@link #received} (not the older copies they replaced, nor the originals it names after
     * them). None of any other entry.
     */
    public List<ObjectId> written() {
        return switch (operation) {
            case BACKUP, RECOVER -> outcome == Outcome.FAILED ? List.of() : snapshots;
            case AMEND, REWRITE, KEY -> namesReplacedThenWritten() ? snapshots.subList(snapshots.size() / 2, snapshots.size()) : List.of();
            case COPY, TIER -> received() ? snapshots.subList(0, snapshots.size() - originals().size() - copiesReplaced().size()) : List.of();
            default -> List.of();
        };
    }

    /**
     * The operations whose command writes a stand-in (a forget, a tier, a rewrite): a read of the journal keeps the command of
     * their entries alone, to take out a stand-in beside its command's own entry ({@link Journal#read}).
     */
    public static final java.util.Set<Operation> STOOD_IN_FOR = java.util.EnumSet.of(Operation.FORGET, Operation.TIER, Operation.REWRITE);

    /** The entry a forget or tier writes before it deletes, standing for it should it be killed outright. */
    public boolean standIn() {
        return outcome == Outcome.FAILED && exitCode == 137 && detail != null && detail.startsWith(UNFINISHED);
    }

    /** The command an entry is of: its operation, host, user and start; a stand-in and its command's own entry share it. */
    List<Object> command() {
        return java.util.Arrays.asList(operation, host, username, started);
    }

    /**
     * How a restore's detail begins when --include chose what it restored: {@code restored 1 of 3 files (--include
     * /src/readme), …}, the snapshot's count when its record keeps one ({@code restored 1 files (--include …)} when not).
     */
    public static String restoredChosen(long files, Long ofFiles, List<String> includes) {
        return "restored " + files + (ofFiles == null ? "" : " of " + ofFiles) + " files (--include " + String.join(" --include ", includes) + ")";
    }

    private static final java.util.regex.Pattern RESTORED_CHOSEN = java.util.regex.Pattern.compile("^restored \\d+ (of \\d+ )?files \\(--include ");

    /**
     * A restore proved byte for byte: the evidence of a tested recovery (IS.012 6.6.4, policy 2.11). Not one of paths
     * --include chose ({@link #restoredChosen}): one file of three restored and verified was the last tested restore
     * for journal and check, its entry as a whole one's (a tester's repro-3); it proves those files, not the recovery.
     */
    public boolean verifiedRestore() {
        return operation == Operation.RESTORE && outcome == Outcome.OK && verified && (detail == null || !RESTORED_CHOSEN.matcher(detail).find());
    }

    /**
     * The detail as the command said it, at most {@link #MAX_DETAIL} characters. Its control characters are kept, each shown
     * escaped where it is printed: turned into spaces, a failed backup of "/x/a<LF>b" was recorded as one of "/x/a b", a
     * path that exists (a helper's).
     */
    static String capped(String s) {
        return s == null || s.length() <= MAX_DETAIL ? s : s.substring(0, MAX_DETAIL);
    }

    /**
     * What was done. {@code init}: the repository created; {@code key}: a key slot added or removed, a key epoch rotated or retired; {@code amend}: snapshots'
     * records corrected; {@code rewrite}: paths taken out of snapshots; {@code repair}, {@code recover}, {@code upgrade}, {@code unlock}: the repository mended, its
     * unreferenced trees saved, its format moved on, lock files removed; {@code dispose}: a disposal refused here, or,
     * in the repository that keeps the copies, one done; {@code decommission}: a source's backups ended on purpose.
     */
    public enum Operation implements LowerCaseJson {
        INIT, BACKUP, RESTORE, DUMP, CHECK, FORGET, PRUNE, COPY, TIER, HOLD, RELEASE, KEY, AMEND, REPAIR, RECOVER, UPGRADE, UNLOCK, DISPOSE, REWRITE,
        DECOMMISSION;
    }

    /**
     * How it ended: ok; incomplete (a backup's snapshot lacks paths it could not read, a restore's target did not take
     * all metadata: exit code 3); failed (no snapshot written, a restore or dump stopped, a check found errors, any
     * other command that exited with an error).
     */
    public enum Outcome implements LowerCaseJson {
        OK, INCOMPLETE, FAILED;
    }
}
