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

    /** A malformed pattern is refused naming it. */
    public static PathMatcher compile(String glob) {
        try {
            return FileSystems.getDefault().getPathMatcher("glob:" + glob);
        } catch (IllegalArgumentException e) { // PatternSyntaxException: its message goes on over lines
            throw new VaultException(glob + " is not a glob pattern: " + e.getMessage().lines().findFirst().orElse(""));
        }
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
