package org.opsledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the {@code ./opsledger} launcher keeps the jar it runs extracted to {@code app/} beside it, in the places operators
 * run it from: installed copies, cron, sudo, shared folders, several first runs at once. It runs here with a JDK whose
 * {@code java} is a script: it writes down each command line, "extracts" a jar by copying it (a jar here is a line of
 * text naming its build) and "runs" one by printing that line.
 */
class LauncherTest {

    private static final Path LAUNCHER = Path.of("..", "opsledger").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err, List<String> javaRuns) {
    }

    /** A jar replaced by a build with an older mtime (a rollback, cp -p, rsync -a, dpkg) ran the build extracted before it. */
    @Test
    void aJarReplacedByAnOlderBuildIsExtractedAgain() throws Exception {
        Path jar = tmp.resolve("inst/opsledger.jar");
        Files.createDirectories(jar.getParent());
        Files.writeString(jar, "build A\n");
        assertThat(run(Map.of("OPSLEDGER_JAR", jar.toString()), "audit-verify").out()).isEqualTo("ran build A\n");

        Files.writeString(jar, "build B, built an hour ago\n");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(3600)));
        assertThat(run(Map.of("OPSLEDGER_JAR", jar.toString()), "audit-verify").out()).isEqualTo("ran build B, built an hour ago\n");

        // a symlinked jar flipped to another release, older than the one extracted
        Path older = Files.writeString(tmp.resolve("release-1.jar"), "release 1\n");
        Path newer = Files.writeString(tmp.resolve("release-2.jar"), "release 2\n");
        Files.setLastModifiedTime(older, FileTime.from(Instant.now().minusSeconds(7200)));
        Path link = Files.createSymbolicLink(tmp.resolve("inst/current.jar"), newer);
        assertThat(run(Map.of("OPSLEDGER_JAR", link.toString()), "audit-verify").out()).isEqualTo("ran release 2\n");
        Files.delete(link);
        Files.createSymbolicLink(link, older);
        assertThat(run(Map.of("OPSLEDGER_JAR", link.toString()), "audit-verify").out()).isEqualTo("ran release 1\n");
        // and the same jar is not extracted again, even when app/.extracted alone was touched
        Files.setLastModifiedTime(jar.resolveSibling("app/.extracted"), FileTime.from(Instant.now()));
        Run again = run(Map.of("OPSLEDGER_JAR", link.toString()), "audit-verify");
        assertThat(again.out()).isEqualTo("ran release 1\n");
        assertThat(again.javaRuns()).noneMatch(line -> line.contains("jarmode"));
    }

    /**
     * Concurrent first runs of a build (cron jobs at 02:00 after an upgrade): one removed app/ while another started from
     * it, and the losers left their copies beside it (a helper's). One extracts; the others run the jar as it is.
     */
    @Test
    void concurrentFirstRunsExtractOnceAndAllRun() throws Exception {
        Path jar = Files.writeString(Files.createDirectories(tmp.resolve("inst")).resolve("opsledger.jar"), "build A\n");
        Run runs = runAs(List.of("bash", "-c", "for i in 1 2 3 4 5 6 7 8; do bash \"$0\" \"$@\" & done; wait", LAUNCHER.toString()),
                Map.of("OPSLEDGER_JAR", jar.toString(), "FAKE_EXTRACT_SECONDS", "1"), "audit-verify");
        assertThat(runs.out().lines()).as(runs.err()).hasSize(8).containsOnly("ran build A");
        assertThat(runs.javaRuns()).filteredOn(line -> line.contains("jarmode")).hasSize(1);
        try (var left = Files.list(jar.getParent())) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("opsledger.jar", "app");
        }
        assertThat(run(Map.of("OPSLEDGER_JAR", jar.toString()), "audit-verify").javaRuns()).containsExactly(
                "-XX:SharedArchiveFile=" + jar.resolveSibling("app/audit-verify.jsa") + " -XX:+AutoCreateSharedArchive -Xlog:cds=off"
                        + " -Xlog:cds+dynamic=off -jar " + jar.resolveSibling("app/opsledger.jar") + " audit-verify");
    }

    /** A jar of another name (OPSLEDGER_JAR=/tmp/old-build.jar, a symlink to a versioned jar) runs from app/ as any other. */
    @Test
    void aJarOfAnotherNameRunsFromItsExtractedCopy() throws Exception {
        Path jar = Files.writeString(Files.createDirectories(tmp.resolve("inst")).resolve("opsledger-2026.12.jar"), "build A\n");
        Path link = Files.createSymbolicLink(tmp.resolve("inst/current.jar"), jar.getFileName());
        for (Path given : List.of(jar, link)) {
            run(Map.of("OPSLEDGER_JAR", given.toString()), "audit-verify"); // extracts (the first runs the jar as it is)
            Run next = run(Map.of("OPSLEDGER_JAR", given.toString()), "audit-verify");
            assertThat(next.out()).as(next.err()).isEqualTo("ran build A\n");
            assertThat(next.javaRuns().getLast()).endsWith(" -jar " + jar.resolveSibling("app/opsledger.jar") + " audit-verify");
        }
    }

    /** Concurrent first vault commands of a build each trained the vault cache, and left vault.aot-failed beside it (a helper's). */
    @Test
    void concurrentFirstVaultCommandsTrainTheCacheOnce() throws Exception {
        Path jar = Files.writeString(Files.createDirectories(tmp.resolve("inst")).resolve("opsledger.jar"), "build A\n");
        run(Map.of("OPSLEDGER_JAR", jar.toString()), "audit-verify"); // extracted
        Run runs = runAs(List.of("bash", "-c", "for i in 1 2 3 4 5 6; do bash \"$0\" \"$@\" & done; wait", LAUNCHER.toString()),
                Map.of("OPSLEDGER_JAR", jar.toString(), "JAVA_HOME", tmp.resolve("jdk25").toString(), "FAKE_TRAIN_SECONDS", "1"),
                "vault", "snapshots", "--repo", "/srv/repo");
        assertThat(runs.out().lines()).as(runs.err()).hasSize(6).containsOnly("ran build A");
        assertThat(runs.javaRuns()).filteredOn(line -> line.endsWith("vault train-cache")).hasSize(1);
        assertThat(jar.resolveSibling("app/vault.aot")).hasContent("recorded");
        assertThat(jar.resolveSibling("app/vault.aot-failed")).doesNotExist();
    }

    /**
     * An upgrade by mv while the old build recorded the vault cache, and any command meanwhile extracting the new jar: the
     * old training failed against the new app/, left vault.aot-failed in it, and the new build never recorded its cache (a
     * tester's). Nothing of the old training is left in the new app/, and the next vault command records the new build's.
     */
    @Test
    void anUpgradeWhileTheVaultCacheIsRecordedLeavesTheNewBuildToRecordItsOwn() throws Exception {
        Path jar = Files.writeString(Files.createDirectories(tmp.resolve("inst")).resolve("opsledger.jar"), "build A\n");
        Path jdk25 = tmp.resolve("jdk25");
        run(Map.of("OPSLEDGER_JAR", jar.toString()), "audit-verify"); // extracted
        Path firstLog = tmp.resolve("first.log");
        ProcessBuilder pb = new ProcessBuilder("bash", LAUNCHER.toString(), "vault", "snapshots", "--repo", "/srv/repo")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(tmp.resolve("first.out").toFile()).redirectError(tmp.resolve("first.err").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("OPSLEDGER_"));
        Path upgraded = tmp.resolve("upgraded"); // the training lasts until the upgrade is done: it had 3 s, however loaded the machine
        pb.environment().putAll(Map.of("OPSLEDGER_JAR", jar.toString(), "JAVA_HOME", jdk25.toString(), "FAKE_LOG", firstLog.toString(),
                "FAKE_TRAIN_UNTIL", upgraded.toString()));
        Process first = pb.start();
        while (!Files.exists(firstLog) || !Files.readString(firstLog).contains("train-cache")) { // the training has started
            assertThat(first.isAlive()).as("the first command trains").isTrue();
            Thread.sleep(50);
        }
        Path upgrade = Files.writeString(tmp.resolve("inst/.new.jar"), "build B\n");
        Files.move(upgrade, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        assertThat(run(Map.of("OPSLEDGER_JAR", jar.toString()), "audit-verify").javaRuns()).anyMatch(line -> line.contains("jarmode"));
        Files.createFile(upgraded);
        assertThat(first.waitFor()).isZero();
        assertThat(Files.readString(tmp.resolve("first.err"))).contains("opsledger: the jar was replaced while the start-up cache was"
                + " recorded: the next vault command records the new build's\n");
        assertThat(jar.resolveSibling("app/vault.aot-failed")).doesNotExist();
        Run next = run(Map.of("OPSLEDGER_JAR", jar.toString(), "JAVA_HOME", jdk25.toString()), "vault", "snapshots", "--repo", "/srv/repo");
        assertThat(next.out()).as(next.err()).isEqualTo("ran build B\n");
        assertThat(next.javaRuns()).anyMatch(line -> line.endsWith("vault train-cache"));
        assertThat(jar.resolveSibling("app/vault.aot")).hasContent("recorded");
    }

    /**
     * After a JDK update the JVM refused the vault cache on every run ("lib/modules size has changed"), silently, and none
     * was recorded again (a tester's). The cache is recorded again under another JDK, and mapped after that.
     */
    @Test
    void theVaultCacheIsRecordedAgainAfterAJdkUpdate() throws Exception {
        Path jar = Files.writeString(Files.createDirectories(tmp.resolve("inst")).resolve("opsledger.jar"), "build A\n");
        fakeJdk();
        Path modules = Files.writeString(Files.createDirectories(tmp.resolve("jdk25/lib")).resolve("modules"), "JDK 25.0.3\n");
        Map<String, String> jdk25 = Map.of("OPSLEDGER_JAR", jar.toString(), "JAVA_HOME", tmp.resolve("jdk25").toString());
        run(Map.of("OPSLEDGER_JAR", jar.toString()), "audit-verify"); // extracted
        assertThat(run(jdk25, "vault", "snapshots", "--repo", "/srv/repo").javaRuns()).anyMatch(line -> line.endsWith("vault train-cache"));
        assertThat(run(jdk25, "vault", "snapshots", "--repo", "/srv/repo").javaRuns()).singleElement().asString().contains("-XX:AOTCache=");
        Files.writeString(modules, "JDK 25.0.4, updated\n"); // apt's update
        Files.setLastModifiedTime(modules, FileTime.from(Instant.now().plusSeconds(60)));
        Run updated = run(jdk25, "vault", "snapshots", "--repo", "/srv/repo");
        assertThat(updated.err()).contains("recording the start-up cache of vault commands");
        assertThat(updated.javaRuns()).anyMatch(line -> line.endsWith("vault train-cache")).last().asString().contains("-XX:AOTCache=");
        assertThat(run(jdk25, "vault", "snapshots", "--repo", "/srv/repo").javaRuns()).singleElement().asString().contains("-XX:AOTCache=");
        // and a command's own cache (the server's) likewise
        run(jdk25, "server");
        assertThat(run(jdk25, "server").javaRuns()).singleElement().asString().contains("-XX:AOTCache=");
        Files.writeString(modules, "JDK 25.0.5, updated again\n");
        Files.setLastModifiedTime(modules, FileTime.from(Instant.now().plusSeconds(120)));
        assertThat(run(jdk25, "server").javaRuns()).anyMatch(line -> line.contains("-XX:AOTMode=record"));
    }

    /**
     * A full disk under the install: "the training run failed (`… train-cache` shows why)", and that command exited 0
     * saying nothing (a tester's). The notice carries the last lines the recording said.
     */
    @Test
    void aFailedRecordingOfTheVaultCacheSaysWhatItSaid() throws Exception {
        Path jar = Files.writeString(Files.createDirectories(tmp.resolve("inst")).resolve("opsledger.jar"), "build A\n");
        run(Map.of("OPSLEDGER_JAR", jar.toString()), "audit-verify"); // extracted
        Run run = run(Map.of("OPSLEDGER_JAR", jar.toString(), "JAVA_HOME", tmp.resolve("jdk25").toString(), "FAKE_TRAIN_FAIL",
                "Error: failed to write AOT configuration: No space left on device"), "vault", "snapshots", "--repo", "/srv/repo");
        assertThat(run.out()).isEqualTo("ran build A\n");
        assertThat(run.err()).contains("opsledger: recording the start-up cache of vault commands in " + jar.resolveSibling("app") + " failed (Error: failed to write AOT"
                + " configuration: No space left on device): vault commands start without it until " + jar.resolveSibling("app/vault.aot-failed")
                + " is deleted\n");
    }

    /**
     * The vault cache's training ran with the first command's options: a heap right for its command (-Xmx24m) was too small
     * for the training, and vault.aot-failed left every later command of the build without the cache (a helper's).
     */
    @Test
    void theVaultCacheIsTrainedWithTheLaunchersOptionsAlone() throws Exception {
        for (String variable : List.of("OPSLEDGER_JAVA_OPTS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS")) {
            Path jar = Files.writeString(Files.createDirectories(tmp.resolve(variable)).resolve("opsledger.jar"), "build A\n");
            Run run = run(Map.of("OPSLEDGER_JAR", jar.toString(), "JAVA_HOME", tmp.resolve("jdk25").toString(), variable, "-Xmx24m"),
                    "vault", "snapshots", "--repo", "/srv/repo");
            assertThat(run.out()).as(run.err()).isEqualTo("ran build A\n");
            assertThat(jar.resolveSibling("app/vault.aot")).as(variable).hasContent("recorded");
            assertThat(jar.resolveSibling("app/vault.aot-failed")).doesNotExist();
        }
        // but in the temporary directory the caller named: ≈200 MB of training files filled the small /tmp it had moved
        // them from, and the cache stayed off for the build (a re-tester's)
        Path jar = Files.writeString(Files.createDirectories(tmp.resolve("tmpdir")).resolve("opsledger.jar"), "build A\n");
        Run run = run(Map.of("OPSLEDGER_JAR", jar.toString(), "JAVA_HOME", tmp.resolve("jdk25").toString(), "OPSLEDGER_JAVA_OPTS",
                "-Xmx24m -Djava.io.tmpdir=/srv/tmp"), "vault", "snapshots", "--repo", "/srv/repo");
        assertThat(run.javaRuns()).filteredOn(line -> line.endsWith("vault train-cache")).singleElement().asString()
                .contains("-Djava.io.tmpdir=/srv/tmp").doesNotContain("-Xmx24m");
    }

    /**
     * A jar in a shared writable folder: another user planted app/ beside it and root ran her code (a helper's). An app/
     * that is neither the caller's nor root's is not run from, nor replaced: the jar runs as it is.
     */
    @Test
    void anAppOfAnotherUserIsNeitherRunNorReplaced() throws Exception {
        Path drop = Files.createDirectories(tmp.resolve("drop"));
        Files.setPosixFilePermissions(drop, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path jar = Files.writeString(drop.resolve("opsledger.jar"), "build A\n");
        Path app = Files.createDirectories(drop.resolve("app"));
        Files.writeString(app.resolve("opsledger.jar"), "planted code\n");
        Files.writeString(app.resolve(".extracted"), "");
        var nobody = app.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        for (Path planted : List.of(app, app.resolve("opsledger.jar"), app.resolve(".extracted"))) {
            Files.setOwner(planted, nobody);
        }
        Run run = run(Map.of("OPSLEDGER_JAR", jar.toString()), "audit-verify");
        assertThat(run.out()).isEqualTo("ran build A\n");
        assertThat(run.javaRuns()).containsExactly("-jar " + jar + " audit-verify");
        assertThat(Files.readString(app.resolve("opsledger.jar"))).isEqualTo("planted code\n");
        // nor one of another user's that only she can write to
        Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setOwner(app, jar.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("daemon"));
        assertThat(run(Map.of("OPSLEDGER_JAR", jar.toString()), "audit-verify").out()).isEqualTo("ran build A\n");
    }

    /**
     * Under umask 002 (what docs/operations.md has operators of a shared repository use) the caches the JVM wrote were
     * group-writable, and a member of the group patched the vault.aot the owner's next command mapped (a helper's).
     */
    @Test
    void cachesAreWritableByTheirOwnerAloneAndOneOthersMayWriteIsNotMapped() throws Exception {
        Path jar = Files.writeString(Files.createDirectories(tmp.resolve("inst")).resolve("opsledger.jar"), "build A\n");
        List<String> umask002 = List.of("bash", "-c", "umask 002; exec bash \"$@\"", "bash", LAUNCHER.toString());
        Map<String, String> jdk25 = Map.of("OPSLEDGER_JAR", jar.toString(), "JAVA_HOME", tmp.resolve("jdk25").toString());
        runAs(umask002, Map.of("OPSLEDGER_JAR", jar.toString()), "audit-verify");
        runAs(umask002, jdk25, "vault", "snapshots", "--repo", "/srv/repo");
        runAs(umask002, jdk25, "server");
        for (String cache : List.of("audit-verify.jsa", "vault.aot", "server.aot")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(jar.resolveSibling("app/" + cache))))
                    .as(cache).matches("...r-.r-.");
        }
        // one that others may write, in root's app/, is not mapped by another user: the jar runs as it is
        Path vaultAot = jar.resolveSibling("app/vault.aot");
        Files.setPosixFilePermissions(vaultAot, PosixFilePermissions.fromString("rw-rw-r--"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x"));
        Path log = Files.createDirectories(tmp.resolve("log"));
        Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rwxrwxrwx"));
        List<String> asNobody = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "bash", LAUNCHER.toString());
        Run nobody = runAs(asNobody, with(jdk25, "FAKE_LOG", log.resolve("java.log").toString()), "vault", "snapshots", "--repo", "/srv/repo");
        assertThat(nobody.out()).as(nobody.err()).isEqualTo("ran build A\n");
        assertThat(Files.readAllLines(log.resolve("java.log"))).singleElement().asString().doesNotContain("AOTCache").contains("-jar " + jar + " ");
    }

    /**
     * Root's first vault command after an install under UMask=0077 (a hardened unit, root's cron with umask 077) extracted
     * app/ 0700 and recorded vault.aot 0600, and every command of a service user ran without the cache from then on, saying
     * nothing (a tester's). The tree and its caches are readable by all, whatever the umask; a user who cannot use or
     * record the cache is told so.
     */
    @Test
    void underUmask077TheCacheIsReadableByAllAndAUserWhoCannotUseItIsTold() throws Exception {
        Path jar = Files.writeString(Files.createDirectories(tmp.resolve("inst")).resolve("opsledger.jar"), "build A\n");
        List<String> umask077 = List.of("bash", "-c", "umask 077; exec bash \"$@\"", "bash", LAUNCHER.toString());
        Map<String, String> jdk25 = Map.of("OPSLEDGER_JAR", jar.toString(), "JAVA_HOME", tmp.resolve("jdk25").toString());
        runAs(umask077, Map.of("OPSLEDGER_JAR", jar.toString()), "audit-verify"); // extracts
        runAs(umask077, jdk25, "vault", "snapshots", "--repo", "/srv/repo"); // records vault.aot
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(jar.resolveSibling("app")))).isEqualTo("rwxr-xr-x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(jar.resolveSibling("app/vault.aot")))).matches("r.-r--r--");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x"));
        Path log = Files.createDirectories(tmp.resolve("log"));
        Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rwxrwxrwx"));
        List<String> asNobody = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "bash", LAUNCHER.toString());
        Run nobody = runAs(asNobody, with(jdk25, "FAKE_LOG", log.resolve("java.log").toString()), "vault", "snapshots", "--repo", "/srv/repo");
        assertThat(nobody.err()).doesNotContain("opsledger:");
        assertThat(Files.readAllLines(log.resolve("java.log"))).singleElement().asString().contains("-XX:AOTCache=");
        // a cache of another JDK (an update) that this user may not record again: said, not silent
        Files.writeString(jar.resolveSibling("app/vault.aot.jdk"), "another JDK\n");
        nobody = runAs(asNobody, with(jdk25, "FAKE_LOG", log.resolve("java.log").toString()), "vault", "snapshots", "--repo", "/srv/repo");
        assertThat(nobody.out()).isEqualTo("ran build A\n");
        assertThat(nobody.err()).contains("opsledger: the start-up cache of vault commands in " + jar.resolveSibling("app"),
                "this user may not record it there");
        // and an app/ extracted 0700 by an earlier launcher: said, with the remedy
        Files.setPosixFilePermissions(jar.resolveSibling("app"), PosixFilePermissions.fromString("rwx------"));
        nobody = runAs(asNobody, with(jdk25, "FAKE_LOG", log.resolve("java.log").toString()), "vault", "snapshots", "--repo", "/srv/repo");
        assertThat(nobody.out()).isEqualTo("ran build A\n");
        assertThat(nobody.err()).contains("cannot be read by this user", "chmod -R go+rX,go-w " + jar.resolveSibling("app"));
    }

    /** A failed extraction (a full disk) left its partial copy, one more each command (a helper's): it leaves nothing. */
    @Test
    void aFailedExtractionLeavesNothingAndStaleOnesAreRemoved() throws Exception {
        Path jar = Files.writeString(Files.createDirectories(tmp.resolve("inst")).resolve("opsledger.jar"), "build A\n");
        Run failed = run(Map.of("OPSLEDGER_JAR", jar.toString(), "FAKE_EXTRACT_FAIL", "1"), "audit-verify");
        assertThat(failed.out()).isEqualTo("ran build A\n");
        assertThat(failed.err()).as("said once, with the remedy").contains("commands run without the cache; delete "
                + jar.resolveSibling("app.failed") + " to try again");
        // and is not tried again for this jar (on a FAT install every command extracted 81 MB, 30 s; a helper's)
        Run next = run(Map.of("OPSLEDGER_JAR", jar.toString()), "audit-verify");
        assertThat(next.out()).isEqualTo("ran build A\n");
        assertThat(next.err()).doesNotContain("app.failed");
        assertThat(next.javaRuns()).containsExactly("-jar " + jar + " audit-verify");
        Files.delete(jar.resolveSibling("app.failed")); // as the guide says, to try again
        // one left by an extraction stopped by kill -9 two hours ago goes; one that may be in progress stays
        Path stale = Files.createDirectories(jar.resolveSibling("app.tmp.4242/lib"));
        Files.setLastModifiedTime(stale.getParent(), FileTime.from(Instant.now().minusSeconds(7200)));
        Path recent = Files.createDirectories(jar.resolveSibling("app.tmp.4343"));
        assertThat(run(Map.of("OPSLEDGER_JAR", jar.toString()), "audit-verify").out()).isEqualTo("ran build A\n");
        try (var left = Files.list(jar.getParent())) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("opsledger.jar", "app", "app.tmp.4343");
        }
        assertThat(recent).exists();
    }

    /**
     * The caller's JVM options win, as docs/operations.md says, also from JAVA_TOOL_OPTIONS and _JAVA_OPTIONS, which the
     * JVM reads itself: a collector or -Xshare named there made every vault command fail before it started ("Multiple
     * garbage collectors selected"), with the JVM's error on stdout (a helper's). An error of the JVM's start is on stderr.
     */
    @Test
    void theCallersCollectorAndCacheOptionsWin() throws Exception {
        Path main = tmp.resolve("main.jar"); // the java launcher reads a jar's manifest before it starts the JVM
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MAIN_CLASS, "Main");
        new java.util.jar.JarOutputStream(Files.newOutputStream(main), manifest).close();
        Map<String, String> real = Map.of("JAVA_HOME", System.getProperty("java.home"), "OPSLEDGER_JAR", main.toString(), "OPSLEDGER_NO_CDS", "1");
        Run g1 = run(with(real, "OPSLEDGER_JAVA_OPTS", "-XX:+UseG1GC -XX:+PrintFlagsFinal -version"), "vault", "snapshots");
        assertThat(g1.err()).containsPattern("UseG1GC +=\\s*true").containsPattern("UseSerialGC +=\\s*false");
        Run parallel = run(with(with(real, "JAVA_TOOL_OPTIONS", "-XX:+UseParallelGC"), "OPSLEDGER_JAVA_OPTS", "-XX:+PrintFlagsFinal -version"),
                "vault", "snapshots");
        assertThat(parallel.err()).containsPattern("UseParallelGC +=\\s*true");
        // and from JDK_JAVA_OPTIONS, which the java launcher reads (a helper's: "Multiple garbage collectors selected")
        Run parallelToo = run(with(with(real, "JDK_JAVA_OPTIONS", "-XX:+UseParallelGC"), "OPSLEDGER_JAVA_OPTS", "-XX:+PrintFlagsFinal -version"),
                "vault", "snapshots");
        assertThat(parallelToo.err()).containsPattern("UseParallelGC +=\\s*true");
        // options that name no collector are none (*-XX:+Use*GC* took these for one; a helper's)
        Run notCollectors = run(with(real, "OPSLEDGER_JAVA_OPTS", "-XX:+UseLargePages -XX:MaxGCPauseMillis=50 -Dnote=-XX:+UseZGC"
                + " -XX:+PrintFlagsFinal -version"), "vault", "snapshots");
        assertThat(notCollectors.err()).containsPattern("UseSerialGC +=\\s*true");
        Run wrong = run(with(real, "OPSLEDGER_JAVA_OPTS", "-XX:+UseG1GC -XX:+UseSerialGC"), "vault", "snapshots", "--json");
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.out()).isEmpty();
        assertThat(wrong.err()).contains("Multiple garbage collectors selected");

        Path jar = Files.writeString(Files.createDirectories(tmp.resolve("inst")).resolve("opsledger.jar"), "build A\n");
        for (String[] option : new String[][] {{"OPSLEDGER_JAVA_OPTS", "-Xshare:off"}, {"_JAVA_OPTIONS", "-XX:AOTCache=my.aot"},
                {"JDK_JAVA_OPTIONS", "-Xshare:off"}}) {
            Run shared = run(Map.of("OPSLEDGER_JAR", jar.toString(), option[0], option[1]), "audit-verify");
            assertThat(shared.out()).isEqualTo("ran build A\n");
            assertThat(shared.javaRuns()).singleElement().asString().doesNotContain("SharedArchiveFile").endsWith("-jar " + jar + " audit-verify");
        }
    }

    /**
     * A vault command's JVM gives the C library's freed pages back every second (LauncherHeapTest), with an option not every
     * JDK 21 knows: there an unknown option would stop every vault command before it started. It is given from JDK 22.
     */
    @Test
    void theNativeHeapIsTrimmedOnlyWhereTheJdkKnowsTheOption() throws Exception {
        Path jar = Files.writeString(Files.createDirectories(tmp.resolve("inst")).resolve("opsledger.jar"), "build A\n");
        fakeJdk();
        Map<String, String> jdk21 = Map.of("OPSLEDGER_JAR", jar.toString(), "OPSLEDGER_NO_CDS", "1");
        assertThat(run(jdk21, "vault", "snapshots", "--repo", "/srv/repo").javaRuns()).singleElement().asString()
                .doesNotContain("TrimNativeHeapInterval");
        assertThat(run(with(jdk21, "JAVA_HOME", tmp.resolve("jdk25").toString()), "vault", "snapshots", "--repo", "/srv/repo").javaRuns())
                .singleElement().asString().contains(" -XX:TrimNativeHeapInterval=1000 ");
    }

    private static Map<String, String> with(Map<String, String> env, String name, String value) {
        Map<String, String> more = new java.util.HashMap<>(env);
        more.put(name, value);
        return more;
    }

    /**
     * Started from a directory that was removed (a cron job's cd into a release a deploy removed), every command failed
     * with the JVM's error on stdout (a helper's). With only absolute paths it runs from /; else it says why, in one line.
     */
    @Test
    void aCommandStartedFromADeletedDirectoryRunsFromRootOrSaysWhy() throws Exception {
        Path jar = Files.writeString(Files.createDirectories(tmp.resolve("inst")).resolve("opsledger.jar"), "build A\n");
        Path gone = tmp.resolve("gone");
        List<String> fromGone = List.of("bash", "-c", "mkdir \"$0\" && cd \"$0\" && rmdir \"$0\" && exec bash \"$@\"", gone.toString(),
                LAUNCHER.toString());
        Map<String, String> env = Map.of("OPSLEDGER_JAR", jar.toString(), "OPSLEDGER_NO_CDS", "1");
        Run absolute = runAs(fromGone, env, "vault", "snapshots", "--repo", "/srv/repo", "--password-file=/etc/pw", "--json", "-r/srv/repo",
                "--to", "s3://bucket/prefix");
        assertThat(absolute.exit()).as(absolute.err()).isZero();
        assertThat(absolute.out()).isEqualTo("ran build A\n");
        Run relative = runAs(fromGone, env, "vault", "snapshots", "--repo", "repo", "--json");
        assertThat(relative.exit()).isEqualTo(1);
        assertThat(relative.out()).isEmpty();
        assertThat(relative.err()).endsWith("opsledger: the current directory was deleted or cannot be read (no search permission): cd to an"
                + " existing directory you may read\n");
        assertThat(relative.javaRuns()).isEmpty();
        // whatever is not an option alone or an absolute path is refused: a word of digits, an ID or `latest` may be a file
        // too (`--target 20261206` restored into /20261206, `backup 2024` backed up /2024: re-testers'), and `server` and a
        // relative file in the variables name one (a server from a removed release directory started an empty ledger in /data)
        for (List<String> args : List.of(List.of("vault", "backup", "--repo", "/srv/repo", "2r3logs"), List.of("vault", "snapshots", "-rrepo"),
                List.of("vault", "restore", "latest", "--target", "20261206"), List.of("vault", "backup", "--repo=/srv/repo", "2024"),
                List.of("vault", "restore", "/x", "--target=out/s3://x"), List.of("server"))) {
            Run run = runAs(fromGone, env, args.toArray(String[]::new));
            assertThat(run.exit()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(run.javaRuns()).isEmpty();
        }
        Map<String, String> relativeRepo = new java.util.HashMap<>(env);
        relativeRepo.put("OPSLEDGER_VAULT_REPOSITORY", "repo");
        assertThat(runAs(fromGone, relativeRepo, "vault", "snapshots", "--json").exit()).isEqualTo(1);
        relativeRepo.put("OPSLEDGER_VAULT_REPOSITORY", "/srv/repo");
        assertThat(runAs(fromGone, relativeRepo, "vault", "key", "list").out()).isEqualTo("ran build A\n");
    }

    /** A directory the caller may not search (sudo -u nobody from a 0700 one of root's) was said to be deleted (a helper's). */
    @Test
    void aCommandStartedFromADirectoryItMayNotSearchSaysSo() throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x"));
        Path closed = Files.createDirectories(tmp.resolve("closed"));
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        List<String> asNobody = List.of("bash", "-c", "cd \"$0\" && exec setpriv --reuid=65534 --regid=65534 --clear-groups bash \"$@\"",
                closed.toString(), LAUNCHER.toString());
        Run run = runAs(asNobody, Map.of("OPSLEDGER_NO_CDS", "1"), "vault", "snapshots", "--repo", "repo");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).endsWith("opsledger: the current directory was deleted or cannot be read (no search permission): cd to an"
                + " existing directory you may read\n");
    }

    /**
     * The launcher where operators put it (a helper's): an installation (the launcher, .ci/find-jdk and a jar) without
     * OPSLEDGER_JAR, as sudo runs it, tried to build with a ./mvnw it does not have (exit 127); a copy of the launcher alone
     * failed on the find-jdk it sources; a Java runtime without javac was refused, though running needs only java.
     */
    @Test
    void anInstalledLauncherSaysWhatItLacksAndRunsWithARuntime() throws Exception {
        Path opt = Files.createDirectories(tmp.resolve("opt/.ci")).getParent();
        Files.copy(LAUNCHER, opt.resolve("opsledger"));
        Files.copy(LAUNCHER.resolveSibling(".ci/find-jdk"), opt.resolve(".ci/find-jdk"));
        Path jar = Files.writeString(opt.resolve("opsledger.jar"), "build A\n");
        Run noJar = runAs(List.of("bash", opt.resolve("opsledger").toString()), Map.of("OPSLEDGER_SKIP_BUILD", "1"), "vault", "snapshots");
        assertThat(noJar.exit()).isEqualTo(1);
        assertThat(noJar.err()).isEqualTo("opsledger: no jar at " + opt.resolve("cli/target/opsledger.jar") + " and no sources to build it"
                + " beside the launcher: set OPSLEDGER_JAR to the jar (docs/operations.md, \"Install and start\")\n");

        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Files.copy(LAUNCHER, bin.resolve("opsledger"));
        Run copied = runAs(List.of("bash", bin.resolve("opsledger").toString()), Map.of("OPSLEDGER_JAR", jar.toString()), "vault", "snapshots");
        assertThat(copied.exit()).isEqualTo(1);
        assertThat(copied.err()).isEqualTo("opsledger: no .ci/find-jdk beside the launcher in " + bin + ": run the launcher of a checkout or"
                + " an installation, or a symlink to it, not a copy\n");

        fakeJdk();
        Path jre = FakeJdk.at(tmp.resolve("jre"), "25.0.3", Files.readString(tmp.resolve("jdk/bin/java")), "java");
        Run runtime = run(Map.of("JAVA_HOME", jre.toString(), "OPSLEDGER_JAR", jar.toString(), "OPSLEDGER_NO_CDS", "1"), "vault", "snapshots");
        assertThat(runtime.err()).isEmpty();
        assertThat(runtime.out()).isEqualTo("ran build A\n");
    }

    /**
     * On a host with Java 17 alone and JAVA_HOME naming it, the refusal told of the developers' machines' JDK path (a path
     * that host lacks) and not that the JAVA_HOME given was passed over (a tester's). /usr/lib/jvm is hidden (a private
     * mount) and java is not on the PATH.
     */
    @Test
    void noJava21SaysWhyTheJavaHomeGivenWasPassedOver() throws Exception {
        Path jar = Files.writeString(Files.createDirectories(tmp.resolve("inst")).resolve("opsledger.jar"), "build A\n");
        Path java17 = FakeJdk.at(tmp.resolve("java-17"), "17.0.9", "#!/bin/bash\necho ran\n", "java", "javac");
        List<String> noJdks = List.of("unshare", "-m", "bash", "-c", "mount -t tmpfs none /usr/lib/jvm && exec bash \"$@\"", "bash",
                LAUNCHER.toString());
        Run run = runAs(noJdks, Map.of("OPSLEDGER_JAR", jar.toString(), "JAVA_HOME", java17.toString(), "PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
                "vault", "snapshots");
        org.junit.jupiter.api.Assumptions.assumeFalse(run.err().contains("unshare:") || run.err().contains("mount:"), "a private mount takes root");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("opsledger: needs Java 21 or newer: JAVA_HOME (" + java17 + ") is Java 17, and there is none under"
                + " /usr/lib/jvm or on the PATH: install one and set JAVA_HOME to it\n");
    }

    /**
     * Run with no HOME (a systemd unit without User=, `env -i`), a checkout's first run built with a wrapper that ended
     * "./mvnw: 145: HOME: parameter not set" (a tester's): the build runs in the caller's home from the user database.
     */
    @Test
    void aCheckoutRunWithoutHomeBuildsInTheUsersHome() throws Exception {
        Path checkout = Files.createDirectories(tmp.resolve("checkout/.ci")).getParent();
        Files.copy(LAUNCHER, checkout.resolve("opsledger"));
        Files.copy(LAUNCHER.resolveSibling(".ci/find-jdk"), checkout.resolve(".ci/find-jdk"));
        Path mvnw = Files.writeString(checkout.resolve("mvnw"), "#!/bin/sh\nset -u\necho \"built in HOME=$HOME\"\n"
                + "mkdir -p cli/target && echo 'build B' > cli/target/opsledger.jar\n");
        mvnw.toFile().setExecutable(true);
        Run run = runAs(List.of("env", "-u", "HOME", "bash", checkout.resolve("opsledger").toString()), Map.of("OPSLEDGER_NO_CDS", "1"),
                "vault", "snapshots");
        assertThat(run.err()).isEqualTo("opsledger: building (first run, or the sources changed)…\nbuilt in HOME="
                + System.getProperty("user.home") + "\n");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("ran build B\n");
    }

    /** `--help`, `--version`, `-V` and `-h` recorded a start-up cache each (`-.aot` for -V; a helper's): options alone record none. */
    @Test
    void optionsAloneRecordNoStartUpCache() throws Exception {
        Path jar = Files.writeString(Files.createDirectories(tmp.resolve("inst")).resolve("opsledger.jar"), "build A\n");
        for (String option : List.of("--help", "--version", "-V", "-h")) {
            Run run = run(Map.of("OPSLEDGER_JAR", jar.toString()), option);
            assertThat(run.javaRuns()).containsExactly("-jar " + jar + " " + option);
        }
        // a command's help or version records none (`server --help` recorded the cache every server start mapped; a
        // helper's), and maps the command's cache once its run has made it
        Path app = jar.resolveSibling("app");
        assertThat(run(Map.of("OPSLEDGER_JAR", jar.toString()), "audit", "verify", "--help").javaRuns()).last().asString()
                .isEqualTo("-jar " + app.resolve("opsledger.jar") + " audit verify --help");
        assertThat(app.resolve("audit-verify.jsa")).doesNotExist();
        Map<String, String> jdk25 = Map.of("OPSLEDGER_JAR", jar.toString(), "JAVA_HOME", tmp.resolve("jdk25").toString());
        for (String option : List.of("--help", "-h", "--version", "-V")) {
            assertThat(run(jdk25, "server", option).javaRuns()).containsExactly("-jar " + app.resolve("opsledger.jar") + " server " + option);
        }
        assertThat(app.resolve("server.aot")).doesNotExist();
        run(Map.of("OPSLEDGER_JAR", jar.toString()), "audit", "verify");
        assertThat(run(Map.of("OPSLEDGER_JAR", jar.toString()), "audit", "verify", "--help").javaRuns()).last().asString()
                .startsWith("-XX:SharedArchiveFile=" + app.resolve("audit-verify.jsa") + " ");
    }

    private Run run(Map<String, String> env, String... args) throws Exception {
        return runAs(List.of("bash", LAUNCHER.toString()), env, args);
    }

    /** {@code launcher} (the launcher as `bash` runs it, or a shell that runs it after a step of its own) with the fake JDK. */
    private Run runAs(List<String> launcher, Map<String, String> env, String... args) throws Exception {
        Path jdk = fakeJdk();
        Path log = tmp.resolve("java.log");
        Files.deleteIfExists(log);
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("OPSLEDGER_") || k.equals("JAVA_TOOL_OPTIONS") || k.equals("_JAVA_OPTIONS")
                || k.equals("JDK_JAVA_OPTIONS"));
        pb.environment().put("JAVA_HOME", jdk.toString());
        pb.environment().put("FAKE_LOG", log.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        return new Run(exit, out, err, Files.exists(log) ? Files.readAllLines(log) : List.of());
    }

    /**
     * A JDK 21 (class-data sharing: each command's run is one JVM) whose java logs its command line to FAKE_LOG; extracts
     * a jar by copying it under its own name (a symlink's target's) to the destination, with lib/ (after FAKE_EXTRACT_SECONDS; FAKE_EXTRACT_FAIL: it
     * fails part-way), and runs one by printing "ran " and its content; as a JDK 25 (jdk25/) it also records an AOT
     * configuration (after FAKE_TRAIN_SECONDS, or once the file FAKE_TRAIN_UNTIL names is there, ten minutes at most; FAKE_TRAIN_FAIL: it prints that and fails) and creates a cache from it; the training fails in a heap of 24 MiB
     * (-Xmx24m on its command line or in the variables the JVM reads).
     */
    private Path fakeJdk() throws IOException {
        String java = """
                #!/bin/bash
                echo "$*" >> "$FAKE_LOG"
                case "$* $JAVA_TOOL_OPTIONS $_JAVA_OPTIONS $JDK_JAVA_OPTIONS" in *-Xmx24m*train-cache*|*train-cache*-Xmx24m*) exit 1 ;; esac
                while [ $# -gt 0 ]; do
                  case $1 in
                    -jar) jar=$2; shift ;;
                    --destination) mkdir -p "$2/lib" && sleep "${FAKE_EXTRACT_SECONDS:-0}" && [ -z "$FAKE_EXTRACT_FAIL" ] || exit 1
                                   cp "$jar" "$2/$(basename "$(readlink -f "$jar")")"; exit ;; # as the tools name it
                    -XX:AOTMode=record) record=1 ;;
                    -XX:AOTConfiguration=*) conf=${1#*=} ;;
                    -XX:AOTMode=create) create=1 ;;
                    -XX:AOTCache=*) cache=${1#*=} ;;
                    -XX:SharedArchiveFile=*) jsa=${1#*=} ;;
                  esac
                  shift
                done
                [ -z "$record" ] || [ -z "$FAKE_TRAIN_FAIL" ] || { echo "$FAKE_TRAIN_FAIL" >&2; exit 1; }
                [ -z "$record" ] || [ -z "$FAKE_TRAIN_UNTIL" ] || for i in $(seq 6000); do [ -e "$FAKE_TRAIN_UNTIL" ] && break; sleep 0.1; done
                [ -z "$record" ] || { sleep "${FAKE_TRAIN_SECONDS:-0}"; echo recorded > "$conf"; exit; }
                [ -z "$create" ] || { cat "$conf" > "$cache"; exit; }
                pwd -P >/dev/null 2>&1 || { printf 'Error occurred during initialization of VM\\nCould not determine current working directory.\\n'; exit 1; }
                printf 'ran %s\\n' "$(cat "$jar")"
                [ -z "$jsa" ] || [ -e "$jsa" ] || echo dumped > "$jsa"
                """;
        FakeJdk.at(tmp.resolve("jdk25"), "25.0.3", java, "java", "javac");
        return FakeJdk.at(tmp.resolve("jdk"), "21.0.5", java, "java", "javac");
    }
}
