package org.opsledger.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The jar this command runs from as it was when the command started (its size, time and inode), to tell a failure of the
 * loader that reads classes from it ({@link OneLineErrors#cannotLoadIn}) as the jar replaced under it: `cp new.jar` over the
 * file the JVM holds open rewrites it, and Spring Boot's zip loader then failed on what it read, a stack trace on stderr
 * and no journal entry (an engineer's note). None when the classes come from elsewhere (the launcher's extracted app/ is
 * such a jar too; a test's classes directory is not).
 */
public final class RunningJar {

    private static volatile RunningJar atStart;

    private final Path path;
    private final Object identity;

    private RunningJar(Path path, Object identity) {
        this.path = path;
        this.identity = identity;
    }

    /** Notes the jar as it is now: at main's start, before any command's class is loaded from it. */
    static void noteAtStart() {
        String classPath = System.getProperty("java.class.path", "");
        if (!classPath.endsWith(".jar") || classPath.contains(java.io.File.pathSeparator)) {
            return;
        }
        note(Path.of(classPath).toAbsolutePath());
    }

    /** Notes {@code jar} as it is now as the one this command runs from (a test's; null: none). */
    static void note(Path jar) {
        atStart = jar == null ? null : new RunningJar(jar, identityOf(jar));
    }

    /** The jar's path when it is no longer the file the command started from (rewritten, replaced, removed); else null. */
    static Path replaced() {
        RunningJar jar = atStart;
        return jar == null || jar.identity.equals(identityOf(jar.path)) ? null : jar.path;
    }

    private static Object identityOf(Path jar) {
        try {
            BasicFileAttributes a = Files.readAttributes(jar, BasicFileAttributes.class);
            return java.util.List.of(a.size(), a.lastModifiedTime(), String.valueOf(a.fileKey()));
        } catch (IOException e) {
            return "gone";
        }
    }
}
