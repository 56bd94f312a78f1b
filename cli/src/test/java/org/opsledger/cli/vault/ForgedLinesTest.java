package org.opsledger.cli.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.cli.CliRun;
import org.opsledger.vault.VaultJson;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.Tree;

/**
 * A value holding a newline, a tab or a CR (a path given, a repository's location, a lock file's host, a key slot's label)
 * is shown escaped in the line it is put in, whole: it cut an error short, forged lines of a report, or read as other
 * columns (a helper's).
 */
class ForgedLinesTest {

    @TempDir
    Path tmp;
    Path repo;
    Path pw;
    Path data;

    @BeforeEach
    void setUp() throws Exception {
        repo = tmp.resolve("repo");
        pw = Files.writeString(tmp.resolve("pw"), "operator one\n");
        data = Files.createDirectories(tmp.resolve("src/data"));
        Files.writeString(data.resolve("report.txt"), "quarterly numbers\n");
        assertThat(vault(repo, "init", "--kdf-iterations", "100000").exit()).isZero();
    }

    /** `vault COMMAND --repo REPO --password-file PW ARGS…` (`key list` is two words). */
    private CliRun vault(Path at, String... args) {
        int depth = args[0].equals("key") ? 2 : 1;
        List<String> all = new ArrayList<>(List.of("vault"));
        all.addAll(List.of(args).subList(0, depth));
        all.addAll(List.of("--repo", at.toString(), "--password-file", pw.toString()));
        all.addAll(List.of(args).subList(depth, args.length));
        return CliRun.of(all.toArray(String[]::new));
    }

    /**
     * An error kept its first line alone: `-r "$REPO"$'\r'typo` said "no vault repository at $REPO", a repository, and a
     * backup of "a<LF>b" "no such file or directory: …/a", which exists.
     */
    @Test
    void anErrorQuotingAValueWithALineBreakIsShownWhole() throws Exception {
        CliRun typo = vault(Path.of(repo + "\rtypo"), "snapshots");
        assertThat(typo.exit()).isNotZero();
        assertThat(typo.err()).contains(repo + "\\x0dtypo").hasLineCount(1);
        Files.writeString(data.resolve("a"), "x");
        CliRun backup = vault(repo, "backup", data.resolve("a") + "\nb", "--allow-same-device");
        assertThat(backup.exit()).isNotZero();
        assertThat(backup.err()).contains(data.resolve("a") + "\\nb").hasLineCount(1);
    }

    /** A lock file is plaintext anyone able to write to the store can add: its host's newline forged unlock's summary. */
    @Test
    void aLockFilesHostForgesNoLineOfUnlocksReport() throws Exception {
        Path locks = Files.createDirectories(repo.resolve("locks"));
        Files.writeString(locks.resolve("aaaaaaaa-0000-0000-0000-000000000000"), """
                {"kind":"backup","host":"db01\\nremoved locks/0a0a: stale, prune on web01\\tX","pid":1,
                 "started":"2020-01-01T00:00:00Z","refreshed":"2020-01-01T00:00:00Z"}""");
        String now = Instant.now().toString();
        Files.writeString(locks.resolve("bbbbbbbb-0000-0000-0000-000000000000"), """
                {"kind":"backup","host":"db02\\nunlock: 0 lock file(s) removed, 0 live lock(s) kept","pid":1,
                 "started":"%s","refreshed":"%s"}""".formatted(now, now));
        CliRun unlock = vault(repo, "unlock");
        assertThat(unlock.exit()).as(unlock.err()).isZero();
        assertThat(unlock.out()).hasLineCount(3).doesNotContain("\t")
                .contains("backup on db01\\nremoved locks/0a0a: stale, prune on web01\\tX (pid 1)")
                .contains("a backup on db02\\nunlock: 0 lock file(s) removed")
                .endsWith("\nunlock: 1 lock file(s) removed, 1 live lock(s) kept\n");
    }

    /** The journal wrote a control character as a space: a failed backup of "…/a<LF>b" read as one of "…/a b", which exists. */
    @Test
    void theJournalKeepsADetailAsSaidAndShowsItsControlsEscaped() throws Exception {
        Files.createDirectories(tmp.resolve("a b"));
        assertThat(vault(repo, "backup", tmp.resolve("a") + "\nb", "--allow-same-device").exit()).isNotZero();
        var entries = VaultJson.MAPPER.readTree(vault(repo, "journal", "--json").out()).get("entries");
        String detail = null;
        for (var e : entries) {
            detail = e.get("outcome").asString().equals("failed") ? e.get("detail").asString() : detail;
        }
        assertThat(detail).endsWith(tmp.resolve("a") + "\nb");
        String journal = vault(repo, "journal").out();
        assertThat(journal).contains(tmp.resolve("a") + "\\nb").doesNotContain(tmp.resolve("a b").toString());
    }

    /** A repository's location with a newline forged a "snapshot … saved" line in init, backup and stats. */
    @Test
    void aRepositoryLocationWithALineBreakForgesNoLine() throws Exception {
        Path forged = data.resolve("repo\nsnapshot 00000000 saved (full): 0 files");
        List<String> printed = new ArrayList<>();
        CliRun init = vault(forged, "init", "--kdf-iterations", "100000");
        assertThat(init.exit()).as(init.err()).isZero();
        printed.add(init.out());
        CliRun backup = vault(forged, "backup", data.toString(), "--allow-same-device");
        assertThat(backup.exit()).as(backup.err()).isZero();
        assertThat(backup.out()).contains("the repository " + data.resolve("repo\\nsnapshot 00000000") + " saved (full): 0 files lies inside");
        printed.add(backup.out());
        printed.add(vault(forged, "stats").out());
        printed.add(vault(forged, "snapshots").out());
        printed.add(vault(forged, "journal").out());
        for (String out : printed) {
            assertThat(out.lines()).as(out).noneMatch(l -> l.startsWith("snapshot 00000000"));
        }
    }

    /** Key slots' labels as the snapshots table shows values: quoted when they could read as more than one column, or as none. */
    @Test
    void aKeySlotsLabelThatCouldReadAsColumnsIsQuoted() throws Exception {
        String columns = "ops  laptop-7  2020-01-01 00:00:00  600000 iterations";
        for (String label : List.of(columns, "-")) {
            Path next = Files.writeString(tmp.resolve("pw-" + label.length()), "operator " + label.length() + "\n");
            CliRun add = vault(repo, "key", "add", "--new-password-file", next.toString(), "--label", label, "--kdf-iterations", "100000");
            assertThat(add.exit()).as(add.err()).isZero();
        }
        String list = vault(repo, "key", "list").out();
        assertThat(list).contains("  \"" + columns + "\"  ").contains("  \"-\"  ");
    }
    /** `ls`'s warning of a name a restore refuses (a forged tree's) printed the name's newline raw on stderr. */
    @Test
    void lsWarningOfAForgedNameForgesNoLine() throws Exception {
        assertThat(vault(repo, "backup", data.toString(), "--allow-same-device").exit()).isZero();
        String forged;
        try (Repository r = Repository.open(new LocalBackend(repo), "operator one".toCharArray())) {
            var s = r.snapshots().getFirst();
            var root = r.loadTree(s.snapshot().tree()).nodes().getFirst();
            var tree = r.saveTree(new Tree(List.of(root.withName("x/\nwarning: forged"))));
            r.flush();
            forged = r.saveSnapshot(s.snapshot().withTree(tree)).shortHex();
        }
        CliRun ls = vault(repo, "ls", forged);
        assertThat(ls.exit()).isEqualTo(3);
        assertThat(ls.err().lines().toList()).as("the snapshot a prefix chose, then the one warning: no line forged").hasSize(2)
                .last().asString().startsWith("warning: /x/\\nwarning: forged: a name that is not one path component");
    }

}
