package org.opsledger.vault.journal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.crypto.Sealing;

/**
 * Which entries of the journal checks have named, and which of those it no longer holds (docs/vault-format.md §13,
 * "Deletion made evident"). Whoever can write to the store can delete an entry's file without a password; each check
 * names in its entry ({@link JournalEntry#covers}) the entries it read that no check before it named, by a digest of
 * their plaintext that survives a prune's segments and a key retirement's sealing again, and each later check finds the
 * ones gone (IS.012 6.6.5; the policy's 6.4: logs kept from being deleted, administrators from erasing their own). Filled by one reading of the journal ({@link Journal#read}), entry by entry in any
 * order: it holds a digest for each entry and a short description of those no check named yet, not the entries.
 */
public final class Coverage {

    /** Hex digits of an entry's digest: 64 bits, no two of a journal's alike. */
    static final int DIGEST_HEX = 16;
    private static final java.util.regex.Pattern DIGEST = java.util.regex.Pattern.compile("[0-9a-f]{" + DIGEST_HEX + "}");

    /**
     * The digest that names an entry (§13): the first 16 hex digits of the SHA-256 of the lines of its fields that every
     * build keeps as they are when it gathers or seals again an entry; not of its file, whose name changes then. It says
     * when and by whom, not what: {@link #content} binds the rest.
     */
    public static String digest(JournalEntry e) {
        return hex16(identity(e));
    }

    /** The lines {@link #digest} is of: operation, outcome, started, finished, host, username, exit code, snapshots. */
    private static StringBuilder identity(JournalEntry e) {
        StringBuilder text = new StringBuilder(160).append(e.operation().json()).append('\n').append(e.outcome().json()).append('\n');
        epochNanos(text, e.started()).append('\n');
        if (e.finished() != null) {
            epochNanos(text, e.finished());
        }
        text.append('\n').append(nonNull(e.host())).append('\n').append(nonNull(e.username())).append('\n').append(e.exitCode()).append('\n');
        for (int i = 0; i < e.snapshots().size(); i++) {
            text.append(i == 0 ? "" : ",").append(e.snapshots().get(i).hex());
        }
        return text.append('\n');
    }

    private static String hex16(CharSequence text) {
        byte[] sha = Sealing.sha256().digest(text.toString().getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha, 0, DIGEST_HEX / 2);
    }

    /**
     * The three digests of an entry's content (§13) that a covers line of this build carries after the entry's
     * {@link #digest}, each of more of its fields than the one after it: {@code whole}, of every field; {@code who}, of
     * those every build since commit 83d680ed keeps when it gathers or seals an entry again (all but the fields of
     * session 37's and the day's before: labelVerified, replacedTrees, readTo, damagedPacks, covers, lostEntries);
     * {@code what}, of those every build keeps (all but those and login, the key slot). An entry an older build sealed
     * again matches the digest of what that build kept, and lacks what it dropped; one a password holder rewrote does not.
     */
    public record Content(long whole, long who, long what) {
        private static final java.util.regex.Pattern WORD = java.util.regex.Pattern.compile(
                "content=([0-9a-f]{" + DIGEST_HEX + "}),([0-9a-f]{" + DIGEST_HEX + "}),([0-9a-f]{" + DIGEST_HEX + "})");

        /** "content=WHOLE,WHO,WHAT", the last word of a covers line. */
        @Override
        public String toString() {
            return "content=" + hex(whole) + "," + hex(who) + "," + hex(what);
        }

        /** One as {@link #toString} wrote it; null for any other word. */
        static Content parse(String word) {
            var m = WORD.matcher(word);
            return m.matches() ? new Content(key(m.group(1)), key(m.group(2)), key(m.group(3))) : null;
        }
    }

    /** The digests of {@code e}'s content (§13): canonical lines after those of its {@link #digest}, as {@link Content} says. */
    public static Content content(JournalEntry e) {
        StringBuilder text = identity(e);
        values(text, e.paths()).append(value(e.detail())).append(e.verified()).append('\n').append(value(e.sourceHost()));
        long what = key(hex16(text));
        JournalEntry.SlotInUse slot = e.keySlot();
        text.append(value(e.login())).append(value(slot == null ? null : slot.id())).append(value(slot == null ? null : slot.label()));
        long who = key(hex16(text));
        text.append(slot == null || slot.labelVerified() == null ? "-" : slot.labelVerified().toString()).append('\n');
        values(text, e.replacedTrees().stream().map(ObjectId::hex).toList()).append(value(e.readTo() == null ? null : e.readTo().hex()));
        values(text, e.damagedPacks().stream().map(ObjectId::hex).toList());
        values(values(text, e.covers()), e.lostEntries());
        return new Content(key(hex16(text)), who, what);
    }

    /** A value's line: its length in UTF-8 bytes, a colon and the value (which may hold line ends); "-" where absent. */
    private static String value(String s) {
        return s == null ? "-\n" : s.getBytes(StandardCharsets.UTF_8).length + ":" + s + "\n";
    }

    /** A list's lines: how many, then each as {@link #value}. */
    private static StringBuilder values(StringBuilder text, List<String> list) {
        text.append(list.size()).append('\n');
        list.forEach(s -> text.append(value(s)));
        return text;
    }

    /** "1796433367.100000000": the epoch second, and the nanosecond in nine digits. */
    private static StringBuilder epochNanos(StringBuilder text, Instant t) {
        String nanos = Integer.toString(t.getNano());
        return text.append(t.getEpochSecond()).append('.').append("0".repeat(9 - nanos.length())).append(nanos);
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    /**
     * How a check's {@code covers} names an entry: "9f3c0e4a1b2d5c6e 2026-12-05T01:16:07.100Z backup web-1
     * content=WHOLE,WHO,WHAT" (the last word since session 38: {@link Content}).
     */
    public static String describe(JournalEntry e) {
        return named(e).toString();
    }

    private static Named named(JournalEntry e) {
        return new Named(digest(e), e.started(), e.operation().json(), e.host(), content(e));
    }

    /**
     * An entry as {@code covers} or {@code lostEntries} names it; {@code content} null in a line of a build of session 37,
     * which named entries by their {@link #digest} alone.
     */
    public record Named(String digest, Instant started, String operation, String host, Content content) {
        @Override
        public String toString() {
            return digest + " " + started + " " + operation + " " + (host == null ? "-" : host) + (content == null ? "" : " " + content);
        }

        /** "the backup on web-1 started 2026-12-05 01:16:07 UTC (entry 9f3c0e4a1b2d5c6e)". */
        public String said() {
            return "the " + operation + (host == null ? "" : " on " + host) + " started " + Journal.utc(started) + " (entry " + digest + ")";
        }

        /** The digest that names it in an anchor: its whole content's where the line gives it, else its {@link #digest}. */
        long name() {
            return content == null ? key(digest) : content.whole();
        }

        /** One as {@link #toString} wrote it; null for a line that is not (written by hand, or by a later build). */
        static Named parse(String line) {
            String[] words = line == null ? new String[0] : line.split(" ", 4);
            if (words.length < 4 || !DIGEST.matcher(words[0]).matches()) {
                return null;
            }
            int last = words[3].lastIndexOf(' ');
            Content content = last < 0 ? null : Content.parse(words[3].substring(last + 1));
            String host = content == null ? words[3] : words[3].substring(0, last);
            try {
                return new Named(words[0], Instant.parse(words[1]), words[2], host.equals("-") ? null : host, content);
            } catch (java.time.DateTimeException e) {
                return null;
            }
        }
    }

    /**
     * An entry a check named that the journal does not hold: {@code namedBy}, the check that named it (its own entry, as
     * {@link Named}); {@code lostIn}, the repair that names it among those its moves under damaged/ left out, or null.
     */
    public record Missing(Named entry, Named namedBy, Named lostIn) {
    }

    /**
     * An entry a check named with its {@link Content} that the journal holds otherwise (§13): {@code change} says what is
     * no longer as that check read it; {@code olderBuild}, that the entry lacks every field an older build drops where it
     * differs, as that build leaves an entry it gathers or seals again (a warning, where the rest is an error).
     */
    public record Altered(Named entry, Named namedBy, String change, boolean olderBuild) {
        /** "which the check of 2026-12-05 02:00:00 UTC on web-9 read, is no longer as it read it: its … changed". */
        public String found() {
            return "which the check of " + Journal.utc(namedBy.started()) + (namedBy.host() == null ? "" : " on " + namedBy.host())
                    + " read, is no longer as it read it: " + change + " changed";
        }
    }

    /**
     * An entry dated before a check that did not read it, or before the repository's {@code init} (§13, "Backdated
     * entries"): written later with an earlier date. {@code check}, the check that began after it had ended (null: dated
     * before the init); {@code otherLine}, where the checks ran on two lines, the check of the other line (the one that
     * named it, or for one none has named, a check none has named) that read none of the checks that missed it and read
     * what the first of them read at a fork the entry is dated after: copies of the repository written apart and merged
     * back, an entry of one dated before the other's checks (a warning; null, an error). A check's entry a password holder
     * writes can claim as much (§13): the warning names it.
     */
    public record Backdated(Named entry, Instant finished, Named check, Instant init, Named otherLine) {
        /** Whether the checks that missed it ran on another line than the one that read it ({@code otherLine}): a warning. */
        public boolean twoLines() {
            return otherLine != null;
        }

        /**
         * "is dated before the repository's init (…)", or "ended …, before the check of … began, which read every entry
         * there was and not this one".
         */
        public String found() {
            return init != null ? "is dated before the repository's init (" + Journal.utc(init) + ")"
                    : "ended " + Journal.utc(finished == null ? entry.started() : finished) + ", before the check of "
                    + Journal.utc(check.started()) + (check.host() == null ? "" : " on " + check.host()) + " began, which read every"
                    + " entry there was and not this one";
        }
    }

    /**
     * What check finds of an entry as the journal holds it now (§13), for `vault journal` to show beside it:
     * {@code kind} "altered", "backdated" (both errors of check), "two lines" or "fields dropped" (its warnings: a copy
     * merged back, or backdated; an older build's prune, or a password holder, took out its key slot and login) or
     * "dated in the future" (a check or init dated after a clock that followed it: an error of check, until acknowledged);
     * {@code entry}, its digest, as check names it and `vault journal --acknowledge` takes it; {@code found}, the entry
     * named as check's line names it and what that line says of it.
     */
    public record Finding(String kind, String entry, String found) {
        /** Whether `vault journal --acknowledge` takes it ({@link #ACKNOWLEDGEABLE}); an entry altered or backdated is an incident. */
        public boolean acknowledgeable() {
            return ACKNOWLEDGEABLE.contains(kind);
        }
    }

    /** The kinds of {@link Finding}, as check's lines and `vault journal`'s marks say them, and an acknowledgement names them. */
    public static final String ALTERED = "altered";
    public static final String BACKDATED = "backdated";
    public static final String TWO_LINES = "two lines";
    public static final String FIELDS_DROPPED = "fields dropped";
    /** A check or init dated after a clock that followed it ({@link #datedAhead}): an error of check, until acknowledged. */
    public static final String DATED_AHEAD = "dated in the future";
    /**
     * The findings an operator can acknowledge ({@link Acknowledgement}): a clock that ran ahead, copies merged back, an
     * older build's prune. Not {@link #ALTERED} nor {@link #BACKDATED}: an entry rewritten, or written later with an earlier
     * date, with the password is a forgery, and acknowledged it would stand as evidence (a restore as the recovery test).
     */
    public static final List<String> ACKNOWLEDGEABLE = List.of(DATED_AHEAD, TWO_LINES, FIELDS_DROPPED);

    /** How an acknowledgement's detail begins (§13): "acknowledged entry 9f3c0e4a1b2d5c6e (dated in the future): WHY (by WHO)". */
    public static final String ACKNOWLEDGED = "acknowledged entry ";
    private static final java.util.regex.Pattern ACKNOWLEDGING = java.util.regex.Pattern.compile("^" + ACKNOWLEDGED + "([0-9a-f]{"
            + DIGEST_HEX + "}) \\((" + String.join("|", ACKNOWLEDGEABLE) + ")\\): (.*) \\(by (.*)\\)$", java.util.regex.Pattern.DOTALL);

    /** The detail of the entry that acknowledges {@code kind} of the entry {@code digest}: why, and who decided it. */
    public static String acknowledging(String digest, String kind, String why, String by) {
        return ACKNOWLEDGED + digest + " (" + kind + "): " + why + " (by " + by + ")";
    }

    /**
     * An operator's acknowledgement of what check finds of an entry (§13, "Acknowledged findings"): a {@code check}
     * entry without covers (every build reads that operation; one it does not know makes the whole file unreadable to
     * it) whose detail is {@link #acknowledging}: {@code entry}, the digest of the entry acknowledged; {@code kind}, one of
     * {@link #ACKNOWLEDGEABLE}; {@code why} and {@code by}, as given; {@code self}, its own entry as a check names it, and
     * {@code writer}, who wrote it ("root (login op1) on vm, key slot 03462a06 (alice)"). It is itself an entry: the next
     * check names it, and deleted or altered it is reported, its acknowledgement gone with it.
     */
    public record Acknowledgement(String entry, String kind, String why, String by, Named self, String writer) {
        /** The acknowledgement {@code e} (whose name is {@code self}) makes; null for any other entry. */
        static Acknowledgement of(JournalEntry e, Named self) {
            if (e.operation() != JournalEntry.Operation.CHECK || !e.covers().isEmpty() || e.detail() == null) {
                return null;
            }
            var m = ACKNOWLEDGING.matcher(e.detail());
            if (!m.matches()) {
                return null;
            }
            String writer = (e.who() == null ? "-" : e.who()) + (e.host() == null ? "" : " on " + e.host())
                    + (e.keySlot() == null ? "" : ", key slot " + e.keySlot());
            return new Acknowledgement(m.group(1), m.group(2), m.group(3), m.group(4), self, writer);
        }

        /** "acknowledged on 2026-12-07 15:02:11 UTC by alice (root (login op1) on vm, key slot 03462a06 (alice); entry …): WHY". */
        public String said() {
            return "acknowledged on " + Journal.utc(self.started()) + " by " + by + " (" + writer + "; entry " + self.digest() + "): " + why;
        }
    }

    /** The acknowledgements read, oldest first once sorted ({@link #acknowledged}). */
    private final List<Acknowledgement> acknowledgements = new ArrayList<>();

    /**
     * The acknowledgements that stand, by the digest of the entry and the kind they acknowledge (the earliest of each): not
     * one whose own entry check finds altered or backdated (a forged acknowledgement acknowledges nothing). Empty, and
     * nothing computed, where the journal holds none.
     */
    public Map<List<String>, Acknowledgement> acknowledged() {
        if (acknowledgements.isEmpty()) {
            return Map.of();
        }
        Set<String> forged = new HashSet<>();
        altered().stream().filter(a -> !a.olderBuild()).forEach(a -> forged.add(a.entry().digest()));
        backdated().stream().filter(b -> !b.twoLines()).forEach(b -> forged.add(b.entry().digest()));
        Map<List<String>, Acknowledgement> standing = new HashMap<>();
        acknowledgements.stream().filter(a -> !forged.contains(a.self().digest())).sorted(Comparator.comparing(a -> a.self().started()))
                .forEach(a -> standing.putIfAbsent(List.of(a.entry(), a.kind()), a));
        return standing;
    }

    /**
     * The acknowledgements that stand ({@link #acknowledged}) by the whole content digest of each entry they acknowledge,
     * for `vault journal` to mark it.
     */
    public Map<Long, Acknowledgement> acknowledgedEntries() {
        Map<Long, Acknowledgement> marked = new HashMap<>();
        acknowledged().values().forEach(a -> {
            for (Here h = here.get(key(a.entry())); h != null; h = h.next()) {
                marked.putIfAbsent(h.named().content().whole(), a);
            }
        });
        return marked;
    }

    /**
     * The entries an acknowledgement of an entry dated ahead takes at their dates: those that entry, were its date taken as
     * right, would make backdated (§13). A clock that ran ahead, they were written after it and are as dated; a check
     * written early by a password holder to discount the init or a check, they are what he laundered. Check names them in
     * the acknowledgement's line, and none of them is the recovery test (IS.012 6.6.4).
     */
    public List<Backdated> takenOnItsWord(Acknowledgement a) {
        Set<String> ahead = aheadDigests();
        if (!DATED_AHEAD.equals(a.kind()) || !ahead.contains(a.entry())) {
            return List.of();
        }
        Set<String> bounding = new HashSet<>(ahead);
        bounding.remove(a.entry()); // a bound again: what it would make backdated, but what it read itself, before its namer
        Set<String> already = new HashSet<>(backdated().stream().map(b -> b.entry().digest()).toList());
        return backdated(bounding, ahead).stream().filter(b -> !already.contains(b.entry().digest()) && !b.entry().digest().equals(a.entry()))
                .toList();
    }

    /** The digests of the entries no verified restore may be among to be the recovery test: backdated, or taken on an acknowledgement's word. */
    public Set<String> notEvidenceOfARestore() {
        Set<String> out = new HashSet<>(backdated().stream().map(b -> b.entry().digest()).toList());
        acknowledged().values().forEach(a -> takenOnItsWord(a).forEach(b -> out.add(b.entry().digest())));
        return out;
    }

    /**
     * What an acknowledgement of the entry {@code digest} acknowledges now: the first of {@link #ACKNOWLEDGEABLE} check finds
     * of it that no acknowledgement covers yet. Refused (a {@link org.opsledger.vault.VaultException} of one line) for an
     * entry check finds altered or backdated, one it finds nothing wrong with, and one whose finding is acknowledged already.
     */
    public String toAcknowledge(String digest) {
        List<String> kinds = new ArrayList<>();
        for (Altered a : altered()) {
            if (a.entry().digest().equals(digest)) {
                kinds.add(a.olderBuild() ? FIELDS_DROPPED : ALTERED);
            }
        }
        for (Backdated b : backdated()) {
            if (b.entry().digest().equals(digest)) {
                kinds.add(b.twoLines() ? TWO_LINES : BACKDATED);
            }
        }
        if (aheadDigests().contains(digest)) {
            kinds.add(DATED_AHEAD);
        }
        String said = here.get(key(digest)).named().said();
        for (String forged : List.of(ALTERED, BACKDATED)) {
            if (kinds.contains(forged)) {
                throw new org.opsledger.vault.VaultException(said + " is " + forged + " (`vault check` says how): an entry " + forged
                        + " with the repository's password is an incident, not acknowledged; it would stand as evidence (§13)");
            }
        }
        Map<List<String>, Acknowledgement> standing = acknowledged();
        for (String kind : ACKNOWLEDGEABLE) {
            if (kinds.contains(kind) && !standing.containsKey(List.of(digest, kind))) {
                return kind;
            }
        }
        if (!kinds.isEmpty()) {
            Acknowledgement a = standing.get(List.of(digest, kinds.getFirst()));
            throw new org.opsledger.vault.VaultException(said + ", " + kinds.getFirst() + ", was " + a.said() + ": nothing to add");
        }
        throw new org.opsledger.vault.VaultException(said + " has no finding to acknowledge: `vault check` finds nothing wrong with it"
                + " (an entry " + String.join(", ", ACKNOWLEDGEABLE) + " is acknowledged; one altered or backdated is not)");
    }

    /** The entries read whose digest begins {@code prefix} (lower-case hex), one of each digest. */
    public List<Named> entriesNamed(String prefix) {
        return here.values().stream().map(Here::named).filter(n -> n.digest().startsWith(prefix)).toList();
    }

    /**
     * {@link #altered}, {@link #backdated} and {@link #datedAhead} (check's own verification) by the entry each names, as
     * it is here: the whole content digest ({@link Content#whole}) of each entry that is not as a check read it (an entry
     * of the digest a line names, with other content), or is dated where it cannot be. Altered first, then backdated,
     * where more than one.
     */
    public Map<Long, Finding> findings() {
        Map<Long, Finding> found = new HashMap<>();
        for (Altered a : altered()) {
            for (Here h = here.get(key(a.entry().digest())); h != null; h = h.next()) {
                found.putIfAbsent(h.named().content().whole(), new Finding(a.olderBuild() ? FIELDS_DROPPED : ALTERED,
                        a.entry().digest(), a.entry().said() + ", " + a.found()));
            }
        }
        for (Backdated b : backdated()) {
            found.putIfAbsent(b.entry().content().whole(), new Finding(b.twoLines() ? TWO_LINES : BACKDATED,
                    b.entry().digest(), b.entry().said() + " " + b.found()));
        }
        for (Ahead a : datedAhead()) { // IS.012 6.6.5: an error of check until acknowledged, as check's entriesDatedAhead says it
            found.putIfAbsent(a.entry().content().whole(), new Finding(DATED_AHEAD, a.entry().digest(),
                    a.entry().said() + a.datedAfter("this reading of the journal began")));
        }
        return found;
    }

    /**
     * A check or init dated after a clock that followed it (§13, "Backdated entries"): after the check {@code readBy}
     * ended, which read it, or (null) after this reading began, more than {@link #SKEW} each: written on a host whose clock
     * ran ahead, or by someone with the password. It bounds nothing: the entries dated before it are not backdated by it.
     */
    public record Ahead(Named entry, Named readBy) {
        /** " is dated after {@code now}" (this check began), or " is dated after the check of … on … ended, which read it". */
        public String datedAfter(String now) {
            return readBy == null ? " is dated after " + now : " is dated after the check of " + Journal.utc(readBy.started())
                    + (readBy.host() == null ? "" : " on " + readBy.host()) + " ended, which read it";
        }
    }

    /** An entry read that a check named. */
    private static final Object NAMED_AND_HERE = new Object();

    /** How far apart two hosts' clocks, and an entry's end and its write, may be before an entry reads as backdated. */
    public static final java.time.Duration SKEW = java.time.Duration.ofHours(1);

    /**
     * By digest: {@link #NAMED_AND_HERE}; a {@link Named} for an entry here that no check named (so far); a
     * {@link Missing} for one a check named that was not read (so far).
     */
    private final Map<Long, Object> state = new HashMap<>();
    /** What each check with covers named, by the check's digest, each by its digest: the anchor's closure of session 37. */
    private final Map<Long, long[]> coversOf = new HashMap<>();
    /** What each check with covers named, by the check's digest and by its whole content's, each by {@link Named#name}. */
    private final Map<Long, long[]> namesOf = new HashMap<>();
    /** The whole content digests of the checks with covers. */
    private final Set<Long> checkWholes = new HashSet<>();
    /** The entries repairs name as lost, by digest: the repair. */
    private final Map<Long, Named> lost = new HashMap<>();
    /** The newest check that named entries. */
    private Named newestCheck;
    /** The earliest init a check named, here or not. */
    private Named namedInit;

    /** An entry read: as a check would name it, when it ended, and whether it lacks what older builds drop. */
    private record Here(Named named, Instant finished, boolean lacksSince37, boolean lacksWho, boolean carriedHold, Here next) {
    }

    /** The entries read, by digest (two of one digest, one a forgery, chained). */
    private final Map<Long, Here> here = new HashMap<>();
    /** The whole content digests of the entries read. */
    private final Set<Long> wholes = new HashSet<>();
    /** The entries named with their content, by the whole content digest the line gives: the line, and the check. */
    private final Map<Long, Named[]> contentNamed = new HashMap<>();
    /** By digest, the earliest check that named the entry. */
    private final Map<Long, Named> firstNamedBy = new HashMap<>();
    /** The repository's init, the earliest. */
    private Instant init;
    /** That init's entry. */
    private Named initEntry;
    /** When this reading began: no check read it, and none that follows it, began after it. */
    private final Instant readAt = Instant.now();

    private static long key(String digest) {
        return Long.parseUnsignedLong(digest, 16);
    }

    /** One entry read (a stand-in is never named: its command takes it back). */
    void take(JournalEntry e) {
        if (e.standIn()) {
            return;
        }
        Named self = named(e);
        long id = key(self.digest());
        here.put(id, new Here(self, e.finished(), e.covers().isEmpty() && e.lostEntries().isEmpty(),
                e.login() == null && e.keySlot() == null, HoldHistory.datedAtNearLineHold(e), here.get(id)));
        wholes.add(self.content().whole());
        Acknowledgement acknowledges = Acknowledgement.of(e, self);
        if (acknowledges != null) {
            acknowledgements.add(acknowledges);
        }
        if (e.operation() == JournalEntry.Operation.INIT && (init == null || e.started().isBefore(init))) {
            init = e.started();
            initEntry = self;
        }
        Object was = state.get(id);
        if (was == null) {
            state.put(id, self);
        } else if (was instanceof Missing) {
            state.put(id, NAMED_AND_HERE);
        }
        if (e.operation() == JournalEntry.Operation.CHECK && !e.covers().isEmpty()) {
            List<Long> digests = new ArrayList<>();
            List<Long> names = new ArrayList<>();
            for (String line : e.covers()) {
                Named n = Named.parse(line);
                if (n == null) {
                    continue;
                }
                long k = key(n.digest());
                digests.add(k);
                names.add(n.name());
                if (n.content() != null) {
                    contentNamed.putIfAbsent(n.name(), new Named[] {n, self});
                }
                firstNamedBy.merge(k, self, (a, b) -> b.started().isBefore(a.started()) ? b : a);
                if (n.operation().equals(JournalEntry.Operation.INIT.json()) && (namedInit == null || n.started().isBefore(namedInit.started()))) {
                    namedInit = n;
                }
                Object before = state.get(k);
                if (before == null) {
                    state.put(k, new Missing(n, self, null));
                } else if (before instanceof Named) {
                    state.put(k, NAMED_AND_HERE);
                }
            }
            // a check read what every entry of its digest names: a copy of its entry with covers cut (a password holder's)
            // stands for none of what it read, which made the backdated entries it named two lines (§13)
            coversOf.merge(id, digests.stream().mapToLong(Long::longValue).toArray(),
                    (a, b) -> java.util.stream.LongStream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b)).distinct().toArray());
            long[] named = names.stream().mapToLong(Long::longValue).toArray();
            namesOf.put(id, named);
            namesOf.put(self.content().whole(), named);
            checkWholes.add(self.content().whole());
            if (newestCheck == null || e.started().isAfter(newestCheck.started())) {
                newestCheck = self;
            }
        }
        if (e.operation() == JournalEntry.Operation.REPAIR) {
            e.lostEntries().stream().map(Named::parse).filter(n -> n != null).forEach(n -> lost.put(key(n.digest()), self));
        }
    }

    /** The entries checks named that the journal does not hold, oldest first. */
    public List<Missing> missing() {
        return state.values().stream().filter(v -> v instanceof Missing).map(v -> (Missing) v)
                .map(m -> new Missing(m.entry(), m.namedBy(), lost.get(key(m.entry().digest()))))
                .sorted(Comparator.comparing((Missing m) -> m.entry().started())).toList();
    }

    /**
     * The entries checks named with their content that the journal holds otherwise (§13): their digest is here, their
     * content is not as the check read it. Oldest first.
     */
    public List<Altered> altered() {
        List<Altered> found = new ArrayList<>();
        contentNamed.forEach((whole, line) -> {
            if (!wholes.contains(whole)) {
                Altered a = altered(line[0], line[1]);
                if (a != null) {
                    found.add(a);
                }
            }
        });
        found.sort(Comparator.comparing((Altered a) -> a.entry().started()));
        return found;
    }

    /** How the entry {@code line} names, read otherwise, differs from it; null when it is not here (deleted: {@link #missing}). */
    private Altered altered(Named line, Named check) {
        Altered best = null;
        for (Here h = here.get(key(line.digest())); h != null; h = h.next()) {
            Content now = h.named().content();
            Content then = line.content();
            Altered a = now.who() == then.who()
                    ? new Altered(line, check, "its covers, lost entries, replaced trees, last pack read, damaged packs or label's"
                    + " verification", h.lacksSince37())
                    : now.what() == then.what() ? new Altered(line, check, "its key slot or login", h.lacksSince37() && h.lacksWho())
                    : new Altered(line, check, "its paths, detail, verified or source", false);
            if (best == null || a.olderBuild() && !best.olderBuild()) {
                best = a;
            }
        }
        return best;
    }

    /** The entries read that no check named, oldest first, as a check's {@code covers} names them. */
    public List<String> unnamed() {
        return state.values().stream().filter(v -> v instanceof Named).map(v -> (Named) v)
                .sorted(Comparator.comparing(Named::started)).map(Named::toString).toList();
    }

    /**
     * The entries dated where they cannot be (§13, "Backdated entries"), oldest first: before the repository's init (but
     * for a hold an older build's tier dated at the near-line hold's start), or ended more than {@link #SKEW} before a
     * check began that did not read them, no check before it having named them (a check that read the check naming one, on
     * a clock ahead of its own, read it). Every check reads every entry there is.
     */
    public List<Backdated> backdated() {
        return backdated(aheadDigests()); // they bound nothing
    }

    /** The digests of the entries {@link #datedAhead}. */
    private Set<String> aheadDigests() {
        return new HashSet<>(datedAhead().stream().map(a -> a.entry().digest()).toList());
    }

    /** {@link #backdated()}, the entries {@code ahead} names bounding nothing. */
    private List<Backdated> backdated(Set<String> ahead) {
        return backdated(ahead, ahead);
    }

    /**
     * {@link #backdated()}, the entries {@code unbounding} names bounding nothing, and those {@code ahead} names, when they
     * named an entry first, taken to have read it before their namer began (a check dated ahead ran before its date).
     */
    private List<Backdated> backdated(Set<String> unbounding, Set<String> ahead) {
        java.util.TreeMap<Instant, Named> checks = new java.util.TreeMap<>(); // the checks that named what they read, by start
        coversOf.keySet().stream().map(here::get).filter(h -> h != null && !unbounding.contains(h.named().digest()))
                .forEach(h -> checks.putIfAbsent(h.named().started(), h.named()));
        Instant init = initEntry == null || unbounding.contains(initEntry.digest()) ? null : this.init;
        List<Named> heads = coversOf.keySet().stream().filter(k -> state.get(k) instanceof Named).map(k -> (Named) state.get(k))
                .sorted(Comparator.comparing(Named::started)).toList(); // the checks no check has named yet
        Lines lines = new Lines();
        List<Backdated> found = new ArrayList<>();
        for (Here first : here.values()) {
            for (Here h = first; h != null; h = h.next()) {
                Named e = h.named();
                if (init != null && e.started().isBefore(init.minus(SKEW)) && !h.carriedHold()) {
                    found.add(new Backdated(e, h.finished(), null, init, null));
                    continue;
                }
                Named namer = firstNamedBy.get(key(e.digest()));
                // the checks that began once it had ended and before any check named it: each read every entry there was
                Instant ended = h.finished() == null ? e.started() : h.finished();
                Instant namedAt = namer == null ? Instant.MAX : namer.started();
                for (Named n = namer; n != null && ahead.contains(n.digest()); n = firstNamedBy.get(key(n.digest()))) {
                    // its namer dated ahead read it before the check that named that one began (or this one, where none has)
                    Named by = firstNamedBy.get(key(n.digest()));
                    namedAt = by == null ? Instant.MAX : by.started();
                }
                if (!ended.plus(SKEW).isBefore(namedAt)) {
                    continue;
                }
                // but for one that read it through the checks it read (the check naming it, on a clock ahead of this one's)
                List<Named> missed = checks.subMap(ended.plus(SKEW), false, namedAt, false).values().stream()
                        .filter(c -> !lines.read(c).contains(key(e.digest()))).toList();
                if (missed.isEmpty()) {
                    continue;
                }
                Named otherLine = (namer == null ? heads : List.of(namer)).stream()
                        .filter(n -> lines.apart(n, missed, ended)).findFirst().orElse(null);
                found.add(new Backdated(e, h.finished(), missed.iterator().next(), null, otherLine));
            }
        }
        found.sort(Comparator.comparing((Backdated b) -> b.entry().started()));
        return found;
    }

    /**
     * Whether checks ran on two lines (§13): copies of the repository written apart and merged back, each copy's checks
     * missing the other's entries. The checks each check read are taken from covers, which a password holder's check
     * entry writes as he likes; so two lines are taken only where they fork: the check of the one line read none of the
     * checks of the other that missed the entry, and read, as the first of those did, entries from before the copies
     * went apart (a check before, or the init: each copy's first check names what the copy held that none had named), the
     * newest of them ending before the entry did (with {@link #SKEW}). A check's entry that names the backdated entry alone,
     * or with an entry dated after it, makes no second line.
     */
    private final class Lines {
        /** By check, the entries it read: those it named, and what the checks among them named in turn. */
        private final Map<Long, Set<Long>> readBy = new HashMap<>();
        /** By the two checks' digests, when the newest entry both read ended: where their lines forked; MIN where none. */
        private final Map<List<Long>, Instant> forks = new HashMap<>();

        /** The entries {@code check} read: those it named, and what the checks among them named in turn. */
        Set<Long> read(Named check) {
            return readBy.computeIfAbsent(key(check.digest()), n -> gather(n, coversOf).covered());
        }

        boolean apart(Named check, java.util.Collection<Named> missed, Instant ended) {
            Set<Long> read = read(check);
            if (missed.stream().anyMatch(c -> read.contains(key(c.digest())))) {
                return false; // it read a check that missed the entry: one line, and the entry was written after that check read
            }
            long other = key(missed.iterator().next().digest());
            Instant fork = forks.computeIfAbsent(List.of(key(check.digest()), other), k -> {
                Instant newest = Instant.MIN;
                for (long id : gather(other, coversOf).covered()) {
                    Here both = read.contains(id) ? here.get(id) : null;
                    Instant end = both == null ? null : both.finished() == null ? both.named().started() : both.finished();
                    newest = end != null && end.isAfter(newest) ? end : newest;
                }
                return newest;
            });
            return fork != Instant.MIN && !ended.plus(SKEW).isBefore(fork);
        }
    }

    /**
     * The checks and the init dated ahead of a clock that followed them (§13, "Backdated entries"), oldest first: more
     * than {@link #SKEW} after a check that read them ended, or after this reading began. One check run on a clock 2 days
     * ahead made every right-clock entry of those days "backdated" at every check after, and an init 30 days ahead every
     * entry of that month, the verified restore no recovery test (a tester's, h2 F1, F2): it is the entry dated ahead that
     * no clock that followed could have seen, and it is named instead. A check can name only what was written before it
     * ended, so one that named an entry dated after its end saw that entry's date was ahead, or was itself written
     * with an earlier date: either way the pair is wrong, and the entry dated ahead is named, an error at every check
     * after, as a backdated one is, so a password holder who writes a check dated early to discount the checks and init
     * after it (and launder entries dated before them) leaves an error as loud as the one he hid.
     */
    public List<Ahead> datedAhead() {
        List<Ahead> found = new ArrayList<>();
        Instant now = readAt.plus(SKEW);
        List<Named> bounds = new ArrayList<>();
        coversOf.keySet().stream().map(here::get).filter(h -> h != null).forEach(h -> bounds.add(h.named()));
        if (initEntry != null) {
            bounds.add(initEntry);
        }
        for (Named e : bounds) {
            Named namer = firstNamedBy.get(key(e.digest()));
            Here read = namer == null ? null : here.get(key(namer.digest())); // it read the journal before it ended
            Instant readBy = read == null || read.finished() == null ? null : read.finished();
            if (readBy != null && e.started().isAfter(readBy.plus(SKEW))) {
                found.add(new Ahead(e, namer));
            } else if (e.started().isAfter(now)) {
                found.add(new Ahead(e, null));
            }
        }
        found.sort(Comparator.comparing((Ahead a) -> a.entry().started()));
        return found;
    }

    /**
     * What an anchor covers (§13): the check it is taken at, its digest; how many entries; the SHA-256 of their sorted
     * digests, each followed by a newline. Written {@code CHECK:COUNT:DIGEST}.
     */
    public record Anchor(String check, int count, String digest) {
        @Override
        public String toString() {
            return check + ":" + count + ":" + digest;
        }

        /** One as {@link #toString} wrote it; null for any other text. */
        public static Anchor parse(String text) {
            String[] parts = text == null ? new String[0] : text.trim().toLowerCase(java.util.Locale.ROOT).split(":");
            if (parts.length != 3 || !DIGEST.matcher(parts[0]).matches() || !parts[1].matches("[0-9]{1,9}")
                    || !parts[2].matches("[0-9a-f]{64}")) {
                return null;
            }
            return new Anchor(parts[0], Integer.parseInt(parts[1]), parts[2]);
        }
    }

    /**
     * The repository's init as the earliest check that named one names it, whether the journal still holds its entry or
     * not (one deleted is {@link #missing}): the journal began with an init all the same (§3, "A slot no entry records").
     * Null where no check named one.
     */
    public Named namedInit() {
        return namedInit;
    }

    /** The newest check that named entries, as an anchor is taken at; null when none has. */
    public Named newestCheck() {
        return newestCheck;
    }

    /**
     * The anchor of the newest check that named entries ({@link #newestCheck}); null when none has. Since session 38 it
     * is taken by whole content digests (§13): the check's, and each entry's a covers line names with its content.
     */
    public Anchor anchor() {
        return newestCheck == null ? null : gather(newestCheck.content().whole(), namesOf).anchor();
    }

    /** An anchor, and the digests of the entries it covers. */
    private record Gathered(Anchor anchor, Set<Long> covered) {
    }

    /**
     * The entries the check {@code check} covers: its own, those it named, and, for each check among those, what that
     * one named in turn; every check it read was named by it or by one of those. {@code named}: {@link #namesOf}, or, for
     * an anchor of session 37, {@link #coversOf}.
     */
    private static Gathered gather(long check, Map<Long, long[]> named) {
        Set<Long> covered = new HashSet<>();
        ArrayDeque<Long> next = new ArrayDeque<>(List.of(check));
        while (!next.isEmpty()) {
            long id = next.poll();
            if (covered.add(id)) {
                for (long n : named.getOrDefault(id, new long[0])) {
                    next.add(n);
                }
            }
        }
        MessageDigest sha = Sealing.sha256();
        covered.stream().sorted(Long::compareUnsigned).forEach(id -> sha.update((hex(id) + "\n").getBytes(StandardCharsets.US_ASCII)));
        return new Gathered(new Anchor(hex(check), covered.size(), HexFormat.of().formatHex(sha.digest())), covered);
    }

    private static String hex(long digest) {
        return HexFormat.of().toHexDigits(digest);
    }

    /**
     * What is wrong with {@code anchor} against the journal as read: each entry it covered that is not here, named, or
     * not as it was (its content); the check it was taken at gone; its count or digest no longer what the journal gives
     * (a check's entry, with what it named, deleted). Empty: every entry it covered is still here, as it was. An anchor
     * of session 37 names its check by its {@link #digest}, and is verified as it was taken.
     */
    public List<String> verify(Anchor anchor) {
        List<String> problems = new ArrayList<>();
        long check = key(anchor.check());
        boolean byContent = checkWholes.contains(check);
        Object there = state.get(check);
        if (!byContent && !coversOf.containsKey(check)) {
            problems.add(there instanceof Missing m ? m.entry().said() + ", the check the anchor was taken at, is no longer in the"
                    + " journal: deleted from the store, with what it alone named"
                    : there != null ? "the check the anchor was taken at (entry " + anchor.check() + ") names no entries any more: a build"
                    + " before session 37 gathered or sealed it again, dropping them (§13)"
                    : "the check the anchor was taken at (entry " + anchor.check() + ") is not in the journal as it was: deleted from the"
                    + " store or rewritten by someone with a password, or the anchor is of another repository");
            return problems;
        }
        Gathered gathered = gather(check, byContent ? namesOf : coversOf);
        Anchor now = gathered.anchor();
        for (long id : gathered.covered()) {
            Named[] line = contentNamed.get(id);
            if (state.get(id) instanceof Missing m) {
                problems.add(m.entry().said() + ", which the anchor covers, is no longer in the journal: deleted from the store");
            } else if (byContent && line != null && !wholes.contains(id)) {
                problems.add(line[0].said() + ", which the anchor covers, " + (state.get(key(line[0].digest())) instanceof Missing
                        ? "is no longer in the journal: deleted from the store"
                        : "is no longer as it was: " + altered(line[0], line[1]).change() + " changed since"));
            }
        }
        if (now.count() != anchor.count() || !now.digest().equals(anchor.digest())) {
            problems.add("the journal's entries up to the check the anchor was taken at are " + now.count() + ", the anchor's "
                    + anchor.count() + (now.count() == anchor.count() ? ", and their digest differs" : "")
                    + ": a check's entry was deleted with what it named (or a build before session 37 gathered it, dropping"
                    + " what it named, §13)");
        }
        return problems;
    }
}
