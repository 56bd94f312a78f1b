package org.opsledger.vault.backend;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Whether a listing of the repository's directory, through the mount it is on, may lack a file another host wrote
 * minutes ago. An rclone mount keeps each directory's listing for its {@code --dir-cache-time} (5 min by default, in
 * every {@code --vfs-cache-mode}): a file another host wrote to the remote meanwhile is not listed, while the files
 * written through this mount are. A prune through one such mount listed {@code locks/} without the lock of a backup
 * running on another host, and would have deleted the packs that backup was writing (a tester's, session 39).
 * The mount's options are not in the mount table: they are read from the command line (and environment, where this user
 * may read it) of the rclone process that serves the mount, on this host.
 */
public final class ListingCache {

    /** rclone's --dir-cache-time where it is not given. */
    static final Duration RCLONE_DEFAULT = Duration.ofMinutes(5);

    private ListingCache() {
    }

    /**
     * Why a listing of {@code dir} may lack what another host wrote meanwhile, as "the rclone mount M keeps each
     * directory's listing 5m0s (its --dir-cache-time)", or null where it does not (its listings are the store's).
     */
    public static String of(Path dir) {
        MountEntry m = MountEntry.holding(dir);
        return m == null || !m.type().equals("fuse.rclone") ? null : ofRclone(m, rcloneServing(m.mountPoint()));
    }

    /** {@link #of} for an rclone mount served by a process of these arguments and environment ({@code null}: none found). */
    static String ofRclone(MountEntry m, Rclone process) {
        if (process == null) {
            return "the rclone mount " + m + " keeps each directory's listing for its --dir-cache-time (" + rclone(RCLONE_DEFAULT)
                    + " unless given), which cannot be told here: no rclone process of this host's that this user can see serves it";
        }
        String given = process.option("dir-cache-time");
        if (given == null) {
            return "the rclone mount " + m + " keeps each directory's listing " + rclone(RCLONE_DEFAULT)
                    + " (--dir-cache-time, not given: rclone's default)";
        }
        Duration kept = parse(given);
        if (kept != null && kept.isZero()) {
            return null; // listed from the remote each time
        }
        return "the rclone mount " + m + " keeps each directory's listing " + (kept == null ? given : rclone(kept))
                + " (its --dir-cache-time " + given + ")";
    }

    /** "5m0s", as rclone writes a duration. */
    private static String rclone(Duration d) {
        return (d.toHours() > 0 ? d.toHours() + "h" : "") + (d.toHours() > 0 || d.toMinutesPart() > 0 ? d.toMinutesPart() + "m" : "")
                + d.toSecondsPart() + "s";
    }

    private static final Pattern PART = Pattern.compile("([0-9]*\\.?[0-9]+)(ns|us|µs|ms|s|m|h|d|w|M|y)");

    /**
     * A duration as rclone reads one ("5m0s", "1h30m", "500ms", "2d"; a bare number is seconds; "off" and anything it cannot
     * read: null, taken for long).
     */
    static Duration parse(String s) {
        if (s.matches("[0-9]*\\.?[0-9]+")) {
            return Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000));
        }
        Matcher m = PART.matcher(s);
        double nanos = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            double unit = switch (m.group(2)) {
                case "ns" -> 1;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                case "h" -> 3600e9;
                case "d" -> 86400e9;
                case "w" -> 7 * 86400e9;
                case "M" -> 30 * 86400e9;
                default -> 365 * 86400e9;
            };
            nanos += Double.parseDouble(m.group(1)) * unit;
            end = m.end();
        }
        return end == s.length() && end > 0 ? Duration.ofNanos(Math.round(nanos)) : null;
    }

    /** An rclone process's arguments and, where this user may read them, its environment's variables. */
    record Rclone(List<String> arguments, List<String> environment) {

        /**
         * The value of option {@code name} ("dir-cache-time"): the last of {@code --name V}, {@code --name=V}, a mount
         * helper's {@code -o name=V,…} (or {@code name_with_underscores=V}); else the environment's {@code RCLONE_NAME}.
         */
        String option(String name) {
            String value = null;
            String underscored = name.replace('-', '_');
            for (int i = 0; i < arguments.size(); i++) {
                String a = arguments.get(i);
                if (a.equals("--" + name) && i + 1 < arguments.size()) {
                    value = arguments.get(++i);
                } else if (a.startsWith("--" + name + "=")) {
                    value = a.substring(name.length() + 3);
                } else if (a.equals("-o") && i + 1 < arguments.size()) {
                    for (String o : arguments.get(++i).split(",")) {
                        if (o.startsWith(name + "=") || o.startsWith(underscored + "=")) {
                            value = o.substring(name.length() + 1);
                        }
                    }
                }
            }
            if (value == null) {
                String variable = "RCLONE_" + underscored.toUpperCase(java.util.Locale.ROOT) + "=";
                for (String v : environment) {
                    if (v.startsWith(variable)) {
                        value = v.substring(variable.length());
                    }
                }
            }
            return value;
        }
    }

    /** The rclone process of this host (as far as this user sees /proc) that serves the mount at {@code mountPoint}, or null. */
    private static Rclone rcloneServing(Path mountPoint) {
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path p : processes.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                List<String> args = nulSeparated(p.resolve("cmdline"));
                if (args.isEmpty() || !Path.of(args.getFirst()).getFileName().toString().startsWith("rclone")
                        || !(args.contains("mount") || args.contains("cmount") || args.contains("mount2"))
                        || args.stream().noneMatch(a -> names(a, mountPoint, p))) {
                    continue;
                }
                return new Rclone(args, nulSeparated(p.resolve("environ")));
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /** Whether {@code argument} of process {@code process} names {@code mountPoint}: a relative one from its working directory. */
    private static boolean names(String argument, Path mountPoint, Path process) {
        try {
            Path named = Path.of(argument);
            if (!named.isAbsolute()) {
                named = Files.readSymbolicLink(process.resolve("cwd")).resolve(named); // another user's: not readable, not told
            }
            return named.normalize().equals(mountPoint);
        } catch (IOException | RuntimeException notAPath) {
            return false;
        }
    }

    /** A /proc file of NUL-separated strings, or none where it cannot be read (gone, another user's environment). */
    private static List<String> nulSeparated(Path file) {
        try {
            String all = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            return all.isEmpty() ? List.of() : new ArrayList<>(Arrays.asList(all.split("\0")));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
