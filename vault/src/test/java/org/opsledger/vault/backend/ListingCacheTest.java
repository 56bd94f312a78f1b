package org.opsledger.vault.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How long an rclone mount keeps a directory's listing, read from its process's arguments and environment as rclone reads
 * them (NetworkMountTest mounts with rclone and finds the process).
 */
class ListingCacheTest {

    private static final MountEntry MOUNT = new MountEntry(Path.of("/mnt/bk"), "/", "fuse.rclone", "remote:bk");

    private static String of(List<String> arguments, String... environment) {
        return ListingCache.ofRclone(MOUNT, new ListingCache.Rclone(arguments, List.of(environment)));
    }

    private static List<String> mount(String... options) {
        List<String> args = new java.util.ArrayList<>(List.of("/usr/bin/rclone", "mount", "remote:bk", "/mnt/bk"));
        args.addAll(List.of(options));
        return args;
    }

    @Test
    void listingsAreKeptFiveMinutesUnlessToldOtherwise() {
        assertThat(of(mount("--vfs-cache-mode", "writes"))).isEqualTo("the rclone mount /mnt/bk (fuse.rclone of remote:bk) keeps each"
                + " directory's listing 5m0s (--dir-cache-time, not given: rclone's default)");
        assertThat(of(mount("--dir-cache-time", "30s"))).endsWith(" keeps each directory's listing 30s (its --dir-cache-time 30s)");
        assertThat(of(mount("--dir-cache-time=1h"))).endsWith(" listing 1h0m0s (its --dir-cache-time 1h)");
        assertThat(of(mount("--dir-cache-time", "off"))).endsWith(" listing off (its --dir-cache-time off)");
        assertThat(ListingCache.ofRclone(MOUNT, null)).isEqualTo("the rclone mount /mnt/bk (fuse.rclone of remote:bk) keeps each"
                + " directory's listing for its --dir-cache-time (5m0s unless given), which cannot be told here: no rclone process of"
                + " this host's that this user can see serves it");
    }

    @Test
    void zeroListsFromTheRemoteEachTimeHoweverItIsGiven() {
        assertThat(of(mount("--dir-cache-time", "0s"))).isNull();
        assertThat(of(mount("--dir-cache-time=0"))).isNull();
        assertThat(of(mount("-o", "allow_other,dir_cache_time=0s"))).as("a mount helper's, from fstab").isNull();
        assertThat(of(mount(), "HOME=/root", "RCLONE_DIR_CACHE_TIME=0s")).isNull();
        assertThat(of(mount("--dir-cache-time", "5m"), "RCLONE_DIR_CACHE_TIME=0s")).as("the command line first").isNotNull();
        assertThat(of(mount("--dir-cache-time", "0s", "--dir-cache-time", "10s"))).as("the last given").isNotNull();
    }

    @Test
    void durationsReadAsRcloneReadsThem() {
        assertThat(ListingCache.parse("5m0s")).isEqualTo(Duration.ofMinutes(5));
        assertThat(ListingCache.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(ListingCache.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ListingCache.parse("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(ListingCache.parse("10")).isEqualTo(Duration.ofSeconds(10));
        assertThat(ListingCache.parse("0")).isEqualTo(Duration.ZERO);
        assertThat(ListingCache.parse("off")).isNull();
        assertThat(ListingCache.parse("5 m")).isNull();
    }
}
