package org.opsledger.vault.archiver;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * What to back up and the record to keep with it. IS.012 6.6.5.1: owner, classification and
 * retention are stored in the snapshot; 6.6.6: {@code allowSameDevice} overrides the same-media rule.
 * {@code oneFileSystem}: directories on another filesystem than every backup path's (a mounted NFS share,
 * a container's volume, /proc) are kept as empty directories, as restic's --one-file-system does.
 * {@code excludeIfPresent}: a directory holding a file of one of these names is left out, with all it
 * holds ("NAME", or "NAME:HEADER" when the file must begin with HEADER), as restic's --exclude-if-present.
 */
public record BackupOptions(List<Path> paths, boolean full, List<String> excludes, List<String> excludeIfPresent,
                            Map<String, String> tags, String dataOwner, String classification, LocalDate retainUntil,
                            boolean allowSameDevice, boolean oneFileSystem, int threads) {

    /**
     * The Cache Directory Tagging Specification's tag (bford.info/cachedir): pip, cargo, ccache, Chromium and other
     * tools mark their caches with it, and --exclude-caches leaves such directories out, as restic and borg do.
     */
    public static final String CACHE_TAG = "CACHEDIR.TAG:Signature: 8a477f597d28d172789f06886806bc55";

    /** Refused here, not deep in a backup: a null list meant none to one caller and a NullPointerException to another. */
    public BackupOptions {
        if (paths == null || excludes == null || excludeIfPresent == null || tags == null) {
            throw new IllegalArgumentException("BackupOptions: paths, excludes, excludeIfPresent and tags must not be null"
                    + " (List.of() and Map.of() for none)");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("BackupOptions: threads is " + threads + "; give at least 1 (defaultThreads() is "
                    + defaultThreads() + ")");
        }
    }

    public static BackupOptions of(List<Path> paths) {
        return new BackupOptions(paths, false, List.of(), List.of(), Map.of(), null, null, null, false, false, defaultThreads());
    }

    public static int defaultThreads() {
        return Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    public BackupOptions withFull(boolean f) {
        return new BackupOptions(paths, f, excludes, excludeIfPresent, tags, dataOwner, classification, retainUntil,
                allowSameDevice, oneFileSystem, threads);
    }

    public BackupOptions withAllowSameDevice(boolean a) {
        return new BackupOptions(paths, full, excludes, excludeIfPresent, tags, dataOwner, classification, retainUntil,
                a, oneFileSystem, threads);
    }

    public BackupOptions withExcludeIfPresent(List<String> names) {
        return new BackupOptions(paths, full, excludes, names, tags, dataOwner, classification, retainUntil,
                allowSameDevice, oneFileSystem, threads);
    }

    public BackupOptions withOneFileSystem(boolean o) {
        return new BackupOptions(paths, full, excludes, excludeIfPresent, tags, dataOwner, classification, retainUntil,
                allowSameDevice, o, threads);
    }

    public BackupOptions withExcludes(List<String> e) {
        return new BackupOptions(paths, full, e, excludeIfPresent, tags, dataOwner, classification, retainUntil,
                allowSameDevice, oneFileSystem, threads);
    }

    public BackupOptions withRecord(String owner, String cls, LocalDate until, Map<String, String> t) {
        return new BackupOptions(paths, full, excludes, excludeIfPresent, t, owner, cls, until, allowSameDevice, oneFileSystem,
                threads);
    }
}
