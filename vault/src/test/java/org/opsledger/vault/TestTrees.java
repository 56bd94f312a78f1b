package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.opsledger.vault.archiver.Archiver;
import org.opsledger.vault.archiver.BackupOptions;
import org.opsledger.vault.archiver.BackupProgress;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.chunker.Chunker;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.SnapshotRef;

/** Builds real directory trees on disk and compares two of them byte for byte, mode for mode. */
public final class TestTrees {

    public static final char[] PASSWORD = "correct horse battery staple".toCharArray();
    public static final int FAST_KDF = 100_000;

    private TestTrees() {
    }

    public static Repository newRepo(Path dir) {
        return Repository.init(new LocalBackend(dir), PASSWORD, FAST_KDF, "test"); // which makes the directory
    }

    public static Repository open(Path dir) {
        return Repository.open(new LocalBackend(dir), PASSWORD);
    }

    /** Rewrites a repository's config from format {@code from} to {@code to}, as a build of that format would have made it. */
    public static void deleteTree(Path root) throws IOException {
        try (var s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    public static void setFormatVersion(Path repo, int from, int to) throws IOException {
        String config = Files.readString(repo.resolve("config"));
        assertThat(config).contains("\"version\":" + from);
        Files.writeString(repo.resolve("config"), config.replace("\"version\":" + from, "\"version\":" + to));
    }

    public static BackupOptions options(Path... paths) {
        return BackupOptions.of(java.util.List.of(paths)).withAllowSameDevice(true); // tests live on one disk
    }

    /** {@code s}'s record with another time, tree and host: a snapshot as a holder of the password could write one. */
    public static org.opsledger.vault.snapshot.Snapshot forged(org.opsledger.vault.snapshot.Snapshot s, java.time.Instant time,
                                                               org.opsledger.vault.crypto.ObjectId tree, String host) {
        return new org.opsledger.vault.snapshot.Snapshot(time, tree, null, s.paths(), host, s.username(), s.tags(), s.kind(), s.dataOwner(),
                s.classification(), s.retainUntil(), s.storageLocation(), s.sourceHost(), s.summary());
    }

    /** One backup of {@code paths} with the test options, as `vault backup` makes it. */
    public static SnapshotRef backup(Repository repo, Path... paths) {
        return new Archiver(repo, new BackupProgress()).backup(options(paths));
    }

    /** A full backup (every byte read again), as the weekly one. */
    public static SnapshotRef fullBackup(Repository repo, Path... paths) {
        return new Archiver(repo, new BackupProgress()).backup(options(paths).withFull(true));
    }

    /**
     * A new repository at {@code dir} with two backups of {@code data} (made here) and its one file, config, the first
     * snapshot forgotten; config then holds again what only that one held: the next prune condemns its pack, and a backup
     * of {@code data} finds that content there while an index names the pack.
     */
    public static void contentOnlyAForgottenSnapshotHeld(Path dir, Path data, long seed) throws IOException {
        byte[] old = random(seed, 300_000);
        Files.createDirectories(data);
        Files.write(data.resolve("config"), old);
        try (Repository first = newRepo(dir)) {
            SnapshotRef s0 = backup(first, data);
            Files.write(data.resolve("config"), random(seed + 1, 300_000));
            backup(first, data);
            org.opsledger.vault.prune.Forgetter f = new org.opsledger.vault.prune.Forgetter(first, java.time.ZoneOffset.UTC);
            f.remove(f.plan(List.of(s0), java.time.Instant.now()), id -> { });
        }
        Files.write(data.resolve("config"), old);
    }

    public static byte[] random(long seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /**
     * Random bytes that the repository's chunker cuts into {@code chunks} chunks of the largest size
     * (8 MiB), which zstd cannot shrink: the worst case of every per-blob buffer. Random data is cut
     * ≈1 MiB apart; wherever a cut would fall, the byte that made it is drawn again.
     */
    public static byte[] incompressibleMaximalChunks(Repository repo, long seed, int chunks) {
        Random r = new Random(seed);
        byte[] b = new byte[chunks * Chunker.MAX_SIZE];
        r.nextBytes(b);
        for (int start = 0; start < b.length; start += Chunker.MAX_SIZE) {
            for (int cut; (cut = repo.chunker().cut(b, start, b.length - start)) < Chunker.MAX_SIZE; ) {
                b[start + cut - 1] = (byte) r.nextInt(256);
            }
        }
        return b;
    }

    public static byte[] text(long seed, int size) {
        Random r = new Random(seed);
        String[] words = {"change", "backup", "restore", "ledger", "audit", "vault", "policy", "control", "\n"};
        StringBuilder sb = new StringBuilder(size);
        while (sb.length() < size) {
            sb.append(words[r.nextInt(words.length)]).append(' ');
        }
        return sb.substring(0, size).getBytes(StandardCharsets.US_ASCII);
    }

    /** A tree with large random and compressible files, small files, odd modes, symlinks and empty dirs. */
    public static Path sample(Path root) throws IOException {
        Files.createDirectories(root.resolve("docs/empty"));
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("deep/a/b/c/d"));
        Files.write(root.resolve("big.bin"), random(1, 11 * 1024 * 1024 + 17));
        Files.write(root.resolve("docs/manual.txt"), text(2, 3 * 1024 * 1024));
        Files.write(root.resolve("docs/zero"), new byte[0]);
        Files.write(root.resolve("bin/tool"), random(3, 4000));
        Files.write(root.resolve("deep/a/b/c/d/leaf.txt"), "leaf\n".getBytes(StandardCharsets.UTF_8));
        Files.write(root.resolve("docs/copy-of-manual.txt"), text(2, 3 * 1024 * 1024));
        Files.setAttribute(root.resolve("bin/tool"), "unix:mode", 04755);
        Files.setAttribute(root.resolve("docs/manual.txt"), "unix:mode", 0640);
        Files.setAttribute(root.resolve("docs/empty"), "unix:mode", 0700);
        Files.createSymbolicLink(root.resolve("docs/link-to-manual"), Path.of("manual.txt"));
        Files.createSymbolicLink(root.resolve("dangling"), Path.of("/nonexistent/target"));
        Files.setLastModifiedTime(root.resolve("big.bin"), FileTime.from(1_600_000_000_123_456_789L, TimeUnit.NANOSECONDS));
        Files.setLastModifiedTime(root.resolve("docs/empty"), FileTime.from(1_500_000_000L, TimeUnit.SECONDS));
        return root;
    }

    /** Path → (type, mode, mtime, size, content hash or link target) for every entry under root. */
    public static Map<String, String> describe(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                if (p.equals(root)) {
                    continue;
                }
                Map<String, Object> a = Files.readAttributes(p, "unix:mode,size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
                int mode = (Integer) a.get("mode");
                String what;
                if (Files.isSymbolicLink(p)) {
                    what = "link->" + Files.readSymbolicLink(p);
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    what = "dir " + Integer.toOctalString(mode) + " " + ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS);
                } else {
                    what = "file " + Integer.toOctalString(mode) + " " + ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS)
                            + " " + a.get("size") + " " + java.util.HexFormat.of().formatHex(
                                    sha256(Files.readAllBytes(p)));
                }
                out.put(root.relativize(p).toString(), what);
            }
        }
        return out;
    }

    private static byte[] sha256(byte[] b) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** ramfs mounted at {@code dir} (root and mount(8) needed: the test is skipped without them), unmounted by the caller. */
    public static void mountRamfs(Path dir) throws Exception {
        Files.createDirectories(dir);
        Process p = new ProcessBuilder("mount", "-t", "ramfs", "ramfs", dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        org.junit.jupiter.api.Assumptions.assumeTrue(p.waitFor() == 0, "cannot mount ramfs here (needs root): " + out.strip());
    }

    /**
     * A backup of {@code tmp}/src/app (config/a.conf, config/b.conf) in {@code tmp}/repo, and {@code tmp}/live/app, its
     * copy, where b.conf is lost: a live tree to restore one file into.
     */
    public static SnapshotRef liveTreeLosingAFile(Path tmp) throws Exception {
        Path config = Files.createDirectories(tmp.resolve("src/app/config"));
        Files.writeString(config.resolve("a.conf"), "a\n");
        Files.writeString(config.resolve("b.conf"), "b\n");
        SnapshotRef snap;
        try (Repository repo = newRepo(tmp.resolve("repo"))) {
            snap = backup(repo, tmp.resolve("src/app"));
        }
        copyTree(tmp.resolve("src"), tmp.resolve("live"));
        Files.delete(tmp.resolve("live/app/config/b.conf"));
        return snap;
    }

    /** A copy of a repository's (or any) directory tree at {@code to}, which must not exist: to run one test on it several times. */
    public static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(from.relativize(p).toString()));
            }
        }
    }

    /** getfacl's lines for a path, without the one naming it (skipped where getfacl is missing). */
    public static String acl(Path p) throws Exception {
        return runOrSkip("getfacl", "-p", "--", p.toString()).lines().filter(l -> !l.startsWith("# file:"))
                .reduce("", (a, b) -> a + b + "\n");
    }

    /**
     * A tree whose attributes a backup and a restore list: {@code app.env} with an ACL and {@code user.owner}, {@code other.env}
     * with an ACL, {@code sub/} with {@code user.team}, {@code sub/plain.txt} with none. Skipped without setfacl or setfattr.
     */
    public static Path attributedTree(Path data) throws Exception {
        Files.createDirectories(data);
        Path secret = Files.writeString(data.resolve("app.env"), "db_password=hunter2\n");
        runOrSkip("setfacl", "-m", "u:nobody:rw", secret.toString());
        runOrSkip("setfattr", "-n", "user.owner", "-v", "alice", secret.toString());
        Path other = Files.writeString(data.resolve("other.env"), "y\n");
        runOrSkip("setfacl", "-m", "u:nobody:r", other.toString());
        Path sub = Files.createDirectories(data.resolve("sub"));
        runOrSkip("setfattr", "-n", "user.team", "-v", "finance", sub.toString());
        Files.writeString(sub.resolve("plain.txt"), "z\n");
        return data;
    }

    /**
     * {@code src/data/app.env} under {@code tmp}, a secret whose access ACL gives user nobody rw and its group nothing (the
     * test is skipped without setfacl): the file the ACL tests back up.
     */
    public static Path aclSecret(Path tmp) throws Exception {
        Path secret = Files.writeString(Files.createDirectories(tmp.resolve("src/data")).resolve("app.env"), "db_password=hunter2\n");
        runOrSkip("setfacl", "-m", "u:nobody:rw,g::---", secret.toString());
        return secret;
    }

    /** Runs {@code command}, and skips the test (an assumption) where it is not installed or fails: mkfs, mount, truncate. */
    public static String runOrSkip(String... command) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            org.junit.jupiter.api.Assumptions.abort(command[0] + " is not installed: " + e.getMessage());
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        org.junit.jupiter.api.Assumptions.assumeTrue(p.waitFor() == 0, String.join(" ", command) + " failed here: " + out);
        return out;
    }

    /**
     * A 16 MiB ext4 made with {@code mkfsOptions} ("-I", "128": whole-second times; "-N", "32": few inodes) in an image
     * beside {@code dir}, loop-mounted at {@code dir}; the test is skipped without root, mkfs or loop devices. The caller
     * unmounts it.
     */
    public static Path mountExt4(Path dir, String... mkfsOptions) throws Exception {
        Path image = dir.resolveSibling(dir.getFileName() + ".img");
        Files.createDirectories(dir);
        runOrSkip("truncate", "-s", "16M", image.toString());
        List<String> mkfs = new java.util.ArrayList<>(List.of("mkfs.ext4", "-q"));
        mkfs.addAll(List.of(mkfsOptions));
        mkfs.add(image.toString());
        runOrSkip(mkfs.toArray(String[]::new));
        runOrSkip("mount", "-o", "loop", image.toString(), dir.toString());
        return dir;
    }

    public static void unmount(Path dir) throws Exception {
        new ProcessBuilder("umount", "-l", dir.toString()).inheritIO().start().waitFor();
    }

    public static void assertSameTree(Path expected, Path actual) throws IOException {
        assertThat(describe(actual)).isEqualTo(describe(expected));
    }
}
