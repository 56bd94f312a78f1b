package org.opsledger.vault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.opsledger.vault.backend.LocalBackend;

/**
 * What a power cut would leave of the files below a directory, as a local repository's calls tell it
 * ({@link LocalBackend.DiskCalls}): a directory keeps the entries it held at its last {@code fsync}, or when this model
 * began; one made since and never {@code fsync}ed holds nothing. File contents are taken as written: the vault
 * {@code fsync}s a file before it renames it into place. A helper's FUSE filesystem that kept only what was made durable
 * (cutfs) showed the same of every deletion, without FUSE.
 */
public final class PowerCut implements LocalBackend.DiskCalls {

    private final Path top;
    /** Each directory's entries as a cut would leave them, each true for a directory. */
    private final Map<Path, Map<String, Boolean>> durable = new HashMap<>();
    private Consumer<Path> beforeUnlink = f -> { };
    /** How many times each directory was {@code fsync}ed. */
    private final Map<Path, Integer> syncs = new HashMap<>();

    /** Everything below {@code top} now is taken as durable, as a filesystem just mounted holds it. */
    public PowerCut(Path top) {
        this.top = top;
        try (Stream<Path> all = Files.walk(top)) {
            all.filter(Files::isDirectory).forEach(d -> durable.put(d, listing(d)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code check} is run with each file just before it is unlinked: what a cut at that moment would find. */
    public synchronized PowerCut beforeUnlinking(Consumer<Path> check) {
        this.beforeUnlink = check;
        return this;
    }

    @Override
    public synchronized void unlinking(Path file) {
        beforeUnlink.accept(file);
    }

    @Override
    public synchronized void synced(Path dir) {
        durable.put(dir, listing(dir));
        syncs.merge(dir, 1, Integer::sum);
    }

    /** How many times {@code dir} (a name below the top: "snapshots") was {@code fsync}ed since this model began. */
    public synchronized int syncsOf(String dir) {
        return syncs.getOrDefault(top.resolve(dir), 0);
    }

    /**
     * The files a cut now would undo, by name below the top: "+name" for one deleted that would come back, "-name" for
     * one there now that would be gone. Files a killed writer leaves ({@code .tmp-}) are no matter.
     */
    public synchronized SortedSet<String> undone() {
        SortedSet<String> after = new TreeSet<>();
        survivors(top, after);
        SortedSet<String> now = new TreeSet<>();
        try (Stream<Path> all = Files.walk(top)) {
            all.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).map(this::named).filter(PowerCut::counts).forEach(now::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SortedSet<String> undone = new TreeSet<>();
        after.stream().filter(n -> !now.contains(n)).forEach(n -> undone.add("+" + n));
        now.stream().filter(n -> !after.contains(n)).forEach(n -> undone.add("-" + n));
        return undone;
    }

    /** {@link #undone()} of the files under {@code dirs} (names below the top, "index/", "snapshots/"). */
    public SortedSet<String> undoneUnder(String... dirs) {
        SortedSet<String> undone = undone();
        undone.removeIf(u -> Stream.of(dirs).noneMatch(d -> u.substring(1).startsWith(d)));
        return undone;
    }

    public String named(Path p) {
        return top.relativize(p).toString();
    }

    private static boolean counts(String name) {
        return !name.substring(name.lastIndexOf('/') + 1).startsWith(".tmp-");
    }

    private void survivors(Path dir, SortedSet<String> into) {
        durable.getOrDefault(dir, Map.of()).forEach((name, isDir) -> {
            Path p = dir.resolve(name);
            if (isDir) {
                survivors(p, into);
            } else if (counts(named(p))) {
                into.add(named(p));
            }
        });
    }

    private static Map<String, Boolean> listing(Path dir) {
        Map<String, Boolean> entries = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> entries.put(p.getFileName().toString(), Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }
}
