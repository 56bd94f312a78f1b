package org.opsledger.vault;

import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.regex.Pattern;
import org.opsledger.vault.snapshot.FileNames;

/**
 * The glob patterns of {@code --exclude} (backup, restore, rewrite) and {@code find}, as restic reads them (its filter
 * package, Go's filepath.Match for each name): {@code *} any run of characters within one name, {@code ?} one
 * character, {@code [a-z]} one of a class, {@code [^a]} (and, as a shell writes it, {@code [!a]}, where restic reads
 * the {@code !} as itself) one not in it,
 * {@code \} the next character as itself, and {@code **} as a whole name any number of names, none too:
 * {@code /srv/**}{@code /tmp} matches /srv/tmp, {@code /srv/a/**} /srv/a itself. Braces are themselves. The JDK's
 * dialect, used before, read {@code [!a]} and {@code [^a]} the other way round, {@code file{1}} as "file1", and a
 * {@code **} between names as at least one name, each unlike restic and none of it documented (a helper's).
 * A pattern matches a name's exact bytes: one that is not UTF-8 is given as its bytes and matched as its escape
 * ({@link FileNames}); shown as U+FFFD, it matched nothing, and as shown it matched every name that shows alike.
 * Pattern and name are compared in Unicode's composed form ({@link #nfc}): {@code --exclude 'salariés.csv'} typed on
 * Linux (composed, NFC) left the file a Mac had written (decomposed, NFD: an e and a combining accent) in the snapshot,
 * and a `rewrite --exclude` of it for an erasure left the look-alike in the rewritten one (a tester's); a pattern meant
 * for one spelling matches both, as they read alike.
 */
public final class Globs {

    private Globs() {
    }

    /**
     * A compiled pattern. It matches a path's whole text as trees hold it, each byte of a name that is not UTF-8 as its
     * escape: `rewrite --exclude $'/src/key\xff'` matched nothing, the walk's and restore's paths showing that byte as
     * U+FFFD, and the secret meant to be purged stayed (a tester's). {@code pattern}: as it was given.
     */
    public record Glob(String pattern, Pattern regex) implements PathMatcher {

        /** A path of the file system, its names' bytes exactly. */
        @Override
        public boolean matches(Path path) {
            return matches(FileNames.exactOf(path));
        }

        /** A path or name as a tree holds it ({@link FileNames}), in its composed form ({@link #nfc}). */
        public boolean matches(String path) {
            return regex.matcher(nfc(path)).matches();
        }
    }

    /**
     * The pattern as a matcher of a path's whole text; a malformed one (an unclosed class, a trailing backslash) is refused
     * naming it. Line terminators in names are characters as any other: `--exclude '/srv/secret/**'` once left in a
     * file named "key\n1" (a helper's).
     */
    public static Glob compile(String glob) {
        try {
            return new Glob(glob, Pattern.compile(regex(nfc(glob)), Pattern.DOTALL));
        } catch (java.util.regex.PatternSyntaxException e) { // the one a class can hold: [z-a] (the regex's own words named its index)
            throw malformed(glob, "a range in a class runs backwards");
        }
    }

    /**
     * {@code s} in Unicode's composed form (NFC), as Linux tools write names: a name a Mac wrote in the decomposed form
     * ({@code cafe} and U+0301) reads as the composed {@code café} and is one name to a pattern or an include. A text of
     * characters below U+0300 (ASCII, Latin-1: nearly every path) is composed already and returned as it is, unread by
     * the normalizer (≈3 µs a path); a name's byte that is not UTF-8 (its escape, a lone surrogate) is kept.
     */
    public static String nfc(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x300) {
                return java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFC);
            }
        }
        return s;
    }

    /** The regular expression of {@code glob}. */
    static String regex(String glob) {
        StringBuilder out = new StringBuilder();
        String[] names = glob.split("/", -1);
        boolean slash = false; // a '/' between the name before and this one, not yet written
        for (int n = 0; n < names.length; n++) {
            boolean last = n == names.length - 1;
            if (names[n].equals("**")) { // any number of whole names, none too, with the '/' between them and the rest
                if (last) {
                    out.append(slash ? "(?:/.*)?" : ".*");
                } else {
                    out.append(slash ? "/" : "").append("(?:.*/)?");
                }
                slash = false;
            } else {
                out.append(slash ? "/" : "");
                name(glob, names[n], out);
                slash = !last;
            }
        }
        return out.toString();
    }

    /** One name of the pattern: '*' and '?' stay within it. */
    private static void name(String glob, String name, StringBuilder out) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            switch (c) {
                case '*' -> out.append("[^/]*");
                case '?' -> out.append("[^/]");
                case '\\' -> {
                    if (++i == name.length()) {
                        throw malformed(glob, "it ends in a lone backslash");
                    }
                    out.append(Pattern.quote(String.valueOf(name.charAt(i))));
                }
                case '[' -> i = characterClass(glob, name, i, out);
                case '\uFFFD' -> throw shownAsReplaced(glob);
                default -> out.append(Pattern.quote(String.valueOf(c)));
            }
        }
    }

    /** The class that opens at {@code open}, written to {@code out}; returns the index of its ']'. */
    private static int characterClass(String glob, String name, int open, StringBuilder out) {
        int i = open + 1;
        out.append('[');
        if (i < name.length() && (name.charAt(i) == '^' || name.charAt(i) == '!')) {
            out.append('^');
            i++;
        }
        boolean first = true;
        for (; i < name.length(); i++) {
            int c = name.codePointAt(i); // a character past U+FFFF (😀) is one, not two halves that never match
            if (c == ']' && !first) {
                out.append(']');
                return i;
            }
            if (c == '\uFFFD') {
                throw shownAsReplaced(glob);
            }
            if (c == '\\' && i + 1 < name.length()) {
                c = name.codePointAt(++i);
            }
            i += Character.charCount(c) - 1;
            if (c == '-' && !first && i + 1 < name.length() && name.charAt(i + 1) != ']') {
                out.append('-');
            } else {
                out.append(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ? String.valueOf((char) c)
                        : String.format(java.util.Locale.ROOT, "\\x{%x}", c));
            }
            first = false;
        }
        throw malformed(glob, "a '[' is not closed");
    }

    private static VaultException malformed(String glob, String why) {
        return new VaultException(glob + " is not a glob pattern: " + why);
    }

    /**
     * A pattern holding U+FFFD as `vault ls` shows a byte that is not UTF-8: which byte it stands for is not known, and
     * as shown it matched `key\xfe` beside the `key\xff` meant, which a rewrite would have taken out (a tester's).
     */
    private static VaultException shownAsReplaced(String glob) {
        return new VaultException(glob + " holds U+FFFD, which shows any byte of a name that is not UTF-8: "
                + FileNames.GIVE_AS_BYTES + ", or a backslash before it for that character itself");
    }

    /**
     * --exclude's patterns. One that is not absolute but names more than one name ('data/cache') matches the path's end,
     * as restic's does; each is cleaned as restic cleans it ('./tmp', 'x//tmp', 'x/./tmp', 'a/../tmp', a trailing '/' of a
     * shell's completion: each excluded nothing, silently; helpers'). An empty one is refused: an unset variable
     * (`--exclude "$SECRET_DIR"`) excluded nothing, exit 0.
     */
    public static List<Glob> compile(List<String> globs) {
        return globs.stream().map(g -> {
            if (g.isEmpty()) {
                throw new VaultException("an --exclude pattern is empty (an unset variable?): name what to leave out");
            }
            compile(g); // a malformed one refused as given: 'data/[' was named "**/data/[", the path's end as matched
            String glob = clean(g);
            return new Glob(g, compile(!glob.startsWith("/") && glob.contains("/") ? "**/" + glob : glob).regex()); // named as given
        }).toList();
    }

    /**
     * Whether {@code s} holds a pattern's characters ({@code * ? [}): restore's {@code --include} reads such a value as
     * --exclude's pattern, any other as a path.
     */
    public static boolean isPattern(String s) {
        return s.chars().anyMatch(c -> c == '*' || c == '?' || c == '[');
    }

    /** {@code glob} as Go's path.Clean leaves it, which restic applies to a pattern: no empty, '.' or 'x/..' names. */
    static String clean(String glob) {
        boolean absolute = glob.startsWith("/");
        java.util.ArrayDeque<String> names = new java.util.ArrayDeque<>();
        for (String n : glob.split("/")) {
            if (n.isEmpty() || n.equals(".")) {
                continue;
            }
            if (n.equals("..") && !names.isEmpty() && !names.peekLast().equals("..")) {
                names.removeLast();
            } else if (!(n.equals("..") && absolute)) {
                names.addLast(n);
            }
        }
        String cleaned = (absolute ? "/" : "") + String.join("/", names);
        return cleaned.isEmpty() ? "." : cleaned;
    }

    /** --exclude's rule on a path of the file system: {@link #matchPathOrName(List, String)} of its names' bytes. */
    public static boolean matchPathOrName(List<Glob> globs, Path p) {
        return matchPathOrName(globs, FileNames.exactOf(p));
    }

    /**
     * --exclude's rule: a pattern matches the whole path ('/srv/data/cache'), its end ('data/cache') or its last name
     * ('*.log'); {@code path} as a tree holds it, each byte of a name that is not UTF-8 as its escape.
     */
    public static boolean matchPathOrName(List<Glob> globs, String path) {
        for (Glob g : globs) {
            if (matchPathOrName(g, path)) {
                return true;
            }
        }
        return false;
    }

    /** --exclude's rule for one pattern ({@link #matchPathOrName(List, String)}). */
    public static boolean matchPathOrName(Glob glob, String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return glob.matches(path) || (!name.isEmpty() && glob.matches(name));
    }

    /**
     * What of a backup path (absolute, its names' bytes as {@link FileNames#exactOf} gives them) --exclude's patterns leave
     * out, so that nothing of it would be kept: the path itself ({@link #matchPathOrName(List, String)}), or a directory
     * above it that a pattern of a path names (/var/lib/secret, for a path /var/lib/secret/sub: restic leaves it out; a
     * name alone, 'tmp', is matched below the paths only); null when neither. A backup refuses such a path, a rewrite
     * such a snapshot.
     */
    public static String leftOut(List<Glob> globs, String path) {
        if (matchPathOrName(globs, path)) {
            return path;
        }
        for (int end = path.lastIndexOf('/'); end > 0; end = path.lastIndexOf('/', end - 1)) {
            String dir = path.substring(0, end);
            if (globs.stream().anyMatch(g -> g.pattern().contains("/") && g.matches(dir))) {
                return dir;
            }
        }
        return null;
    }
}
