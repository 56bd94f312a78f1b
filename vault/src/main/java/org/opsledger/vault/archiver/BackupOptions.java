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
 */
public record BackupOptions(List<Path> paths, boolean full, List<String> excludes, Map<String, String> tags,
                            String dataOwner, String classification, LocalDate retainUntil,
                            boolean allowSameDevice, boolean oneFileSystem, int threads) {

    public static BackupOptions of(List<Path> paths) {
        return new BackupOptions(paths, false, List.of(), Map.of(), null, null, null, false, false, defaultThreads());
    }

    public static int defaultThreads() {
        return Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    public BackupOptions withFull(boolean f) {
        return new BackupOptions(paths, f, excludes, tags, dataOwner, classification, retainUntil, allowSameDevice, oneFileSystem, threads);
    }

    public BackupOptions withAllowSameDevice(boolean a) {
        return new BackupOptions(paths, full, excludes, tags, dataOwner, classification, retainUntil, a, oneFileSystem, threads);
    }

    public BackupOptions withOneFileSystem(boolean o) {
        return new BackupOptions(paths, full, excludes, tags, dataOwner, classification, retainUntil, allowSameDevice, o, threads);
    }

    public BackupOptions withExcludes(List<String> e) {
        return new BackupOptions(paths, full, e, tags, dataOwner, classification, retainUntil, allowSameDevice, oneFileSystem, threads);
    }

    public BackupOptions withRecord(String owner, String cls, LocalDate until, Map<String, String> t) {
        return new BackupOptions(paths, full, excludes, t, owner, cls, until, allowSameDevice, oneFileSystem, threads);
    }
}
