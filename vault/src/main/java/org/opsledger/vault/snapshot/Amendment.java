package org.opsledger.vault.snapshot;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.opsledger.vault.VaultException;
import org.opsledger.vault.checker.Recoverer;
import org.opsledger.vault.copier.Copier;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.repository.KeyEpochs;

/**
 * IS.012 6.6.5: backup records must be accurate and complete. A correction of a snapshot's record made after the
 * backup (a data owner or classification given wrong or not at all, a retention to lengthen, a tag): the snapshot is
 * written anew with the corrected record and the same tree, time of capture, host and paths, and the record says
 * what it replaced, when, by whom and why ({@value #AMENDED_FROM} and {@value #AMENDED} tags). A record amended again
 * keeps what the amendments before said: both tags list every amendment, newest first. Retention is only ever
 * lengthened: a shorter or removed one would let `forget` delete what was promised kept.
 *
 * @param dataOwner      the new data owner, or null to keep the one recorded
 * @param classification the new classification, or null to keep it
 * @param retainUntil    the new retention date, or null to keep it; never earlier than the one recorded
 * @param tags           tags to set (added, or replacing the value of one with that name)
 * @param untag          names of tags to remove
 * @param reason         why the record is corrected (required; kept in the {@value #AMENDED} tag)
 * @param by             who corrects it
 */
public record Amendment(String dataOwner, String classification, LocalDate retainUntil, Map<String, String> tags,
                        Set<String> untag, String reason, String by) {

    /** The tag naming the snapshot IDs an amended record replaced, newest first, separated by spaces. */
    public static final String AMENDED_FROM = "amended-from";
    /**
     * The tag saying when, by whom and why a record was amended, one line per amendment, newest first:
     * {@code 2026-12-04T21:00:00Z by alice: reason}.
     */
    public static final String AMENDED = "amended";
    /** Tags the vault writes itself: set by `copy`, `tier`, `recover`, `amend`, `rewrite` and `key retire`, never by hand. */
    public static final Set<String> RESERVED_TAGS = Set.of(Copier.COPIED_FROM, Recoverer.TAG, AMENDED_FROM, AMENDED, KeyEpochs.RESEALED_FROM,
            Rewriter.REWRITTEN_FROM, Rewriter.REWRITTEN, Rewriter.REWRITTEN_TREES);
    /** Why a tag of {@link #RESERVED_TAGS} is refused. */
    public static final String RESERVED = "is written by the vault itself (by copy, tier, recover, amend, rewrite and key retire), not by hand";
    /** Longest reason taken: a ticket and a line, as a hold's. */
    public static final int MAX_REASON = 1000;

    public Amendment {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        untag = untag == null ? Set.of() : Set.copyOf(untag);
    }

    /** The record as amended, for the snapshot {@code id}; throws, naming the rule, if the amendment may not be made. */
    public Snapshot applyTo(ObjectId id, Snapshot s, Instant now) {
        requireReason("an amendment", "corrected", reason, by);
        if (dataOwner != null && dataOwner.isBlank()) {
            throw new VaultException("the data owner cannot be blank (IS.012 6.6.5.1)");
        }
        for (Set<String> names : List.of(tags.keySet(), untag)) {
            for (String name : names) {
                if (RESERVED_TAGS.contains(name)) {
                    throw new VaultException("the tag " + name + " " + RESERVED);
                }
            }
        }
        for (String name : untag) {
            if (s.tags() == null || !s.tags().containsKey(name)) {
                throw new VaultException("snapshot " + id.shortHex() + " has no tag " + name);
            }
        }
        if (retainUntil != null && s.retainUntil() != null && retainUntil.isBefore(s.retainUntil())) {
            throw new VaultException("snapshot " + id.shortHex() + " is retained until " + s.retainUntil() + ": retention is lengthened,"
                    + " never shortened (forget would delete what was promised kept until then); " + retainUntil + " is earlier");
        }
        Map<String, String> tagsBefore = s.tags() == null ? Map.of() : s.tags();
        Map<String, String> newTags = new LinkedHashMap<>(tagsBefore);
        newTags.keySet().removeAll(untag);
        newTags.putAll(tags);
        String owner = dataOwner == null ? s.dataOwner() : dataOwner;
        String cls = classification == null ? s.classification() : classification;
        LocalDate until = retainUntil == null ? s.retainUntil() : retainUntil;
        if (Objects.equals(owner, s.dataOwner()) && Objects.equals(cls, s.classification()) && Objects.equals(until, s.retainUntil())
                && newTags.equals(tagsBefore)) {
            throw new VaultException("nothing to amend: snapshot " + id.shortHex() + "'s record already says that");
        }
        newTags.put(AMENDED_FROM, RecordHistory.prepend(id.hex(), tagsBefore.get(AMENDED_FROM), RecordHistory.IDS));
        newTags.put(AMENDED, RecordHistory.prepend(DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS)) + " by " + by
                + ": " + reason, tagsBefore.get(AMENDED), RecordHistory.LINES));
        return s.withRecord(owner, cls, until, newTags);
    }

    /**
     * A change to a record ({@code what}: "an amendment", "a rewrite"; {@code done}: "corrected", "rewritten") says why
     * and by whom, each in one line of the record's history (IS.012 6.6.5); throws naming what is missing.
     */
    static void requireReason(String what, String done, String reason, String by) {
        if (reason == null || reason.isBlank()) {
            throw new VaultException(what + " needs a reason (IS.012 6.6.5: the record says why it was " + done + ")");
        }
        if (by == null || by.isBlank()) {
            throw new VaultException(what + " names who makes it (IS.012 6.6.5: the record says who " + done + " it)");
        }
        if (reason.length() > MAX_REASON) {
            throw new VaultException(what + "'s reason has at most " + MAX_REASON + " characters, got " + reason.length());
        }
        if (!oneLine(reason) || !oneLine(by)) { // each change is one line of the record's history
            throw new VaultException(what + "'s reason and author are one line each, without control characters");
        }
    }

    /** Whether {@code s} is one line without control characters, as a record's history keeps each entry. */
    public static boolean oneLine(String s) {
        return s.chars().noneMatch(Character::isISOControl);
    }
}
