package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.archiver.Archiver;
import org.opsledger.vault.archiver.BackupProgress;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.history.Finder;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.FileNames;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.NodeType;
import org.opsledger.vault.snapshot.Rewriter;

/** backup and restore --exclude: a glob matches a path's last name or the whole absolute path. */
class ExcludeTest {

    @TempDir
    Path tmp;

    private static void list(Repository repo, ObjectId tree, String dir, List<String> out) {
        for (Node n : repo.loadTree(tree).nodes()) {
            out.add(dir + "/" + n.name());
            if (n.type() == NodeType.DIR) {
                list(repo, n.subtree(), dir + "/" + n.name(), out);
            }
        }
    }

    /** data/cache/deep/blob, data/docs/a.txt, data/docs/trace.log, data/top.log */
    private static Path logsAndCache(Path data) throws java.io.IOException {
        Files.createDirectories(data.resolve("cache/deep"));
        Files.writeString(data.resolve("cache/deep/blob"), "cached");
        Files.createDirectories(data.resolve("docs"));
        Files.writeString(data.resolve("docs/a.txt"), "a");
        Files.writeString(data.resolve("docs/trace.log"), "noise");
        Files.writeString(data.resolve("top.log"), "noise");
        return data;
    }

    /**
     * `*` and `**` match line terminators in names as any other character: `--exclude '/srv/secret/**'` left a file named
     * "key\n1" in the snapshot, and `find '**'` did not see it (a helper's).
     */
    @Test
    void aNameWithALineTerminatorIsMatchedAsAnyOther() throws Exception {
        Path secret = Files.createDirectories(tmp.resolve("srv/secret"));
        for (String name : List.of("key\n1", "key\r2", "key\u20283", "key4")) {
            Files.writeString(secret.resolve(name), "private");
        }
        Files.writeString(tmp.resolve("srv/public.txt"), "public");
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            var snap = new Archiver(repo, new BackupProgress())
                    .backup(TestTrees.options(tmp.resolve("srv")).withExcludes(List.of(secret + "/**")));
            List<String> paths = new ArrayList<>();
            list(repo, snap.snapshot().tree(), "", paths);
            assertThat(paths).containsExactly("/srv", "/srv/public.txt"); // `/**` matches /srv/secret itself too, as restic's
        }
        assertThat(Globs.compile("key*").matches(Path.of("key\n1"))).isTrue();
        assertThat(Globs.compile("key?1").matches(Path.of("key\n1"))).isTrue();
        assertThat(Globs.compile("key\n1").matches(Path.of("key\n1"))).as("a line end in the pattern is itself").isTrue();
        assertThat(Globs.compile("key?1").matches(Path.of("key/1"))).as("? and * still stop at '/'").isFalse();
    }

    /**
     * Patterns read as restic reads them. The JDK's dialect, used before, kept /srv/tmp from `/srv/**{@literal /}tmp` and
     * /srv/logs/top.log from `logs/**{@literal /}*.log` (its `**` between names was at least one name), read `[!a]` and
     * `[^a]` the other way round, and `file{1}` as file1, so a name holding braces could not be excluded (a helper's).
     */
    @Test
    void patternsAreReadAsResticReadsThem() {
        java.util.function.BiPredicate<String, String> excludes = (glob, path) ->
                Globs.matchPathOrName(Globs.compile(List.of(glob)), Path.of(path));
        assertThat(excludes.test("/srv/**/tmp", "/srv/tmp")).as("** is no name too").isTrue();
        assertThat(excludes.test("/srv/**/tmp", "/srv/a/b/tmp")).isTrue();
        assertThat(excludes.test("/srv/**/tmp", "/srv/tmpx")).isFalse();
        assertThat(excludes.test("logs/**/*.log", "/srv/logs/top.log")).isTrue();
        assertThat(excludes.test("logs/**/*.log", "/srv/logs/sub/deep.log")).isTrue();
        assertThat(excludes.test("logs/**/*.log", "/srv/logs.log")).isFalse();
        assertThat(excludes.test("/srv/a/**", "/srv/a")).as("the directory itself, as restic").isTrue();
        assertThat(excludes.test("/srv/a/**", "/srv/ab")).isFalse();
        assertThat(excludes.test("**", "/anything/at/all")).isTrue();
        assertThat(excludes.test("[^a]", "/b")).isTrue();
        assertThat(excludes.test("[^a]", "/a")).isFalse();
        assertThat(excludes.test("[!a]", "/a")).as("a shell's negation, the same").isFalse();
        assertThat(excludes.test("[a-c]x", "/bx")).isTrue();
        assertThat(excludes.test("[a-c]x", "/dx")).isFalse();
        assertThat(excludes.test("[.]x", "/ax")).as("a class's characters are themselves").isFalse();
        assertThat(excludes.test("file{1}", "/file{1}")).isTrue();
        assertThat(excludes.test("file{1}", "/file1")).as("braces are themselves, as restic's").isFalse();
        assertThat(excludes.test("\\*", "/*")).isTrue();
        assertThat(excludes.test("\\*", "/x")).isFalse();
        assertThat(excludes.test("a**b", "/axxb")).as("** within a name is *").isTrue();
        assertThat(excludes.test("/a**b", "/a/b")).isFalse();
        assertThat(excludes.test("a.b", "/axb")).as("a dot is a dot").isFalse();
        // a re-tester's: cleaned as restic cleans a pattern, a character past U+FFFF in a class, a backward range, an empty one
        assertThat(excludes.test("./tmp", "/srv/tmp")).isTrue();
        assertThat(excludes.test("x//tmp", "/srv/x/tmp")).isTrue();
        assertThat(excludes.test("/srv/x/../tmp", "/srv/tmp")).isTrue();
        assertThat(excludes.test("[\uD83D\uDE00]x", "/\uD83D\uDE00x")).isTrue();
        assertThatThrownBy(() -> Globs.compile(List.of("[z-a]"))).hasMessage("[z-a] is not a glob pattern: a range in a class runs backwards");
        assertThatThrownBy(() -> Globs.compile(List.of(""))).hasMessage("an --exclude pattern is empty (an unset variable?): name what"
                + " to leave out");
        assertThatThrownBy(() -> Globs.compile("[ab")).hasMessage("[ab is not a glob pattern: a '[' is not closed");
        assertThatThrownBy(() -> Globs.compile("ab\\")).hasMessage("ab\\ is not a glob pattern: it ends in a lone backslash");
    }

    /**
     * A backup path inside a directory a pattern of a path leaves out was backed up whole: a central list holding
     * /var/lib/secret did nothing for a job of /var/lib/secret/sub, where restic leaves it out (a helper's). Refused, as a
     * pattern matching the path itself is; a name alone is matched below the backup paths only.
     */
    @Test
    void aBackupPathInsideAnExcludedDirectoryIsRefused() throws Exception {
        Path sub = Files.createDirectories(tmp.resolve("secret/sub"));
        Files.writeString(sub.resolve("key"), "private");
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            for (String pattern : List.of(tmp.resolve("secret").toString(), tmp + "/*", tmp.getFileName() + "/secret")) {
                assertThatThrownBy(() -> new Archiver(repo, new BackupProgress()).backup(TestTrees.options(sub).withExcludes(List.of(pattern))))
                        .as(pattern).hasMessageContaining(" is inside " + tmp.resolve("secret") + ", which --exclude leaves out");
            }
            var snap = new Archiver(repo, new BackupProgress()).backup(TestTrees.options(sub).withExcludes(List.of("secret")));
            List<String> paths = new ArrayList<>();
            list(repo, snap.snapshot().tree(), "", paths);
            assertThat(paths).as("a name alone: below the backup path only").containsExactly("/sub", "/sub/key");
        }
    }

    @Test
    void namesAndWholePathsAreLeftOutAndAnExcludedBackupPathIsRefused() throws Exception {
        Path data = logsAndCache(tmp.resolve("srv/data"));
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            var snap = new Archiver(repo, new BackupProgress())
                    .backup(TestTrees.options(data).withExcludes(List.of("*.log", data.resolve("cache").toString())));
            List<String> paths = new ArrayList<>();
            list(repo, snap.snapshot().tree(), "", paths);
            assertThat(paths).containsExactly("/data", "/data/docs", "/data/docs/a.txt");
            // a pattern of more than one name, not absolute, matches the path's end; a trailing '/' is dropped: each
            // excluded nothing, silently (a helper's; restic's `--exclude data/cache` excludes it)
            for (String cache : List.of("data/cache", data.resolve("cache") + "/", "d*a/cache/")) {
                var s = new Archiver(repo, new BackupProgress()).backup(TestTrees.options(data).withExcludes(List.of("*.log", cache)));
                List<String> without = new ArrayList<>();
                list(repo, s.snapshot().tree(), "", without);
                assertThat(without).as(cache).containsExactly("/data", "/data/docs", "/data/docs/a.txt");
            }

            assertThatThrownBy(() -> new Archiver(repo, new BackupProgress())
                    .backup(TestTrees.options(data).withExcludes(List.of(data.toString()))))
                    .isInstanceOf(VaultException.class)
                    .hasMessage("the backup path " + data + " is itself excluded by --exclude; nothing of it would be backed up");
            assertThat(repo.snapshots()).hasSize(4);
        }
    }

    @Test
    void aDirectoryHoldingATagFileIsLeftOutWholeAndACacheTagMustBeTheRealOne() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home/ana"));
        Files.writeString(home.resolve("thesis.tex"), "\\section{}");
        Path pip = Files.createDirectories(home.resolve(".cache/pip"));
        Files.writeString(pip.resolve("CACHEDIR.TAG"), "Signature: 8a477f597d28d172789f06886806bc55\n# pip's cache\n");
        Files.writeString(pip.resolve("wheel.whl"), "cached");
        Path notACache = Files.createDirectories(home.resolve("notes"));
        Files.writeString(notACache.resolve("CACHEDIR.TAG"), "a note about tags"); // no signature: kept
        Path scratch = Files.createDirectories(home.resolve("scratch"));
        Files.writeString(scratch.resolve(".nobackup"), "");
        Files.writeString(scratch.resolve("big.tmp"), "temporary");
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            BackupProgress progress = new BackupProgress();
            var s = new Archiver(repo, progress).backup(TestTrees.options(home)
                    .withExcludeIfPresent(List.of(org.opsledger.vault.archiver.BackupOptions.CACHE_TAG, ".nobackup")));
            List<String> paths = new ArrayList<>();
            list(repo, s.snapshot().tree(), "", paths);
            assertThat(paths).containsExactly("/ana", "/ana/.cache", "/ana/notes", "/ana/notes/CACHEDIR.TAG", "/ana/thesis.tex");
            assertThat(progress.excludedByTag.get()).isEqualTo(2);
            assertThat(progress.warnings()).isEmpty();

            // a backup path that holds a tag itself gave an empty snapshot, exit 0, and `vault due` said the source was
            // backed up (a tester's): refused before the walk, as a backup path --exclude matches is
            assertThatThrownBy(() -> new Archiver(repo, new BackupProgress()).backup(TestTrees.options(scratch)
                    .withExcludeIfPresent(List.of(".nobackup"))))
                    .isInstanceOf(VaultException.class)
                    .hasMessage("the backup path " + scratch + " is itself left out by --exclude-if-present: it holds .nobackup; nothing"
                            + " of it would be backed up");
            assertThatThrownBy(() -> new Archiver(repo, new BackupProgress()).backup(TestTrees.options(pip)
                    .withExcludeIfPresent(List.of(org.opsledger.vault.archiver.BackupOptions.CACHE_TAG))))
                    .hasMessage("the backup path " + pip + " is itself left out by --exclude-caches: it holds CACHEDIR.TAG; nothing of"
                            + " it would be backed up");
            assertThat(new Archiver(repo, new BackupProgress()).backup(TestTrees.options(notACache)
                    .withExcludeIfPresent(List.of(org.opsledger.vault.archiver.BackupOptions.CACHE_TAG))).snapshot().summary().files())
                    .as("a CACHEDIR.TAG without the signature is no tag").isEqualTo(1);
            assertThat(repo.snapshots()).hasSize(2);
        }
    }

    /**
     * A pattern names a file by its bytes that are not UTF-8 (the CLI keeps them as escapes): backup, restore, find and
     * rewrite matched it with the byte shown as U+FFFD, so `--exclude $'key\xff'` excluded nothing, exit 0, and a rewrite
     * meant to purge it left it; given as shown, `key\uFFFD` matched `key\xfe` too, which a rewrite would have taken out
     * (a tester's). It matches the name's bytes; a pattern holding U+FFFD is refused as ambiguous.
     */
    @Test
    void aPatternMatchesANameByItsBytesThatAreNotUtf8() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        String ff = "key\uDCFF"; // the bytes "key\xff", as the CLI keeps them (FileNames)
        Files.writeString(FileNames.resolve(src, ff), "secret-ff");
        Files.writeString(FileNames.resolve(src, "key\uDCFE"), "other-fe");
        Files.writeString(src.resolve("plain"), "ok");
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            var kept = new Archiver(repo, new BackupProgress()).backup(TestTrees.options(src).withExcludes(List.of(ff, "plain")));
            List<String> paths = new ArrayList<>();
            list(repo, kept.snapshot().tree(), "", paths);
            assertThat(paths).containsExactly("/src", "/src/key\uDCFE");

            var all = TestTrees.backup(repo, src);
            var r = new Restorer(repo, 2).excluding(List.of("/src/" + ff)).restore(all, tmp.resolve("out"), List.of(), true);
            assertThat(r.excluded()).isEqualTo(1);
            assertThat(FileNames.resolve(tmp.resolve("out/src"), ff)).doesNotExist();
            assertThat(FileNames.resolve(tmp.resolve("out/src"), "key\uDCFE")).hasContent("other-fe");

            List<String> found = new ArrayList<>();
            new Finder(repo, ff).find(List.of(all), hit -> found.add(hit.node().name()));
            assertThat(found).containsExactly(ff);

            var purge = new Rewriter(repo).rewrite(List.of(all), List.of(src + "/" + ff), "INC-7: a key", "alice", true);
            assertThat(purge.getFirst().removed()).isEqualTo(1);

            for (String shown : List.of("key\uFFFD", "/src/key[\uFFFD]")) {
                assertThatThrownBy(() -> new Rewriter(repo).rewrite(List.of(all), List.of(shown), "INC-7: a key", "alice", true))
                        .hasMessage(shown + " holds U+FFFD, which shows any byte of a name that is not UTF-8: give the"
                                + " one meant as its bytes (bash's $'…' quoting writes a byte as x and two hex digits after a backslash),"
                                + " or a backslash before it for that character itself");
            }
            assertThat(Globs.compile("key\\\uFFFD").matches(Path.of("key\uFFFD"))).as("the character itself, escaped").isTrue();
        }
    }

    /**
     * A name a Mac wrote decomposed (NFD: e and U+0301) and a pattern or include typed composed on Linux (NFC) read alike:
     * `backup --exclude 'salariés.csv'` kept the file, `find` found nothing, `restore --include` matched nothing, and a
     * `rewrite --exclude` for an erasure left the look-alike in the rewritten snapshot, exit 0 (a tester's). Both forms
     * are one name to a pattern and an include; a name in no other script is as before.
     */
    @Test
    void aPatternOrIncludeMatchesANameWhateverItsUnicodeNormalization() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        String nfd = "salarie\u0301s.csv";
        String nfc = "salari\u00e9s.csv";
        Files.writeString(src.resolve(nfd), "payroll (a Mac's copy)");
        Files.writeString(src.resolve("plain.txt"), "ok");
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            var kept = new Archiver(repo, new BackupProgress()).backup(TestTrees.options(src).withExcludes(List.of(nfc)));
            List<String> paths = new ArrayList<>();
            list(repo, kept.snapshot().tree(), "", paths);
            assertThat(paths).containsExactly("/src", "/src/plain.txt");

            Files.writeString(src.resolve(nfc), "payroll (composed)"); // both spellings in one directory
            var all = TestTrees.backup(repo, src);
            List<String> found = new ArrayList<>();
            new Finder(repo, "salari\u00e9s*").find(List.of(all), hit -> found.add(hit.node().name()));
            assertThat(found).containsExactlyInAnyOrder(nfd, nfc);

            var r = new Restorer(repo, 2).restore(all, tmp.resolve("out"), List.of("src/" + nfc), true);
            assertThat(r.ok()).as(r.toString()).isTrue();
            assertThat(tmp.resolve("out/src").resolve(nfd)).hasContent("payroll (a Mac's copy)");
            assertThat(tmp.resolve("out/src/plain.txt")).doesNotExist();

            var purge = new Rewriter(repo).rewrite(List.of(all), List.of(src + "/" + nfc), "GDPR erasure", "alice", true);
            assertThat(purge.getFirst().removed()).isEqualTo(2);
            assertThat(Globs.compile("caf?").matches("cafe\u0301")).as("? is one character as it reads").isTrue();
            assertThat(Globs.compile("key\uDCE9*").matches("key\uDCE9e\u0301")).as("a byte that is not UTF-8 kept").isTrue();
        }
    }

    /** restore --exclude: the same rule on the snapshot's paths as `vault ls` shows them; what it leaves out is counted. */
    @Test
    void aRestoreLeavesOutWhatItsExcludesMatchAndVerifiesTheRest() throws Exception {
        Path data = logsAndCache(tmp.resolve("srv/data"));
        Files.createLink(data.resolve("docs/z-link.txt"), data.resolve("docs/a.txt")); // a.txt is its first name
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            var snap = TestTrees.backup(repo, data);
            var r = new Restorer(repo, 2).excluding(List.of("*.log", "/data/cache", "a.txt"))
                    .restore(snap, tmp.resolve("out"), List.of(), true);
            assertThat(r.ok()).as(r.toString()).isTrue();
            assertThat(r.excluded()).isEqualTo(4); // two logs, the cache directory (not what it holds), a.txt
            List<String> restored;
            try (var walk = Files.walk(tmp.resolve("out"))) {
                restored = walk.map(p -> "/" + tmp.resolve("out").relativize(p)).sorted().toList();
            }
            assertThat(restored).as("a hard link whose first name is left out is written under its other name")
                    .containsExactly("/", "/data", "/data/docs", "/data/docs/z-link.txt");
            assertThat(Files.readString(tmp.resolve("out/data/docs/z-link.txt"))).isEqualTo("a");

            // a pattern that matches the backup path itself leaves nothing: refused, as backup and rewrite refuse it (a re-tester's)
            assertThatThrownBy(() -> new Restorer(repo, 2).excluding(List.of("/data/**")).restore(snap, tmp.resolve("none"), List.of(), true))
                    .hasMessage("--exclude leaves out every path of snapshot " + snap.shortId() + " (a pattern matches its backup path"
                            + " itself): nothing to restore");
            assertThat(tmp.resolve("none")).doesNotExist();
            assertThatThrownBy(() -> new Restorer(repo, 2).excluding(List.of("[")))
                    .hasMessage("[ is not a glob pattern: a '[' is not closed");

            // an include an --exclude leaves out was said to match nothing, `vault ls` lists its paths, though ls lists it (a tester's)
            assertThatThrownBy(() -> new Restorer(repo, 2).excluding(List.of("*.log", "docs")).restore(snap, tmp.resolve("none"),
                    List.of("/data/docs"), true))
                    .hasMessage("the include path data/docs is left out by --exclude docs: drop one of the two; nothing was restored");
            assertThatThrownBy(() -> new Restorer(repo, 2).excluding(List.of("data/docs/")).restore(snap, tmp.resolve("none"),
                    List.of("data/docs/a.txt"), true))
                    .hasMessage("the include path data/docs/a.txt is left out by --exclude data/docs/, which matches /data/docs: drop one of"
                            + " the two; nothing was restored");
            assertThat(tmp.resolve("none")).doesNotExist();
        }
    }
}
