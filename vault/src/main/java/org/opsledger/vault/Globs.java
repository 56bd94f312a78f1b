package org.opsledger.vault;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

/**
 * The glob patterns of {@code --exclude} (backup and restore) and {@code find}: the JDK's glob syntax ({@code *} within
 * one name, {@code **} across names, {@code ?}, {@code [a-z]}, {@code {a,b}}).
 */
public final class Globs {

    private Globs() {
    }

    /**
     * A malformed pattern is refused naming it. The JDK makes a glob a regular expression without DOTALL, so {@code *} and
     * {@code **} matched no line terminator: `--exclude '/srv/secret/**'` left a file named "key\n1" in, and `rewrite
     * --exclude` left it in a snapshot it said it had taken personal data out of (a helper's). Line terminators, in the
     * pattern and in the path, are matched as the ordinary characters they are in a file name.
     */
    public static PathMatcher compile(String glob) {
        PathMatcher m;
        try {
            m = FileSystems.getDefault().getPathMatcher("glob:" + ordinary(glob));
        } catch (IllegalArgumentException e) { // PatternSyntaxException: its message goes on over lines
            throw new VaultException(glob + " is not a glob pattern: " + e.getMessage().lines().findFirst().orElse(""));
        }
        return p -> m.matches(ordinary(p));
    }

    /** The regular expressions' line terminators, each as a character of Unicode's private use area: one no glob treats apart. */
    private static final String TERMINATORS = "\n\r\u0085\u2028\u2029";
    private static final String STAND_INS = "\uE00A\uE00D\uE085\uE028\uE029";

    private static String ordinary(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            int t = TERMINATORS.indexOf(s.charAt(i));
            if (t >= 0) {
                if (b == null) {
                    b = new StringBuilder(s);
                }
                b.setCharAt(i, STAND_INS.charAt(t));
            }
        }
        return b == null ? s : b.toString();
    }

    private static Path ordinary(Path p) {
        String s = p.toString();
        String o = ordinary(s);
        return o == s ? p : p.getFileSystem().getPath(o);
    }

    /**
     * --exclude's patterns. One that is not absolute but names more than one name ('data/cache') matches the path's end,
     * as restic's does, and a trailing '/' (a shell's completion of a directory) is dropped: each excluded nothing,
     * silently (a helper's).
     */
    public static List<PathMatcher> compile(List<String> globs) {
        return globs.stream().map(g -> {
            String glob = g.length() > 1 && g.endsWith("/") ? g.substring(0, g.length() - 1) : g;
            return compile(!glob.startsWith("/") && glob.contains("/") ? "**/" + glob : glob);
        }).toList();
    }

    /** --exclude's rule: a pattern matches the whole path ('/srv/data/cache'), its end ('data/cache') or its last name ('*.log'). */
    public static boolean matchPathOrName(List<PathMatcher> globs, Path p) {
        for (PathMatcher m : globs) {
            if (m.matches(p) || (p.getFileName() != null && m.matches(p.getFileName()))) {
                return true;
            }
        }
        return false;
    }
}
