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
     * build keeps as they are when it gathers or seals again an entry; not of its file, whose name changes then.
     */
    public static String digest(JournalEntry e) {
        StringBuilder text = new StringBuilder(160).append(e.operation().json()).append('\n').append(e.outcome().json()).append('\n');
        epochNanos(text, e.started()).append('\n');
        if (e.finished() != null) {
            epochNanos(text, e.finished());
        }
        text.append('\n').append(nonNull(e.host())).append('\n').append(nonNull(e.username())).append('\n').append(e.exitCode()).append('\n');
        for (int i = 0; i < e.snapshots().size(); i++) {
            text.append(i == 0 ? "" : ",").append(e.snapshots().get(i).hex());
        }
        byte[] sha = Sealing.sha256().digest(text.append('\n').toString().getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha, 0, DIGEST_HEX / 2);
    }

    /** "1796433367.100000000": the epoch second, and the nanosecond in nine digits. */
    private static StringBuilder epochNanos(StringBuilder text, Instant t) {
        String nanos = Integer.toString(t.getNano());
        return text.append(t.getEpochSecond()).append('.').append("0".repeat(9 - nanos.length())).append(nanos);
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    /** How a check's {@code covers} names an entry: "9f3c0e4a1b2d5c6e 2026-12-05T01:16:07.100Z backup web-1". */
    public static String describe(JournalEntry e) {
        return new Named(digest(e), e.started(), e.operation().json(), e.host()).toString();
    }

    /** An entry as {@code covers} or {@code lostEntries} names it. */
    public record Named(String digest, Instant started, String operation, String host) {
        @Override
        public String toString() {
            return digest + " " + started + " " + operation + " " + (host == null ? "-" : host);
        }

        /** "the backup on web-1 started 2026-12-05 01:16:07 UTC (entry 9f3c0e4a1b2d5c6e)". */
        public String said() {
            return "the " + operation + (host == null ? "" : " on " + host) + " started " + Journal.utc(started) + " (entry " + digest + ")";
        }

        /** One as {@link #toString} wrote it; null for a line that is not (written by hand, or by a later build). */
        static Named parse(String line) {
            String[] words = line == null ? new String[0] : line.split(" ", 4);
            if (words.length < 4 || !DIGEST.matcher(words[0]).matches()) {
                return null;
            }
            try {
                return new Named(words[0], Instant.parse(words[1]), words[2], words[3].equals("-") ? null : words[3]);
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

    /** An entry read that a check named. */
    private static final Object NAMED_AND_HERE = new Object();

    /**
     * By digest: {@link #NAMED_AND_HERE}; a {@link Named} for an entry here that no check named (so far); a
     * {@link Missing} for one a check named that was not read (so far).
     */
    private final Map<Long, Object> state = new HashMap<>();
    /** What each check with covers named, by the check's digest: the anchor's closure. */
    private final Map<Long, long[]> coversOf = new HashMap<>();
    /** The entries repairs name as lost, by digest: the repair. */
    private final Map<Long, Named> lost = new HashMap<>();
    /** The newest check that named entries. */
    private Named newestCheck;

    private static long key(String digest) {
        return Long.parseUnsignedLong(digest, 16);
    }

    /** One entry read (a stand-in is never named: its command takes it back). */
    void take(JournalEntry e) {
        if (e.standIn()) {
            return;
        }
        Named self = new Named(digest(e), e.started(), e.operation().json(), e.host());
        long id = key(self.digest());
        Object was = state.get(id);
        if (was == null) {
            state.put(id, self);
        } else if (was instanceof Missing) {
            state.put(id, NAMED_AND_HERE);
        }
        if (e.operation() == JournalEntry.Operation.CHECK && !e.covers().isEmpty()) {
            List<Long> named = new ArrayList<>();
            for (String line : e.covers()) {
                Named n = Named.parse(line);
                if (n == null) {
                    continue;
                }
                long k = key(n.digest());
                named.add(k);
                Object before = state.get(k);
                if (before == null) {
                    state.put(k, new Missing(n, self, null));
                } else if (before instanceof Named) {
                    state.put(k, NAMED_AND_HERE);
                }
            }
            coversOf.put(id, named.stream().mapToLong(Long::longValue).toArray());
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

    /** The entries read that no check named, oldest first, as a check's {@code covers} names them. */
    public List<String> unnamed() {
        return state.values().stream().filter(v -> v instanceof Named).map(v -> (Named) v)
                .sorted(Comparator.comparing(Named::started)).map(Named::toString).toList();
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

    /** The newest check that named entries, as an anchor is taken at; null when none has. */
    public Named newestCheck() {
        return newestCheck;
    }

    /** The anchor of the newest check that named entries ({@link #newestCheck}); null when none has. */
    public Anchor anchor() {
        return newestCheck == null ? null : gather(key(newestCheck.digest())).anchor();
    }

    /** An anchor, and the digests of the entries it covers. */
    private record Gathered(Anchor anchor, Set<Long> covered) {
    }

    /**
     * The entries the check {@code check} covers: its own, those it named, and, for each check among those, what that
     * one named in turn; every check it read was named by it or by one of those.
     */
    private Gathered gather(long check) {
        Set<Long> covered = new HashSet<>();
        ArrayDeque<Long> next = new ArrayDeque<>(List.of(check));
        while (!next.isEmpty()) {
            long id = next.poll();
            if (covered.add(id)) {
                for (long named : coversOf.getOrDefault(id, new long[0])) {
                    next.add(named);
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
     * What is wrong with {@code anchor} against the journal as read: each entry it covered that is not here, named; the
     * check it was taken at gone; its count or digest no longer what the journal gives (a check's entry, with what it
     * named, deleted). Empty: every entry it covered is still here.
     */
    public List<String> verify(Anchor anchor) {
        List<String> problems = new ArrayList<>();
        long check = key(anchor.check());
        Object there = state.get(check);
        if (!coversOf.containsKey(check)) {
            problems.add(there instanceof Missing m ? m.entry().said() + ", the check the anchor was taken at, is no longer in the"
                    + " journal: deleted from the store, with what it alone named"
                    : there != null ? "the check the anchor was taken at (entry " + anchor.check() + ") names no entries any more: a build"
                    + " before session 37 gathered or sealed it again, dropping them (§13)"
                    : "the check the anchor was taken at (entry " + anchor.check() + ") is not in the journal: deleted from the store,"
                    + " or the anchor is of another repository");
            return problems;
        }
        Gathered gathered = gather(check);
        Anchor now = gathered.anchor();
        for (long id : gathered.covered()) {
            if (state.get(id) instanceof Missing m) {
                problems.add(m.entry().said() + ", which the anchor covers, is no longer in the journal: deleted from the store");
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
