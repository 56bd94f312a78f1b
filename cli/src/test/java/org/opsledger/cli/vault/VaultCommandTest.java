package org.opsledger.cli.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.cli.CliRun;
import org.opsledger.vault.VaultJson;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.FileNames;
import tools.jackson.databind.JsonNode;

/** `opsledger vault …` end to end through the real command line, on real files. */
class VaultCommandTest {

    @TempDir
    Path tmp;
    Path repo;
    Path pw;
    Path data;

    record Run(int exit, String out, String err) {
        JsonNode json() {
            return VaultJson.MAPPER.readTree(out);
        }
    }

    static Run run(String... args) {
        CliRun run = CliRun.of(args);
        return new Run(run.exit(), run.out(), run.err());
    }

    Run vault(String... args) {
        int depth = args[0].equals("key") ? 2 : 1; // `key add` is two words
        List<String> all = new ArrayList<>(List.of("vault"));
        all.addAll(List.of(args).subList(0, depth));
        all.addAll(List.of("--repo", repo.toString(), "--password-file", pw.toString()));
        all.addAll(List.of(args).subList(depth, args.length));
        return run(all.toArray(String[]::new));
    }

    /** The names of the files in a directory, sorted. */
    static List<String> names(Path dir) throws java.io.IOException {
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        repo = tmp.resolve("repo");
        pw = Files.writeString(tmp.resolve("pw"), "operator one\n");
        data = Files.createDirectories(tmp.resolve("src/data"));
        Files.createDirectories(data.resolve("empty"));
        Files.write(data.resolve("report.txt"), "quarterly numbers\n".repeat(10_000).getBytes(StandardCharsets.UTF_8));
        Files.createSymbolicLink(data.resolve("link"), Path.of("report.txt"));
        assertThat(vault("init", "--kdf-iterations", "100000").exit()).isZero();
    }

    /**
     * A backup path that is a symlink (/mnt/snap-latest -> the night's dated mount) saved the link alone, 0 files, exit 0,
     * with a trailing slash too, which Path drops (a tester's): refused, and given with the slash followed, recorded under
     * the link's path.
     */
    @Test
    void aSymlinkBackupPathIsRefusedAndGivenWithATrailingSlashIsFollowed() throws Exception {
        Path latest = Files.createSymbolicLink(tmp.resolve("latest"), data);
        Run refused = vault("backup", latest.toString(), "--allow-same-device");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("the backup path " + latest + " is a symlink to " + data + ": back up that path");
        assertThat(vault("backup", latest + "/", "--allow-same-device").exit()).isZero();
        JsonNode snap = vault("snapshots", "--json").json().get(0);
        assertThat(snap.get("record").get("paths").get(0).asString()).isEqualTo(latest.toString());
        assertThat(vault("ls", "latest").out()).contains("/latest/report.txt");
    }

    /**
     * IS.012 6.6.7: anyone able to write to the store could lift a legal hold by deleting its file; check said nothing,
     * though the journal records the hold and no release, and a forget then deleted the snapshot (a helper's). Check
     * names the snapshot, before the forget and after it; a hold released through the vault is no warning.
     */
    @Test
    void aHoldFileRemovedOutsideTheVaultIsNamedByCheck() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        String held = vault("snapshots", "--json").json().get(0).get("id").asString();
        String released = vault("snapshots", "--json").json().get(1).get("id").asString();
        assertThat(vault("hold", held, "--reason", "LIT-7", "--by", "counsel").exit()).isZero();
        assertThat(vault("hold", released, "--reason", "LIT-8", "--by", "counsel").exit()).isZero();
        assertThat(vault("release", released).exit()).isZero();
        assertThat(vault("check").out()).doesNotContain("lost their hold");

        for (String hold : names(repo.resolve("holds"))) {
            Files.delete(repo.resolve("holds").resolve(hold));
        }
        assertThat(vault("check").out()).contains("warning: 1 snapshot(s) the journal records under legal hold, never released, have lost"
                + " their hold (first: " + held.substring(0, 8) + " (no hold record), held ");
        assertThat(vault("forget", held).exit()).isZero();
        assertThat(vault("check").out()).contains("have lost their hold (first: " + held.substring(0, 8) + " (forgotten since), held ");
    }

    /** A backup of {@code data}, held for {@code reason} by counsel; the snapshot's ID. */
    private String backedUpAndHeld(String reason) {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        String held = vault("snapshots", "--json").json().get(0).get("id").asString();
        assertThat(vault("hold", held, "--reason", reason, "--by", "counsel").exit()).isZero();
        return held;
    }

    /**
     * IS.012 6.6.7: a held snapshot whose file and hold record were both deleted in the store was left out of check's
     * lost holds ("1 snapshot(s)" where two had lost theirs: a tester's), named only as a snapshot gone, with no word of
     * its matter. It is counted and named, with its matter, and is an error: no hold record stops the prune that frees it.
     */
    @Test
    void aHeldSnapshotDeletedWithItsHoldRecordOutsideTheVaultIsAnErrorOfCheck() throws Exception {
        String held = backedUpAndHeld("M-1 Orion");
        Files.delete(repo.resolve("holds").resolve(held));
        Files.delete(repo.resolve("snapshots").resolve(held));
        Run check = vault("check");
        assertThat(check.exit()).isNotZero();
        assertThat(check.out()).contains("error: 1 snapshot(s) the journal records under legal hold, never released, have lost their"
                + " hold (first: " + held.substring(0, 8) + " (deleted outside the vault), held for \"M-1 Orion\", placed ")
                .contains(" by counsel): a hold file was removed, or put back from an older copy, outside the vault (IS.012 6.6.7);"
                        + " `vault hold --reason` places each matter again on a snapshot still here; 1 of them deleted outside the vault,"
                        + " whose data a prune would free (prune refuses meanwhile): `vault recover` writes a snapshot of the trees no"
                        + " snapshot references, to hold for the matter, then `vault release " + held.substring(0, 8) + " --reason \"M-1"
                        + " Orion\" --snapshot-gone WHY` (by the journal, naming why)\n");
    }

    /**
     * IS.012 6.6.7: a held snapshot's file and hold record deleted in the store (no password needed): prune freed every pack
     * of it, exit 0, and `vault release` of the ID that was gone found nothing to release, so dispose stayed refused for
     * good (testers'). Prune refuses by the journal, naming the way out; recovered and held again, the matter on the gone
     * ID is released by the journal, saying who and why, and prune goes ahead.
     */
    @Test
    void aHeldSnapshotDeletedWithItsHoldRecordStopsPruneUntilItsMatterIsReleasedByTheJournal() throws Exception {
        String held = backedUpAndHeld("M-1 Orion");
        String id = held.substring(0, 8);
        Files.delete(repo.resolve("holds").resolve(held));
        Files.delete(repo.resolve("snapshots").resolve(held));
        String wayOut = "`vault release " + id + " --reason \"M-1 Orion\" --snapshot-gone WHY` (by the journal, naming why)";

        Run prune = vault("prune");
        assertThat(prune.exit()).as(prune.out()).isEqualTo(1);
        assertThat(prune.err()).startsWith("opsledger: snapshot " + id + " is under legal hold by the journal (held for \"M-1 Orion\", placed ")
                .endsWith(" by counsel), never released, but neither it nor its hold record is in the repository: deleted outside the"
                        + " vault while held (IS.012 6.6.7), its data is referenced by no snapshot, and would be freed; `vault recover` writes"
                        + " a snapshot of the trees no snapshot references: hold it for the matter (`vault hold --reason`), then " + wayOut
                        + "; nothing was pruned\n");
        Run release = vault("release", id);
        assertThat(release.exit()).isEqualTo(1);
        assertThat(release.err()).startsWith("opsledger: snapshot " + id + " is gone from the repository with its hold record, and the"
                + " journal records it held for \"M-1 Orion\", placed ").endsWith(" by counsel, never released: when that matter is over, "
                + wayOut + " releases it\n");

        assertThat(vault("recover").exit()).isZero();
        assertThat(vault("hold", "latest", "--reason", "M-1 Orion", "--by", "counsel").exit()).isZero();
        Run gone = vault("release", id, "--snapshot-gone", "recovered and held again", "--by", "J. Counsel");
        assertThat(gone.exit()).as(gone.err()).isZero();
        assertThat(gone.out()).isEqualTo("released the legal hold on snapshot " + id + " by the journal (its snapshot is gone from the"
                + " repository)\n");
        JsonNode releases = vault("journal", "--operation", "release", "--json").json().get("entries");
        assertThat(releases.get(releases.size() - 1).get("detail").asString()).isEqualTo("legal hold released for M-1 Orion; the snapshot is no longer held; released by J. Counsel with the snapshot"
                        + " gone from the repository: recovered and held again");
        assertThat(vault("check").out()).doesNotContain("lost their hold");
        Run pruned = vault("prune");
        assertThat(pruned.exit()).as(pruned.err()).isZero();
        assertThat(vault("release", id, "--snapshot-gone", "again").err()).as("released once").startsWith("opsledger: no snapshot " + id);
    }

    /**
     * `release ID --snapshot-gone WHY` of a snapshot deleted while its hold record stayed released the hold by its record,
     * and the journal's entry said nothing of who released it or why: the WHY was dropped (IS.012 6.6.7: an explicit act,
     * recorded). It keeps them, as a release by the journal does.
     */
    @Test
    void aReleaseOfASnapshotGoneWhoseHoldRecordStaysKeepsWhoAndWhy() throws Exception {
        String held = backedUpAndHeld("M-2 Lyra");
        String id = held.substring(0, 8);
        Files.delete(repo.resolve("snapshots").resolve(held)); // its hold record stays

        Run release = vault("release", id, "--snapshot-gone", "matter closed, letter L-88", "--by", "J. Counsel");
        assertThat(release.exit()).as(release.err()).isZero();
        assertThat(release.out()).startsWith("released the legal hold on snapshot " + id);
        assertThat(names(repo.resolve("holds"))).isEmpty();
        JsonNode releases = vault("journal", "--operation", "release", "--json").json().get("entries");
        assertThat(releases.get(releases.size() - 1).get("detail").asString()).isEqualTo("legal hold released for M-2 Lyra; the snapshot"
                + " is no longer held; released by J. Counsel with the snapshot gone from the repository: matter closed, letter L-88");
        assertThat(vault("check").out()).as("the journal reads it as the release of that matter").doesNotContain("lost their hold");
    }

    /**
     * IS.012 6.6.7: dispose passed over a journal file that did not read, which may be the entry that placed a hold, and
     * destroyed the keys (a tester's). Refused, naming it, check and repair; --ignore-unreadable-journal says otherwise.
     */
    @Test
    void disposeStopsAtAJournalFileThatDoesNotRead() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        assertThat(vault("forget", "latest").exit()).isZero();
        String id = vault("stats", "--json").json().get("id").asString();
        Path entry;
        try (var files = Files.list(repo.resolve("journal"))) {
            entry = files.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(entry);
        bytes[bytes.length / 2] ^= 1;
        Files.write(entry, bytes);
        Run dispose = vault("dispose", "--confirm", id);
        assertThat(dispose.exit()).isEqualTo(1);
        assertThat(dispose.err()).startsWith("opsledger: 1 journal file(s) cannot be read (first journal/" + entry.getFileName())
                .endsWith("one may record a legal hold never released, and a held backup is not disposed of (IS.012 6.6.7); `vault check`"
                        + " names each and `vault repair` moves it aside, or dispose with --ignore-unreadable-journal once you know none held"
                        + " a backup\n");
        Run despite = vault("dispose", "--confirm", id, "--ignore-unreadable-journal");
        assertThat(despite.exit()).as(despite.err()).isZero();
    }

    /**
     * IS.012 6.6.7: prune passed over a journal file that did not read, where dispose refused: a damaged (or altered) hold
     * placement, the snapshot and its record deleted with it, disarmed the journal's word on holds, and prune freed the
     * held data, exit 0. Refused as dispose is, with the same escape.
     */
    @Test
    void pruneStopsAtAJournalFileThatDoesNotReadAsDisposeDoes() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        String held = vault("snapshots", "--json").json().get(0).get("id").asString();
        String placement = heldDeletedAndItsPlacementDamaged(held);
        List<Path> packs;
        try (var files = Files.walk(repo.resolve("data"))) {
            packs = files.filter(Files::isRegularFile).toList();
        }

        Run prune = vault("prune");
        assertThat(prune.exit()).as(prune.out()).isEqualTo(1);
        assertThat(prune.err()).startsWith("opsledger: 1 journal file(s) cannot be read (first journal/" + placement)
                .endsWith("one may record a legal hold never released, and a held backup's data is not freed (IS.012 6.6.7); `vault"
                        + " check` names each and `vault repair` moves it aside, or prune with --ignore-unreadable-journal once you know"
                        + " none held a backup; nothing was pruned\n");
        assertThat(packs).as("nothing freed").allMatch(Files::exists);
        Run despite = vault("prune", "--ignore-unreadable-journal");
        assertThat(despite.exit()).as(despite.err()).isZero();
        assertThat(packs).as("the operator's word: the data no snapshot names freed").anyMatch(p -> !Files.exists(p));
    }

    /**
     * Snapshot {@code held} placed under legal hold, then deleted outside the vault with its hold record, and the journal
     * entry that placed the hold damaged: only that unreadable file still says the data was held. Returns its name.
     */
    private String heldDeletedAndItsPlacementDamaged(String held) throws Exception {
        java.util.Set<String> before = new java.util.HashSet<>(names(repo.resolve("journal")));
        assertThat(vault("hold", held, "--reason", "M-1 Orion", "--by", "counsel").exit()).isZero();
        String placement = names(repo.resolve("journal")).stream().filter(n -> !before.contains(n)).findFirst().orElseThrow();
        Files.delete(repo.resolve("holds").resolve(held));
        Files.delete(repo.resolve("snapshots").resolve(held));
        Path entry = repo.resolve("journal").resolve(placement);
        byte[] bytes = Files.readAllBytes(entry);
        bytes[bytes.length / 2] ^= 1;
        Files.write(entry, bytes);
        return placement;
    }

    /**
     * IS.012 6.6.7: `forget --prune` refused at a journal file that does not read, as prune does, but had no
     * --ignore-unreadable-journal: its line named prune's, and the nightly forget, given it, stopped at "Unknown option".
     * It takes prune's option, and its line names both ways on; given without --prune it is refused, as --max-unused is.
     */
    @Test
    void forgetWithPruneStopsAtAJournalFileThatDoesNotReadAndTakesPrunesOption() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        String held = vault("snapshots", "--json").json().get(0).get("id").asString();
        List<Path> packs;
        try (var files = Files.walk(repo.resolve("data"))) {
            packs = files.filter(Files::isRegularFile).toList();
        }
        Path other = Files.createDirectories(tmp.resolve("src/other"));
        Files.writeString(other.resolve("notes.txt"), "kept\n");
        assertThat(vault("backup", other.toString(), "--allow-same-device").exit()).isZero();
        String placement = heldDeletedAndItsPlacementDamaged(held);

        Run forget = vault("forget", "--keep-last", "1", "--prune");
        assertThat(forget.exit()).as(forget.out()).isEqualTo(1);
        assertThat(forget.err()).startsWith("opsledger: removed 0 snapshot(s), kept 1 (--keep-last 1)" + ForgetCommand.PRUNE_FAILED
                        + "1 journal file(s) cannot be read (first journal/" + placement)
                .endsWith("one may record a legal hold never released, and a held backup's data is not freed (IS.012 6.6.7); `vault"
                        + " check` names each and `vault repair` moves it aside, or prune (or forget --prune) with"
                        + " --ignore-unreadable-journal once you know none held a backup; nothing was pruned\n");
        assertThat(packs).as("nothing freed").allMatch(Files::exists);
        Run alone = vault("forget", "--keep-last", "1", "--ignore-unreadable-journal");
        assertThat(alone.exit()).isEqualTo(2);
        assertThat(alone.err()).isEqualTo("opsledger: --ignore-unreadable-journal is the prune's: give --prune with it\n");
        Run despite = vault("forget", "--keep-last", "1", "--prune", "--ignore-unreadable-journal");
        assertThat(despite.exit()).as(despite.err()).isZero();
        assertThat(packs).as("the operator's word: the data no snapshot names freed").allMatch(p -> !Files.exists(p));
    }

    /**
     * Counsel's list of IDs was made before the night's tier moved some of them to long-term storage: `vault hold ID` said
     * only "no snapshot ID", as of one never there, and the copy stayed unheld (a tester's). The journal's tier entry says
     * where it went.
     */
    @Test
    void aHoldOfASnapshotATierMovedSaysWhereItWent() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        String moved = vault("snapshots", "--json").json().get(0).get("id").asString();
        Path far = tmp.resolve("far");
        assertThat(run("vault", "init", "--repo", far.toString(), "--password-file", pw.toString(), "--kdf-iterations", "100000").exit()).isZero();
        assertThat(vault("tier", "--to", far.toString(), "--near-line", "0d").exit()).isZero();
        Run hold = vault("hold", moved.substring(0, 8), "--reason", "M-1");
        assertThat(hold.exit()).isEqualTo(1);
        assertThat(hold.err()).startsWith("opsledger: no snapshot " + moved.substring(0, 8) + ": moved to long-term storage by tier on 20")
                .endsWith(" UTC to " + far + " (journal): name its copy there (`vault snapshots --repo " + far + "` lists it)\n");
        assertThat(vault("hold", "0123abcd", "--reason", "M-1").err()).as("an ID never here").isEqualTo("opsledger: no snapshot 0123abcd:"
                + " the repository has none\n");
    }

    /**
     * A damaged hold record repair replaced by a placeholder that keeps the hold in force left no trace in the journal, the
     * hold's record of its life: its entry named no snapshot and said "nothing was lost" (a tester's). It names the snapshot
     * and says what became of its record.
     */
    @Test
    void aHoldRecordRepairReplacedIsNamedInItsJournalEntry() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        String held = vault("snapshots", "--json").json().get(0).get("id").asString();
        assertThat(vault("hold", held, "--reason", "M-1 Orion", "--by", "Ann").exit()).isZero();
        assertThat(vault("hold", held, "--reason", "M-2 Regulator", "--by", "Bob").exit()).isZero();
        Path record = repo.resolve("holds").resolve(held);
        byte[] bytes = Files.readAllBytes(record);
        bytes[30] ^= 1;
        Files.write(record, bytes);
        assertThat(vault("repair").exit()).isZero();
        JsonNode entries = vault("journal", "--snapshot", held.substring(0, 8), "--json").json().get("entries");
        JsonNode repair = entries.get(entries.size() - 1);
        assertThat(repair.get("operation").asString()).isEqualTo("repair");
        assertThat(repair.get("snapshots").get(0).asString()).isEqualTo(held);
        assertThat(repair.get("detail").asString()).contains("; hold record of " + held.substring(0, 8) + " damaged: replaced by a"
                + " placeholder that keeps it held, its matters unknown to it (`vault journal --snapshot` names them), kept as damaged/holds/" + held);
        assertThat(vault("check").out()).as("the journal's matters, which the placeholder lacks").contains(" (not in its hold record), held for ");
    }

    /**
     * The journal's holds by the snapshot each names now and by matter: a hold on an ID a key retirement replaced, then
     * released under the new ID, was warned of as lost; a release of one of two matters was taken for the end of the hold
     * (a re-tester's).
     */
    @Test
    void aHoldReleasedAfterARetirementIsNoWarningAndOneOfTwoMattersReleasedStillHolds() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        assertThat(vault("hold", "latest", "--reason", "M-1").exit()).isZero();
        assertThat(vault("key", "rotate").exit()).isZero();
        assertThat(vault("key", "retire", "1").exit()).isZero();
        assertThat(vault("release", "latest").exit()).isZero();
        assertThat(vault("check").out()).doesNotContain("lost their hold");

        assertThat(vault("hold", "latest", "--reason", "M-2").exit()).isZero();
        assertThat(vault("hold", "latest", "--reason", "M-3").exit()).isZero();
        assertThat(vault("release", "latest", "--reason", "M-2").exit()).isZero();
        for (String hold : names(repo.resolve("holds"))) {
            Files.delete(repo.resolve("holds").resolve(hold));
        }
        assertThat(vault("check").out()).contains("have lost their hold (first: ");
    }

    /**
     * IS.012 6.6.7: a hold record put back from an older copy (no password needed) dropped a matter placed since; check
     * said nothing, a release of the matter it kept ended the hold and a forget deleted the snapshot the other matter
     * held (a tester's). Check names the matter the journal records placed and never released, and the release of the
     * record's last matter is refused, naming it, until that hold is placed again.
     */
    @Test
    void aHoldRecordPutBackWithoutAMatterIsNamedByCheckAndItsLastMatterIsNotReleased() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        assertThat(vault("hold", "latest", "--reason", "matter A", "--by", "alice").exit()).isZero();
        Path record = repo.resolve("holds").resolve(names(repo.resolve("holds")).getFirst());
        byte[] older = Files.readAllBytes(record);
        assertThat(vault("hold", "latest", "--reason", "matter B", "--by", "bob").exit()).isZero();
        Files.write(record, older);

        assertThat(vault("check").out()).contains("warning: 1 snapshot(s) the journal records under legal hold, never released, have"
                + " lost their hold (first: ").contains(" (not in its hold record), held for \"matter B\", placed ")
                .containsPattern("placed [0-9T:-]+Z by bob\\)"); // who placed it, as --by said, not the OS user (a re-tester's)
        Run release = vault("release", "latest", "--reason", "matter A");
        assertThat(release.exit()).isEqualTo(1);
        assertThat(release.err()).contains("is also held for \"matter B\"").contains("which its hold record lacks");
        assertThat(vault("forget", "latest").exit()).as("still held for matter A").isNotZero();

        assertThat(vault("hold", "latest", "--reason", "matter B", "--by", "bob").exit()).isZero();
        assertThat(vault("check").out()).doesNotContain("lost their hold");
        assertThat(vault("release", "latest", "--reason", "matter A").exit()).isZero();
        assertThat(vault("release", "latest").exit()).isZero();
        assertThat(vault("check").out()).doesNotContain("lost their hold");

        // a matter the journal could not keep whole: two differing past their first 970 characters read as one (a re-tester's)
        Run tooLong = vault("hold", "latest", "--reason", "x".repeat(480), "--by", "alice");
        assertThat(tooLong.exit()).isEqualTo(2);
        assertThat(tooLong.err()).startsWith("opsledger: --reason is too long: the journal keeps a hold's matter and who placed it in 500"
                + " characters");
    }

    /** A restore that wrote nothing (`--exclude '*'`) counted as the tested recovery IS.012 6.6.4 asks for (a helper's). */
    @Test
    void aVerifiedRestoreOfNothingIsNoTestOfRecovery() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        Run nothing = vault("restore", "latest", "--target", tmp.resolve("nothing").toString(), "--exclude", "*", "--verify");
        // refused now, as backup and rewrite refuse a pattern that matches a backup path itself (it was "restored 0 files …
        // nothing restored, nothing verified", exit 0: a re-tester's)
        assertThat(nothing.exit()).isEqualTo(1);
        assertThat(nothing.err()).startsWith("opsledger: --exclude leaves out every path of snapshot ");
        assertThat(vault("check").out()).contains("warning: the journal records no verified restore");
        assertThat(vault("journal", "--json").json().get("entries")).noneMatch(e -> e.get("verified").asBoolean());
    }

    @Test
    void theJournalRecordsEachBackupRestoreAndCheckTheFailedOnesToo() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        assertThat(vault("check").out()).as("IS.012 6.6.4: recovery never tested").contains("warning: the journal records no verified restore");
        Run failed = vault("backup", "--stdin-from-command", "--stdin-name", "db.sql", "--", "sh", "-c", "echo half a dump; exit 4",
                "postgresql://app:s3cret@db/app");
        assertThat(failed.err()).as("a command's arguments can hold a password").isEqualTo(
                "opsledger: command sh exited with status 4; no snapshot was written\n");
        Path out = tmp.resolve("out");
        assertThat(vault("restore", "latest", "--target", out.toString(), "--verify").exit()).isZero();
        assertThat(vault("restore", "latest", "--target", out.toString()).exit()).as("never overwrites").isEqualTo(1);
        Run check = vault("check", "--read-data");
        assertThat(check.exit()).isZero();
        assertThat(check.out()).doesNotContain("verified restore")
                .contains("warning: the newest backup of db.sql on " + org.opsledger.vault.repository.Repository.hostname() + " failed (")
                .contains("): command sh exited with status 4; no snapshot was written (IS.012 6.6.5; `vault journal --failed`)");

        Run j = vault("journal");
        assertThat(j.exit()).as(j.err()).isZero();
        List<String> lines = j.out().lines().toList();
        assertThat(lines).hasSize(10);
        assertThat(lines.get(0)).startsWith("Started (UTC)        Operation     Outcome     Host");
        assertThat(lines.get(1)).contains("  init          ok          ").contains("  created repository ")
                .endsWith(" (format 6); key slot " + vault("key", "list", "--json").json().get(0).get("id").asString().substring(0, 8)
                        + " (initial), PBKDF2-HMAC-SHA256 100000 iterations");
        assertThat(lines.get(2)).contains("  backup        ok          ").contains(" saved (full): 1 files (0 unchanged)");
        assertThat(lines.get(3)).contains("  check         ok          ").contains("; read 0 pack(s), 0 B in ").endsWith(" s; no errors were found");
        assertThat(lines.get(4)).contains("  backup        failed      ").endsWith("  -             command sh exited with status 4; no snapshot was written");
        assertThat(lines.get(5)).contains("  restore       verified    ").contains(" to " + out + " in ").endsWith("; verified");
        assertThat(lines.get(6)).contains("  restore       failed      ").contains("restore never overwrites");
        assertThat(lines.get(7)).contains("  check         verified    ").endsWith("; no errors were found");
        assertThat(lines.get(8)).startsWith("7 entries in " + repo + "; 2 failed, 1 of them backup(s); the last verified restore ended ");
        assertThat(lines.get(9)).startsWith("warning: the newest backup of db.sql on ");
        assertThat(j.out()).doesNotContain("s3cret");

        JsonNode json = vault("journal", "--json").json();
        assertThat(json.get("entries").size()).isEqualTo(7);
        JsonNode restore = json.get("entries").get(4);
        assertThat(restore.get("operation").asString()).isEqualTo("restore");
        assertThat(restore.get("verified").asBoolean()).isTrue();
        assertThat(restore.get("paths").get(0).asString()).isEqualTo(out.toString());
        assertThat(restore.get("snapshots")).isEqualTo(json.get("entries").get(1).get("snapshots"));
        assertThat(json.get("lastVerifiedRestore").get("finished").asString()).isEqualTo(restore.get("finished").asString());
        assertThat(json.get("recoveryUntested").asBoolean()).isFalse();

        assertThat(vault("journal", "--failed", "--json").json().get("entries").size()).isEqualTo(2);
        assertThat(vault("journal", "--operation", "restore", "--operation", "check", "--json").json().get("entries").size()).isEqualTo(4);
        assertThat(vault("journal", "--since", "1d", "--host", "no-such-host").out()).contains("0 entries in " + repo + " (of 7)");
        assertThat(vault("journal", "--since", "2999-01-01", "--json").json().get("entries").size()).isZero();
        Run bad = vault("journal", "--operation", "restores");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).isEqualTo("opsledger: --operation must be one of init, backup, restore, dump, check, forget, prune, copy, tier,"
                + " hold, release, key, amend, repair, recover, upgrade, unlock, dispose, rewrite, decommission, got: restores\n");
        assertThat(vault("journal", "--since", "yesterday").err()).contains("--since must be a day like 2026-01-31 or a duration like 30d");
        // a duration that does not parse is told as every DURATION option tells it (RepoOptions.within): it gave the general
        // line (an earlier session's finding)
        java.util.Map.of("5d1d", "gives the unit d twice, got: 5d1d: give each unit once (restic takes the last of them)",
                "1001y", "is longer than 1000 years, got: 1001y",
                "30D", "units are lowercase: y years, m months (not minutes), w weeks, d days, h hours; got: 30D").forEach((duration, said) -> {
                    Run since = vault("journal", "--since", duration);
                    assertThat(since.exit()).isEqualTo(2);
                    assertThat(since.err()).isEqualTo("opsledger: --since: duration " + said + "\n");
                });
        // an uppercase unit got the general line (an engineer's note), and every DURATION option reads it as --since does
        Run daily = vault("due", "--daily", "1D12h");
        assertThat(daily.exit()).isEqualTo(2);
        assertThat(daily.err()).isEqualTo("opsledger: --daily: duration units are lowercase: y years, m months (not minutes), w weeks,"
                + " d days, h hours; got: 1D12h\n");

        // IS.012 6.6.5: a snapshot that leaves the repository, and a copy that did not reach its target, are recorded too
        String first = json.get("entries").get(1).get("snapshots").get(0).asString();
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        assertThat(vault("forget", "--keep-last", "1", "--prune").exit()).isZero();
        Path nowhere = tmp.resolve("no-archive");
        assertThat(vault("copy", "latest", "--to", nowhere.toString()).exit()).isEqualTo(1);
        JsonNode later = vault("journal", "--operation", "forget", "--operation", "copy", "--json").json().get("entries");
        assertThat(later.size()).isEqualTo(2);
        assertThat(later.get(0).get("outcome").asString()).isEqualTo("ok");
        assertThat(later.get(0).get("snapshots").get(0).asString()).isEqualTo(first);
        assertThat(later.get(0).get("detail").asString()).startsWith("removed 1 snapshot(s), kept 1 (--keep-last 1); prune: ");
        assertThat(later.get(1).get("outcome").asString()).isEqualTo("failed");
        assertThat(later.get(1).get("paths").get(0).asString()).isEqualTo(nowhere.toString());
        assertThat(later.get(1).get("detail").asString()).isEqualTo("no vault repository at " + nowhere);

        // IS.012 6.6.7: a hold's release leaves no hold record, the journal keeps both; a key's rotation too (IS.008)
        assertThat(vault("hold", "latest", "--reason", "M-1", "--by", "legal").exit()).isZero();
        assertThat(vault("release", "latest").exit()).isZero();
        assertThat(vault("key", "rotate").exit()).isZero();
        JsonNode custody = vault("journal", "--operation", "hold", "--operation", "release", "--operation", "key", "--json").json()
                .get("entries");
        assertThat(custody.size()).isEqualTo(3);
        assertThat(custody.get(0).get("detail").asString()).isEqualTo("legal hold placed by legal for M-1");
        assertThat(custody.get(1).get("detail").asString()).isEqualTo("legal hold released for M-1; the snapshot is no longer held");
        assertThat(custody.get(1).get("snapshots")).isEqualTo(custody.get(0).get("snapshots"));
        assertThat(custody.get(2).get("detail").asString()).isEqualTo("key rotated: new data is sealed under key epoch 2");

        // IS.012 6.6.8: who could open the repository, and since when, outlives the key slot; a record's correction too (6.6.5)
        Path second = Files.writeString(tmp.resolve("pw-second"), "a second operator's password");
        String slot = vault("key", "add", "--new-password-file", second.toString(), "--label", "alice", "--kdf-iterations", "100000",
                "--json").json().get("added").asString();
        assertThat(vault("key", "remove", slot.substring(0, 8)).exit()).isZero();
        assertThat(vault("key", "remove", "ffffffff").exit()).as("no such slot").isEqualTo(1);
        String before = vault("snapshots", "--json").json().get(0).get("id").asString();
        assertThat(vault("amend", "latest", "--owner", "Payroll office", "--reason", "INC-9", "--by", "records").exit()).isZero();
        String after = vault("snapshots", "--json").json().get(0).get("id").asString();
        JsonNode access = vault("journal", "--operation", "key", "--operation", "amend", "--json").json().get("entries");
        assertThat(access.size()).isEqualTo(5);
        assertThat(access.get(1).get("detail").asString()).startsWith("key slot " + slot.substring(0, 8) + " added [sha256 ").endsWith("] (alice)");
        assertThat(access.get(2).get("detail").asString()).startsWith("key slot " + slot.substring(0, 8) + " removed [sha256 ")
                .contains("] (alice, added on ");
        assertThat(access.get(3).get("outcome").asString()).isEqualTo("failed");
        assertThat(access.get(3).get("detail").asString()).isEqualTo("no key slot ffffffff: `vault key list` lists the slots");
        assertThat(access.get(4).get("operation").asString()).isEqualTo("amend");
        assertThat(access.get(4).get("detail").asString()).isEqualTo("amended 1 snapshot record(s) for INC-9 (by records): "
                + before.substring(0, 8) + " → " + after.substring(0, 8));
        assertThat(access.get(4).get("snapshots").get(0).asString()).isEqualTo(before);
        assertThat(access.get(4).get("snapshots").get(1).asString()).isEqualTo(after);
        // a snapshot's life, for the auditor: its backup, its holds, its amendment
        JsonNode life = vault("journal", "--snapshot", before.substring(0, 8), "--json").json().get("entries");
        assertThat(life).extracting(n -> n.get("operation").asString()).containsExactly("backup", "hold", "release", "amend");
        assertThat(vault("journal", "--snapshot", after, "--json").json().get("entries")).as("its whole life, by the ID it has now")
                .extracting(n -> n.get("operation").asString()).containsExactly("backup", "hold", "release", "amend");
        assertThat(vault("journal", "--snapshot", "xyz").err()).isEqualTo("opsledger: --snapshot must be a snapshot ID or a prefix of at"
                + " least 4 of its hex digits, got: xyz\n");

        // a damaged entry is named, and hides none of the others
        Path damaged = names(repo.resolve("journal")).stream().map(n -> repo.resolve("journal").resolve(n)).filter(Files::isRegularFile)
                .findFirst().orElseThrow(); // a one-entry file (prune gathered the others under journal/segments/)
        byte[] bytes = Files.readAllBytes(damaged);
        bytes[bytes.length / 2] ^= 1;
        Files.write(damaged, bytes);
        Run withDamage = vault("journal");
        assertThat(withDamage.exit()).isEqualTo(BackupCommand.INCOMPLETE);
        assertThat(withDamage.err()).isEqualTo("warning: journal entry journal/" + damaged.getFileName()
                + ": does not match its SHA-256 name (damaged or altered)\n");
        assertThat(withDamage.out()).contains("; 1 entr(ies) unreadable (see stderr; `vault repair` takes damaged ones out of the journal)");

        // a repository that cannot take the entry: the restore stands, with a warning
        Path journal = repo.resolve("journal");
        Files.move(journal, tmp.resolve("journal-aside"));
        Files.writeString(journal, "not a directory");
        Run restored = vault("restore", "latest", "--target", tmp.resolve("out2").toString(), "--verify");
        assertThat(restored.exit()).isZero();
        assertThat(restored.err()).startsWith("warning: the journal entry of this restore was not written: ");
    }

    /**
     * 32 key slots planted by whoever may write to the store (copies of the real one, fresh salts) refuse every command
     * that tries the slots; the operator's slot named with --key-slot, or OPSLEDGER_VAULT_KEY_SLOT, is the one tried, and
     * the command works. A slot named that is not there is one line, exit 1.
     */
    @Test
    void aKeySlotNamedIsTriedAloneSoPlantedSlotsLockNoOneOut() throws Exception {
        String id = vault("key", "list", "--json").json().get(0).get("id").asString();
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        String real = Files.readString(repo.resolve("keys/" + id));
        for (int i = 0; i < 32; i++) {
            Files.writeString(repo.resolve("keys/" + String.format("%032x", i)), real.replaceFirst("\"salt\":\"[^\"]*\"",
                    "\"salt\":\"" + java.util.Base64.getEncoder().encodeToString(String.format("planted salt %04d", i).getBytes(StandardCharsets.UTF_8)) + "\""));
        }
        Run locked = vault("snapshots");
        assertThat(locked.exit()).isEqualTo(1);
        assertThat(locked.err()).startsWith("opsledger: none of the 32 key slots of " + repo + " tried (cheapest first)")
                .contains("or name the slot of this password (--key-slot or OPSLEDGER_VAULT_KEY_SLOT ID)").hasLineCount(1);
        assertThat(vault("snapshots", "--key-slot", id.substring(0, 8)).out()).contains(data.toString());
        Run byVariable = vaultWith(repo, "OPSLEDGER_VAULT_KEY_SLOT", id, "snapshots");
        assertThat(byVariable.exit()).as(byVariable.out()).isZero();
        assertThat(byVariable.out()).contains(data.toString()).doesNotContain("warning");
        Run unknown = vault("snapshots", "--key-slot", "feedface");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).isEqualTo("opsledger: no key slot feedface in the keys/ of " + repo + " (named by --key-slot or"
                + " OPSLEDGER_VAULT_KEY_SLOT): give the ID of a slot there (its whole ID, or a prefix of at least 4 hex digits), or unset it\n");
    }

    /**
     * A forget of named snapshots, one of which an amend replaced between the forget's listing and its turn: "1 gone
     * meanwhile", exit 0, and the record the operator asked to remove lived on under the amend's ID. The forget names the
     * successor in one line, exit 1, its journal entry failed, as a hold or a release that finds its snapshot replaced.
     */
    @Test
    void aNamedForgetOfASnapshotReplacedMeanwhileNamesItsSuccessorAndFails() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        Files.writeString(data.resolve("later.txt"), "second");
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        List<String> byTime = new ArrayList<>(); // the forget removes them oldest first
        vault("snapshots", "--json").json().forEach(n -> byTime.add(n.get("record").get("time").asString() + " " + n.get("id").asString()));
        byTime.sort(java.util.Comparator.comparing(t -> java.time.Instant.parse(t.split(" ")[0])));
        String first = byTime.get(0).split(" ")[1];
        String second = byTime.get(1).split(" ")[1];
        String[] successor = {null};
        // the amend lands as the forget prints its removal of the first: after its listing, before its turn for the second
        Run forget = withStdoutWatched("remove " + first.substring(0, 8), () -> {
            try (Repository r = Repository.open(new org.opsledger.vault.backend.LocalBackend(repo), Files.readString(pw).strip().toCharArray())) {
                org.opsledger.vault.snapshot.SnapshotRef s = r.snapshots().stream().filter(x -> x.id().hex().equals(second)).findFirst().orElseThrow();
                successor[0] = r.amend(List.of(s), new org.opsledger.vault.snapshot.Amendment("Payroll office", null, null, null, null,
                        "INC-9", "records")).getFirst().shortId();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "vault", "forget", "--repo", repo.toString(), "--password-file", pw.toString(), first, second);
        assertThat(successor[0]).as("amended as the forget ran").isNotNull();
        assertThat(forget.exit()).as(forget.out() + forget.err()).isEqualTo(1);
        assertThat(forget.err()).isEqualTo("opsledger: removed 1 snapshot(s) named on its command line; not removed: " + second.substring(0, 8)
                + ", gone meanwhile: replaced by " + successor[0] + " (an amend); name that one\n");
        assertThat(vault("journal", "--operation", "forget", "--json").json().get("entries")).extracting(n -> n.get("outcome").asString())
                .containsExactly("failed");
        assertThat(vault("forget", successor[0]).exit()).isZero();
        assertThat(vault("snapshots", "--json").json().size()).isZero();
    }

    /**
     * The command line run in this JVM as {@link #run} does, {@code meanwhile} run once as soon as its stdout has printed
     * {@code seen} (each line reaches it whole, as it is printed): what another command does while this one runs.
     */
    static Run withStdoutWatched(String seen, Runnable meanwhile, String... args) {
        java.io.PrintStream oldOut = System.out;
        java.io.PrintStream oldErr = System.err;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream() {
            private boolean done;

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                super.write(b, off, len);
                if (!done && toString(StandardCharsets.UTF_8).contains(seen)) {
                    done = true;
                    meanwhile.run();
                }
            }
        };
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        try {
            System.setOut(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = org.opsledger.cli.OpsLedgerCommand.run(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /**
     * A snapshot's life by every ID it had, once it is forgotten: its record, which named the ID an amend replaced, is gone,
     * and its life showed in two halves, its backup under the old ID and its removal under the new (a helper's, across a
     * key retirement). The journal's amend entry names both IDs, and links them.
     */
    @Test
    void aForgottenSnapshotsLifeIsListedWholeByEitherId() {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        String before = vault("snapshots", "--json").json().get(0).get("id").asString();
        assertThat(vault("amend", "latest", "--owner", "Payroll office", "--reason", "INC-9", "--by", "records").exit()).isZero();
        String after = vault("snapshots", "--json").json().get(0).get("id").asString();
        assertThat(vault("forget", after).exit()).isZero();
        for (String id : List.of(before.substring(0, 8), after, after.substring(0, 8).toUpperCase(java.util.Locale.ROOT))) {
            assertThat(vault("journal", "--snapshot", id, "--json").json().get("entries")).as(id)
                    .extracting(n -> n.get("operation").asString()).containsExactly("backup", "amend", "forget");
        }
    }

    /**
     * IS.012 6.6.1.2, 6.6.5: a source whose newest attempt failed within a day of its last backup read "ok; its newest attempt
     * failed …", exit 0, so a failed nightly dump paged no one until the next night; one whose newest backup left a path out
     * read "ok", exit 0. Each has its own word and exit 3, and is ok again once a backup of it is whole.
     */
    @Test
    void dueSaysFailingOrIncompleteOfASourceWhoseNewestBackupFailedOrLeftPathsOut() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        Path away = Files.move(data, tmp.resolve("src/away"));
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isEqualTo(1);
        Files.move(away, data);
        Run failing = vault("due");
        assertThat(failing.exit()).as(failing.out()).isEqualTo(BackupCommand.INCOMPLETE);
        assertThat(failing.out()).contains("  failing: its newest attempt failed (")
                .endsWith("1 source(s); 0 overdue, 1 failing (a backup within 26 hours, a full one within 8 days)\n");
        assertThat(vault("due", "--json").json().get(0).get("status").asString()).isEqualTo("failing");

        Path file = Files.writeString(data.resolve("tagged.txt"), "tagged");
        Path dumped = Files.writeString(tmp.resolve("xattrs"), "# file: " + file + "\nuser.caf\\351=\"latin1\"\n");
        Process setfattr = new ProcessBuilder("setfattr", "--restore=" + dumped).redirectErrorStream(true).start();
        assertThat(setfattr.waitFor()).as(new String(setfattr.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        Run left = vault("backup", data.toString(), "--allow-same-device", "--json");
        assertThat(left.exit()).isEqualTo(BackupCommand.INCOMPLETE);
        Run incomplete = vault("due");
        assertThat(incomplete.exit()).as(incomplete.out()).isEqualTo(BackupCommand.INCOMPLETE);
        assertThat(incomplete.out()).contains("  incomplete: its newest backup, " + left.json().get("snapshot").asString().substring(0, 8)
                        + ", has 1 warning(s), paths left out (first: " + file + ": 1 extended attribute(s)")
                .endsWith("1 source(s); 0 overdue, 1 incomplete (a backup within 26 hours, a full one within 8 days)\n");

        Files.delete(file);
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        Run ok = vault("due");
        assertThat(ok.exit()).as(ok.out()).isZero();
        assertThat(ok.out()).contains("  ok\n");

        // a file kept though it changed as it was read (a database's page written in place) is in the snapshot: said, no
        // alarm, where a host whose backups always met one was incomplete every day (an engineer's note)
        Path table = Files.write(data.resolve("table.db"), new byte[300_000]);
        org.opsledger.vault.archiver.Archiver.FileOpener writerAtWork = (dir, p) -> {
            java.io.InputStream in = org.opsledger.vault.archiver.Archiver.FileOpener.DIRECT.open(dir, p);
            return !p.equals(table) ? in : new java.io.FilterInputStream(in) {
                @Override
                public int read(byte[] b, int off, int len) throws java.io.IOException {
                    int n = super.read(b, off, len);
                    if (n < 0) { // at the end of its read
                        try (var f = java.nio.channels.FileChannel.open(table, java.nio.file.StandardOpenOption.WRITE)) {
                            f.write(java.nio.ByteBuffer.wrap(new byte[] {42}), 1000);
                        }
                    }
                    return n;
                }
            };
        };
        String changed;
        try (Repository r = Repository.open(new org.opsledger.vault.backend.LocalBackend(repo), Files.readString(pw).strip().toCharArray())) {
            var progress = new org.opsledger.vault.archiver.BackupProgress();
            changed = new org.opsledger.vault.archiver.Archiver(r, progress, writerAtWork).backup(org.opsledger.vault.archiver.BackupOptions
                    .of(List.of(data)).withAllowSameDevice(true)).shortId();
            assertThat(progress.warnings()).singleElement().asString().startsWith(table + ": changed while it was read");
        }
        Run kept = vault("due");
        assertThat(kept.exit()).as(kept.out()).isZero();
        assertThat(kept.out()).contains("  ok; its newest backup, " + changed + ", has 1 warning(s), files kept that changed as they were"
                + " read (first: " + table + ": changed while it was read").endsWith("1 source(s); 0 overdue (a backup within 26 hours,"
                + " a full one within 8 days)\n");
        assertThat(vault("due", "--json").json().get(0).get("status").asString()).isEqualTo("ok");
        assertThat(vault("snapshots").out().lines().filter(l -> l.startsWith(changed)))
                .as("marked as due judges it, not incomplete: the one before, whose attribute was left out, is")
                .singleElement().asString().endsWith("  [1 warning(s): changed as read]");
        assertThat(vault("snapshots").out()).contains("  [incomplete: 1 warning(s)]");
    }

    @Test
    void dueNamesEachSourceNotBackedUpDailyOrInFullWeeklyAndOneThatNeverSucceeded() {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        Run fresh = vault("due");
        assertThat(fresh.exit()).as(fresh.out() + fresh.err()).isZero();
        assertThat(fresh.out()).contains(" " + data + " ").contains("  ok\n")
                .endsWith("1 source(s); 0 overdue (a backup within 26 hours, a full one within 8 days)\n");
        vault("backup", "--stdin-from-command", "--stdin-name", "db.sql", "--", "sh", "-c", "exit 4");
        Run due = vault("due");
        assertThat(due.exit()).isEqualTo(BackupCommand.INCOMPLETE);
        assertThat(due.out()).contains("overdue: no backup of it has succeeded (IS.012 6.6.1.2: daily); its newest attempt failed (")
                .contains("): command sh exited with status 4; no snapshot was written\n")
                .endsWith("2 source(s); 1 overdue (a backup within 26 hours, a full one within 8 days)\n");
        JsonNode json = vault("due", "--host", org.opsledger.vault.repository.Repository.hostname(), "--path", data.toString(), "--json").json();
        assertThat(json.size()).as("the stream's source is not of that path").isEqualTo(1);
        assertThat(vault("due", "--path", "db.sql", "--json").json()).as("a stream by its name")
                .extracting(n -> n.get("paths").get(0).asString()).containsExactly("db.sql");
        assertThat(json.get(0).get("overdue").asBoolean()).isFalse();
        assertThat(json.get(0).get("newestKind").asString()).isEqualTo("full");
        Run strict = vault("due", "--path", data.toString(), "--daily", "0h");
        assertThat(strict.exit()).isEqualTo(BackupCommand.INCOMPLETE);
        assertThat(strict.out()).contains("overdue: the newest backup is 0 hours old (IS.012 6.6.1.2: daily)");
        // a mistyped host, a path or tag no backup has: not "0 source(s); 0 overdue", exit 0, a monitor green for ever (a helper's)
        for (List<String> none : List.of(List.of("--host", "web-O1"), List.of("--path", "/srv/never", "--json"), List.of("--tag", "system=none"))) {
            List<String> args = new ArrayList<>(List.of("due"));
            args.addAll(none);
            Run nothing = vault(args.toArray(String[]::new));
            assertThat(nothing.exit()).as(none.toString()).isEqualTo(1);
            assertThat(nothing.out()).isEmpty();
            assertThat(nothing.err()).startsWith("opsledger: no backup of " + none.get(0).substring(2) + " " + none.get(1)
                    + ", nor a failed attempt, in this repository");
        }
        Run bad = vault("due", "--weekly-full", "weekly");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).isEqualTo("opsledger: --weekly-full: duration must be a number followed by y, m, w, d or h, or several such (like 30d or 1y6m), got: weekly\n");
    }

    /**
     * `due --daily 90m`, meant as 90 minutes, is 90 months: the help named no unit and the summary echoed "within 90m", so
     * a backup 5 hours old was ok (a tester's). The help of each DURATION option names the units and due's summary the span
     * in words, as forget's reason does (`--keep-within 1h30m` was "within 30m1h"); a unit given twice is refused, where
     * "5d1d" was 6 days, and 1 day in restic, which the help says the vault counts as.
     */
    @Test
    void aDurationIsShownInWordsAndAUnitGivenTwiceIsRefused() {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        assertThat(vault("due", "--daily", "90m").out()).endsWith("1 source(s); 0 overdue (a backup within 90 months, a full one within 8 days)\n");
        for (String command : List.of("due", "tier", "journal")) {
            assertThat(run("vault", command, "--help").out().replaceAll("\\s+", " ")).as(command)
                    .contains("h hours, d days, w weeks, m months (not minutes), y years");
        }
        assertThat(run("vault", "due", "--help").out().replaceAll("\\s+", " ").split("m months \\(not minutes\\)", -1))
                .as("--daily's help, --weekly-full's and --since's").hasSize(4);
        assertThat(vault("forget", "--keep-within", "1h30m", "--dry-run").out()).contains("within 30 months 1 hour");
        for (List<String> twice : List.of(List.of("forget", "--keep-within", "5d1d"), List.of("due", "--daily", "1h1h"),
                List.of("tier", "--to", tmp.resolve("far").toString(), "--near-line", "1d1d"))) {
            Run refused = vault(twice.toArray(String[]::new));
            assertThat(refused.exit()).as(twice.toString()).isEqualTo(2);
            assertThat(refused.err()).isEqualTo("opsledger: " + twice.get(twice.size() - 2) + ": duration gives the unit "
                    + twice.getLast().charAt(1) + " twice, got: " + twice.getLast() + ": give each unit once (restic takes the last of them)\n");
        }
    }

    /**
     * Two databases dumped with --stdin-from-command and no --stdin-name were both saved as `stdin`, one source: `due` said
     * ok with HR's dump failing once payroll's succeeded after it, `forget --keep-daily 7` removed HR's dump, and `dump
     * latest stdin` gave payroll's (a tester's). Each command's stream is named for its command.
     */
    @Test
    void aCommandsStreamIsNamedForItsCommand() throws Exception {
        Path hr = Files.writeString(tmp.resolve("hr.sql"), "HR dump\n");
        assertThat(vault("backup", "--stdin-from-command", "--", "cat", hr.toString()).exit()).isZero();
        assertThat(vault("backup", "--stdin-from-command", "--", "echo", "PAYROLL").exit()).isZero();
        Files.delete(hr); // the HR dump fails
        assertThat(vault("backup", "--stdin-from-command", "--", "cat", hr.toString()).exit()).isEqualTo(1);
        assertThat(vault("backup", "--stdin-from-command", "--", "echo", "PAYROLL").exit()).isZero();
        List<String> names = new ArrayList<>();
        vault("snapshots", "--json").json().forEach(n -> names.add(n.get("record").get("paths").get(0).asString()));
        assertThat(names).hasSize(3).contains("echo PAYROLL");
        String hrName = names.stream().filter(n -> n.startsWith("cat")).findFirst().orElseThrow();
        assertThat(hrName).matches("cat-[0-9a-f]{8}");
        Run due = vault("due"); // a source of its own, whose failed attempt is named
        assertThat(due.out().lines().filter(l -> l.contains(hrName))).singleElement().asString()
                .contains("  failing: its newest attempt failed (").contains("command cat exited with status 1");
        assertThat(due.out().lines().filter(l -> l.contains("\"echo PAYROLL\""))).singleElement().asString().endsWith("  ok");
        assertThat(due.out()).endsWith("2 source(s); 0 overdue, 1 failing (a backup within 26 hours, a full one within 8 days)\n");
        assertThat(due.exit()).isEqualTo(BackupCommand.INCOMPLETE);
        assertThat(vault("forget", "--keep-daily", "7").exit()).isZero();
        Path out = tmp.resolve("hr.out");
        assertThat(vault("dump", "latest", hrName, "--path", hrName, "--output", out.toString()).exit()).isZero();
        assertThat(out).hasContent("HR dump");
        assertThat(vault("dump", "latest", "echo PAYROLL", "--output", tmp.resolve("p.out").toString()).exit()).isZero();
        assertThat(tmp.resolve("p.out")).hasContent("PAYROLL");
    }

    /**
     * A password on a command's line was in its stream's name, which `snapshots`, `due` and the journal show (mysql's
     * attached `-pSECRET`, a token in a URL), and the name's SHA-256 of the words let anyone holding it test a guess: the
     * name shows no such word, and its digest is under the repository's key, the same from night to night.
     */
    @Test
    void aCommandsPasswordIsNotInItsStreamsName() throws Exception {
        List<String> command = List.of("echo", "hr", "-pS3cret", "https://h/x?token=T0ken");
        for (int night = 0; night < 2; night++) {
            List<String> backup = new ArrayList<>(List.of("backup", "--stdin-from-command", "--"));
            backup.addAll(command);
            assertThat(vault(backup.toArray(String[]::new)).exit()).isZero();
        }
        JsonNode snapshots = vault("snapshots", "--json").json();
        String name = snapshots.get(0).get("record").get("paths").get(0).asString();
        assertThat(name).matches("echo hr-[0-9a-f]{8}");
        assertThat(snapshots.get(1).get("record").get("paths").get(0).asString()).isEqualTo(name);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (String w : command) {
            sha.update(w.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
        }
        assertThat(name).doesNotEndWith(HexFormat.of().formatHex(sha.digest(), 0, 4));
        Run due = vault("due");
        assertThat(due.out()).contains("\"" + name + "\"").contains("1 source(s)");
        for (Run shown : List.of(vault("snapshots"), due, vault("journal"), vault("journal", "--json"))) {
            assertThat(shown.out()).doesNotContain("S3cret").doesNotContain("T0ken");
        }
    }

    /**
     * The options that tell the walk of backup paths what to read were taken with a stream and ignored, exit 0: `--exclude
     * '*.sql' --stdin-name db.sql` saved the dump it named. Each is refused, exit 2, before anything is read or run; --full
     * is taken, a stream being always read whole, with no parent (`due` counts it full).
     */
    @Test
    void anOptionOfTheWalkOfPathsIsRefusedWithAStream() throws Exception {
        Path list = Files.writeString(tmp.resolve("list"), data + "\n");
        Path marker = tmp.resolve("ran");
        List<String> command = List.of("--stdin-from-command", "--stdin-name", "db.sql", "--", "sh", "-c", "touch " + marker + "; echo dump");
        String oneFile = ": a stream is one file, read as it comes, with nothing in it to leave out; leave it out";
        String noDirectories = ": a stream has no directories to leave out; leave it out";
        List<List<String>> refused = List.of(
                List.of("--exclude", "*.sql", oneFile), List.of("--exclude-file", list.toString(), oneFile),
                List.of("--exclude-if-present", ".nobackup", noDirectories), List.of("--exclude-caches", noDirectories),
                List.of("--files-from", list.toString(), ": it names paths, and --stdin-from-command backs up a command's output; leave it out"),
                List.of("-x", ": a stream is read from a pipe, not from a filesystem; leave it out"),
                List.of("--one-file-system", ": a stream is read from a pipe, not from a filesystem; leave it out"),
                List.of("--allow-same-device", ": it lifts the rule that a backed-up path is not on the repository's device (IS.012 6.6.6),"
                        + " and a stream has no path; leave it out"));
        for (List<String> option : refused) {
            List<String> args = new ArrayList<>(List.of("backup"));
            args.addAll(option.subList(0, option.size() - 1));
            args.addAll(command);
            Run r = vault(args.toArray(String[]::new));
            assertThat(r.exit()).as(option.toString()).isEqualTo(2);
            String named = option.getFirst().startsWith("-x") || option.getFirst().equals("--one-file-system") ? "-x/--one-file-system" : option.getFirst();
            assertThat(r.err()).isEqualTo("opsledger: " + named + " means nothing with --stdin-from-command" + option.getLast() + "\n");
        }
        List<String> two = new ArrayList<>(List.of("backup", "--exclude", "*.sql", "-x"));
        two.addAll(command);
        assertThat(vault(two.toArray(String[]::new)).err()).isEqualTo("opsledger: --exclude means nothing with --stdin-from-command" + oneFile
                + " (and -x/--one-file-system)\n");
        Run stdinList = vault("backup", "--stdin", "--files-from", list.toString());
        assertThat(stdinList.err()).isEqualTo("opsledger: --files-from means nothing with --stdin: it names paths, and --stdin backs up"
                + " standard input; leave it out\n");
        assertThat(marker).as("nothing run").doesNotExist();
        Run nameWithoutStream = vault("backup", data.toString(), "--allow-same-device", "--stdin-name", "db.sql"); // the reverse
        assertThat(nameWithoutStream.exit()).isEqualTo(2);
        assertThat(nameWithoutStream.err()).isEqualTo("opsledger: --stdin-name names a stream: give --stdin or --stdin-from-command"
                + " with it, or leave it out\n");
        assertThat(vault("snapshots", "--json").json().size()).isZero();

        List<String> full = new ArrayList<>(List.of("backup", "--full"));
        full.addAll(command);
        Run whole = vault(full.toArray(String[]::new));
        assertThat(whole.exit()).as(whole.err()).isZero();
        assertThat(vault("due", "--path", "db.sql", "--json").json().get(0).get("newestFull").asString())
                .isEqualTo(vault("snapshots", "--json").json().get(0).get("id").asString());
    }

    /**
     * An empty stream (a wrapper whose pg_dump wrote to a file by mistake, a pipe hiding its producer's failure) was saved as
     * a 0-byte snapshot, exit 0, and `due` counted it a backup (a tester's): it is refused as an empty path is, recorded.
     */
    @Test
    void anEmptyStreamIsAFailedBackupNotASnapshot() {
        Run empty = vault("backup", "--stdin-from-command", "--stdin-name", "app.sql", "--", "sh", "-c", "echo '-- dump' > /dev/null");
        assertThat(empty.exit()).isEqualTo(1);
        assertThat(empty.err()).isEqualTo("opsledger: the stream app.sql is empty: no snapshot was written; check the program that writes it"
                + " (a pipe into --stdin hides its exit status: use --stdin-from-command)\n");
        assertThat(vault("snapshots", "--json").json().size()).isZero();
        Run due = vault("due", "--path", "app.sql");
        assertThat(due.exit()).isEqualTo(BackupCommand.INCOMPLETE);
        assertThat(due.out()).contains("overdue: no backup of it has succeeded").contains("the stream app.sql is empty");
        assertThat(vault("backup", "--stdin-from-command", "--stdin-name", "failed.sql", "--", "sh", "-c", "exit 4").err())
                .as("a failed command says its status first").contains("exited with status 4");
    }

    /**
     * What the command's children write after it exits is read too, to the end of the stream, as a pipe into --stdin reads
     * it: the JDK's pipe ended with the command, and `bash -c 'exec > >(gzip -c); pg_dump db'` saved a cut dump, exit 0 (a
     * tester's). A child that outlives the command with the stream open keeps the backup reading until it closes it.
     */
    @Test
    void aStreamIsReadToItsEndNotToTheCommandsExit() throws Exception {
        Set<String> before = fifoDirectories();
        Run late = vault("backup", "--stdin-from-command", "--stdin-name", "late.sql", "--", "sh", "-c",
                "(sleep 1; echo '-- the tail') & echo '-- the head'");
        assertThat(late.exit()).as(late.err()).isZero();
        assertThat(late.err()).doesNotContain("JDK's pipe");
        assertThat(vault("dump", "latest", "late.sql").out()).isEqualTo("-- the head\n-- the tail\n");

        Path data = Files.write(tmp.resolve("dump.bin"), new java.util.Random(7).ints(3_000_000).mapToObj(Integer::toString)
                .collect(java.util.stream.Collectors.joining("\n")).getBytes(StandardCharsets.UTF_8));
        Run gzip = vault("backup", "--stdin-from-command", "--stdin-name", "db.sql.gz", "--", "bash", "-c",
                "exec > >(sleep 0.5; gzip -1 -c); cat " + data);
        assertThat(gzip.exit()).as(gzip.err()).isZero();
        Path saved = tmp.resolve("db.sql.gz");
        assertThat(vault("dump", "latest", "db.sql.gz", "--output", saved.toString()).exit()).isZero();
        try (java.io.InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(saved))) {
            assertThat(in.readAllBytes()).as("the whole stream, gzip's last bytes written after bash exited").isEqualTo(Files.readAllBytes(data));
        }
        Set<String> left = fifoDirectories();
        left.removeAll(before);
        if (!left.isEmpty()) { // another build's command on this machine, between making its directory and deleting it?
            Thread.sleep(2_000);
            left.retainAll(fifoDirectories());
        }
        assertThat(left).as("the FIFO's directory deleted").isEmpty();
    }

    /** The FIFOs' directories in java.io.tmpdir, which other processes on the machine share. */
    private static Set<String> fifoDirectories() throws java.io.IOException {
        try (java.util.stream.Stream<Path> in = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return in.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("opsledger-output"))
                    .collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
        }
    }

    /**
     * A command not after `--`: picocli took its options for the vault's, and `pg_dump -h db hr` printed the vault's help,
     * exit 0, no backup and no journal entry (a tester's). Refused, exit 2, before anything runs.
     */
    @Test
    void aCommandNotAfterDashesIsRefused() {
        Path marker = tmp.resolve("ran");
        for (List<String> line : List.of(List.of("backup", "--stdin-from-command", "--stdin-name", "hr.sql", "pg_dump", "-h", "db", "hr"),
                List.of("backup", "--stdin-from-command", "sh", "-c", "touch " + marker), List.of("backup", "touch", marker.toString(),
                        "--stdin-from-command", "--full"))) {
            Run r = vault(line.toArray(String[]::new));
            assertThat(r.exit()).as(line.toString()).isEqualTo(2);
            assertThat(r.out()).doesNotContain("Usage");
            assertThat(r.err()).isEqualTo("opsledger: --stdin-from-command runs the words after --: put the command there"
                    + " (`--stdin-from-command --stdin-name hr.sql -- pg_dump -h db hr`); without --, its options would be taken for"
                    + " the vault's\n");
        }
        assertThat(marker).as("nothing run").doesNotExist();
        assertThat(vault("journal", "--json").json().get("entries").size()).as("nothing else in the journal than init").isEqualTo(1);
        Run dashes = vault("backup", "--stdin-from-command", "--stdin-name", "h.txt", "--", "echo", "-h");
        assertThat(dashes.exit()).as(dashes.err()).isZero();
        assertThat(vault("dump", "latest", "h.txt").out()).isEqualTo("-h\n");
    }

    /**
     * `-- PGPASSWORD=S3cret pg_dump hr`, a shell's habit, failed "cannot run PGPASSWORD=S3cret", a line the append-only
     * journal kept, and the password was in the stream's name and `due` (h4's). Refused, exit 2, before anything runs or is
     * recorded, without repeating it; a program that cannot run is named by its base name only.
     */
    @Test
    void anAssignmentForAProgramIsRefusedWithoutRepeatingIt() {
        Path marker = tmp.resolve("ran");
        Run assigned = vault("backup", "--stdin-from-command", "--", "PGPASSWORD=S3cretPW", "sh", "-c", "touch " + marker + "; echo dump");
        assertThat(assigned.exit()).isEqualTo(2);
        assertThat(assigned.err()).isEqualTo("opsledger: the program after -- holds '=': a leading NAME=value is the shell's assignment,"
                + " not a program, and it is neither run nor shown (it may hold a password); use -- env NAME=value CMD …, or better"
                + " keep the password out of the command line (~/.pgpass, --defaults-extra-file)\n");
        assertThat(marker).doesNotExist();
        for (Run shown : List.of(vault("journal", "--json"), vault("due"), vault("snapshots"))) {
            assertThat(shown.out() + shown.err()).doesNotContain("S3cretPW");
        }
        assertThat(vault("journal", "--json").json().get("entries").size()).as("nothing in the journal but init").isEqualTo(1);

        Run missing = vault("backup", "--stdin-from-command", "--stdin-name", "hr.sql", "--", tmp.resolve("u:S3cretPW@db/pg_dump").toString(), "hr");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("opsledger: cannot run pg_dump: No such file or directory\n");
        assertThat(vault("journal", "--json").out()).contains("cannot run pg_dump").doesNotContain("S3cretPW");
    }

    /**
     * The command was started before the backup took the repository's lock: a backup refused it (a repair running alone)
     * had already run the dump, then killed it (h4's). It starts once the lock is held.
     */
    @Test
    void aBackupRefusedTheLockRunsNoCommand() throws Exception {
        Path marker = tmp.resolve("ran");
        try (Repository r = Repository.open(new org.opsledger.vault.backend.LocalBackend(repo), Files.readString(pw).strip().toCharArray());
             var repair = r.lock("repair")) {
            Run refused = vault("backup", "--stdin-from-command", "--stdin-name", "hr.sql", "--", "sh", "-c", "touch " + marker + "; echo dump");
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).contains("a repair on ").contains("runs alone in the repository");
        }
        assertThat(marker).as("the command not run").doesNotExist();
        Run after = vault("backup", "--stdin-from-command", "--stdin-name", "hr.sql", "--", "sh", "-c", "touch " + marker + "; echo dump");
        assertThat(after.exit()).as(after.err()).isZero();
        assertThat(marker).exists();
    }

    /**
     * ls, find, diff and stats take the read lock restore takes (TreeReadersBesideAPruneTest: a prune beside them keeps
     * the packs they read): beside a key retirement, which runs alone and deletes every pack, they are refused before
     * they print anything, where they read on and stopped at a pack it had deleted, `missing file … data/…`, exit 1 after
     * partial output (stats: exit 3; a tester's). Once it has ended they run.
     */
    @Test
    void lsFindDiffAndStatsWaitForAKeyRetirement() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        Files.writeString(data.resolve("new.txt"), "new\n");
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        List<String[]> readers = List.of(new String[] {"ls", "latest"}, new String[] {"find", "report.txt"},
                new String[] {"diff", vault("snapshots", "--json").json().get(0).get("id").asString(), "latest"}, new String[] {"stats"});
        try (Repository r = Repository.open(new org.opsledger.vault.backend.LocalBackend(repo), Files.readString(pw).strip().toCharArray());
             var retire = r.lock("retire")) {
            for (String[] reader : readers) {
                Run refused = vault(reader);
                assertThat(refused.exit()).as(refused.err()).isEqualTo(1);
                assertThat(refused.err()).contains("a retire on ").contains("runs alone in the repository: " + reader[0] + " when it has finished");
                assertThat(refused.out()).isEmpty();
            }
        }
        for (String[] reader : readers) {
            Run after = vault(reader);
            assertThat(after.exit()).as(after.err()).isZero();
            assertThat(after.out()).isNotEmpty();
        }
        assertThat(repo.resolve("locks")).isEmptyDirectory();
    }

    /**
     * `vault dump latest app.sql | psql app`, the docs' restore of a database's dump, failed "no path app.sql in snapshot …"
     * once another database's dump (or a backup of paths) had run after it (h4's): 'latest' with a stream's name is the
     * latest snapshot of that stream.
     */
    @Test
    void dumpLatestOfAStreamsNameIsTheLatestOfThatStream() {
        for (String db : List.of("hr", "payroll", "hr", "payroll")) {
            Run dumped = vault("backup", "--stdin-from-command", "--stdin-name", db + ".sql", "--", "echo", db + " dump " + System.nanoTime());
            assertThat(dumped.exit()).as(dumped.err()).isZero();
        }
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        JsonNode snapshots = vault("snapshots", "--json").json();
        String hrLatest = snapshots.get(2).get("id").asString();
        Run hr = vault("dump", "latest", "hr.sql");
        assertThat(hr.exit()).as(hr.err()).isZero();
        assertThat(hr.out()).startsWith("hr dump ");
        assertThat(hr.err()).as("which snapshot it is").startsWith("latest is ").contains(hrLatest.substring(0, 8));
        assertThat(vault("dump", "latest", "payroll.sql").out()).startsWith("payroll dump ").isEqualTo(vault("dump", snapshots.get(3)
                .get("id").asString(), "payroll.sql").out());
        assertThat(vault("dump", "latest", "data/report.txt").exit()).as("a path of the latest of all, as before").isZero();
        Run none = vault("dump", "latest", "other.sql");
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).contains("no path other.sql in snapshot " + snapshots.get(4).get("id").asString().substring(0, 8));
    }

    /**
     * `dump latest NAME`, NAME both a stream's --stdin-name and a path of the latest snapshot (a backup of /srv after a
     * stream named srv): the stream's latest was dumped, silently, where before session 39 the latest's path was; each
     * pipe (`| tar -x`, `| psql`) takes the other's bytes without a word. Refused, naming both and how to name each; the
     * stream's name alone, when the latest snapshot holds no such path, is the stream's latest as before.
     */
    @Test
    void dumpLatestOfANameThatIsAStreamAndAPathOfTheLatestIsRefusedNamingBoth() throws Exception {
        Path srv = Files.createDirectories(tmp.resolve("top/srv"));
        Files.writeString(srv.resolve("www.txt"), "site\n");
        Run stream = vault("backup", "--stdin-from-command", "--stdin-name", "srv", "--", "echo", "srv dump");
        assertThat(stream.exit()).as(stream.err()).isZero();
        String streamId = vault("snapshots", "--json").json().get(0).get("id").asString();
        Run tree = vault("backup", srv.toString(), "--allow-same-device");
        assertThat(tree.exit()).as(tree.err()).isZero();
        String treeId = vault("snapshots", "--json").json().get(1).get("id").asString();

        Run both = vault("dump", "latest", "srv");
        assertThat(both.exit()).isEqualTo(1);
        assertThat(both.out()).as("nothing dumped").isEmpty();
        assertThat(both.err()).isEqualTo("opsledger: srv names both a stream (its latest is snapshot " + streamId.substring(0, 8) + ") and a path"
                + " of the latest snapshot (" + treeId.substring(0, 8) + "): `vault dump latest srv --path srv` dumps the stream's, `vault dump "
                + treeId.substring(0, 8) + " srv` that path\n");
        Run ofStream = vault("dump", "latest", "srv", "--path", "srv");
        assertThat(ofStream.exit()).as(ofStream.err()).isZero();
        assertThat(ofStream.out()).isEqualTo("srv dump\n");
        Run ofPath = vault("dump", treeId.substring(0, 8), "srv/www.txt");
        assertThat(ofPath.out()).isEqualTo("site\n");
        assertThat(vault("dump", "latest", "srv/www.txt").out()).as("a path only the latest holds, as before").isEqualTo("site\n");
        Run next = vault("backup", "--stdin-from-command", "--stdin-name", "srv", "--", "echo", "srv dump 2");
        assertThat(next.exit()).as(next.err()).isZero();
        assertThat(vault("dump", "latest", "srv").out()).as("the stream's latest is the latest of all: one meaning").isEqualTo("srv dump 2\n");
    }

    /** An empty argument of the command was refused as "a PATH is empty" (a tester's): the words after -- are the command's. */
    @Test
    void aCommandsEmptyArgumentIsPassedAsGiven() {
        Run args = vault("backup", "--stdin-from-command", "--stdin-name", "args.txt", "--", "printf", "%s|", "a", "", "b");
        assertThat(args.exit()).as(args.err()).isZero();
        Run dumped = vault("dump", "latest", "args.txt");
        assertThat(dumped.out()).isEqualTo("a||b|");
        Run none = vault("backup", "--stdin-from-command", "--stdin-name", "x", "--", "", "a");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).isEqualTo("opsledger: the command after -- is empty (an unset variable?): name the program to run\n");
    }

    /**
     * A source whose snapshots have all left the repository (forgotten; a helper's, moved by `tier` a month after its host
     * stopped) is still a source: `due` names it from the journal, overdue once its newest backup is older than a day,
     * until it is decommissioned. Before, it vanished from `due`, which said "0 overdue".
     */
    @Test
    void aSourceWhoseSnapshotsHaveAllLeftIsStillDueUntilDecommissioned() throws Exception {
        String host = org.opsledger.vault.repository.Repository.hostname();
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        String gone = vault("snapshots", "--json").json().get(0).get("id").asString();
        assertThat(vault("forget", "--keep-within", "0d").exit()).isZero();
        JsonNode recent = vault("due", "--json").json();
        assertThat(recent).singleElement().satisfies(n -> {
            assertThat(n.get("paths").get(0).asString()).isEqualTo(data.toString());
            assertThat(n.get("overdue").asBoolean()).as("backed up within the day").isFalse();
            assertThat(n.get("why").get(0).asString()).contains("(" + gone.substring(0, 8) + "), and every other has left this repository");
            // the newest backup by the journal, as `why` names it: null read as never backed up (h1's repro-6)
            assertThat(n.get("newest").asString()).isEqualTo(gone);
            assertThat(n.get("newestTime").asString()).isEqualTo(vault("journal", "--operation", "backup", "--json").json()
                    .get("entries").get(0).get("started").asString());
            assertThat(n.get("newestLeft").asBoolean()).isTrue();
        });
        assertThat(vault("due", "--json").json().get(0).get("newestFull").isNull()).as("no full one is named").isTrue();
        Run late = vault("due", "--daily", "0h");
        assertThat(late.exit()).isEqualTo(BackupCommand.INCOMPLETE);
        assertThat(late.out()).contains("overdue: its newest backup, ").contains("; none since (IS.012 6.6.1.2: daily)")
                .endsWith("1 source(s); 1 overdue (a backup within 0 days, a full one within 8 days)\n");
        Run decommission = vault("decommission", "--host", host, "--reason", "CHG-14");
        assertThat(decommission.out()).contains(" UTC no longer in this repository");
        assertThat(vault("due", "--daily", "0h").exit()).isZero();
        assertThat(vault("decommission", "--host", host, "--reason", "CHG-14").exit()).as("decommissioned already").isEqualTo(1);
    }

    /**
     * A snapshot file deleted from the store (write access, no password) went unnoticed: check was clean and the next prune
     * freed its data (a helper's, retained until 2099). Check now warns of a snapshot a backup wrote that is gone without an
     * entry saying it left; what forget, amend and rewrite took away is accounted for.
     */
    @Test
    void checkWarnsOfASnapshotGoneWithoutAnEntrySayingItLeft() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        assertThat(vault("backup", data.toString(), "--allow-same-device", "--full").exit()).isZero();
        assertThat(vault("forget", "--keep-last", "1").exit()).isZero();
        assertThat(vault("amend", "latest", "--owner", "Payroll office", "--reason", "INC-1", "--by", "records").exit()).isZero();
        assertThat(vault("rewrite", "latest", "--exclude", "link", "--reason", "INC-2", "--by", "security").exit()).isZero();
        assertThat(vault("key", "rotate").exit()).isZero();
        assertThat(vault("backup", data.toString(), "--allow-same-device", "--full").exit()).isZero(); // under epoch 2
        String beforeRetire = vault("snapshots", "--json").json().get(1).get("id").asString();
        assertThat(vault("key", "retire", "1").exit()).as("the epoch's snapshots get new IDs; the entry names them").isZero();
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        Run forget = vault("forget", "--keep-last", "2"); // the rewritten one, forgotten by its new ID
        assertThat(forget.out()).contains("remove ");
        Run clean = vault("check");
        assertThat(clean.exit()).as(clean.out() + clean.err()).isZero();
        assertThat(clean.out()).doesNotContain("no journal entry says they left");

        // a backup from before the retirement: its entry names what it sealed again, so this one is not passed over
        String deleted = beforeRetire;
        Files.delete(repo.resolve("snapshots").resolve(deleted));
        Run check = vault("check");
        assertThat(check.out()).contains("warning: 1 snapshot(s) the journal says were written are not in the repository, and no journal"
                + " entry says they left (first: " + deleted.substring(0, 8) + ", a backup of " + data + " on ");
    }

    /**
     * `copy A deadbeef --to T --json` committed A's copy in T, then failed on deadbeef, and printed nothing of A: a script
     * could not learn that A was copied, nor its copy's ID (h1's repro-5). What was committed is listed, text and JSON,
     * then the failure, exit 1, as forget lists its removals before a prune's failure.
     */
    @Test
    void aCopyThatFailsPartWayListsTheCopiesItCommitted() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        String a = vault("snapshots", "--json").json().get(0).get("id").asString();
        Path target = tmp.resolve("long-term");
        Path other = tmp.resolve("other");
        for (Path t : List.of(target, other)) {
            assertThat(run("vault", "init", "--repo", t.toString(), "--password-file", pw.toString(), "--kdf-iterations", "100000")
                    .exit()).isZero();
        }
        Run json = vault("copy", a, "deadbeef", "--to", target.toString(), "--json");
        assertThat(json.exit()).isEqualTo(1);
        assertThat(json.err().lines().toList()).hasSize(1).first().asString().contains("deadbeef");
        assertThat(json.json().size()).as(json.out()).isEqualTo(1);
        assertThat(json.json().get(0).get("source").asString()).isEqualTo(a);
        String copy = json.json().get(0).get("copy").asString();
        assertThat(run("vault", "snapshots", "--repo", target.toString(), "--password-file", pw.toString(), "--json").json()
                .get(0).get("id").asString()).isEqualTo(copy);

        Run text = vault("copy", a, "deadbeef", "--to", other.toString());
        assertThat(text.exit()).isEqualTo(1);
        assertThat(text.out()).contains(a.substring(0, 8));
        assertThat(text.err()).contains("deadbeef");
    }

    /**
     * Check found a snapshot file deleted from the store only when a backup or recover wrote it: one an amend or a key
     * retirement wrote (their entries name the IDs replaced, then the new ones), or a copy brought into the target, was
     * deleted by anyone able to write to the store, and check said nothing (a tester's).
     */
    @Test
    void aSnapshotAnAmendARetirementOrACopyWroteIsNamedByCheckWhenDeleted() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        Path target = tmp.resolve("long-term");
        assertThat(run("vault", "init", "--repo", target.toString(), "--password-file", pw.toString(), "--kdf-iterations", "100000").exit())
                .isZero();
        String copy = vault("copy", "latest", "--to", target.toString(), "--json").json().get(0).get("copy").asString();
        Files.delete(target.resolve("snapshots").resolve(copy));
        assertThat(run("vault", "check", "--repo", target.toString(), "--password-file", pw.toString()).out()).contains("warning: 1"
                + " snapshot(s) the journal says were written are not in the repository, and no journal entry says they left (first: "
                + copy.substring(0, 8) + ", received by a copy from " + repo + " on ");

        String original = vault("snapshots", "--json").json().get(0).get("id").asString();
        byte[] originalFile = Files.readAllBytes(repo.resolve("snapshots").resolve(original));
        assertThat(vault("amend", "latest", "--retain-until", "2033-01-01", "--reason", "litigation").exit()).isZero();
        String amended = vault("snapshots", "--json").json().get(0).get("id").asString();
        byte[] amendedFile = Files.readAllBytes(repo.resolve("snapshots").resolve(amended));
        Files.delete(repo.resolve("snapshots").resolve(amended));
        Files.write(repo.resolve("snapshots").resolve(original), originalFile);
        assertThat(vault("check").out()).contains("1 snapshot(s) the journal says were written are not in the repository, and no journal"
                + " entry says they left (first: " + amended.substring(0, 8) + ", written by an amend on ");

        Files.delete(repo.resolve("snapshots").resolve(original));
        Files.write(repo.resolve("snapshots").resolve(amended), amendedFile);
        assertThat(vault("key", "rotate").exit()).isZero();
        assertThat(vault("key", "retire", "1").exit()).isZero();
        assertThat(vault("check").out()).as("what each replaced is accounted for").doesNotContain("says they left");
        String resealed = vault("snapshots", "--json").json().get(0).get("id").asString();
        Files.delete(repo.resolve("snapshots").resolve(resealed));
        assertThat(vault("check").out()).contains("1 snapshot(s) the journal says were written are not in the repository, and no journal"
                + " entry says they left (first: " + resealed.substring(0, 8) + ", written by a key retirement on ");
    }

    /**
     * The reverse: a snapshot file put back after a forget removed it, or after an amend replaced it (its old record: a
     * shorter retention, another owner), read as a backup like any other and check said nothing.
     */
    @Test
    void checkWarnsOfASnapshotPutBackAfterAForgetOrAnAmendRemovedIt() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        JsonNode before = vault("snapshots", "--json").json();
        String forgotten = before.get(0).get("id").asString();
        String amended = before.get(1).get("id").asString();
        byte[] forgottenFile = Files.readAllBytes(repo.resolve("snapshots").resolve(forgotten));
        byte[] amendedFile = Files.readAllBytes(repo.resolve("snapshots").resolve(amended));
        assertThat(vault("forget", "--keep-last", "1").exit()).isZero();
        assertThat(vault("amend", "latest", "--owner", "Payroll office", "--reason", "INC-3").exit()).isZero();
        String amendment = vault("snapshots", "--json").json().get(0).get("id").asString();
        assertThat(vault("check").out()).doesNotContain("had removed");

        Files.write(repo.resolve("snapshots").resolve(forgotten), forgottenFile);
        Files.write(repo.resolve("snapshots").resolve(amended), amendedFile);
        Run check = vault("check");
        assertThat(check.exit()).isZero();
        assertThat(check.out()).contains("warning: 2 snapshot(s) are in the repository that a command had removed (", forgotten.substring(0, 8)
                        + ", which a forget removed", amended.substring(0, 8) + ", which " + amendment.substring(0, 8) + " replaced (amended-from)",
                "): put back from an older copy, or left by an amend or rewrite that stopped before it deleted them; `vault forget ID` removes one");
        assertThat(vault("forget", forgotten, amended).exit()).isZero();
        assertThat(vault("check").out()).doesNotContain("had removed");
    }

    /**
     * The same once the record that replaced it has left too: a rewrite took a private key out of a snapshot, its
     * rewritten record was forgotten, and the old one put back from an older copy held the key again; check said nothing,
     * as no record named it, though the journal's rewrite entry did (a tester's repro-1). An amend's likewise.
     */
    @Test
    void checkWarnsOfARecordPutBackAfterItsAmendedOrRewrittenSuccessorLeft() throws Exception {
        Files.writeString(data.resolve("id_rsa"), "PRIVATE KEY\n");
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        JsonNode before = vault("snapshots", "--json").json();
        String rewritten = before.get(0).get("id").asString();
        String amended = before.get(1).get("id").asString();
        byte[] rewrittenFile = Files.readAllBytes(repo.resolve("snapshots").resolve(rewritten));
        byte[] amendedFile = Files.readAllBytes(repo.resolve("snapshots").resolve(amended));
        assertThat(vault("rewrite", rewritten, "--exclude", "id_rsa", "--reason", "INC-31").exit()).isZero();
        assertThat(vault("amend", amended, "--owner", "Payroll office", "--reason", "INC-3").exit()).isZero();
        List<String> successors = new ArrayList<>();
        vault("snapshots", "--json").json().forEach(s -> successors.add(s.get("id").asString()));
        assertThat(successors).hasSize(2).doesNotContain(rewritten, amended);
        successors.add(0, "forget");
        assertThat(vault(successors.toArray(String[]::new)).exit()).isZero();

        Files.write(repo.resolve("snapshots").resolve(rewritten), rewrittenFile);
        Files.write(repo.resolve("snapshots").resolve(amended), amendedFile);
        Run check = vault("check");
        assertThat(check.exit()).isZero();
        String day = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        assertThat(check.out()).contains("warning: 2 snapshot(s) are in the repository that a command had removed (",
                rewritten.substring(0, 8) + ", which a rewrite replaced on " + day + " (journal)",
                amended.substring(0, 8) + ", which an amend replaced on " + day + " (journal)");
        assertThat(vault("forget", rewritten, amended).exit()).isZero();
        assertThat(vault("check").out()).doesNotContain("had removed");
    }

    /**
     * `key remove 0` removed whichever slot began with 0 and said "removed key slot 0", --json {"removed":"0"}, and a prefix
     * in upper case was "no key slot F…" (a tester's). A slot is named by its whole ID or a prefix of at least 4 hex digits
     * in either case, as `journal --snapshot` and snapshot prefixes take them, and the removal names its whole ID and label.
     */
    /**
     * `vault unlock --remove-all` removed the lock of a backup running on this host, its output naming it "live, backup on
     * vm (pid N)", and the nightly prune deleted that backup's packs (a tester's, h4): refused, nothing removed, unless
     * --even-if-running is given too.
     */
    @Test
    void unlockRemoveAllRefusesTheLockOfAProcessRunningOnThisHost() throws Exception {
        try (Repository r = Repository.open(new org.opsledger.vault.backend.LocalBackend(repo), Files.readString(pw).strip().toCharArray());
             var running = r.lock("backup")) {
            Run refused = vault("unlock", "--remove-all");
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).startsWith("opsledger: lock locks/").contains("is a backup's on " + Repository.hostname() + " (pid "
                    + ProcessHandle.current().pid() + "), a process running on this host").endsWith("; nothing was removed\n");
            assertThat(r.locks().live()).hasSize(1);
            assertThat(vault("unlock", "--even-if-running").exit()).as("--remove-all's").isEqualTo(2);
            Run removed = vault("unlock", "--remove-all", "--even-if-running");
            assertThat(removed.exit()).as(removed.err()).isZero();
            assertThat(removed.out()).contains(": live, backup on ").endsWith("unlock: 1 lock file(s) removed, 0 live lock(s) kept\n");
        }
    }

    /**
     * `vault forget 7 --prune`, typed for --keep-last 7, removed and pruned whichever snapshot's ID began with 7, exit 0;
     * `restore 5` and `rewrite … 1` took one digit too (a tester's, h4). A snapshot is named as a key slot is: its ID or at
     * least 4 of its hex digits; forget says so before it opens the repository, and asks about a bare number.
     */
    @Test
    void aSnapshotIsNamedByAtLeastFourHexDigits() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        String id = vault("snapshots", "--json").json().get(0).get("id").asString();
        String one = id.substring(0, 1);

        Run forget = vault("forget", one, "--prune");
        assertThat(forget.exit()).as(forget.out()).isEqualTo(2);
        assertThat(forget.err()).isEqualTo("opsledger: snapshot " + one + " is no ID: a snapshot is named by its ID, or at least 4 of its"
                + " hex digits (`vault snapshots` lists them), or 'latest'" + (one.matches("[0-9]") ? "; did you mean --keep-last " + one + "?" : "") + "\n");
        assertThat(vault("forget", "7").err()).endsWith("; did you mean --keep-last 7?\n");
        Run restore = vault("restore", id.substring(0, 3), "--target", tmp.resolve("out").toString());
        assertThat(restore.exit()).isEqualTo(1);
        assertThat(restore.err()).isEqualTo("opsledger: snapshot " + id.substring(0, 3) + " is no ID: a snapshot is named by its ID, or at"
                + " least 4 of its hex digits (`vault snapshots` lists them), or 'latest'\n");
        assertThat(tmp.resolve("out")).doesNotExist();
        assertThat(vault("ls", one).exit()).isEqualTo(1);
        assertThat(vault("snapshots", "--json").json()).hasSize(1);
        assertThat(vault("ls", id.substring(0, 4).toUpperCase(java.util.Locale.ROOT)).exit()).as("4 digits, either case").isZero();
    }

    @Test
    void keyRemoveTakesFourHexDigitsInEitherCaseAndNamesTheWholeSlot() throws Exception {
        Path second = Files.writeString(tmp.resolve("pw-alice"), "alice's password");
        String alice = vault("key", "add", "--new-password-file", second.toString(), "--label", "alice", "--kdf-iterations", "100000",
                "--json").json().get("added").asString();
        String one = "abcdef0123456789abcdef0123456789";
        String other = "abc0ef0123456789abcdef0123456789"; // slots of alice's password under IDs whose letters can be cased
        Files.copy(repo.resolve("keys").resolve(alice), repo.resolve("keys").resolve(one));
        Files.copy(repo.resolve("keys").resolve(alice), repo.resolve("keys").resolve(other));

        Run tooShort = vault("key", "remove", "abc");
        assertThat(tooShort.exit()).isEqualTo(1);
        assertThat(tooShort.err()).isEqualTo("opsledger: key slot abc is no slot's ID nor a prefix of at least 4 of its hex digits:"
                + " `vault key list` lists them\n");
        Run upper = vault("key", "remove", "ABCD", "--json");
        assertThat(upper.exit()).as(upper.err()).isZero();
        assertThat(upper.json().get("removed").asString()).isEqualTo(one);
        assertThat(upper.json().get("label").asString()).isEqualTo("alice");
        Run text = vault("key", "remove", "ABC0");
        assertThat(text.out()).isEqualTo("removed key slot " + other + " (alice)\n");
        assertThat(vault("journal", "--operation", "key", "--json").json().get("entries")).extracting(e -> e.get("detail").asString())
                .anyMatch(d -> d.matches("key slot abcdef01 removed \\[sha256 [0-9a-f]{64}] \\(alice, added on .*"));
        assertThat(vault("key", "list", "--json").json()).extracting(k -> k.get("id").asString()).contains(alice).doesNotContain(one, other);
    }

    /**
     * A rollback (`cp -a old/. r/`) after `key remove` brought the removed operator's slot back, and their password opened
     * the repository; check warned of the snapshots the rollback brought back but not of the slot (a tester's).
     */
    @Test
    void checkWarnsOfAKeySlotPutBackAfterItsRemoval() throws Exception {
        Path second = Files.writeString(tmp.resolve("pw-departed"), "a departed operator's password");
        String slot = vault("key", "add", "--new-password-file", second.toString(), "--label", "departed", "--kdf-iterations", "100000",
                "--json").json().get("added").asString();
        byte[] slotFile = Files.readAllBytes(repo.resolve("keys").resolve(slot));
        assertThat(vault("key", "remove", slot.substring(0, 8)).exit()).isZero();
        assertThat(vault("check").out()).doesNotContain("is back");

        Files.write(repo.resolve("keys").resolve(slot), slotFile);
        Run check = vault("check");
        assertThat(check.exit()).isZero();
        assertThat(check.out()).containsPattern("warning: key slot " + slot.substring(0, 8) + " \\(departed\\) was removed on \\S+Z by \\S+@\\S+"
                + " \\(journal\\) and is back: a rollback\\? `vault key remove " + slot.substring(0, 8) + "`\n");
        assertThat(vault("key", "remove", slot.substring(0, 8)).exit()).isZero();
        assertThat(vault("check").out()).doesNotContain("is back");
    }

    /**
     * The same removed slot put back under another name opened with the departed password, and check said nothing: it
     * matched the slot's ID only (a tester's repro-6). The removal's entry names the slot's fingerprint, and check knows
     * the slot by its content, whatever its name or label.
     */
    @Test
    void checkWarnsOfARemovedKeySlotPutBackUnderAnotherName() throws Exception {
        Path second = Files.writeString(tmp.resolve("pw-carol"), "carol's password");
        String slot = vault("key", "add", "--new-password-file", second.toString(), "--label", "carol", "--kdf-iterations", "100000",
                "--json").json().get("added").asString();
        String slotFile = Files.readString(repo.resolve("keys").resolve(slot));
        assertThat(vault("key", "remove", slot.substring(0, 8)).exit()).isZero();

        Files.writeString(repo.resolve("keys").resolve("0000" + slot), slotFile.replace("\"carol\"", "\"backup\""));
        Run check = vault("check");
        assertThat(check.exit()).isZero();
        assertThat(check.out()).containsPattern("warning: key slot 0000" + slot.substring(0, 4) + " \\(backup\\) is key slot " + slot.substring(0, 8)
                + " under another name: it was removed on \\S+Z by \\S+@\\S+ \\(journal\\) and is back: a rollback\\? `vault key remove 0000"
                + slot.substring(0, 4) + "`\n");
    }

    /**
     * A copy's amended record replaced the target's older copy, but neither the target's journal nor the new record's
     * amended-from named the copy it deleted: put back there, check said nothing (a helper's).
     */
    @Test
    void theCopyAnAmendedRecordReplacedIsNamedInTheTargetAndWarnedOfPutBack() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        Path target = tmp.resolve("long-term");
        assertThat(run("vault", "init", "--repo", target.toString(), "--password-file", pw.toString(), "--kdf-iterations", "100000").exit())
                .isZero();
        assertThat(vault("copy", "latest", "--to", target.toString()).exit()).isZero();
        String old = vault("copy", "latest", "--to", target.toString(), "--json").json().get(0).get("copy").asString();
        byte[] oldFile = Files.readAllBytes(target.resolve("snapshots").resolve(old));
        assertThat(vault("amend", "latest", "--owner", "Payroll office", "--reason", "INC-4").exit()).isZero();
        JsonNode copied = vault("copy", "latest", "--to", target.toString(), "--json").json().get(0);
        String copy = copied.get("copy").asString();

        JsonNode received = run("vault", "journal", "--repo", target.toString(), "--password-file", pw.toString(), "--snapshot",
                old.substring(0, 8), "--json").json().get("entries");
        assertThat(received).last().satisfies(e -> {
            assertThat(e.get("snapshots").toString()).isEqualTo("[\"" + copy + "\",\"" + old + "\",\"" + copied.get("source").asString() + "\"]");
            assertThat(e.get("detail").asString()).isEqualTo("received 1 snapshot(s) copied from " + repo
                    + "; their amended records replaced 1 older copy(ies), the 1 ID(s) named before the originals; the last 1 ID(s)"
                    + " named are the originals");
        });
        Files.write(target.resolve("snapshots").resolve(old), oldFile);
        Run check = run("vault", "check", "--repo", target.toString(), "--password-file", pw.toString());
        assertThat(check.out()).contains("warning: 1 snapshot(s) are in the repository that a command had removed (" + old.substring(0, 8)
                + ", which " + copy.substring(0, 8) + " replaced (amended-from)");

        // and once the amended copy has left too (forgotten there): no record names the old one, the copy's entry does, as an
        // amend's names what it replaced near-line (a copy's named it among the copies, as written, and check said nothing)
        Files.delete(target.resolve("snapshots").resolve(old));
        assertThat(run("vault", "forget", "--repo", target.toString(), "--password-file", pw.toString(), copy).exit()).isZero();
        Files.write(target.resolve("snapshots").resolve(old), oldFile);
        Run afterForget = run("vault", "check", "--repo", target.toString(), "--password-file", pw.toString());
        assertThat(afterForget.out()).contains("warning: 1 snapshot(s) are in the repository that a command had removed (" + old.substring(0, 8)
                + ", which a copy replaced on " + java.time.LocalDate.now(java.time.ZoneOffset.UTC) + " (journal)");
        assertThat(run("vault", "forget", "--repo", target.toString(), "--password-file", pw.toString(), old).exit()).isZero();
        assertThat(run("vault", "check", "--repo", target.toString(), "--password-file", pw.toString()).out())
                .doesNotContain("had removed").doesNotContain("are not in the repository");
    }

    /**
     * A snapshot put back after a forget removed it was warned of, but not one put back after a tier forgot it near-line:
     * the tier's entry named the snapshots it forgot and those it kept (held) alike (a helper's).
     */
    @Test
    void checkWarnsOfASnapshotPutBackAfterATierForgotItNearLine() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        JsonNode before = vault("snapshots", "--json").json();
        String held = before.get(0).get("id").asString();
        String forgotten = before.get(1).get("id").asString();
        byte[] forgottenFile = Files.readAllBytes(repo.resolve("snapshots").resolve(forgotten));
        assertThat(vault("hold", held, "--reason", "LIT-9").exit()).isZero();
        Path far = tmp.resolve("far");
        assertThat(run("vault", "init", "--repo", far.toString(), "--password-file", pw.toString(), "--kdf-iterations", "100000").exit())
                .isZero();
        assertThat(vault("tier", "--to", far.toString(), "--near-line", "0d").exit()).isZero();
        JsonNode entry = vault("journal", "--operation", "tier", "--json").json().get("entries").get(0);
        assertThat(entry.get("detail").asString()).endsWith("; the first 1 forgotten near-line, 1 kept (held)");
        assertThat(entry.get("snapshots").toString()).isEqualTo("[\"" + forgotten + "\",\"" + held + "\"]");
        assertThat(vault("check").out()).doesNotContain("had removed");

        Files.write(repo.resolve("snapshots").resolve(forgotten), forgottenFile);
        assertThat(vault("check").out()).contains("warning: 1 snapshot(s) are in the repository that a command had removed ("
                + forgotten.substring(0, 8) + ", which a tier removed)");
    }

    /**
     * A hold, release, forget, restore or dump of an ID that matches no snapshot left no entry at all (an amend or copy of
     * one did), nor did a restore of `latest` of a host with none (a helper's): each is a failed entry now, and one given
     * a snapshot names it.
     */
    @Test
    void aSnapshotArgumentThatMatchesNothingIsAFailedEntryInTheJournal() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        List<List<String>> attempts = List.of(List.of("hold", "ffffffff", "--reason", "case-8"), List.of("release", "ffffffff"),
                List.of("forget", "ffffffff"), List.of("restore", "ffffffff", "--target", tmp.resolve("out").toString()),
                List.of("dump", "ffffffff", "/data/report.txt", "--output", tmp.resolve("report.txt").toString()),
                List.of("restore", "latest", "--host", "nosuch", "--target", tmp.resolve("out").toString()));
        for (List<String> attempt : attempts) {
            Run refused = vault(attempt.toArray(String[]::new));
            assertThat(refused.exit()).as(attempt.toString()).isEqualTo(1);
            JsonNode entries = vault("journal", "--failed", "--json").json().get("entries");
            assertThat(entries.size()).as(attempt.toString()).isEqualTo(attempts.indexOf(attempt) + 1);
            JsonNode entry = entries.get(entries.size() - 1);
            assertThat(entry.get("operation").asString()).isEqualTo(attempt.getFirst());
            assertThat(entry.get("detail").asString()).isEqualTo(refused.err().substring("opsledger: ".length()).strip());
            assertThat(entry.get("snapshots")).isEmpty();
        }
        // an amend refused (the snapshot is held) names the snapshot it was to amend; check counts it as still here
        assertThat(vault("hold", "latest", "--reason", "case-7").exit()).isZero();
        String id = vault("snapshots", "--json").json().get(0).get("id").asString();
        assertThat(vault("amend", id.substring(0, 8), "--owner", "mallory", "--reason", "x").exit()).isEqualTo(1);
        JsonNode named = vault("journal", "--snapshot", id.substring(0, 8), "--json").json().get("entries");
        assertThat(named).extracting(e -> e.get("operation").asString() + " " + e.get("outcome").asString())
                .containsExactly("backup ok", "hold ok", "amend failed");
        Files.delete(repo.resolve("snapshots").resolve(id));
        assertThat(vault("check").out()).contains("1 snapshot(s) the journal says were written are not in the repository, and no journal"
                + " entry says they left (first: " + id.substring(0, 8));
    }

    /**
     * An owner and a key slot's label with a newline or an ESC were taken (and forged lines in listings), while a tag was
     * refused, exit 2, and a hold's or amend's reason exit 1 (a helper's): each is a bad command line now, exit 2, before
     * the repository opens.
     */
    @Test
    void aValueOfMoreThanOneLineOrWithAControlCharacterIsABadCommandLine() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        Path second = Files.writeString(tmp.resolve("pw2"), "operator two\n");
        // each with the option it is refused for, first
        List<List<String>> refused = List.of(
                List.of("--owner", "backup", data.toString(), "--allow-same-device", "--owner", "alice\nbob"),
                List.of("--owner", "amend", "latest", "--owner", "alice\u001b[2J", "--reason", "x"),
                List.of("--label", "key", "add", "--new-password-file", second.toString(), "--label", "ops\nroot", "--kdf-iterations", "100000"),
                List.of("--reason", "hold", "latest", "--reason", "case-1\ncase-2"),
                List.of("--reason", "amend", "latest", "--owner", "bob", "--reason", "x\u001b"),
                List.of("--label", "init", "--label", "ini\ntial"), // a re-tester's, as the next two
                List.of("--reason", "release", "latest", "--reason", "x\n"),
                List.of("--by", "dispose", "--confirm", "0", "--by", "evil\n2026-12-05 22:00:00  dispose  ok"));
        for (List<String> args : refused) {
            Run run = vault(args.subList(1, args.size()).toArray(String[]::new));
            assertThat(run.exit()).as(args.toString()).isEqualTo(2);
            assertThat(run.err()).as(args.toString()).isEqualTo("opsledger: " + args.getFirst() + " holds a line break or a control"
                    + " character: give it as one line, without control characters\n");
        }
        assertThat(vault("snapshots", "--json").json()).hasSize(1);
        assertThat(vault("journal", "--json").json().get("entries")).hasSize(2); // the init and the backup: no refusal reached the repository
    }

    /**
     * A --label (or OPSLEDGER_HOSTNAME) that made the slot file larger than the 64 KiB a slot is read up to gave a slot no
     * command read, after "created" or "added", exit 0 (a tester's repro-3; init: no password opened the repository at
     * all). Each is bounded (256 characters) before anything is written, exit 2; a label of 256 characters is taken.
     */
    @Test
    void aKeySlotLabelOrHostTooLongToReadBackIsRefusedBeforeTheSlotIsWritten() throws Exception {
        Path second = Files.writeString(tmp.resolve("pw2"), "operator two\n");
        String tooLong = "x".repeat(66_000);
        Run init = run("vault", "init", "--repo", tmp.resolve("repo1").toString(), "--password-file", pw.toString(), "--label", tooLong);
        assertThat(init.exit()).isEqualTo(2);
        assertThat(init.err()).isEqualTo("opsledger: the key slot's label is 66000 characters, more than 256: give a shorter --label\n");
        assertThat(tmp.resolve("repo1")).doesNotExist();
        Run add = vault("key", "add", "--new-password-file", second.toString(), "--label", "y".repeat(257), "--kdf-iterations", "100000");
        assertThat(add.exit()).isEqualTo(2);
        assertThat(add.err()).contains("label is 257 characters, more than 256");
        assertThat(vault("key", "list", "--json").json()).hasSize(1);

        Run host = vaultWith(tmp.resolve("repo2"), "OPSLEDGER_HOSTNAME", "h".repeat(300), "init");
        assertThat(host.exit()).as(host.out()).isEqualTo(2);
        assertThat(host.out()).contains("this host's name (OPSLEDGER_HOSTNAME, else the kernel's) is 300 characters, more than 256 a key slot"
                + " records: set OPSLEDGER_HOSTNAME to a shorter one");
        assertThat(tmp.resolve("repo2")).doesNotExist();

        assertThat(vault("key", "add", "--new-password-file", second.toString(), "--label", "z".repeat(256), "--kdf-iterations", "100000")
                .exit()).isZero();
        assertThat(run("vault", "key", "list", "--repo", repo.toString(), "--password-file", second.toString(), "--json").json()
                .findValuesAsString("label")).contains("z".repeat(256));
    }

    /**
     * A password over 4 KiB was taken from OPSLEDGER_VAULT_PASSWORD while a file refused it (a tester's repro-8): a
     * repository made from such a variable could not move to a password file. One limit for both now, 4,096 bytes of
     * password (a file may hold a byte order mark and a line end beside them), refused at init and key add naming it; a
     * repository an earlier build made from a longer variable still opens with it.
     */
    @Test
    void aNewSlotsPasswordHasOneLimitFromAFileOrTheVariable() throws Exception {
        String longest = "p".repeat(4096);
        String tooLong = "p".repeat(4097);
        Run init = vaultWith(tmp.resolve("repo2"), "OPSLEDGER_VAULT_PASSWORD", tooLong, "init");
        assertThat(init.exit()).as(init.out()).isEqualTo(2);
        assertThat(init.out()).isEqualTo("opsledger: the password from OPSLEDGER_VAULT_PASSWORD is 4097 bytes, more than the 4096 a key slot's"
                + " password may have (from a file or a variable alike): give a shorter one\n");
        assertThat(tmp.resolve("repo2")).doesNotExist();

        Path file = Files.write(tmp.resolve("pw-longest"), ("\uFEFF" + longest + "\r\n").getBytes(StandardCharsets.UTF_8));
        assertThat(vault("key", "add", "--new-password-file", file.toString(), "--kdf-iterations", "100000").exit()).isZero();
        Path over = Files.writeString(tmp.resolve("pw-over"), tooLong + "\n");
        Run fromFile = vault("key", "add", "--new-password-file", over.toString(), "--kdf-iterations", "100000");
        assertThat(fromFile.exit()).isEqualTo(2);
        assertThat(fromFile.err()).isEqualTo("opsledger: password file " + over + " is larger than 4096 bytes: not a password file\n");
        assertThat(vault("key", "list", "--json").json()).hasSize(2);

        // made by an earlier build from a longer variable: it opens with it still
        org.opsledger.vault.Vault.init(tmp.resolve("made-before").toString(), (tooLong + "q").toCharArray(), 100_000, "initial").close();
        Run open = vaultWith(tmp.resolve("made-before"), "OPSLEDGER_VAULT_PASSWORD", tooLong + "q", "snapshots");
        assertThat(open.exit()).as(open.out()).isZero();
    }

    /**
     * Key messages that said neither what happened nor what to do (a tester's repro-7): an ambiguous slot prefix named
     * no slot, `no key slot zz` no way on, a retirement run again after it succeeded "not a live epoch", and a copy to a
     * target of another password, --to-password-file forgotten, only "wrong password".
     */
    @Test
    void keyMessagesSayWhatMatchedWhatWasDoneAndWhatToGive() throws Exception {
        Path second = Files.writeString(tmp.resolve("pw2"), "operator two\n");
        for (String label : List.of("one", "two")) {
            String id = vault("key", "add", "--new-password-file", second.toString(), "--label", label, "--kdf-iterations", "100000",
                    "--json").json().get("added").asString();
            Files.move(repo.resolve("keys").resolve(id), repo.resolve("keys").resolve("abcd" + (label.equals("one") ? "0" : "1") + id.substring(5)));
        }
        Run ambiguous = vault("key", "remove", "abcd");
        assertThat(ambiguous.exit()).isEqualTo(1);
        assertThat(ambiguous.err()).containsPattern("key slot prefix abcd is ambiguous: it begins abcd0\\w{3} \\(one\\), abcd1\\w{3} \\(two\\);"
                + " give more of the ID\n");
        assertThat(vault("key", "remove", "abcdff").err()).contains("no key slot abcdff: `vault key list` lists the slots\n");

        assertThat(vault("key", "rotate").exit()).isZero();
        assertThat(vault("key", "retire", "1").exit()).isZero();
        Run again = vault("key", "retire", "1");
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err()).containsPattern("key epoch 1 was retired already, on \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ by \\S+@\\S+:"
                + " its key is destroyed, nothing to do\n");

        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        Path target = tmp.resolve("target");
        assertThat(run("vault", "init", "--repo", target.toString(), "--password-file", second.toString(), "--kdf-iterations", "100000")
                .exit()).isZero();
        Run copy = vault("copy", "latest", "--to", target.toString());
        assertThat(copy.exit()).isEqualTo(1);
        assertThat(copy.err()).contains("wrong password: no key slot of " + target + " opens with it; the password of --repo was tried, as"
                + " neither --to-password-file nor OPSLEDGER_VAULT_TO_PASSWORD was given: give --to-password-file with the target's"
                + " password\n");
    }

    /** A host with runs of spaces reads as other columns in due and journal too: quoted there as well (a re-tester's). */
    @Test
    void aHostThatCouldReadAsColumnsIsShownQuotedInDueAndJournal() throws Exception {
        ProcessBuilder backup = vaultProcess("backup", data.toString(), "--allow-same-device").redirectErrorStream(true);
        backup.environment().put("OPSLEDGER_HOSTNAME", "web  01");
        Process p = backup.start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(said).isZero();
        assertThat(vault("due").out()).contains("\"web  01\"");
        assertThat(vault("journal").out()).contains("\"web  01\"");
    }

    /**
     * An owner with runs of spaces forged columns in `snapshots`: the row read as High sensitivity, kept to 2099 and held
     * (a helper's). Such a value is shown quoted; so is an owner "-", which read as none, and a path holding a space, as
     * two paths a space apart read as that one path.
     */
    @Test
    void anOwnerThatCouldReadAsColumnsIsShownQuotedInTheListing() throws Exception {
        String forged = "ops  High sensitivity  2099-12-31  /data  [legal hold]";
        assertThat(vault("backup", data.toString(), "--allow-same-device", "--owner", forged).exit()).isZero();
        String row = vault("snapshots").out().lines().skip(1).findFirst().orElseThrow();
        assertThat(row).contains("  \"" + forged + "\"  -  ");
        assertThat(vault("snapshots", "--json").json().get(0).get("record").get("dataOwner").asString()).isEqualTo(forged);

        Path spaced = Files.createDirectories(tmp.resolve("src/data " + tmp.resolve("src/other")));
        Files.createDirectories(tmp.resolve("src/other"));
        assertThat(vault("backup", spaced.toString(), "--allow-same-device", "--owner", "-").exit()).isZero();
        assertThat(vault("backup", data.toString(), tmp.resolve("src/other").toString(), "--allow-same-device").exit()).isZero();
        List<String> rows = vault("snapshots").out().lines().skip(2).limit(2).toList();
        assertThat(rows.get(0)).contains("  \"-\"  ").endsWith("  \"" + spaced + "\"");
        assertThat(rows.get(1)).contains("  -  ").endsWith("  " + data + " " + tmp.resolve("src/other"));
        assertThat(vault("due").out()).contains("\"" + spaced + "\"");
    }

    /**
     * A forget killed outright (kill -9, a power cut) after it removed snapshots wrote no entry, and check warned from
     * then on that they were deleted from the store (a helper's, 3 of 4 kill -9 trials). An entry written before the
     * deletes stands for it until its own is written; check counts what it names as removed, never as put back.
     */
    @Test
    void aForgetKilledOutrightIsStoodForByTheEntryItWroteBeforeDeleting() throws Exception {
        for (int i = 0; i < 4; i++) {
            Files.writeString(data.resolve("n.txt"), "version " + i + "\n");
            assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        }
        // the ordinary end: the stand-in is taken back, and the prune gathered nothing of it into a segment
        assertThat(vault("forget", "--keep-last", "3", "--prune").exit()).isZero();
        JsonNode forgets = vault("journal", "--operation", "forget", "--json").json().get("entries");
        assertThat(forgets).singleElement().satisfies(e -> assertThat(e.get("outcome").asString()).isEqualTo("ok"));
        // the prune it ran is found as one (only `vault prune`'s were: a helper's)
        assertThat(vault("journal", "--operation", "prune", "--json").json().get("entries")).singleElement()
                .satisfies(e -> assertThat(e.get("detail").asString()).contains("; prune: "));

        Path printed = tmp.resolve("forget.out");
        Process p = vaultProcess("forget", "--keep-last", "1", "--prune", "--limit-download", "1").redirectOutput(printed.toFile()).start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (names(repo.resolve("snapshots")).size() > 1 && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        new ProcessBuilder("kill", "-9", Long.toString(p.pid())).start().waitFor(); // in its prune, slowed to 1 KiB/s
        p.waitFor();
        // what it removed was printed as it went, before its prune: it printed its plan after the prune, and one that
        // ran out of heap there had said nothing of 20,600 removed snapshots (a helper's)
        // (the first removal's line at least: the kill may come before the second's)
        assertThat(Files.readString(printed)).contains("\nremove ").contains("  " + ForgetReport.NO_RULE + "\n");
        JsonNode after = vault("journal", "--operation", "forget", "--json").json().get("entries");
        assertThat(after).as("the forget did not end before it was killed").hasSize(2);
        assertThat(after.get(1).get("outcome").asString()).isEqualTo("failed");
        assertThat(after.get(1).get("exitCode").asInt()).isEqualTo(137);
        assertThat(after.get(1).get("detail").asString()).startsWith("did not end (killed outright, out of memory, or the machine stopped): it was to"
                + " remove 2 snapshot(s) (--keep-last 1)");
        Run check = vault("check");
        assertThat(check.out()).doesNotContain("no journal entry says they left").doesNotContain("had removed");
        assertThat(vault("forget", "--keep-last", "1", "--prune").exit()).as("run again, it ends").isZero();
        assertThat(vault("check").out()).doesNotContain("no journal entry says they left");
    }

    /**
     * A tier stopped by SIGTERM while it commits a batch's copies: its journal entries were written as the signal came, beside
     * the commits, which went on until the locks' hooks let them go, and the long-term entry named fewer copies than were
     * committed (a re-tester's; the next tier called them "copied before"). Each entry names every copy committed, and the
     * near-line one each snapshot copied. The upload limit keeps each snapshot file's write a second long.
     */
    @Test
    void aTierStoppedWhileItCommitsNamesEachCopyItCommittedInBothJournals() throws Exception {
        for (int i = 0; i < 8; i++) {
            assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        }
        Path far = tmp.resolve("far");
        assertThat(run("vault", "init", "--repo", far.toString(), "--password-file", pw.toString(), "--kdf-iterations", "100000").exit())
                .isZero();
        Process tier = vaultProcess("tier", "--to", far.toString(), "--near-line", "0d", "--limit-upload", "1")
                .redirectError(tmp.resolve("tier.err").toFile()).start();
        Path copies = far.resolve("snapshots");
        for (int i = 0; i < 1200 && tier.isAlive() && !(Files.isDirectory(copies) && !names(copies).isEmpty()); i++) {
            Thread.sleep(50);
        }
        assertThat(Files.isDirectory(copies) && !names(copies).isEmpty()).as("the first copy committed").isTrue();
        tier.destroy(); // SIGTERM
        assertThat(tier.waitFor()).as(Files.readString(tmp.resolve("tier.err"))).isEqualTo(143);

        List<String> committed = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        for (JsonNode copy : run("vault", "snapshots", "--repo", far.toString(), "--password-file", pw.toString(), "--json").json()) {
            committed.add(copy.get("id").asString());
            String from = copy.get("record").get("tags").get(org.opsledger.vault.copier.Copier.COPIED_FROM).asString();
            sources.add(from.substring(from.lastIndexOf('#') + 1));
        }
        assertThat(committed).as("not all of them: it was stopped").hasSizeBetween(1, 7);
        JsonNode received = run("vault", "journal", "--repo", far.toString(), "--password-file", pw.toString(), "--operation", "tier",
                "--json").json().get("entries");
        assertThat(received).singleElement().satisfies(e -> {
            assertThat(e.get("detail").asString()).startsWith("stopped by SIGTERM");
            assertThat(ids(e.get("snapshots"))).as("the long-term entry").containsExactlyInAnyOrderElementsOf(committed);
        });
        JsonNode moved = vault("journal", "--operation", "tier", "--json").json().get("entries");
        assertThat(moved).singleElement().satisfies(e ->
                assertThat(ids(e.get("snapshots"))).as("the near-line entry").containsExactlyInAnyOrderElementsOf(sources));
    }

    /**
     * A tier killed outright (kill -9) once it forgot originals near-line left no entry in the long-term journal: the
     * near-line stand-in named what it was to move, but nothing there named the copies whose originals were gone, and the
     * next tier, no longer finding those, did not either. The long-term stand-in names each batch's copies before its
     * originals go; the next tier names those it finds copied before; between them the long-term journal names every copy.
     */
    @Test
    void aTierKilledOutrightLeavesTheLongTermJournalNamingEachCopyWhoseOriginalItForgot() throws Exception {
        for (int i = 0; i < 4; i++) {
            assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        }
        Path far = tmp.resolve("far");
        String[] inFar = {"--repo", far.toString(), "--password-file", pw.toString()};
        assertThat(run("vault", "init", "--repo", far.toString(), "--password-file", pw.toString(), "--kdf-iterations", "100000").exit())
                .isZero();
        // its entries in both journals, written after the forgets, take a second or more each at 1 KiB/s
        Process tier = vaultProcess("tier", "--to", far.toString(), "--near-line", "0d", "--limit-upload", "1")
                .redirectError(tmp.resolve("tier.err").toFile()).start();
        Path nearLine = repo.resolve("snapshots");
        for (int i = 0; i < 1200 && tier.isAlive() && names(nearLine).size() == 4; i++) {
            Thread.sleep(20);
        }
        tier.destroyForcibly(); // SIGKILL
        assertThat(tier.waitFor()).as("killed before it ended").isEqualTo(137);
        List<String> left = names(nearLine);
        assertThat(left).as("one original forgotten near-line, at least").hasSizeLessThan(4);

        java.util.Map<String, String> copyOf = new java.util.HashMap<>(); // source → copy
        for (JsonNode copy : run(cat(new String[] {"vault", "snapshots"}, inFar, "--json")).json()) {
            String from = copy.get("record").get("tags").get(org.opsledger.vault.copier.Copier.COPIED_FROM).asString();
            copyOf.put(from.substring(from.lastIndexOf('#') + 1), copy.get("id").asString());
        }
        List<String> ofForgotten = copyOf.entrySet().stream().filter(c -> !left.contains(c.getKey())).map(java.util.Map.Entry::getValue).toList();
        assertThat(ofForgotten).as("a copy of each original forgotten").hasSize(4 - left.size());
        assertThat(namedInTierEntries(run(cat(new String[] {"vault", "journal"}, inFar, "--operation", "tier", "--json"))))
                .as("the long-term journal").containsAll(ofForgotten);

        Run again = vault("tier", "--to", far.toString(), "--near-line", "0d");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(namedInTierEntries(run(cat(new String[] {"vault", "journal"}, inFar, "--operation", "tier", "--json"))))
                .as("the long-term journal, after the next tier").containsAll(copyOf.values())
                .containsAll(run(cat(new String[] {"vault", "snapshots"}, inFar, "--json")).json().findValuesAsString("id"));
    }

    private static List<String> namedInTierEntries(Run journal) {
        assertThat(journal.exit()).as(journal.err()).isZero();
        List<String> out = new ArrayList<>();
        journal.json().get("entries").forEach(e -> out.addAll(ids(e.get("snapshots"))));
        return out;
    }

    private static String[] cat(String[] first, String[] then, String... last) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(then));
        all.addAll(List.of(last));
        return all.toArray(String[]::new);
    }

    private static List<String> ids(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asString()));
        return out;
    }

    /** A tier that moves a source's last snapshot out of near-line storage warns as forget does (a helper's said nothing). */
    @Test
    void aTierThatEmptiesASourceNearLineWarnsThatItsBackupsMayHaveStopped() throws Exception {
        String host = org.opsledger.vault.repository.Repository.hostname();
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        Path far = tmp.resolve("far");
        assertThat(run("vault", "init", "--repo", far.toString(), "--password-file", pw.toString(), "--kdf-iterations", "100000").exit()).isZero();
        Run tier = vault("tier", "--to", far.toString(), "--near-line", "0d");
        assertThat(tier.exit()).as(tier.err()).isZero();
        assertThat(tier.err()).isEqualTo("warning: this moved every snapshot of " + host + " " + data + " to long-term storage: it has"
                + " had no backup within 0d; have its backups stopped? (`vault due` names it until it is decommissioned)\n");
        assertThat(vault("due", "--json").json()).singleElement().satisfies(n ->
                assertThat(n.get("why").get(0).asString()).contains("moved to long-term storage by `vault tier`"));
    }

    @Test
    void aDecommissionedSourceIsNeitherOverdueNorWarnedOfUntilItIsBackedUpAgain() throws Exception {
        String host = org.opsledger.vault.repository.Repository.hostname();
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        String newest = vault("snapshots", "--json").json().get(0).get("id").asString();
        vault("backup", "--stdin-from-command", "--stdin-name", "db.sql", "--", "sh", "-c", "exit 4");
        Run unnamed = vault("decommission", "--reason", "CHG-12");
        assertThat(unnamed.exit()).isEqualTo(2);
        assertThat(unnamed.err()).isEqualTo("opsledger: name the source to decommission: --host HOST, and --path PATH to leave its other sources\n");
        Run unknown = vault("decommission", "--host", "no-such-host", "--reason", "CHG-12");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).isEqualTo("opsledger: no source of no-such-host in this repository is still backed up (`vault due` lists the sources)\n");

        Run dry = vault("decommission", "--host", host, "--path", data.toString(), "--reason", "CHG-12", "--by", "change board", "--dry-run");
        assertThat(dry.out()).isEqualTo("would decommission for CHG-12 (by change board); source " + host + " " + data + ", its newest backup "
                + newest.substring(0, 8) + " of " + vault("snapshots", "--json").json().get(0).get("record").get("time").asString().substring(0, 19).replace('T', ' ')
                + " UTC\n1 source(s) would be decommissioned: `vault due` no longer counts them overdue; their snapshots stay under their"
                + " retention and holds\n");
        assertThat(vault("journal", "--operation", "decommission", "--json").json().get("entries").size()).as("a dry run records nothing").isZero();
        assertThat(vault("decommission", "--host", host, "--path", data.toString(), "--reason", "CHG-12", "--by", "change board").exit()).isZero();
        Run due = vault("due", "--daily", "0h");
        assertThat(due.exit()).as("the stream's source still fails").isEqualTo(BackupCommand.INCOMPLETE);
        assertThat(due.out()).contains("  decommissioned ").contains(" UTC for CHG-12 (by change board); source " + host + " " + data)
                .endsWith("2 source(s); 1 overdue (a backup within 0 days, a full one within 8 days); 1 decommissioned\n");

        // the host goes: what is left of it, the stream that never succeeded; the warning of its failures ends
        Run rest = vault("decommission", "--host", host, "--reason", "CHG-13", "--json");
        assertThat(rest.json()).extracting(n -> n.get("paths").get(0).asString()).containsExactly("db.sql");
        Run decommissioned = vault("due", "--daily", "0h");
        assertThat(decommissioned.exit()).isZero();
        assertThat(decommissioned.out()).as("the stream no backup of which succeeded is shown decommissioned, not dropped (a helper's)")
                .contains(" db.sql ").endsWith("2 source(s); 0 overdue (a backup within 0 days, a full one within 8 days); 2 decommissioned\n");
        assertThat(vault("check").out()).doesNotContain("newest backup of");
        JsonNode ended = vault("journal", "--operation", "decommission", "--json").json().get("entries");
        assertThat(ended).extracting(n -> n.get("sourceHost").asString()).containsExactly(host, host);
        assertThat(ended.get(0).get("snapshots").get(0).asString()).isEqualTo(newest);
        assertThat(ended.get(1).get("snapshots")).isEmpty();
        assertThat(ended.get(1).get("detail").asString()).isEqualTo("for CHG-13 (by " + System.getProperty("user.name") + "); source " + host
                + " db.sql, no backup of it succeeded");
        assertThat(vault("journal", "--snapshot", newest, "--json").json().get("entries"))
                .extracting(n -> n.get("operation").asString()).containsExactly("backup", "decommission");

        // attempted again and failed (its disk not mounted): said beside the decommission, warned of, decommissioned again
        Path away = tmp.resolve("data-away");
        Files.move(data, away);
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isEqualTo(1);
        Files.move(away, data);
        assertThat(vault("due", "--daily", "0h").out()).contains("UTC for CHG-12 (by change board); source " + host + " " + data
                + ", its newest backup " + newest.substring(0, 8)).contains("; its newest attempt failed (").contains("): no such file or directory: " + data);
        assertThat(vault("check").out()).contains("newest backup of " + data);
        assertThat(vault("decommission", "--host", host, "--reason", "CHG-14", "--json").json())
                .extracting(n -> n.get("paths").get(0).asString()).containsExactly(data.toString());
        assertThat(vault("check").out()).doesNotContain("newest backup of");

        // brought back: backed up again, it is a source like any other
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        JsonNode again = vault("due", "--path", data.toString(), "--json").json().get(0);
        assertThat(again.get("decommissioned").isNull()).isTrue();
        assertThat(again.get("overdue").asBoolean()).isFalse();
    }

    /**
     * A dump program run through a wrapper whose store refuses a pack (a full disk here, a 503 there): the backup ended
     * the wrapper alone, and read the pipe its child kept open to that child's end (a helper's, 121 s of a `sleep 120`).
     * The whole program ends now, and the backup with it, naming the store's failure.
     */
    @Test
    void aStreamBackupWhoseStoreFailsEndsItsProgramAndEveryProcessItStarted() throws Exception {
        onSmallDisk(disk -> {
            repo = disk.resolve("repo");
            assertThat(vault("init", "--kdf-iterations", "100000").exit()).isZero();
            Path errFile = tmp.resolve("backup.err"); // a file: a pipe would be held open by any program left running
            // a nap no other run of this test on the machine sleeps: pgrep below looks at every process (another build's
            // `sleep 120` failed it, under the load of several builds at once)
            String nap = "sleep 120." + ProcessHandle.current().pid();
            Process backup = vaultProcess("backup", "--stdin-from-command", "--stdin-name", "db.dump", "--", "sh", "-c",
                    "(head -c 30000000 /dev/urandom; " + nap + ") | cat").redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(errFile.toFile()).start();
            assertThat(backup.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("not left reading until the sleep ends").isTrue();
            String err = Files.readString(errFile);
            assertThat(backup.exitValue()).isEqualTo(1);
            assertThat(err).contains(": disk full").doesNotContain("reading the stream failed");
            assertThat(new ProcessBuilder("pgrep", "-f", nap).start().waitFor()).as("no program left running").isEqualTo(1);
        });
    }

    interface OnDisk {
        void run(Path disk) throws Exception;
    }

    /** {@code body} with a 4 MiB tmpfs mounted for it (root only: skipped otherwise). */
    void onSmallDisk(OnDisk body) throws Exception {
        Path disk = Files.createDirectories(tmp.resolve("small"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", disk.toString()).redirectErrorStream(true).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mount.waitFor() == 0, "needs root to mount a tmpfs");
        try {
            body.run(disk);
        } finally {
            new ProcessBuilder("umount", "-l", disk.toString()).inheritIO().start().waitFor();
        }
    }

    /**
     * A target whose disk fills halfway (the estimate counts file data, not symlinks: on tmpfs one whose target is longer
     * than 128 bytes takes a page, and 300 are made before the data is written): one line that says the disk is full, in
     * writing which file, and what is left in the target, not a Java exception ("restore failed: java.io.IOException: No
     * space left on device", the helper's).
     */
    @Test
    void aRestoreWhoseDiskFillsSaysSoAndWhatItLeftInTheTarget() throws Exception {
        Files.write(data.resolve("letters.bin"), "A".repeat(3_000_000).getBytes(StandardCharsets.UTF_8)); // 3 of the disk's 4 MiB
        for (int i = 0; i < 300; i++) {
            Files.createSymbolicLink(data.resolve("far" + i), Path.of("t".repeat(200)));
        }
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        onSmallDisk(disk -> {
            Path target = disk.resolve("restore");
            Run full = vault("restore", "latest", "--target", target.toString());
            assertThat(full.exit()).isEqualTo(1);
            assertThat(full.err()).startsWith("opsledger: cannot write data/letters.bin: No space left on device; " + target // the file named (a helper's)
                    + " holds a partial restore (")
                    .endsWith(" written); restore never overwrites: remove it before restoring there again, or restore into another"
                            + " directory\n");
            assertThat(full.err().lines()).hasSize(1);
        });
    }

    /**
     * A dump whose disk fills says so: into --output, naming the file, which it removes; into a redirected stdout, that
     * stdout could not be written and why. Before: "No space left on device" alone, and "stdout was closed before the
     * dump ended", as if a reader had gone away. Any other command whose output cannot be written exits 1 so too.
     */
    @Test
    void aDumpOrAReportWhoseDiskFillsSaysSo() throws Exception {
        byte[] noise = new byte[12_000_000];
        new java.util.Random(7).nextBytes(noise);
        Files.write(data.resolve("db.dump"), noise);
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        onSmallDisk(disk -> {
            Path file = disk.resolve("db.dump");
            Run full = vault("dump", "latest", "data/db.dump", "--output", file.toString());
            assertThat(full.exit()).isEqualTo(1);
            assertThat(full.err()).startsWith("latest is snapshot ") // which one 'latest' is
                    .endsWith("\nopsledger: cannot write --output " + file + ": No space left on device; the partial file was removed\n");
            assertThat(file).doesNotExist();

            Process p = vaultProcess("dump", "latest", "data/db.dump").redirectOutput(file.toFile()).start(); // vault dump … > /full/db.dump
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(err).isEqualTo(1);
            assertThat(err.lines().filter(l -> l.startsWith("opsledger:"))).as(err)
                    .containsExactly("opsledger: cannot write the dump to stdout: No space left on device");

            // any command's output: a report redirected to the full disk was an empty file and exit 0 (a helper's cron job)
            Process report = vaultProcess("snapshots", "--json").redirectOutput(disk.resolve("report.json").toFile()).start();
            String reportErr = new String(report.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(report.waitFor()).as(reportErr).isEqualTo(1);
            assertThat(reportErr.lines().filter(l -> l.startsWith("opsledger:"))).as(reportErr)
                    .containsExactly("opsledger: cannot write the output to stdout: No space left on device");
        });
    }

    /**
     * A command that ended with exit 3 and whose report could not be written (stdout on a full disk) exited 3 with not a
     * word: a monitoring job's `vault due --json > due.json` read "something is overdue" and an empty report (h1's
     * repro-3). It exits 1 with the line, as a command done with exit 0 does, and says it had warnings.
     */
    @Test
    void aReportLostWithExit3SaysSoAndExits1() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        assertThat(vault("backup", tmp.resolve("nonexistent").toString(), "--allow-same-device").exit()).isEqualTo(1);
        assertThat(vault("due").exit()).isEqualTo(BackupCommand.INCOMPLETE); // an alarm: the failed attempt
        Process due = vaultProcess("due", "--json").redirectOutput(new java.io.File("/dev/full")).start();
        String err = new String(due.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(due.waitFor()).as(err).isEqualTo(1);
        assertThat(err.lines().filter(l -> l.startsWith("opsledger:"))).as(err).containsExactly("opsledger: cannot write the output"
                + " to stdout: No space left on device; it ended with warnings (exit 3), which the report listed");
    }

    /**
     * A backup whose report could not be written has saved its snapshot, journalled ok with exit 0: it exited 1 with only
     * "cannot write the output to stdout", so a wrapper ran it again (a second snapshot) and the ID was lost (h1's
     * repro-4). It keeps the exit code the journal has, and the line says what was done, the snapshot's ID in it.
     */
    @Test
    void aBackupWhoseReportIsLostSaysWhatItSavedWithTheJournalsExitCode() throws Exception {
        Process backup = vaultProcess("backup", data.toString(), "--allow-same-device", "--json")
                .redirectOutput(new java.io.File("/dev/full")).start();
        String err = new String(backup.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(backup.waitFor()).as(err).isZero();
        JsonNode entry = vault("journal", "--json", "--operation", "backup").json().get("entries").get(0);
        assertThat(entry.get("exitCode").asInt()).isZero();
        String id = vault("snapshots", "--json").json().get(0).get("id").asString();
        List<String> said = err.lines().filter(l -> l.startsWith("opsledger:")).toList(); // not the JVM's, of the native access
        assertThat(said).as(err).hasSize(1);
        assertThat(said.getFirst()).startsWith("opsledger: snapshot " + id.substring(0, 8) + " saved (full): ")
                .endsWith("; its report could not be written: cannot write the output to stdout: No space left on device");
    }

    /**
     * A password in the environment is its UTF-8 bytes whatever the locale: under cron's POSIX locale the JVM decoded
     * `päss` as `p??ss` (a wrong password for the repository a shell had made with it), and bytes that are not UTF-8
     * each became U+FFFD, so two different passwords opened the same repository (a helper's).
     */
    @Test
    void aPasswordInTheEnvironmentIsItsUtf8BytesWhateverTheLocale() throws Exception {
        Path umlaut = tmp.resolve("umlaut");
        Path pwFile = Files.writeString(tmp.resolve("pw-umlaut"), "p\u00e4ss\n");
        assertThat(run("vault", "init", "--repo", umlaut.toString(), "--password-file", pwFile.toString(), "--kdf-iterations", "100000")
                .exit()).isZero();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (String locale : List.of("C", "C.UTF-8")) {
            for (String bytes : List.of("p\\303\\244ss", "p\\200ss", "p\\277ss")) { // päss, then two that are not UTF-8
                ProcessBuilder pb = new ProcessBuilder("sh", "-c", "export OPSLEDGER_VAULT_PASSWORD=\"$(printf '" + bytes + "')\"; exec \"$@\"", "sh",
                        java, "-cp", System.getProperty("java.class.path"), "org.opsledger.cli.OpsLedgerCommand", "vault", "snapshots",
                        "--repo", umlaut.toString());
                pb.environment().put("LC_ALL", locale);
                pb.environment().put("LANG", locale);
                Process p = pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                int exit = p.waitFor();
                if (bytes.startsWith("p\\303")) {
                    assertThat(exit).as(locale + ": " + err).isZero();
                } else {
                    assertThat(exit).as(locale + " " + bytes).isEqualTo(2);
                    assertThat(err).isEqualTo("opsledger: OPSLEDGER_VAULT_PASSWORD is not UTF-8 text\n");
                }
            }
        }
    }

    /**
     * zstd-jni unpacks its library to java.io.tmpdir: where /tmp is mounted noexec (a hardened host) every command that
     * compresses or reads ended in a stack trace (a helper's). One line naming the remedy, exit 1. A library that does not
     * load (ZstdNativePath, zstd-jni's own switch, naming a file that is none) fails as the noexec one did.
     */
    @Test
    void aCompressionLibraryThatDoesNotLoadEndsInOneLineNamingTheRemedy() throws Exception {
        Path notALibrary = Files.writeString(tmp.resolve("libzstd-jni.so"), "not a library");
        ProcessBuilder pb = vaultProcess("backup", "--allow-same-device", data.toString());
        pb.command().add(1, "-DZstdNativePath=" + notALibrary);
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(err).isEqualTo(1);
        assertThat(err).as(err).doesNotContain("\tat ", "Exception in thread"); // the JVM's own warnings about the library may come before
        assertThat(err.lines().filter(l -> l.startsWith("opsledger:")).toList()).as(err).singleElement().asString()
                .startsWith("opsledger: cannot load zstd-jni's native library (")
                .endsWith("OPSLEDGER_JAVA_OPTS=-Djava.io.tmpdir=DIR, DIR a directory on a filesystem that allows executing");
        assertThat(vault("snapshots", "--json").out().trim()).isEqualTo("[]");
    }

    /**
     * A java.io.tmpdir that is full: zstd-jni could not unpack its library there, and the command ended in a stack trace
     * (ExceptionInInitializerError, an Error picocli does not hand on) or, wrapped, with the noexec advice (a helper's).
     * One line saying it is full, exit 1.
     */
    @Test
    void aFullTemporaryDirectoryEndsInOneLineSayingSo() throws Throwable {
        onTmpfs("full-tmp", "size=64k", full -> {
            try (var out = Files.newOutputStream(full.resolve("filler"))) {
                out.write(new byte[128 * 1024]);
            } catch (java.io.IOException expected) {
                // full
            }
            ProcessBuilder pb = vaultProcess("backup", "--allow-same-device", data.toString());
            pb.command().add(1, "-Djava.io.tmpdir=" + full);
            Process p = pb.start();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(err).isEqualTo(1);
            assertThat(err).as(err).doesNotContain("\tat ", "Exception in thread");
            assertThat(err.lines().filter(l -> l.startsWith("opsledger:")).toList()).as(err).singleElement().asString()
                    .startsWith("opsledger: cannot load zstd-jni's native library (")
                    .endsWith("), which is full: free room there, or run again with OPSLEDGER_JAVA_OPTS=-Djava.io.tmpdir=DIR");
        });
        assertThat(vault("snapshots", "--json").out().trim()).isEqualTo("[]");
    }

    /**
     * A java.io.tmpdir on a read-only filesystem (a hardened host, PrivateTmp on a read-only image): the line said it "may
     * be mounted noexec", and the journal kept "backup failed: java.lang.ExceptionInInitializerError: …" (h2's repro-6).
     * One line naming the read-only filesystem, and the journal's failed entry says the same.
     */
    @Test
    void aReadOnlyTemporaryDirectoryIsNamedSoOnStderrAndInTheJournal() throws Throwable {
        onTmpfs("ro-tmp", "ro", ro -> {
            ProcessBuilder pb = vaultProcess("backup", "--allow-same-device", data.toString());
            pb.command().add(1, "-Djava.io.tmpdir=" + ro);
            Process p = pb.start();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(err).isEqualTo(1);
            String line = err.lines().filter(l -> l.startsWith("opsledger:")).findFirst().orElseThrow();
            assertThat(line).as(err).startsWith("opsledger: cannot load zstd-jni's native library (").contains("on a read-only filesystem")
                    .doesNotContain("noexec");
            JsonNode entries = vault("journal", "--failed", "--json").json().get("entries");
            assertThat(entries.get(entries.size() - 1).get("detail").asString()).contains("on a read-only filesystem")
                    .doesNotContain("ExceptionInInitializerError");
        });
    }

    /**
     * A repository this user cannot write to (a least-privilege restore test, an auditor's check): read without a lock,
     * so a prune or key retire on another host meanwhile removed what the restore read, halfway, and the check called the
     * sound repository's packs missing and advised a repair, saying nothing of it (h3's repro-4). Said as it starts.
     */
    @Test
    void aCommandThatCannotLockTheRepositorySaysItReadsWithoutALock() throws Throwable {
        onTmpfs("ro-repo", "rw", disk -> {
            repo = disk.resolve("repo");
            assertThat(vault("init", "--kdf-iterations", "100000").exit()).isZero();
            assertThat(vault("backup", data.toString()).exit()).isZero();
            Process remount = new ProcessBuilder("mount", "-o", "remount,ro", disk.toString()).redirectErrorStream(true).start();
            assertThat(remount.waitFor()).isZero();
            Run check = vault("check");
            assertThat(check.exit()).as(check.err()).isZero();
            assertThat(check.err()).contains("opsledger: warning: this check reads the repository without a lock (it cannot write one: ")
                    .contains("a prune, key retire, repair or dispose run meanwhile on another host can remove what it reads");
            Run restore = vault("restore", "latest", "--target", tmp.resolve("out").toString());
            assertThat(restore.exit()).as(restore.err()).isZero();
            assertThat(restore.err()).contains("opsledger: warning: this restore reads the repository without a lock");
        });
    }

    /**
     * A check --read-data named a damaged pack; the next plain check (or a subset that did not draw it) said "no errors
     * were found" and journalled `check ok` after the failure, nothing repaired (h2's repro-6). The damage is recalled
     * from the journal until a repair or a full read clears it.
     */
    @Test
    void damageACheckFoundIsRecalledByTheNextChecksUntilARepair() throws Exception {
        assertThat(vault("backup", "--allow-same-device", data.toString()).exit()).isZero();
        Path pack;
        try (var files = Files.walk(repo.resolve("data"))) {
            pack = files.filter(Files::isRegularFile).max(java.util.Comparator.comparingLong(f -> f.toFile().length())).orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(pack);
        bytes[bytes.length / 3] ^= 1;
        Files.write(pack, bytes);
        assertThat(vault("check", "--read-data").exit()).isEqualTo(1);
        Run plain = vault("check");
        assertThat(plain.exit()).as(plain.out()).isEqualTo(1);
        assertThat(plain.out()).contains("error: pack " + pack.getFileName() + " was found damaged by the check of ")
                .contains("and no repair or full `check --read-data` since has cleared it");
        vault("repair", "--read-data");
        assertThat(vault("check").out()).doesNotContain("was found damaged by the check of");
    }

    /** {@code use} given a tmpfs mounted with {@code options} at a new directory {@code name}, unmounted after; skipped where mounting takes root. */
    private void onTmpfs(String name, String options, org.junit.jupiter.api.function.ThrowingConsumer<Path> use) throws Throwable {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString()).redirectErrorStream(true).start();
        String said = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        org.junit.jupiter.api.Assumptions.assumeTrue(mount.waitFor() == 0, "mounting a tmpfs takes root: " + said);
        try {
            use.accept(dir);
        } finally {
            new ProcessBuilder("umount", dir.toString()).inheritIO().start().waitFor();
        }
    }

    /**
     * Arguments holding bytes that are not UTF-8: the JDK gives each such byte as U+FFFD, so `dump latest d/x_\xe9`
     * printed x_\xe8's bytes (both show as "x_\uFFFD"), `--include` restored both, and `--target /…/caf\xe9/r` wrote into
     * a new directory "caf\xef\xbf\xbd" beside the one named (a helper's). They are read again as the bytes given.
     */
    @Test
    void argumentsThatAreNotUtf8NameTheBytesGiven() throws Exception {
        Path names = Files.createDirectories(tmp.resolve("src/names"));
        Files.writeString(org.opsledger.vault.snapshot.FileNames.resolve(names, "x_\uDCE9"), "one");
        Files.writeString(org.opsledger.vault.snapshot.FileNames.resolve(names, "x_\uDCE8"), "two");
        assertThat(vault("backup", names.toString(), "--allow-same-device").exit()).isZero();
        Path cafe = Files.createDirectories(org.opsledger.vault.snapshot.FileNames.resolve(tmp, "caf\uDCE9"));

        ProcessBuilder dump = bytes("dump", "latest", "names/x_\\0351");
        assertThat(new String(dump.start().getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("one");

        Process restore = bytes("restore", "latest", "--include", "names/x_\\0351", "--target", tmp + "/caf\\0351/r").start();
        String err = new String(restore.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(restore.waitFor()).as(err).isZero();
        assertThat(Files.readString(org.opsledger.vault.snapshot.FileNames.resolve(cafe.resolve("r/names"), "x_\uDCE9"))).isEqualTo("one");
        try (var restored = Files.list(cafe.resolve("r/names")); var beside = Files.list(tmp)) {
            assertThat(restored.count()).as("only the file named").isEqualTo(1);
            assertThat(beside.filter(p -> p.getFileName().toString().startsWith("caf")).count()).as("no directory made beside the one named")
                    .isEqualTo(1);
        }
        // and a --stdin-from-command program gets them as given (it got "caf\xef\xbf\xbd" for "caf\xe9")
        Process stream = bytes("backup", "--stdin-from-command", "--stdin-name", "arg.txt", "--", "printf", "%s", "caf\\0351").start();
        assertThat(stream.waitFor()).as(new String(stream.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        Path arg = tmp.resolve("arg.txt");
        assertThat(vault("dump", "latest", "arg.txt", "--output", arg.toString()).exit()).isZero();
        assertThat(Files.readAllBytes(arg)).containsExactly('c', 'a', 'f', 0xE9);
    }

    /**
     * A repository whose path is not UTF-8 (`-r $'/srv/caf\xe9/repo'`, a copy's --to so): the CLI reads the argument's bytes
     * (ExactArguments, as for a backup's paths), and the repository took the JDK's path of their escapes, "Malformed input
     * or input contains unmappable characters" (an engineer's note). It names those bytes: init, backup, snapshots, stats,
     * copy --to, check, each in the directory named and none beside it.
     */
    @Test
    void aRepositoryWhosePathIsNotUtf8IsTheOneNamed() throws Exception {
        Path cafe = Files.createDirectories(FileNames.resolve(tmp, "caf\uDCE9"));
        String at = tmp + "/caf\uDCE9/repo";
        String to = tmp + "/caf\uDCE9/long-term";
        for (String location : List.of(at, to)) {
            Run init = run("vault", "init", "--repo", location, "--password-file", pw.toString(), "--kdf-iterations", "100000");
            assertThat(init.exit()).as(init.err()).isZero();
        }
        String[][] commands = {{"backup", data.toString(), "--allow-same-device"}, {"snapshots"}, {"stats"}, {"copy", "latest", "--to", to},
                {"check"}};
        for (String[] command : commands) {
            List<String> line = new ArrayList<>(List.of("vault", command[0], "--repo", at, "--password-file", pw.toString()));
            line.addAll(List.of(command).subList(1, command.length));
            Run r = run(line.toArray(String[]::new));
            assertThat(r.exit()).as(command[0] + ": " + r.err()).isZero();
        }
        assertThat(names(cafe.resolve("repo/snapshots"))).hasSize(1);
        assertThat(names(cafe.resolve("long-term/snapshots"))).hasSize(1);
        try (var beside = Files.list(tmp)) {
            assertThat(beside.filter(p -> p.getFileName().toString().startsWith("caf")).count()).as("no directory made beside the one named")
                    .isEqualTo(1);
        }
    }

    /**
     * Names whose bytes are not UTF-8 as a backup's paths and a stream's --stdin-name (the CLI gets them so from
     * ExactArguments): /srv/caf\xe9 and /srv/caf\xe8 were one source "caf\uFFFD" to forget and due, a stream db\xe8 showed
     * as "db?" in text and JSON (stdout's encoder's '?'), as another really named "db?", and `--path` of its bytes failed,
     * "Malformed input …", exit 1 (a helper's). Text shows each such byte as \xHH, JSON as U+FFFD (docs/operations.md), and
     * --path takes the bytes.
     */
    @Test
    void namesNotUtf8AreSourcesOfTheirOwnShownAsTheirBytes() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("latin"));
        Files.writeString(Files.createDirectories(FileNames.resolve(src, "caf\uDCE9")).resolve("f"), "e9");
        Files.writeString(Files.createDirectories(FileNames.resolve(src, "caf\uDCE8")).resolve("f"), "e8");
        assertThat(vault("backup", src + "/caf\uDCE9", "--allow-same-device").exit()).isZero();
        assertThat(vault("backup", src + "/caf\uDCE8", "--allow-same-device").exit()).isZero();
        assertThat(vault("backup", "--stdin-name", "db\uDCE8", "--stdin-from-command", "--", "printf", "one").exit()).isZero();
        assertThat(vault("backup", "--stdin-name", "db?", "--stdin-from-command", "--", "printf", "two").exit()).isZero();

        assertThat(vault("snapshots").out()).contains(src + "/caf\\xe9", src + "/caf\\xe8", "  db\\xe8", "  db?").doesNotContain("\uFFFD");
        assertThat(vault("due").out()).contains(src + "/caf\\xe9", src + "/caf\\xe8", "db\\xe8  ", "db?  ").contains("4 source(s)");
        assertThat(vault("forget", "--keep-last", "1", "--dry-run").out()).contains("would remove 0 of 4 snapshot(s)")
                .contains(src + "/caf\\xe9:");
        assertThat(vault("snapshots", "--json").json().valueStream().map(s -> s.get("record").get("paths").get(0).asString()))
                .as("JSON text cannot hold the byte: U+FFFD, as operations.md says").containsExactlyInAnyOrder(
                        src + "/caf\uFFFD", src + "/caf\uFFFD", "db\uFFFD", "db?");

        Run one = vault("snapshots", "--path", src + "/caf\uDCE9");
        assertThat(one.exit()).as(one.err()).isZero();
        assertThat(one.out()).contains("1 snapshot(s) of ").contains("caf\\xe9").doesNotContain("caf\\xe8");
        assertThat(vault("snapshots", "--path", "db\uDCE8").out()).contains("1 snapshot(s) of ");
        Path out = tmp.resolve("dumped");
        assertThat(vault("dump", "--path", src + "/caf\uDCE9", "latest", "caf\uDCE9/f", "--output", out.toString()).exit()).isZero();
        assertThat(Files.readString(out)).isEqualTo("e9");
        assertThat(vault("journal").out()).as("the dump's path").contains("caf\\xe9/f").doesNotContain("caf?");
    }

    /**
     * The CLI in a JVM of its own under C.UTF-8 (as the launcher runs it), its arguments through printf(1): "\\0351" in
     * one is the byte 0xE9.
     */
    private ProcessBuilder bytes(String... args) throws Exception {
        ProcessBuilder pb = vaultProcess(args);
        List<String> java = pb.command();
        StringBuilder script = new StringBuilder("exec");
        for (int i = 0; i < java.size(); i++) {
            script.append(" \"$(printf '%b' \"${").append(i + 1).append("}\")\"");
        }
        List<String> sh = new ArrayList<>(List.of("sh", "-c", script.toString(), "sh"));
        sh.addAll(java);
        pb.command(sh);
        pb.environment().put("LC_ALL", "C.UTF-8");
        return pb;
    }

    /** S3 keys in the environment, as a scheduler gives them. */
    static final java.util.Map<String, String> S3_KEYS = java.util.Map.of("AWS_ACCESS_KEY_ID", "s3-id", "AWS_SECRET_ACCESS_KEY",
            "s3-secret", "AWS_SESSION_TOKEN", "s3-secret-token", "AWS_CONTAINER_AUTHORIZATION_TOKEN", "container-bearer");

    /**
     * restore's mkfifo, touch and stat ran with the vault's whole environment, its password and S3 keys with it: a
     * wrapper on PATH that logs its environment kept them (a tester's). Each child the vault starts gets neither.
     */
    @Test
    void restoresHelperProgramsGetNoPasswordNorKeys() throws Exception {
        Process fifo = new ProcessBuilder("mkfifo", data.resolve("pipe").toString()).start();
        assertThat(fifo.waitFor()).isZero();
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        Path spies = Files.createDirectories(tmp.resolve("spies"));
        for (String helper : List.of("mkfifo", "stat")) {
            Path real = Path.of("/usr/bin", helper);
            assertThat(real).exists();
            Path spy = spies.resolve(helper);
            Files.writeString(spy, "#!/bin/sh\nenv > " + tmp.resolve(helper + ".env") + "\nexec " + real + " \"$@\"\n");
            assertThat(spy.toFile().setExecutable(true)).isTrue();
        }
        ProcessBuilder restore = vaultProcess("restore", "latest", "--target", tmp.resolve("out").toString());
        restore.environment().putAll(S3_KEYS);
        restore.environment().put("PATH", spies + ":" + System.getenv("PATH"));
        Process p = restore.redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(said).isZero();
        assertThat(tmp.resolve("out/data/pipe")).exists();
        for (String helper : List.of("mkfifo", "stat")) {
            assertThat(Files.readString(tmp.resolve(helper + ".env"))).as(helper).contains("PATH=")
                    .doesNotContain("OPSLEDGER_VAULT_PASSWORD", "operator one", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                            "AWS_SESSION_TOKEN", "s3-id", "s3-secret", "container-bearer");
        }
    }

    /**
     * `export AWS_REGION=$REGION` of an unset REGION ended every command with "region must not be blank or empty.", and
     * an empty AWS_PROFILE was the profile "" ("the profile  (AWS_PROFILE) is not in …"; a tester's): each is one not
     * set, the region us-east-1 and the profile the default one, whose keys are used (the store then is not there).
     */
    @Test
    void anEmptyAwsRegionOrProfileIsOneNotSet() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home/.aws")).getParent();
        Files.writeString(home.resolve(".aws/credentials"), "[default]\naws_access_key_id = access\naws_secret_access_key = secret\n");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "org.opsledger.cli.OpsLedgerCommand", "vault", "snapshots", "--repo", "s3://bucket1/repo");
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        pb.environment().putAll(java.util.Map.of("HOME", home.toString(), "AWS_PROFILE", "", "AWS_REGION", "",
                "OPSLEDGER_VAULT_S3_ENDPOINT", "http://127.0.0.1:1", "OPSLEDGER_VAULT_PASSWORD", "operator one"));
        Process p = pb.redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(said).isNotZero();
        assertThat(said).contains("cannot reach the S3 store (connection refused)").doesNotContain("region", "profile");
    }

    /** The CLI in a JVM of its own, the repository's password in its environment as a scheduler would give it. */
    /** {@code command} (one word) run in its own process on the repository at {@code at}, with {@code variable} set to {@code value}. */
    Run vaultWith(Path at, String variable, String value, String command) throws Exception {
        ProcessBuilder pb = vaultProcess(command).redirectErrorStream(true);
        pb.command().set(pb.command().indexOf(repo.toString()), at.toString());
        pb.environment().put(variable, value);
        Process p = pb.start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), said, said);
    }

    ProcessBuilder vaultProcess(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.opsledger.cli.OpsLedgerCommand", "vault"));
        command.add(args[0]);
        command.addAll(List.of("--repo", repo.toString())); // before a `--` that ends the options
        command.addAll(List.of(args).subList(1, args.length));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("OPSLEDGER_VAULT_PASSWORD", Files.readString(pw).strip());
        return pb;
    }

    /**
     * The progress line is redrawn on stderr only when stderr is a terminal: at a terminal, `backup … 2>backup.log` filled
     * the log with it (a helper's; the console, stdin and stdout, was a terminal). script(1) gives the command a terminal.
     */
    @Test
    void theProgressLineStaysOutOfARedirectedStderr() throws Exception {
        Path log = tmp.resolve("backup.log");
        Path shown = tmp.resolve("shown.txt");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String vault = javaBin + " -cp " + System.getProperty("java.class.path") + " org.opsledger.cli.OpsLedgerCommand vault backup "
                + data + " --allow-same-device --repo " + repo + " --password-file " + pw;
        for (String redirect : List.of(" 2>" + log, "")) {
            ProcessBuilder pb = new ProcessBuilder("script", "-qec", vault + redirect, shown.toString());
            pb.environment().put("TERM", "xterm");
            Process p = pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(Files.readString(shown)).isZero();
        }
        assertThat(Files.readString(log)).doesNotContain("\r", "\u001b[K");
        assertThat(Files.readString(shown)).as("on the terminal itself, it is drawn").contains("\r\u001b[K");
    }

    /**
     * A --stdin-from-command program gets neither the repository's password (a helper's `-- env` stored it in the
     * snapshot) nor outlives a SIGTERM of the backup (its `sleep` ran on, orphaned: the JVM ends through its hooks); the
     * backup says it stopped. It runs under the caller's locale, which the launcher replaced by C.UTF-8 for the JVM.
     */
    /**
     * A tag given two values was kept with the last, silently, and `snapshots --tag k=1 --tag k=2` selected the snapshots
     * carrying k=2 where its help says all of them (a helper's): a snapshot carries one value of each tag.
     */
    @Test
    void aTagGivenTwoValuesIsRefused() {
        Run twice = vault("backup", data.toString(), "--allow-same-device", "--tag", "system=erp", "--tag", "system=crm");
        assertThat(twice.exit()).isEqualTo(2);
        assertThat(twice.err()).isEqualTo("opsledger: --tag system is given two values (erp, crm): a snapshot carries one value of each tag\n");
        assertThat(vault("backup", data.toString(), "--allow-same-device", "--tag", "k=2", "--tag", "k=2", "--tag", "a=1").exit()).isZero();
        assertThat(vault("snapshots", "--tag", "k=1", "--tag", "k=2").exit()).isEqualTo(2);
        assertThat(vault("snapshots", "--json", "--tag", "k=2", "--tag", "a=1").json()).hasSize(1);
        assertThat(vault("snapshots", "--json", "--tag", "k=2", "--tag", "a=2").json()).as("all of them").isEmpty();
        assertThat(vault("amend", "latest", "--add-tag", "x=1", "--add-tag", "x=2", "--reason", "r").exit()).isEqualTo(2);
    }

    /** hold and decommission took --by "" and recorded nobody: "legal hold placed by  for AUD-9" (a helper's). */
    @Test
    void aRecordNamesWhoDecidedItAndAnEmptyByIsRefused() {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        for (List<String> args : List.of(List.of("hold", "latest", "--reason", "AUD-9", "--by", " "),
                List.of("decommission", "--host", "h", "--path", "/p", "--reason", "retired", "--by", ""),
                List.of("amend", "latest", "--owner", "ops", "--reason", "typo", "--by", ""),
                List.of("dispose", "--confirm", "0", "--by", ""))) {
            Run run = vault(args.toArray(String[]::new));
            assertThat(run.exit()).as(args.toString()).isEqualTo(2);
            assertThat(run.err()).as(args.toString()).isEqualTo("opsledger: --by is empty: name who decided it (IS.012 6.6.5: the"
                    + " record says who)\n");
        }
        // an empty --reason, likewise: before the repository opens, exit 2, no journal entry (exit 1 and a failed entry: a
        // docs re-tester's)
        for (List<String> args : List.of(List.of("hold", "latest", "--reason", " "),
                List.of("decommission", "--host", "h", "--path", "/p", "--reason", ""),
                List.of("amend", "latest", "--owner", "ops", "--reason", ""),
                List.of("rewrite", "latest", "--exclude", "*.log", "--reason", " "))) {
            Run run = vault(args.toArray(String[]::new));
            assertThat(run.exit()).as(args.toString()).isEqualTo(2);
            assertThat(run.err()).as(args.toString()).isEqualTo("opsledger: --reason is empty: say why (IS.012 6.6.5: the record says"
                    + " why)\n");
        }
        assertThat(vault("snapshots", "--json").json().get(0).get("held").asBoolean()).isFalse();
        assertThat(vault("journal", "--failed", "--json").json().get("entries")).isEmpty();
    }

    /** An empty path or pattern (an unset variable) read as the whole snapshot: restore --include "" restored all of it (a helper's). */
    @Test
    void anEmptyPathOrPatternIsRefusedNotReadAsTheWholeSnapshot() {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        Path out = tmp.resolve("out");
        java.util.Map<List<String>, String> refused = java.util.Map.of(
                List.of("restore", "latest", "--target", out.toString(), "--include", ""), "--include is empty",
                List.of("dump", "latest", "", "--output", tmp.resolve("dump.tar").toString()), "PATH is empty",
                List.of("ls", "latest", ""), "PATH is empty",
                List.of("find", ""), "PATTERN is empty",
                List.of("restore", "latest", "--target", out.toString(), "--exclude", ""), "--exclude is empty",
                List.of("rewrite", "latest", "--exclude", "", "--reason", "r"), "--exclude is empty",
                List.of("backup", data.toString(), "--allow-same-device", "--exclude", ""), "--exclude is empty",
                List.of("dump", "latest", "data/report.txt", "--output="), "--output is empty"); // said "--output  already exists"
        refused.forEach((args, said) -> {
            Run run = vault(args.toArray(String[]::new));
            assertThat(run.exit()).as(args.toString()).isEqualTo(2);
            assertThat(run.err()).as(args.toString()).startsWith("opsledger: " + said + " (an unset variable?): name ");
        });
        assertThat(out).doesNotExist();
        assertThat(tmp.resolve("dump.tar")).doesNotExist();
        assertThat(vault("journal", "--failed", "--json").json().get("entries")).as("refused before the repository opened").isEmpty();
        assertThat(vault("ls", "latest").out()).contains("/data/report.txt"); // no PATH: all of it, as before
    }

    /**
     * A pattern that does not parse is refused wherever patterns are taken as backup's --exclude refuses it: exit 2, one line
     * naming the option and the pattern, before the repository opens. `restore --exclude '[a-'` and `find '[a-'` exited 1,
     * without the option, once the repository was open (an earlier session's finding).
     */
    @Test
    void aPatternThatDoesNotParseIsAUsageErrorWhereverPatternsAreTaken() {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        Path out = tmp.resolve("out");
        java.util.Map<List<String>, String> refused = java.util.Map.of(
                List.of("backup", data.toString(), "--allow-same-device", "--exclude", "[a-"), "--exclude [a-",
                List.of("restore", "latest", "--target", out.toString(), "--exclude", "[a-"), "--exclude [a-",
                List.of("restore", "latest", "--target", out.toString(), "--include", "data/[a-"), "--include data/[a-",
                List.of("rewrite", "latest", "--exclude", "*.log", "--exclude", "[a-", "--reason", "r"), "--exclude [a-",
                List.of("find", "[a-"), "PATTERN [a-",
                List.of("restore", "latest", "--target", out.toString(), "--exclude", "x\\"), "--exclude x\\");
        refused.forEach((args, said) -> {
            Run run = vault(args.toArray(String[]::new));
            assertThat(run.exit()).as(args.toString()).isEqualTo(2);
            assertThat(run.err()).as(args.toString()).isEqualTo("opsledger: " + said + " is not a glob pattern: "
                    + (said.endsWith("\\") ? "it ends in a lone backslash" : "a '[' is not closed") + "\n");
        });
        assertThat(out).doesNotExist();
        assertThat(vault("journal", "--failed", "--json").json().get("entries")).as("refused before the repository opened").isEmpty();
    }

    /**
     * A target named through a symbolic link is written under its real path, and the output and the journal named the path
     * as given: with another user's link (/tmp/lnk → /root) gone, nothing said where the data went (a helper's).
     */
    @Test
    void aRestoreNamesTheRealPathItWroteUnder() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        Path real = Files.createDirectories(tmp.resolve("real"));
        Path link = Files.createSymbolicLink(tmp.resolve("lnk"), real);
        Run restore = vault("restore", "latest", "--target", link.resolve("restore").toString());
        assertThat(restore.exit()).as(restore.err()).isZero();
        assertThat(restore.out()).contains(" to " + real.resolve("restore") + " in ");
        assertThat(vault("journal", "--operation", "restore", "--json").json().get("entries").get(0).get("paths").get(0).asString())
                .isEqualTo(real.resolve("restore").toString());
    }

    /** A --stdin-name no file can have was saved, exit 0, and every restore of it failed "File name too long" (a helper's). */
    @Test
    void aStreamNameIsOnePlainFileNameARestoreCanCreate() throws Exception {
        for (String bad : List.of("a/b", "..", "", "n".repeat(256), "é".repeat(128))) {
            Run refused = vault("backup", "--stdin-from-command", "--stdin-name", bad, "--", "echo", "x");
            assertThat(refused.exit()).as(bad).isEqualTo(2);
            assertThat(refused.err()).as(bad).startsWith(bad.length() > 100 ? "opsledger: --stdin-name is longer than 255 bytes"
                    : "opsledger: --stdin-name must be a plain file name");
        }
        // the name a restore marks an unfinished target with: a snapshot holding it at its top never restored (a helper's)
        Run marker = vault("backup", "--stdin-from-command", "--stdin-name", ".opsledger-restore-unfinished", "--", "echo", "x");
        assertThat(marker.exit()).isEqualTo(2);
        assertThat(marker.err()).startsWith("opsledger: .opsledger-restore-unfinished is the name a restore marks an unfinished target"
                + " with, at its top: a snapshot holding it there could not be restored");
        Path named = Files.createDirectories(tmp.resolve("src/.opsledger-restore-unfinished"));
        assertThat(vault("backup", named.toString(), "--allow-same-device").err()).startsWith("opsledger: the backup path " + named + ": ");
        Run longest = vault("backup", "--stdin-from-command", "--stdin-name", "n".repeat(255), "--", "echo", "x");
        assertThat(longest.exit()).as(longest.err()).isZero();
        assertThat(vault("restore", "latest", "--target", tmp.resolve("out").toString()).exit()).isZero();
        assertThat(tmp.resolve("out").resolve("n".repeat(255))).hasContent("x");
    }

    @Test
    void aStdinCommandGetsNoPasswordAndEndsWithTheBackup() throws Exception {
        ProcessBuilder underC = vaultProcess("backup", "--stdin-from-command", "--stdin-name", "env.txt", "--", "env");
        underC.environment().putAll(java.util.Map.of("LC_ALL", "C.UTF-8", "OPSLEDGER_LC_ALL_WAS", "set:C")); // as the launcher sets them
        underC.environment().putAll(S3_KEYS); // it kept the S3 keys (a tester's)
        Process env = underC.start();
        assertThat(env.waitFor()).as(new String(env.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        Path out = tmp.resolve("env.txt");
        assertThat(vault("dump", "latest", "env.txt", "--output", out.toString()).exit()).isZero();
        assertThat(Files.readString(out)).contains("PATH=").doesNotContain("OPSLEDGER_VAULT_PASSWORD", "operator one", "AWS_ACCESS_KEY_ID",
                        "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "s3-id", "s3-secret", "container-bearer") // the container provider's token too (h4's)
                .containsPattern("(?m)^LC_ALL=C$").doesNotContain("OPSLEDGER_LC_ALL_WAS");

        // a dump writing as it is stopped: the backup said its program "exited with status 137", the kill the backup made
        // itself, as if the OOM killer had ended it (a tester's)
        Path stderr = tmp.resolve("backup.err");
        Process backup = vaultProcess("backup", "--stdin-from-command", "--stdin-name", "db.sql", "--", "sh", "-c",
                "echo data; while :; do head -c 100000 /dev/urandom; sleep 0.2; done & exec sleep 300").redirectError(stderr.toFile()).start();
        List<ProcessHandle> children = List.of();
        for (int i = 0; i < 600 && children.stream().noneMatch(c -> c.info().command().orElse("").endsWith("sleep")); i++) {
            Thread.sleep(50);
            children = backup.descendants().toList();
        }
        assertThat(children).as("the command started").anyMatch(c -> c.info().command().orElse("").endsWith("sleep"));
        Thread.sleep(500); // the backup reading its output, as a scheduler's timeout finds it
        backup.destroy(); // SIGTERM
        assertThat(backup.waitFor()).isEqualTo(143);
        assertThat(Files.readString(stderr).lines().filter(l -> l.startsWith("opsledger:")))
                .as("it said nothing before").containsExactly("opsledger: backup stopped by SIGTERM before it ended: no snapshot was written");
        for (ProcessHandle c : children) {
            c.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS); // before: still running after the backup ended
        }
    }

    /**
     * A non-root backup stopped during `-- sudo -u postgres pg_dump hr` left pg_dump running, orphaned: the stop sent only
     * SIGSTOP and SIGKILL, which sudo does not relay, and the vault's user may not signal postgres's process (h4's). Each
     * process is asked to end first (SIGTERM). The command here stands for sudo: it ends a process that is none of its
     * children (its PID written to a file) when it is asked to, and it is not when killed; that process lacks the run's
     * marker, as sudo's env_reset leaves it out ({@link CommandProcesses}): the vault cannot find it.
     */
    @Test
    void aStoppedBackupAsksItsCommandToEndBeforeItKillsIt() throws Exception {
        Path pidFile = tmp.resolve("relayed.pid");
        Path stderr = tmp.resolve("backup.err");
        Process backup = vaultProcess("backup", "--stdin-from-command", "--stdin-name", "hr.sql", "--", "sh", "-c",
                "env -u " + CommandProcesses.MARKER + " sh -c 'sleep 301 & echo $! > " + pidFile + "'; trap 'kill $(cat " + pidFile + "); exit 143' TERM; echo data; sleep 302 & wait")
                .redirectError(stderr.toFile()).start();
        for (int i = 0; i < 600 && backup.descendants().noneMatch(c -> c.info().arguments().map(a -> List.of(a).contains("302")).orElse(false)); i++) {
            Thread.sleep(50);
        }
        long relayed = Long.parseLong(Files.readString(pidFile).strip());
        ProcessHandle program = ProcessHandle.of(relayed).orElseThrow();
        assertThat(backup.descendants()).as("none of the command's children").doesNotContain(program);
        Thread.sleep(500);
        backup.destroy(); // SIGTERM
        assertThat(backup.waitFor()).isEqualTo(143);
        try {
            program.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS); // before: ran on, orphaned
        } finally {
            program.destroyForcibly();
        }
        assertThat(Files.readString(stderr).lines().filter(l -> l.startsWith("opsledger:")))
                .containsExactly("opsledger: backup stopped by SIGTERM before it ended: no snapshot was written");
    }

    @Test
    void transferLimitsApplyToTheRepositoryAndACopysTarget() {
        Run bad = vault("snapshots", "--limit-upload", "0");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).isEqualTo("opsledger: --limit-upload must be at least 1 KiB/s, got 0\n");
        Run backup = vault("backup", data.toString(), "--allow-same-device", "--limit-upload", "100000", "--limit-download", "100000");
        assertThat(backup.exit()).as(backup.err()).isZero();
        Path archive = tmp.resolve("archive");
        assertThat(run("vault", "init", "--repo", archive.toString(), "--password-file", pw.toString(), "--kdf-iterations", "100000")
                .exit()).isZero();
        Run copy = vault("copy", "latest", "--to", archive.toString(), "--limit-upload", "100000");
        assertThat(copy.exit()).as(copy.err()).isZero();
        assertThat(vault("check", "--read-data", "--limit-download", "100000").exit()).isZero();
    }

    @Test
    void rewriteTakesAFileOutOfTheSnapshotsAndPruneOutOfTheRepository() throws Exception {
        Files.write(data.resolve("id_rsa"), "-----BEGIN OPENSSH PRIVATE KEY-----\nnot for backups\n".getBytes(StandardCharsets.UTF_8));
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        String before = vault("snapshots", "--json").json().get(0).get("id").asString();
        Run dry = vault("rewrite", "latest", "--exclude", "id_rsa", "--reason", "INC-31: a private key", "--dry-run");
        assertThat(dry.exit()).as(dry.err()).isZero();
        assertThat(dry.out()).isEqualTo("snapshot " + before.substring(0, 8) + ": would lose 1 path(s):\n  /data/id_rsa\n"
                + "rewrite: 1 path(s) would be taken out of 1 of 1 snapshot(s)\n");
        assertThat(dry.err()).isEmpty();
        String config = Files.readString(repo.resolve("config"));
        Files.writeString(repo.resolve("config"), config.replace("\"version\":6", "\"version\":4"));
        assertThat(vault("rewrite", "latest", "--exclude", "id_rsa", "--reason", "INC-31", "--dry-run").err()).as("what the run will meet")
                .isEqualTo("warning: this repository is of format 4: the rewrite itself is refused until `vault upgrade` makes it"
                        + " format 5\n");
        Files.writeString(repo.resolve("config"), config);
        assertThat(vault("rewrite", "latest", "--reason", "x").err()).contains("Missing required option: '--exclude=PATTERN'");

        // a path as backup's --exclude takes it, not as `vault ls` shows it: the same pattern keeps it out of the next backups
        Run shown = vault("rewrite", "latest", "--exclude", "/data/id_rsa", "--reason", "INC-31", "--dry-run");
        assertThat(shown.exit()).isEqualTo(1);
        assertThat(shown.err()).endsWith("snapshot " + before.substring(0, 8) + "'s /data is the backup of " + data + ", so --exclude " + data
                + "/id_rsa\n");
        assertThat(vault("rewrite", "latest", "--exclude", data + "/id_rsa", "--reason", "INC-31", "--dry-run").out()).isEqualTo(dry.out());

        Run done = vault("rewrite", "latest", "--exclude", "id_rsa", "--reason", "INC-31: a private key", "--by", "security");
        assertThat(done.exit()).as(done.err()).isZero();
        String after = vault("snapshots", "--json").json().get(0).get("id").asString();
        assertThat(done.out()).isEqualTo("snapshot " + before.substring(0, 8) + " rewritten as " + after.substring(0, 8) + ", without 1 path(s):\n"
                + "  /data/id_rsa\nrewrite: 1 path(s) matching id_rsa taken out of 1 snapshot(s) for INC-31: a private key (by security);"
                + " `vault prune --max-unused 0` removes their data; rewrite copies in other repositories there too\n");
        assertThat(vault("ls", "latest").out()).doesNotContain("id_rsa").contains("report.txt");
        assertThat(vault("prune", "--max-unused", "101").err()).isEqualTo("opsledger: --max-unused must be a percentage from 0 to 100, got 101\n");
        assertThat(vault("prune", "--max-unused", "0").exit()).isZero();
        assertThat(vault("check", "--read-data").exit()).isZero();
        JsonNode entry = vault("journal", "--operation", "rewrite", "--json").json().get("entries").get(0);
        assertThat(entry.get("snapshots").get(0).asString()).isEqualTo(before);
        assertThat(entry.get("snapshots").get(1).asString()).isEqualTo(after);
        assertThat(entry.get("detail").asString()).startsWith("rewrite: 1 path(s) matching id_rsa taken out of 1 snapshot(s) for INC-31");
        assertThat(vault("snapshots", "--json").json().get(0).get("record").get("tags").get("rewritten").asString())
                .endsWith(" by security: INC-31: a private key (removed 1 path(s) matching id_rsa)");
        // a pattern that matches nothing is refused, exit 1, as restore's --include (it said "nothing … matches", exit 0, and a
        // mistyped path left the key: a tester's); and a refusal is journaled
        Run again = vault("rewrite", "latest", "--exclude", "id_rsa", "--reason", "again");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.out()).isEmpty();
        assertThat(again.err()).startsWith("opsledger: --exclude id_rsa matches nothing in the 1 snapshot(s) named: nothing was rewritten; ");
        assertThat(vault("journal", "--operation", "rewrite", "--json").json().get("entries")).extracting(e -> e.get("outcome").asString())
                .containsExactlyInAnyOrder("ok", "failed");
    }

    /**
     * `forget SNAPSHOT --prune` of data that must not be kept: the prune at the default --max-unused left the forgotten file in
     * a pack still mostly in use, decryptable, and said nothing of it (h1's repro-1). Its line now says what it left, and
     * forget takes prune's --max-unused (validated as prune validates it), 0 taking it all out.
     */
    @Test
    void forgetPruneSaysWhatItLeftInPacksMostlyInUseAndTakesMaxUnused() throws Exception {
        byte[] bulk = new byte[2 << 20];
        new java.util.Random(7).nextBytes(bulk);
        Files.write(data.resolve("bulk.bin"), bulk); // what the next snapshot keeps, in the pack beside the credentials
        Files.writeString(data.resolve("creds.txt"), "password=correct-horse-battery-staple\n");
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        String first = vault("snapshots", "--json").json().get(0).get("id").asString();
        Files.delete(data.resolve("creds.txt"));
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();

        Run alone = vault("forget", first, "--max-unused", "0");
        assertThat(alone.exit()).isEqualTo(2);
        assertThat(alone.err()).isEqualTo("opsledger: --max-unused is the prune's: give --prune with it\n");
        assertThat(vault("forget", first, "--prune", "--max-unused", "101").err())
                .isEqualTo("opsledger: --max-unused must be a percentage from 0 to 100, got 101\n");
        assertThat(vault("snapshots", "--json").json()).hasSize(2);

        Run forget = vault("forget", first, "--prune");
        assertThat(forget.exit()).as(forget.err()).isZero();
        assertThat(forget.out()).containsPattern("no snapshot needs left in \\d+ pack\\(s\\) mostly in use \\(`--max-unused 0` takes it"
                + " out\\)");
        Run all = vault("forget", "--keep-last", "1", "--prune", "--max-unused", "0");
        assertThat(all.exit()).as(all.err()).isZero();
        assertThat(all.out()).containsPattern("\\([1-9]\\d* repacked\\)").doesNotContain("no snapshot needs left");
        assertThat(vault("check", "--read-data").exit()).isZero();
    }

    /**
     * What a rewrite took out stays out of `vault recover` once the rewritten snapshot is gone too (a retention forget before
     * the weekly prune, a tier's near-line forget): its tag named the replaced root only while it was there, and recover
     * brought back the private key (h1's repro-3). The rewrite's journal entry names them for good, sealed again by a key
     * retirement too.
     */
    @Test
    void whatARewriteTookOutStaysOutOfARecoverOnceTheRewrittenSnapshotIsForgotten() throws Exception {
        Files.write(data.resolve("id_rsa"), "-----BEGIN OPENSSH PRIVATE KEY-----\nleaked\n".getBytes(StandardCharsets.UTF_8));
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        String oldTree = vault("snapshots", "--json").json().get(0).get("record").get("tree").asString();
        assertThat(vault("rewrite", "latest", "--exclude", "id_rsa", "--reason", "INC-31: a private key").exit()).isZero();
        String newTree = vault("snapshots", "--json").json().get(0).get("record").get("tree").asString();
        JsonNode nothing = vault("recover", "--dry-run", "--json").json(); // nothing to recover yet: no ID is null, not "" (h1's repro-7)
        assertThat(nothing.has("snapshot") && nothing.get("snapshot").isNull()).as(nothing.toString()).isTrue();
        Run forget = vault("forget", "latest");
        assertThat(forget.exit()).as(forget.err()).isZero();

        Run dry = vault("recover", "--dry-run", "--json");
        assertThat(dry.exit()).as(dry.err()).isZero();
        assertThat(dry.json().get("trees")).as("the rewritten tree comes back (a forget undone), never the one it replaced")
                .extracting(JsonNode::asString).containsExactly(newTree);
        Run recover = vault("recover");
        assertThat(recover.exit()).as(recover.err()).isZero();
        assertThat(recover.out()).doesNotContain(oldTree).contains("recover: 1 tree(s) recovered as snapshot ");
        assertThat(vault("ls", "latest").out()).contains("report.txt").doesNotContain("id_rsa");
        assertThat(vault("journal", "--operation", "rewrite", "--json").json().get("entries").get(0).get("replacedTrees"))
                .extracting(JsonNode::asString).containsExactly(oldTree);
        assertThat(vault("key", "rotate").exit()).isZero();
        assertThat(vault("key", "retire", "1").exit()).isZero();
        assertThat(vault("journal", "--operation", "rewrite", "--json").json().get("entries").get(0).get("replacedTrees"))
                .as("the journal sealed again keeps it").extracting(JsonNode::asString).containsExactly(oldTree);
    }

    /**
     * The same for a rewrite stopped before its own entry was written (kill -9 here; a full disk or SIGTERM likewise): it
     * left no entry naming the trees it replaced, and once the rewritten snapshot was forgotten, recover brought back the
     * key it took out. Its stand-in, written before the first old snapshot goes, names them.
     */
    @Test
    void whatARewriteStoppedBeforeItsEntryTookOutStaysOutOfARecover() throws Exception {
        Files.write(data.resolve("id_rsa"), "-----BEGIN OPENSSH PRIVATE KEY-----\nleaked\n".getBytes(StandardCharsets.UTF_8));
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        JsonNode before = vault("snapshots", "--json").json().get(0);
        String old = before.get("id").asString();
        String oldTree = before.get("record").get("tree").asString();
        // its entry, written after the old snapshot goes, takes a second or more at 1 KiB/s
        Process rewrite = vaultProcess("rewrite", "latest", "--exclude", "id_rsa", "--reason", "INC-31: a private key", "--limit-upload", "1")
                .redirectError(tmp.resolve("rewrite.err").toFile()).start();
        Path snapshots = repo.resolve("snapshots");
        for (int i = 0; i < 1500 && rewrite.isAlive() && Files.exists(snapshots.resolve(old)); i++) {
            Thread.sleep(20);
        }
        rewrite.destroyForcibly(); // SIGKILL
        assertThat(rewrite.waitFor()).as("killed before it ended: " + Files.readString(tmp.resolve("rewrite.err"))).isEqualTo(137);
        assertThat(snapshots.resolve(old)).as("replaced").doesNotExist();
        assertThat(vault("forget", "latest").exit()).isZero();

        Run dry = vault("recover", "--dry-run", "--json");
        assertThat(dry.exit()).as(dry.err()).isZero();
        assertThat(dry.json().get("trees")).as("never the tree it replaced").extracting(JsonNode::asString).doesNotContain(oldTree)
                .hasSize(1);
        assertThat(vault("journal", "--operation", "rewrite", "--json").json().get("entries")).as("its stand-in, no entry of its own")
                .singleElement().satisfies(e -> {
                    assertThat(e.get("exitCode").asInt()).isEqualTo(137);
                    assertThat(e.get("replacedTrees")).extracting(JsonNode::asString).containsExactly(oldTree);
                });
    }

    /**
     * An @argfile before "--" is read for options; after it, each argument is the command's as given: picocli expanded
     * `curl -d @query.json` into the file's words and "@@x" into "@x", and the snapshot held another command's output, exit 0
     * (a tester's).
     */
    @Test
    void argumentFilesAreReadBeforeTheEndOfOptionsAndNeverAfter() throws Exception {
        Path query = Files.writeString(tmp.resolve("query.json"), "{\"query\": {\"match_all\": {}}}\n");
        Path options = Files.writeString(tmp.resolve("export.args"), "--stdin-name export.txt\n--owner @@ops\n");
        Run backup = vault("backup", "@" + options, "--stdin-from-command", "--", "printf", "%s\\n", "-d", "@" + query, "@@literal",
                "@" + options);
        assertThat(backup.exit()).as(backup.err()).isZero();
        assertThat(vault("dump", "latest", "export.txt").out()).isEqualTo("-d\n@" + query + "\n@@literal\n@" + options + "\n");
        assertThat(vault("snapshots", "--json").json().get(0).get("record").get("dataOwner").asString()).as("before --, @@ is @")
                .isEqualTo("@ops");
        Path loop = Files.writeString(tmp.resolve("loop.args"), "--owner x @" + tmp.resolve("loop.args") + "\n");
        Run refused = vault("backup", "@" + loop, data.toString());
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).isEqualTo("opsledger: the argument file @" + loop + " includes itself: name each file once\n");
    }

    /**
     * The argument files of a command line are read up to 1 MiB together, and refused past it (exit 2, naming the file and
     * the bound): each was read whole, and `@/dev/zero` or a large file named by mistake filled the heap (an earlier session's
     * finding).
     */
    @Test
    void argumentFilesAreReadUpToOneMebibyteTogether() throws Exception {
        String comments = "# " + "x".repeat(1021) + "\n"; // 1 KiB
        Path large = Files.writeString(tmp.resolve("large.args"), comments.repeat(1024) + "--allow-same-device\n");
        Path half = Files.writeString(tmp.resolve("half.args"), comments.repeat(600) + "--allow-same-device\n");
        Path includes = Files.writeString(tmp.resolve("includes.args"), "@" + half + "\n@" + half + "\n");
        // /dev/zero last: read whole, it fills the heap
        for (List<String> refused : List.of(List.of("@" + large, "@" + large), List.of("@" + includes, "@" + half),
                List.of("@/dev/zero", "@/dev/zero"))) {
            String arg = refused.get(0);
            String named = refused.get(1);
            Run run = vault("backup", arg, data.toString());
            assertThat(run.exit()).as(arg).isEqualTo(2);
            assertThat(run.err()).as(arg).isEqualTo("opsledger: the argument file " + named + " passes the 1 MiB that the argument files"
                    + " of a command line may hold together: an argument file holds options, not data\n");
        }
        assertThat(vault("snapshots", "--json").json()).isEmpty();
        Run one = vault("backup", "@" + half, data.toString());
        assertThat(one.exit()).as(one.err()).isZero();
    }

    /**
     * Objects of a repository are regular files. A FIFO planted as one (config, the keyring, a key slot, a snapshot, an
     * index, a journal entry) made every command wait for ever in open(2) for a writer, and one in a listed directory was
     * passed over: check said "checked 0 snapshot(s) … no errors were found" of a repository whose one snapshot was a FIFO,
     * and a key slot's "no key slot: it was disposed of". Each is refused in one line naming it, check and repair too,
     * which take it for no damage of theirs to mend; a socket so.
     */
    @Test
    void anObjectOfTheRepositoryThatIsAFifoOrSocketIsRefusedNamingIt() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        List<String> objects = new ArrayList<>(List.of("config", "keyring"));
        for (String dir : List.of("keys", "snapshots", "index", "journal")) {
            objects.add(dir + "/" + names(repo.resolve(dir)).getFirst());
        }
        for (String object : objects) {
            Path file = repo.resolve(object);
            Path aside = Files.move(file, tmp.resolve("aside"));
            assertThat(new ProcessBuilder("mkfifo", file.toString()).inheritIO().start().waitFor()).isZero();
            try {
                List<String> commands = object.startsWith("snapshots/") ? List.of("snapshots", "check", "repair")
                        : object.startsWith("index/") ? List.of("check", "repair")
                        : object.startsWith("journal/") ? List.of("journal") : List.of("snapshots");
                for (String command : commands) {
                    Run refused = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofMinutes(1), // a hang guard
                            () -> vault(command));
                    assertThat(refused.exit()).as(object + ": " + command).isEqualTo(1);
                    assertThat(refused.err()).as(object + ": " + command).endsWith("opsledger: " + file
                            + " is a FIFO, not a file of the repository: remove it\n");
                }
            } finally { // a writer of its own, which lets a read that waits (the code before) go on and end
                try (var writer = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ,
                        java.nio.file.StandardOpenOption.WRITE)) {
                    assertThat(writer.isOpen()).isTrue();
                }
                Files.delete(file);
                Files.move(aside, file);
            }
        }
        Path config = repo.resolve("config"); // a socket's path holds 108 bytes at most: not a snapshot's
        Path aside = Files.move(config, tmp.resolve("aside"));
        try (var socket = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            socket.bind(java.net.UnixDomainSocketAddress.of(config));
            Run refused = vault("check");
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).endsWith("opsledger: " + config + " is a socket, not a file of the repository: remove it\n");
        }
        Files.delete(config);
        Files.move(aside, config);
        assertThat(vault("check").exit()).isZero();
    }

    /**
     * In an @argfile a line starting with '#' is a comment, and a '#' anywhere else is part of its argument: picocli cut
     * `--tag ticket=CHG#123` to ticket=CHG and `--owner ops#db` to ops, an IS.012 6.6.5.1 record cut short, exit 0 (a tester's).
     */
    @Test
    void anArgumentFileKeepsAHashInAValueAndSkipsCommentLines() throws Exception {
        Path args = Files.writeString(tmp.resolve("nightly.args"), "# the nightly backup of data\n--tag ticket=CHG#123\n"
                + "   # owner: the DBAs\n--owner \"ops #db team\"\n--allow-same-device\n" + data + "\n");
        Run backup = vault("backup", "@" + args);
        assertThat(backup.exit()).as(backup.err()).isZero();
        JsonNode record = vault("snapshots", "--json").json().get(0).get("record");
        assertThat(record.get("tags").get("ticket").asString()).isEqualTo("CHG#123");
        assertThat(record.get("dataOwner").asString()).isEqualTo("ops #db team");
    }

    /**
     * A --host, --tag or --path that selects no snapshot is refused, exit 1, as `vault due` refuses it: `forget --host web-O1
     * --keep-last 1 --prune` (a letter O for a zero) said "removed 0 of 0", exit 0, and the retention never ran (a tester's).
     */
    @Test
    void aForgetWhoseSelectionMatchesNoSnapshotIsRefusedAsDueRefusesIt() {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        for (String selection : List.of("--host=web-O1", "--tag=ticket=CHG-1")) {
            for (String mode : List.of("--prune", "--dry-run")) {
                Run forget = vault("forget", selection, "--keep-last", "1", mode);
                assertThat(forget.exit()).as(selection + " " + mode).isEqualTo(1);
                assertThat(forget.out()).isEmpty();
                assertThat(forget.err()).isEqualTo("opsledger: no snapshot of " + selection.substring(2).replaceFirst("=", " ") + " in this"
                        + " repository, which holds " + (selection.startsWith("--host") ? "snapshots of host(s) "
                        + org.opsledger.vault.repository.Repository.hostname() : "2 snapshot(s)")
                        + " (`vault snapshots` without --host, --path and --tag lists every one)\n");
            }
        }
        assertThat(vault("snapshots", "--json").json().size()).isEqualTo(2);
        assertThat(vault("forget", "--host", org.opsledger.vault.repository.Repository.hostname(), "--keep-last", "1").exit()).isZero();
        assertThat(vault("snapshots", "--json").json().size()).isEqualTo(1);
    }

    /**
     * `snapshots --host web-O1` and `find --host web-O1 …` printed no snapshot, exit 0: at 2 a.m. "no backups". A --host,
     * --tag or --path that selects nothing is refused, exit 1, as forget and due refuse it, naming what the repository
     * holds: its hosts, or how many snapshots the hosts named keep.
     */
    @Test
    void aSnapshotsOrFindSelectionThatMatchesNothingIsRefusedNamingWhatTheRepositoryHolds() {
        String host = org.opsledger.vault.repository.Repository.hostname();
        String hint = " (`vault snapshots` without --host, --path and --tag lists every one)\n";
        Run empty = vault("snapshots", "--host", "web-O1");
        assertThat(empty.exit()).isEqualTo(1);
        assertThat(empty.err()).isEqualTo("opsledger: no snapshot of host web-O1 in this repository, which holds no snapshot" + hint);
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        assertThat(vault("backup", data.toString(), "--allow-same-device", "--tag", "system=erp").exit()).isZero();
        for (String command : List.of("snapshots", "find")) {
            List<String> pattern = command.equals("find") ? List.of("report.txt") : List.of();
            List<List<String>> selections = List.of(List.of("--host", "web-O1"), List.of("--host", host, "--path", "/srv/typo"),
                    List.of("--tag", "system=crm", "--json"));
            List<String> held = List.of("snapshots of host(s) " + host, "2 snapshot(s) of host " + host, "2 snapshot(s)");
            for (int i = 0; i < selections.size(); i++) {
                List<String> args = new ArrayList<>(List.of(command));
                args.addAll(selections.get(i));
                args.addAll(pattern);
                Run none = vault(args.toArray(String[]::new));
                assertThat(none.exit()).as(args.toString()).isEqualTo(1);
                assertThat(none.out()).isEmpty();
                assertThat(none.err()).startsWith("opsledger: no snapshot of ").endsWith(" in this repository, which holds " + held.get(i) + hint);
            }
            List<String> erp = new ArrayList<>(List.of(command, "--tag", "system=erp"));
            erp.addAll(pattern);
            Run found = vault(erp.toArray(String[]::new));
            assertThat(found.exit()).as(found.err()).isZero();
            assertThat(found.out()).contains(command.equals("find") ? "1 match(es) in 1 snapshot(s)" : "1 snapshot(s) of tag system=erp in");
        }
        Run nothingMatched = vault("find", "--host", host, "no-such-name");
        assertThat(nothingMatched.exit()).as("a pattern matching nothing is an answer").isZero();
        assertThat(nothingMatched.out()).isEqualTo("0 match(es) in 2 snapshot(s)\n");
    }

    /** `dump -o -` is stdout, as tar's and curl's: it wrote a file named "-", and the pipe got "dumped … to -", exit 0 (a tester's). */
    @Test
    void aDumpToDashGoesToStdout() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        String cwd = System.getProperty("user.dir");
        for (String dash : List.of("-o", "--output")) {
            Run dump = vault("dump", "latest", "data/report.txt", dash, "-");
            assertThat(dump.exit()).as(dump.err()).isZero();
            assertThat(dump.out()).isEqualTo(Files.readString(data.resolve("report.txt")));
            assertThat(Path.of(cwd, "-")).doesNotExist();
        }
        Run json = vault("dump", "latest", "data/report.txt", "--output=-", "--json");
        assertThat(json.exit()).isEqualTo(2);
        assertThat(json.err()).isEqualTo("opsledger: --json needs --output: the dump itself goes to stdout\n");
    }

    /**
     * `restore latest`, `ls latest` and `dump latest` in a repository two hosts write took the other host's newest and
     * never said which snapshot they used: web-1's operator restored web-2's config (a helper's). Restore names it (ID,
     * host, time) in its summary, journal and --json; ls and dump on stderr when the argument was 'latest' or a prefix.
     */
    @Test
    void restoreLsAndDumpNameTheSnapshotLatestOrAPrefixChose() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        JsonNode newest = vault("backup", data.toString(), "--allow-same-device", "--json").json();
        String id = newest.get("snapshot").asString();
        String named = "snapshot " + id.substring(0, 8) + " of " + Repository.hostname() + ", "
                + SnapshotsCommand.utc(java.time.Instant.parse(newest.get("record").get("time").asString()));

        Run restore = vault("restore", "latest", "--target", tmp.resolve("out").toString());
        assertThat(restore.exit()).as(restore.err()).isZero();
        assertThat(restore.out()).contains(" of " + named + " to " + tmp.resolve("out"));
        assertThat(vault("journal", "--operation", "restore", "--json").json().get("entries").get(0).get("detail").asString())
                .contains(named);
        JsonNode json = vault("restore", id.substring(0, 6), "--target", tmp.resolve("out2").toString(), "--json").json();
        assertThat(json.get("snapshot").asString()).isEqualTo(id);
        assertThat(json.get("hostname").asString()).isEqualTo(Repository.hostname());

        Run ls = vault("ls", "latest", "/data/report.txt");
        assertThat(ls.exit()).isZero();
        assertThat(ls.err()).isEqualTo("latest is " + named + "\n");
        assertThat(vault("ls", id.substring(0, 6)).err()).isEqualTo(id.substring(0, 6) + " is " + named + "\n");
        assertThat(vault("ls", id).err()).as("the whole ID names itself").isEmpty();
        Path dumped = tmp.resolve("report.txt");
        Run dump = vault("dump", "latest", "data/report.txt", "--output", dumped.toString());
        assertThat(dump.exit()).as(dump.err()).isZero();
        assertThat(dump.err()).isEqualTo("latest is " + named + "\n");
        assertThat(Files.readString(dumped)).isEqualTo(Files.readString(data.resolve("report.txt")));
    }

    /**
     * `restore --include 'app/uploads/*.txt'` said "matches nothing in snapshot …" while ls listed three matches (a helper's):
     * an include holding * ? or [ is a pattern, read as --exclude's are (a name anywhere, a whole path, a path's end), and
     * only the directories on the way to what it matches are restored.
     */
    @Test
    void anIncludeHoldingAGlobRestoresWhatItMatches() throws Exception {
        Path uploads = Files.createDirectories(data.resolve("uploads"));
        for (String name : List.of("file1.txt", "file2.txt", "other.bin")) {
            Files.writeString(uploads.resolve(name), name);
        }
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();

        Path out = tmp.resolve("out");
        Run some = vault("restore", "latest", "--target", out.toString(), "--include", "data/uploads/*.txt", "--verify");
        assertThat(some.exit()).as(some.err()).isZero();
        assertThat(names(out.resolve("data"))).containsExactly("uploads");
        assertThat(names(out.resolve("data/uploads"))).containsExactly("file1.txt", "file2.txt");
        assertThat(out.resolve("data/uploads/file2.txt")).hasContent("file2.txt");

        Path anywhere = tmp.resolve("anywhere");
        assertThat(vault("restore", "latest", "--target", anywhere.toString(), "--include", "*.txt").exit()).isZero();
        assertThat(names(anywhere.resolve("data"))).containsExactly("report.txt", "uploads");
        assertThat(names(anywhere.resolve("data/uploads"))).containsExactly("file1.txt", "file2.txt");

        Run none = vault("restore", "latest", "--target", tmp.resolve("none").toString(), "--include", "/data/*.pdf");
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).startsWith("opsledger: the include pattern data/*.pdf matches nothing in snapshot ");
        Run malformed = vault("restore", "latest", "--target", tmp.resolve("bad").toString(), "--include", "data/[");
        assertThat(malformed.exit()).as("a usage error, as a malformed --exclude").isEqualTo(2);
        assertThat(malformed.err()).isEqualTo("opsledger: --include data/[ is not a glob pattern: a '[' is not closed\n");
        assertThat(tmp.resolve("none")).doesNotExist();
        assertThat(tmp.resolve("bad")).doesNotExist();
    }

    @Test
    void aRestoreLeavesOutWhatItsExcludesMatch() {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        Run r = vault("restore", "latest", "--target", tmp.resolve("out").toString(), "--exclude", "*.txt", "--exclude", "/data/empty",
                "--verify");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).matches("restored 0 files, 1 dirs, 1 symlinks, 0 B of snapshot [0-9a-f]{8} of \\S+, [0-9-]+ [0-9:]+ UTC to "
                + java.util.regex.Pattern.quote(tmp.resolve("out").toString())
                + " in [0-9.]+ s; 2 path\\(s\\) left out by --exclude; verified\n");
        assertThat(tmp.resolve("out/data/report.txt")).doesNotExist();
        assertThat(Files.isSymbolicLink(tmp.resolve("out/data/link"))).isTrue();
        Run bad = vault("restore", "latest", "--target", tmp.resolve("out2").toString(), "--exclude", "[");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).isEqualTo("opsledger: --exclude [ is not a glob pattern: a '[' is not closed\n");
        assertThat(tmp.resolve("out2")).doesNotExist();
    }

    @Test
    void disposeDestroysTheKeysOnlyWhenConfirmedAndNothingHeldOrRetainedIsLost() {
        assertThat(vault("backup", data.toString(), "--allow-same-device", "--retain-until",
                java.time.LocalDate.now().plusYears(1).toString()).exit()).isZero();
        String id = vault("stats", "--json").json().get("id").asString();
        assertThat(vault("stats").out()).contains("(ID " + id + ")");
        assertThat(vault("dispose").err()).contains("Missing required option: '--confirm=REPOSITORY-ID'");
        Run retained = vault("dispose", "--confirm", id);
        assertThat(retained.exit()).isEqualTo(1);
        assertThat(retained.err()).startsWith("opsledger: 1 snapshot(s) are retained until today or later, or have no retention recorded, with no copy kept as long")
                .doesNotContain("\n ");
        assertThat(vault("snapshots", "--json").json().size()).as("a refusal changes nothing").isEqualTo(1);
        JsonNode refusal = vault("journal", "--operation", "dispose", "--json").json().get("entries");
        assertThat(refusal.size()).isEqualTo(1);
        assertThat(refusal.get(0).get("outcome").asString()).isEqualTo("failed");
        assertThat(refusal.get(0).get("detail").asString()).startsWith("1 snapshot(s) are retained until today or later");

        Path archive = tmp.resolve("archive");
        assertThat(run("vault", "init", "--repo", archive.toString(), "--password-file", pw.toString(), "--kdf-iterations", "100000")
                .exit()).isZero();
        assertThat(vault("copy", "latest", "--to", archive.toString()).exit()).isZero();
        Run disposed = vault("dispose", "--confirm", id, "--copies-in", archive.toString(), "--by", "records officer");
        assertThat(disposed.exit()).as(disposed.err()).isZero();
        assertThat(disposed.out()).startsWith("disposed of repository " + id + " at " + repo + ": its 2 key file(s) overwritten and"
                + " deleted; its 1 snapshot(s) in ").contains(", by records officer), then wipe or destroy the medium per IS.004\n");
        Run after = vault("snapshots");
        assertThat(after.exit()).isEqualTo(1);
        assertThat(after.err()).isEqualTo("opsledger: repository " + repo + " has no key slot: it was disposed of, or its keys/ were"
                + " deleted; nothing in it can be decrypted\n");
        assertThat(run("vault", "snapshots", "--repo", archive.toString(), "--password-file", pw.toString(), "--json").json().size())
                .as("the copy keeps what was retained").isEqualTo(1);
        // IS.012 6.6.6.4: the repository that keeps the copies keeps the record of the disposal; the refusal is in the one disposed of
        JsonNode record = run("vault", "journal", "--repo", archive.toString(), "--password-file", pw.toString(), "--operation", "dispose",
                "--json").json().get("entries");
        assertThat(record.size()).isEqualTo(1);
        assertThat(record.get(0).get("detail").asString()).startsWith("repository " + id + " at " + repo + " disposed of by records officer:"
                + " its 1 snapshot(s) in ").endsWith(" pack(s) can no longer be decrypted; the copies of those still retained are here");
        assertThat(record.get(0).get("paths").get(0).asString()).isEqualTo(repo.toString());
    }

    @Test
    void pathsAndExcludesCanComeFromFiles() throws Exception {
        Path other = Files.createDirectories(tmp.resolve("src/other"));
        Files.writeString(other.resolve("keep.txt"), "kept");
        Files.writeString(other.resolve("drop.log"), "dropped");
        Path list = Files.writeString(tmp.resolve("paths.txt"), "# what the configuration manages\n\n" + data + "\r\n" + other + "\n");
        Files.createDirectories(other.resolve("cache"));
        Files.writeString(other.resolve("cache/c"), "cached");
        // blanks around a pattern are the list's layout, as restic reads it: "*.log " excluded nothing (a helper's)
        Path ex = Files.writeString(tmp.resolve("excludes.txt"), "# logs are shipped elsewhere\n*.log \n  cache\n   # indented note\n");
        Run endless = vault("backup", "--files-from", "/dev/zero", "--allow-same-device");
        assertThat(endless.exit()).as("one endless line, not a list: refused, not out of memory").isEqualTo(2);
        assertThat(endless.err()).isEqualTo("opsledger: --files-from /dev/zero: line 1 holds a NUL byte: a list of paths or patterns is"
                + " one per line (make it with find -print, not -print0)\n");
        Path oneLine = Files.writeString(tmp.resolve("one-line"), "a".repeat(70_000));
        Run tooLong = vault("backup", "--files-from", oneLine.toString(), "--allow-same-device");
        assertThat(tooLong.exit()).isEqualTo(2);
        assertThat(tooLong.err()).isEqualTo("opsledger: --files-from " + oneLine + ": line 1 is longer than 65536 bytes: not a list"
                + " of paths or patterns\n");
        Run b = vault("backup", "--files-from", list.toString(), "--exclude-file", ex.toString(), "--allow-same-device", "--json");
        assertThat(b.exit()).as(b.err()).isZero();
        assertThat(b.json().get("record").get("paths")).extracting(n -> n.asString()).containsExactly(data.toString(), other.toString());
        String listing = vault("ls", "latest").out();
        assertThat(listing).contains("/other/keep.txt", "/data/report.txt").doesNotContain("drop.log").doesNotContain("/other/cache");

        Run missing = vault("backup", "--files-from", tmp.resolve("nope.txt").toString(), "--allow-same-device");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("opsledger: --files-from " + tmp.resolve("nope.txt") + ": no such file\n");
        Path empty = Files.writeString(tmp.resolve("empty.txt"), "# nothing yet\n");
        assertThat(vault("backup", "--files-from", empty.toString()).err()).contains("nothing to back up");
    }

    /**
     * A list saved with a UTF-8 byte order mark (Notepad, PowerShell 5's Out-File -Encoding utf8) kept U+FEFF on its
     * first line: the --exclude-file's first pattern matched nothing and the secret it names was backed up, exit 0, and a
     * --files-from list's first path was refused as a path no one could see (a tester's). Restic drops it; so does the vault.
     */
    @Test
    void aListSavedWithAByteOrderMarkReadsAsWithout() throws Exception {
        Path secret = Files.createDirectories(data.resolve("secret"));
        Files.writeString(secret.resolve("id_rsa"), "PRIVATE KEY");
        Files.writeString(data.resolve("scratch.tmp"), "scratch");
        Path excludes = Files.writeString(tmp.resolve("excludes.txt"), "\uFEFFsecret\r\n*.tmp\r\n");
        Path paths = Files.writeString(tmp.resolve("paths.txt"), "\uFEFF" + data + "\r\n");
        Run b = vault("backup", "--files-from", paths.toString(), "--exclude-file", excludes.toString(), "--allow-same-device");
        assertThat(b.exit()).as(b.err()).isZero();
        assertThat(vault("ls", "latest").out()).contains("/data/report.txt").doesNotContain("secret").doesNotContain("scratch.tmp");
    }

    /**
     * A list's line is bytes, as a name is: `find /srv > list` with one Latin-1 name in it was refused whole, "is not UTF-8
     * text", and a secret named in an --exclude-file could not be left out by it, where `--exclude $'key\xff'` could (a
     * re-tester's; restic reads both as bytes). A file that is no list still fails, naming why.
     */
    @Test
    void aListLineThatIsNotUtf8NamesTheBytesItHolds() throws Exception {
        Files.writeString(org.opsledger.vault.snapshot.FileNames.resolve(data, "caf\uDCE9.txt"), "old host");
        Files.writeString(org.opsledger.vault.snapshot.FileNames.resolve(data, "key\uDCFF"), "secret");
        Files.writeString(org.opsledger.vault.snapshot.FileNames.resolve(data, "key\uDCFE"), "other");
        java.io.ByteArrayOutputStream list = new java.io.ByteArrayOutputStream();
        list.writeBytes((data.resolve("report.txt") + "\n").getBytes(StandardCharsets.UTF_8));
        list.writeBytes((data + "/caf").getBytes(StandardCharsets.UTF_8));
        list.writeBytes(new byte[] {(byte) 0xe9, '.', 't', 'x', 't', '\n'});
        Path files = Files.write(tmp.resolve("files.txt"), list.toByteArray());
        Run fromList = vault("backup", "--files-from", files.toString(), "--allow-same-device", "--json");
        assertThat(fromList.exit()).as(fromList.err()).isZero();
        assertThat(fromList.json().get("record").get("paths")).hasSize(2);
        Path out = tmp.resolve("out");
        assertThat(vault("restore", "latest", "--target", out.toString()).exit()).isZero();
        try (var restored = Files.walk(out)) {
            assertThat(restored.filter(Files::isRegularFile).map(org.opsledger.vault.snapshot.FileNames::exactOf)).hasSize(2)
                    .anyMatch(p -> p.endsWith("/caf\uDCE9.txt")); // its bytes, not U+FFFD's
        }

        Path excludes = Files.write(tmp.resolve("excludes.txt"), new byte[] {'k', 'e', 'y', (byte) 0xff, '\r', '\n'});
        Run excluding = vault("backup", data.toString(), "--exclude-file", excludes.toString(), "--allow-same-device");
        assertThat(excluding.exit()).as(excluding.err()).isZero();
        Path all = tmp.resolve("all");
        assertThat(vault("restore", "latest", "--target", all.toString()).exit()).isZero();
        try (var restored = Files.walk(all)) {
            assertThat(restored.map(org.opsledger.vault.snapshot.FileNames::exactOf)).as("left out by its bytes")
                    .anyMatch(p -> p.endsWith("/key\uDCFE")).noneMatch(p -> p.endsWith("/key\uDCFF"));
        }

        byte[] noise = new byte[512]; // a binary file without a NUL byte
        new java.util.Random(7).nextBytes(noise);
        for (int i = 0; i < noise.length; i++) {
            noise[i] = noise[i] == 0 ? (byte) 0x80 : noise[i];
        }
        Path binary = Files.write(tmp.resolve("excludes.bin"), noise);
        Run fromBinary = vault("backup", data.toString(), "--exclude-file", binary.toString(), "--allow-same-device");
        assertThat(fromBinary.exit()).isEqualTo(2);
        assertThat(fromBinary.err()).matches("opsledger: --exclude-file " + binary + ": line [0-9]+ is not UTF-8 and holds a control"
                + " character: not a list of paths or patterns \\(a binary file\\?\\)\n");
        Path utf16 = Files.write(tmp.resolve("files16.txt"), ("\uFEFF" + data + "\r\n").getBytes(StandardCharsets.UTF_16LE));
        Run fromUtf16 = vault("backup", "--files-from", utf16.toString(), "--allow-same-device");
        assertThat(fromUtf16.exit()).isEqualTo(2);
        assertThat(fromUtf16.err()).isEqualTo("opsledger: --files-from " + utf16 + " is UTF-16 text (Windows PowerShell's > writes it):"
                + " save it as UTF-8 (Out-File -Encoding utf8)\n");
        assertThat(vault("snapshots", "--json").json()).as("no snapshot of a list that is none").hasSize(2);
    }

    /**
     * A pattern of an --exclude-file that does not parse is named by the file and its line: it was named as if it were an
     * --exclude, and a list of 200 lines had to be searched for it (an engineer's note).
     */
    @Test
    void aBadPatternOfAnExcludeFileIsNamedByItsFileAndLine() throws Exception {
        Path excludes = Files.writeString(tmp.resolve("excludes.txt"), "# caches\n*.tmp\n\n  [a-  \n");
        Run fromFile = vault("backup", data.toString(), "--exclude-file", excludes.toString(), "--allow-same-device");
        assertThat(fromFile.exit()).isEqualTo(2);
        assertThat(fromFile.err()).isEqualTo("opsledger: --exclude-file " + excludes + ": line 4: [a- is not a glob pattern: a '[' is not"
                + " closed\n");
        Run given = vault("backup", data.toString(), "--exclude", "[a-", "--exclude-file", excludes.toString(), "--allow-same-device");
        assertThat(given.exit()).isEqualTo(2);
        assertThat(given.err()).isEqualTo("opsledger: --exclude [a- is not a glob pattern: a '[' is not closed\n");
    }

    @Test
    void cacheDirectoriesAndTaggedOnesAreLeftOut() throws Exception {
        Path cache = Files.createDirectories(data.resolve("cache"));
        Files.writeString(cache.resolve("CACHEDIR.TAG"), "Signature: 8a477f597d28d172789f06886806bc55\n");
        Files.writeString(cache.resolve("blob"), "cached");
        Files.writeString(Files.createDirectories(data.resolve("tmp")).resolve(".nobackup"), "");
        Run b = vault("backup", data.toString(), "--allow-same-device", "--exclude-caches", "--exclude-if-present", ".nobackup");
        assertThat(b.exit()).as(b.err()).isZero();
        assertThat(b.out()).contains("2 directory(ies) left out for the file they hold (--exclude-if-present, --exclude-caches)");
        assertThat(vault("ls", "latest").out()).contains("/data/report.txt").doesNotContain("/data/cache").doesNotContain("/data/tmp");
        Run bad = vault("backup", data.toString(), "--allow-same-device", "--exclude-if-present", "a/b");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).isEqualTo("opsledger: --exclude-if-present a/b: the file name must be a plain name (no '/')\n");
    }

    @Test
    void lsOfAPathListsItAndWhatItHoldsOnly() throws Exception {
        Path other = Files.createDirectories(tmp.resolve("src/other"));
        Files.writeString(other.resolve("keep.txt"), "kept");
        assertThat(vault("backup", data.toString(), other.toString(), "--allow-same-device").exit()).isZero();

        Run dir = vault("ls", "latest", "/data/");
        assertThat(dir.exit()).as(dir.err()).isZero();
        assertThat(dir.out().lines().map(l -> l.substring(l.lastIndexOf("  ") + 2)))
                .containsExactly("/data", "/data/empty", "/data/link -> report.txt", "/data/report.txt");
        Run file = vault("ls", "latest", "data/report.txt", "--json");
        assertThat(file.json()).singleElement().satisfies(row -> {
            assertThat(row.get("path").asString()).isEqualTo("/data/report.txt");
            assertThat(row.get("size").asLong()).isEqualTo(180_000);
        });
        Run missing = vault("ls", "latest", "/data/nope");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).as("which snapshot 'latest' is, only when it is listed").startsWith("opsledger: no path data/nope in snapshot ")
                .endsWith("lists its paths)\n").hasLineCount(1);
        assertThat(missing.out()).isEmpty();
    }

    @Test
    void aFifoAndADeviceAreCountedListedAndRestoredAndASocketLeftOut() throws Exception {
        Process mkfifo = new ProcessBuilder("mkfifo", data.resolve("pickup").toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).isZero();
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            assertThat(new ProcessBuilder("mknod", "-m", "0666", data.resolve("null").toString(), "c", "1", "3").inheritIO().start()
                    .waitFor()).isZero();
        }
        try (var socket = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            socket.bind(java.net.UnixDomainSocketAddress.of(data.resolve("control.sock")));
            Run b = vault("backup", data.toString(), "--allow-same-device");
            assertThat(b.exit()).as(b.err()).isZero();
            assertThat(b.out()).contains(", 2 dirs, " + (root ? 2 : 1) + " FIFO(s) or device node(s), ")
                    .contains("1 socket(s) left out (the program that listens on one makes it again)");
        }
        assertThat(vault("ls", "latest", "/data/pickup").out()).startsWith("p    644 ");
        if (root) {
            assertThat(vault("ls", "latest", "/data/null").out()).startsWith("c    666          1,3  ");
            assertThat(vault("ls", "latest", "/data/null", "--json").json().get(0).get("device").asString()).isEqualTo("1,3");
        }
        Run r = vault("restore", "latest", "--target", tmp.resolve("out").toString(), "--verify");
        assertThat(r.out()).contains(" symlinks, " + (root ? 2 : 1) + " FIFO(s) or device node(s), ").contains("; verified");
        assertThat(Files.readAttributes(tmp.resolve("out/data/pickup"), "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS).get("mode"))
                .isEqualTo(0010644);
    }

    @Test
    void dumpWritesAFileToStdoutOrToANewFileAndNeverOverwrites() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        String report = Files.readString(data.resolve("report.txt"));

        Run piped = vault("dump", "latest", "data/report.txt");
        assertThat(piped.exit()).as(piped.err()).isZero();
        assertThat(piped.out()).isEqualTo(report);
        assertThat(piped.err()).matches("latest is snapshot [0-9a-f]{8} of \\S+, \\S+ \\S+ UTC\n"); // on stderr: stdout is the data

        Path file = tmp.resolve("report-again.txt");
        Run toFile = vault("dump", "latest", "/data/report.txt", "--output", file.toString());
        assertThat(toFile.exit()).as(toFile.err()).isZero();
        assertThat(toFile.out()).startsWith("dumped /data/report.txt of snapshot ").endsWith(": 175.78 KiB\n");
        assertThat(Files.readString(file)).isEqualTo(report);

        Run again = vault("dump", "latest", "data/report.txt", "--output", file.toString());
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err()).contains("already exists; the dump never overwrites");
        assertThat(Files.readString(file)).isEqualTo(report);

        Path tar = tmp.resolve("data.tar");
        Run dir = vault("dump", "latest", "data", "--output", tar.toString(), "--json");
        assertThat(dir.exit()).as(dir.err()).isZero();
        assertThat(dir.json().get("type").asString()).isEqualTo("dir");
        assertThat(dir.json().get("entries").asLong()).isEqualTo(4); // data/, empty/, link, report.txt
        assertThat(Files.size(tar)).isEqualTo(dir.json().get("bytes").asLong());

        Run missing = vault("dump", "latest", "data/nothing.txt", "--output", tmp.resolve("nothing").toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).as("which snapshot 'latest' is, only when it is dumped").startsWith("opsledger: no path data/nothing.txt in snapshot ")
                .hasLineCount(1);
        Run link = vault("dump", "latest", "data/link");
        assertThat(link.exit()).isEqualTo(1);
        assertThat(link.out()).isEmpty();
        assertThat(link.err()).startsWith("opsledger: data/link in snapshot ").contains(" is a symbolic link to report.txt; ").hasLineCount(1);
        assertThat(tmp.resolve("nothing")).as("nothing half-written is left").doesNotExist();
        assertThat(vault("dump", "latest", "data/report.txt", "--json").exit()).as("--json needs --output").isEqualTo(2);
        Run nowhere = vault("dump", "latest", "data/report.txt", "--output", tmp.resolve("no/such/dir/x").toString());
        assertThat(nowhere.exit()).isEqualTo(2);
        assertThat(nowhere.err()).isEqualTo("opsledger: --output " + tmp.resolve("no/such/dir/x") + ": its directory does not exist\n");
        // refused before the repository opens, as exit 2 is documented: each left a failed entry, exit 2 (h1's repro-8)
        assertThat(vault("journal", "--failed", "--json").json().get("entries")).extracting(e -> e.get("exitCode").asInt())
                .containsExactly(1, 1); // the missing path and the link
    }

    @Test
    void backupSnapshotsRestoreVerifyAndCheckEndToEnd() throws Exception {
        Run b = vault("backup", data.toString(), "--allow-same-device", "--owner", "finance", "--classification", "confidential",
                "--retain-until", "2031-12-31", "--tag", "system=erp", "--json");
        assertThat(b.exit()).as(b.err()).isZero();
        String id = b.json().get("snapshot").asString();

        Run list = vault("snapshots", "--json");
        JsonNode record = list.json().get(0).get("record");
        assertThat(record.get("dataOwner").asString()).isEqualTo("finance");
        assertThat(record.get("classification").asString()).isEqualTo("Confidential");
        assertThat(record.get("retainUntil").asString()).isEqualTo("2031-12-31");
        assertThat(record.get("storageLocation").asString()).isEqualTo(repo.toString());
        assertThat(record.get("sourceHost").asString()).isNotBlank();
        assertThat(record.get("time").asString()).isNotBlank();

        Run again = vault("backup", data.toString(), "--allow-same-device", "--json");
        assertThat(again.json().get("record").get("kind").asString()).isEqualTo("incremental");
        assertThat(again.json().get("record").get("summary").get("bytesRead").asLong()).isZero();

        Files.writeString(data.resolve("added.txt"), "new");
        Run third = vault("backup", data.toString(), "--allow-same-device", "--json");
        Run diff = vault("diff", id.substring(0, 8), "latest");
        assertThat(diff.exit()).as(diff.err()).isZero();
        assertThat(diff.out().lines().toList()).containsExactly("+    /data/added.txt",
                id.substring(0, 8) + " → " + third.json().get("snapshot").asString().substring(0, 8)
                        + ": 1 added, 0 removed, 0 modified, 0 changed type, 0 changed metadata");
        assertThat(vault("diff", "latest", id, "--json").json().get("changes").get(0).get("change").asString()).isEqualTo("removed");
        Files.delete(data.resolve("added.txt"));
        Run find = vault("find", "*.txt");
        assertThat(find.exit()).as(find.err()).isZero();
        assertThat(find.out()).contains("/data/report.txt", "/data/added.txt", "4 match(es) in 3 snapshot(s)");
        Run path = vault("find", "data/added.txt"); // it matched no name, and said "0 match(es)" (a helper's)
        assertThat(path.exit()).isEqualTo(2);
        assertThat(path.err()).isEqualTo("opsledger: find matches each file or directory name, not a path, and data/added.txt holds a '/':"
                + " give a name ('added.txt'); each match is listed with its path\n");
        assertThat(vault("find", "added.txt", "--json").json().get(0).get("snapshot").asString())
                .isEqualTo(third.json().get("snapshot").asString());

        Run ls = vault("ls", id.substring(0, 10));
        assertThat(ls.out()).contains("/data/report.txt").contains("/data/link -> report.txt").contains("/data/empty");
        assertThat(ls.out().lines().filter(l -> l.endsWith("/data/link -> report.txt"))).singleElement().asString()
                .startsWith("l    777") // as ls -l shows a link: `s` before, a socket there
                .matches(".* \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC  /data/link -> report.txt"); // said, as snapshots' header says it
        assertThat(find.out().lines().filter(l -> l.endsWith("/data/added.txt")).findFirst().orElseThrow())
                .matches("[0-9a-f]{8}  \\S+ \\S+ UTC  f +\\d+  \\S+ \\S+ UTC  /data/added.txt");

        Run restore = vault("restore", id, "--target", tmp.resolve("out").toString(), "--verify");
        assertThat(restore.exit()).as(restore.err()).isZero();
        assertThat(restore.out()).contains("verified");
        assertThat(Files.readString(tmp.resolve("out/data/report.txt"))).isEqualTo(Files.readString(data.resolve("report.txt")));

        Run check = vault("check", "--read-data");
        assertThat(check.exit()).isZero();
        assertThat(check.out()).contains("no errors were found");
        Run half = vault("check", "--read-data-subset", "50%");
        assertThat(half.exit()).isZero();
        assertThat(half.out()).contains("pack(s) from one chosen at random (no subset check before)");
        // each subset check goes on after the last pack the one before read, which its journal entry names (a helper's
        // ten checks of 10 % left two packs of ten unread, drawn anew each run)
        Run next = vault("check", "--read-data-subset", "1%");
        assertThat(next.out()).contains("read 1 pack(s) after those the last subset check read");
        assertThat(vault("check", "--read-data-subset", "1%").exit()).isZero();
        List<String> readTo = new java.util.ArrayList<>();
        vault("journal", "--json").json().get("entries").forEach(e -> {
            if (e.hasNonNull("readTo")) {
                readTo.add(e.get("readTo").asText());
            }
        });
        assertThat(readTo).hasSize(3).doesNotHaveDuplicates().allMatch(h -> h.matches("[0-9a-f]{64}"));
        for (String notAPercentage : List.of("10", "1/5", "10G", "%", "ten%")) { // restic's `10` is 10 bytes; a bare 10 was 10 %
            Run refused = vault("check", "--read-data-subset", notAPercentage);
            assertThat(refused.exit()).as(notAPercentage).isEqualTo(2);
            assertThat(refused.err()).isEqualTo("opsledger: --read-data-subset must be a percentage like 10%, got: " + notAPercentage + "\n");
        }

        Run stats = vault("stats", "--json");
        assertThat(stats.json().get("snapshots").asInt()).isEqualTo(3);
    }

    /** stats said "deduplication" and printed no ratio: what the snapshots hold as restored, over the unique data (a helper's). */
    @Test
    void statsGivesTheRestoreSizeOfAllSnapshotsAndTheDeduplicationAndCompressionRatios() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        assertThat(vault("backup", data.toString(), "--allow-same-device", "--full").exit()).isZero();
        Path other = Files.createDirectories(tmp.resolve("src/other/deeper"));
        Files.writeString(other.resolve("small.txt"), "12345");
        assertThat(vault("backup", other.getParent().toString(), "--allow-same-device").exit()).isZero();

        JsonNode stats = vault("stats", "--json").json();
        long report = Files.size(data.resolve("report.txt"));
        assertThat(stats.get("restoreFiles").asLong()).isEqualTo(3);
        assertThat(stats.get("restoreBytes").asLong()).isEqualTo(2 * report + 5);
        double dedup = stats.get("deduplicationRatio").asDouble();
        assertThat(dedup).isBetween(1.9, 2.0); // the one copy of report.txt, and the trees' few hundred bytes
        assertThat(stats.get("compressionRatio").asDouble()).isGreaterThan(10.0); // one line 10,000 times
        assertThat(vault("stats").out()).contains(String.format(java.util.Locale.ROOT, "deduplication %.2f×", dedup))
                .contains("in 3 files, all snapshots together");

        try (var packs = Files.walk(repo.resolve("data"))) { // every tree gone: no snapshot can be sized, and each is named
            for (Path p : packs.filter(Files::isRegularFile).toList()) {
                Files.delete(p);
            }
        }
        Run damaged = vault("stats");
        assertThat(damaged.exit()).isEqualTo(3);
        assertThat(damaged.err().lines().filter(l -> l.startsWith("warning: snapshot ") && l.contains(" is not counted: "))).hasSize(3);
        assertThat(damaged.out()).contains("0 B in 0 files").contains("deduplication none (nothing to compare)");
        assertThat(vault("stats", "--json").json().get("deduplicationRatio").isNull()).isTrue();
    }

    /** A snapshot of `snapshots --json` as a line of forget's plan names it: its short ID and its time. */
    private static String planned(JsonNode snapshot) {
        return snapshot.get("id").asString().substring(0, 8) + "  " + SnapshotsCommand.utc(java.time.Instant.parse(snapshot.get("record").get("time").asString()));
    }

    /**
     * Forget's plan names each snapshot's source, time and reason, with a count per source and in all: 20,000 lines of
     * "would remove 552136cd " (no reason) with no source, time or total were all an operator had (a helper's). --json
     * keeps its fields and adds the snapshot's time, host and paths.
     */
    @Test
    void forgetsPlanIsGroupedBySourceWithTimesReasonsAndTotals() throws Exception {
        Path other = Files.createDirectories(tmp.resolve("src/other"));
        Files.writeString(other.resolve("o.txt"), "o\n");
        for (Path p : List.of(data, data, data, other)) {
            assertThat(vault("backup", p.toString(), "--allow-same-device").exit()).isZero();
        }
        JsonNode all = vault("snapshots", "--json").json(); // oldest first
        assertThat(vault("hold", all.get(0).get("id").asString(), "--reason", "M-7").exit()).isZero();
        String ofData = Repository.hostname() + " " + data;
        String ofOther = Repository.hostname() + " " + other;
        Run dry = vault("forget", "--keep-last", "1", "--dry-run");
        assertThat(dry.exit()).as(dry.err()).isZero();
        assertThat(dry.out().lines()).containsExactly(
                ofOther + ":",
                "keep   " + planned(all.get(3)) + "  last 1",
                ofOther + ": would remove 0 of 1 snapshot(s)",
                ofData + ":",
                "keep   " + planned(all.get(2)) + "  last 1",
                "would remove " + planned(all.get(1)) + "  " + ForgetReport.NO_RULE,
                "keep   " + planned(all.get(0)) + "  legal hold",
                ofData + ": would remove 1 of 3 snapshot(s); 1 kept by legal holds",
                "would remove 1 of 4 snapshot(s); 1 kept by legal holds");
        JsonNode row = vault("forget", "--keep-last", "1", "--dry-run", "--json").json().get("snapshots").get(1); // the plan: newest first per source
        assertThat(row.get("id").asString()).isEqualTo(all.get(2).get("id").asString());
        assertThat(row.get("keep").asBoolean()).isTrue();
        assertThat(row.get("reasons")).extracting(JsonNode::asString).containsExactly("last 1");
        assertThat(row.get("time").asString()).isEqualTo(all.get(2).get("record").get("time").asString());
        assertThat(row.get("host").asString()).isEqualTo(Repository.hostname());
        assertThat(row.get("paths")).extracting(JsonNode::asString).containsExactly(data.toString());

        Run forget = vault("forget", "--keep-last", "1");
        assertThat(forget.exit()).as(forget.err()).isZero();
        assertThat(forget.out()).contains("remove " + planned(all.get(1)) + "  " + ForgetReport.NO_RULE + "\n")
                .endsWith(ofData + ": removed 1 of 3 snapshot(s); 1 kept by legal holds\nremoved 1 of 4 snapshot(s); 1 kept by legal holds\n");
    }

    @Test
    void forgetRemovesTheSnapshotsNamedButNeverAHeldOrRetainedOne() throws Exception {
        // restic's `forget ID`: a backup of the wrong path, data that must go; there was no way but a policy that matched it
        Path other = Files.createDirectories(tmp.resolve("src/other"));
        Files.writeString(other.resolve("secret.txt"), "not to be kept\n");
        for (Path p : List.of(data, data, other)) {
            assertThat(vault("backup", p.toString(), "--allow-same-device").exit()).isZero();
        }
        JsonNode all = vault("snapshots", "--json").json();
        String first = all.get(0).get("id").asString();
        String second = all.get(1).get("id").asString();
        String wrong = all.get(2).get("id").asString();

        assertThat(vault("forget", first, "--keep-last", "1").err()).isEqualTo(
                "opsledger: name the snapshots to remove or give --keep-* options, not both\n");
        assertThat(vault("forget", "0000000f").exit()).as("a mistyped ID removes nothing").isEqualTo(1);
        assertThat(vault("hold", second, "--reason", "M-7").exit()).isZero();
        Run refused = vault("forget", first.substring(0, 8), second.substring(0, 8));
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("opsledger: snapshot " + second.substring(0, 8) + " cannot be forgotten: legal hold (`vault release`"
                + " ends a hold); nothing was removed\n");
        assertThat(vault("amend", first, "--retain-until", "2099-01-01", "--reason", "audit").exit()).isZero();
        String amended = vault("snapshots", "--json").json().get(0).get("id").asString();
        assertThat(vault("forget", amended, "--dry-run").err()).contains("cannot be forgotten: retain until 2099-01-01; nothing was removed");
        assertThat(vault("snapshots", "--json").json().size()).isEqualTo(3);

        Run dry = vault("forget", "latest", "--path", other.toString(), "--dry-run");
        assertThat(dry.exit()).isZero();
        String source = Repository.hostname() + " " + other;
        assertThat(dry.out().lines()).containsExactly(source + ":", "would remove " + planned(all.get(2)) + "  named",
                source + ": would remove 1 of 1 snapshot(s)", "would remove 1 of 1 snapshot(s)");
        Run forget = vault("forget", "latest", "--path", other.toString(), "--prune");
        assertThat(forget.exit()).as(forget.err()).isZero();
        assertThat(forget.out()).startsWith(source + ":\nremove " + planned(all.get(2)) + "  named\n");
        assertThat(forget.err()).contains("warning: this removed every snapshot of " + Repository.hostname() + " " + other + "\n");
        assertThat(vault("snapshots", "--json").json()).extracting(n -> n.get("id").asString()).containsExactly(amended, second);
        JsonNode entry = vault("journal", "--operation", "forget", "--json").json().get("entries");
        // the mistyped ID, the hold's refusal
        assertThat(entry).extracting(n -> n.get("outcome").asString()).containsExactly("failed", "failed", "ok");
        assertThat(entry.get(0).get("detail").asString()).isEqualTo("no snapshot 0000000f");
        assertThat(entry.get(2).get("snapshots")).extracting(JsonNode::asString).containsExactly(wrong);
        assertThat(entry.get(2).get("detail").asString()).startsWith("removed 1 snapshot(s) named on its command line; prune: ");
        assertThat(vault("check", "--read-data").exit()).isZero();
    }

    /** A repair that lost the packs of a snapshot's trees as well as its data says so, not "needed by snapshot(s) ; file(s) ". */
    @Test
    void aRepairThatLostASnapshotsTreesTooSaysNoSnapshotCouldBeWalked() throws Exception {
        byte[] random = new byte[2_000_000];
        new java.util.Random(5).nextBytes(random);
        Files.write(data.resolve("big.bin"), random);
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        try (var packs = Files.walk(repo.resolve("data"))) {
            for (Path p : packs.filter(Files::isRegularFile).toList()) { // a copy taken before the backup wrote its packs
                Files.delete(p);
            }
        }
        Run dry = vault("repair", "--dry-run");
        assertThat(dry.out()).as(dry.err()).contains("  lost: needed by no snapshot whose trees could be read (`vault check` names those"
                + " it could not walk)").doesNotContain("needed by snapshot(s) ;");
    }

    @Test
    void aDamagedPackIsRepairedAndTheNextBackupHealsTheSnapshot() throws Exception {
        byte[] random = new byte[2_000_000];
        new java.util.Random(4).nextBytes(random);
        Files.write(data.resolve("big.bin"), random);
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        Path pack;
        try (var packs = Files.walk(repo.resolve("data"))) {
            pack = packs.filter(Files::isRegularFile).max(java.util.Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
        }
        try (var f = new java.io.RandomAccessFile(pack.toFile(), "rw")) { // the middle of the data pack: inside big.bin's blobs
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 1);
        }
        Run check = vault("check", "--read-data");
        assertThat(check.exit()).isEqualTo(1);
        assertThat(check.err()).endsWith("; `vault repair --read-data` repairs the index and takes damaged packs and snapshot files out of use\n");

        assertThat(vault("repair", "--read-data", "--read-data-subset", "5%").exit()).isEqualTo(2);
        Run dry = vault("repair", "--read-data", "--dry-run");
        assertThat(dry.exit()).as(dry.err()).isEqualTo(3);
        assertThat(dry.out()).contains("pack " + pack.getFileName() + " content does not match its SHA-256 name: ", "would be salvaged",
                "lost: needed by snapshot(s) ", "file(s) /data/big.bin");
        assertThat(pack).exists();
        Run repair = vault("repair", "--read-data", "--json");
        assertThat(repair.exit()).as(repair.err()).isEqualTo(3);
        assertThat(repair.json().get("blobsLost").asInt()).isEqualTo(1);
        assertThat(repair.json().get("result").get("packs").get(0).get("keptAs").asString()).isEqualTo("damaged/" + pack.getFileName());
        assertThat(pack).doesNotExist();

        Run after = vault("check", "--read-data");
        assertThat(after.exit()).isEqualTo(1);
        assertThat(after.out()).contains("/data/big.bin: blob ", "warning: damaged files kept under damaged/ by `vault repair` (1 pack(s))");
        assertThat(after.err()).endsWith("; a backup of the same sources stores lost blobs again (forget the snapshots whose sources are gone)\n");
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        assertThat(vault("check", "--read-data").exit()).isZero();
        Run nothing = vault("repair");
        assertThat(nothing.exit()).isZero();
        assertThat(nothing.out()).isEqualTo("repair: read 0 pack(s), 0 B; nothing to repair\n");
        String first = vault("snapshots", "--json").json().get(0).get("id").asString();
        Run restored = vault("restore", first, "--target", tmp.resolve("out").toString(), "--verify");
        assertThat(restored.exit()).as(restored.err()).isZero();
        assertThat(Files.readAllBytes(tmp.resolve("out/data/big.bin"))).isEqualTo(random);
    }

    /**
     * index/ lost, every pack whole: check's last line said "a backup of the same sources stores lost blobs again (forget the
     * snapshots whose sources are gone)", though nothing is lost and `vault repair` indexes every pack again (a tester's, h2).
     */
    @Test
    void aLostIndexSendsCheckToRepairNotToForget() throws Exception {
        byte[] random = new byte[2_000_000];
        new java.util.Random(5).nextBytes(random);
        Files.write(data.resolve("big.bin"), random);
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        try (var files = Files.list(repo.resolve("index"))) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Run check = vault("check");
        assertThat(check.exit()).isEqualTo(1);
        assertThat(check.err()).endsWith("; run `vault repair` first (it indexes packs whose index file was lost), then check again\n")
                .doesNotContain("forget");
        Run repair = vault("repair");
        assertThat(repair.exit()).as(repair.out() + repair.err()).isZero();
        assertThat(repair.out()).endsWith("nothing was lost\n");
        assertThat(vault("check", "--read-data").exit()).isZero();
    }

    /**
     * An index file with a damaged byte and the data pack cut short (an interrupted `rsync --partial`): repair rebuilt the index
     * from the packs' headers, the cut pack's did not read, and it said "nothing was lost", exit 0, journalled so, and the next
     * prune deleted the pack as an orphan (a tester's, h2). The blobs the snapshot needs and no index holds are lost, exit 3.
     */
    @Test
    void aRepairWhoseRebuiltIndexLacksWhatASnapshotNeedsSaysItIsLost() throws Exception {
        byte[] random = new byte[3_000_000];
        new java.util.Random(6).nextBytes(random);
        Files.write(data.resolve("big.bin"), random);
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        Path index;
        try (var files = Files.list(repo.resolve("index"))) {
            index = files.findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(index);
        bytes[40] ^= 1;
        Files.write(index, bytes);
        Path pack;
        try (var packs = Files.walk(repo.resolve("data"))) {
            pack = packs.filter(Files::isRegularFile).max(java.util.Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
        }
        try (var f = new java.io.RandomAccessFile(pack.toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
        Run repair = vault("repair", "--read-data");
        assertThat(repair.exit()).as(repair.out() + repair.err()).isEqualTo(3);
        assertThat(repair.out()).contains("pack " + pack.getFileName() + " in no index, and its header does not read: ",
                        "; kept as damaged/" + pack.getFileName(), "in no index: ", "  lost: needed by snapshot(s) ", "; file(s) /data/big.bin")
                .contains("blob(s) lost: back up the sources").doesNotContain("nothing was lost");
        assertThat(vault("journal").out()).contains("repair", "incomplete").doesNotContain("nothing was lost");
        assertThat(pack).doesNotExist();
        assertThat(repo.resolve("damaged/" + pack.getFileName())).exists();
    }

    @Test
    void aDamagedHeldSnapshotFileIsReleasedByIdThenTakenOutOfUseByRepairAndItsTreeRecovered() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        Files.writeString(data.resolve("only-in-the-second.txt"), "kept by recover");
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        String id = vault("snapshots", "--json").json().get(1).get("id").asString();
        assertThat(vault("hold", id, "--reason", "matter 12").exit()).isZero();
        Path file = repo.resolve("snapshots/" + id);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);
        assertThat(vault("forget", "--keep-within", "0d", "--prune").err()).contains("refusing to continue with an incomplete snapshot list");
        Run check = vault("check");
        assertThat(check.exit()).isEqualTo(1);
        assertThat(check.out()).contains("snapshots/" + id + " does not match its SHA-256 name (damaged or altered)");
        assertThat(check.err()).endsWith("; `vault repair --read-data` repairs the index and takes damaged packs and snapshot files out of use\n");

        Run left = vault("repair");
        assertThat(left.exit()).isEqualTo(3);
        assertThat(left.out()).isEqualTo("snapshots/" + id + " does not match its SHA-256 name (damaged or altered): left in place,"
                + " held (holds/" + id + "): its data stays, and forget and prune stay stopped, until the hold is released"
                + " (`vault release " + id.substring(0, 8) + "` works on it)\n"
                + "repair: read 0 pack(s), 0 B; nothing it can repair; 1 damaged file(s) left in place (above)\n");
        Run release = vault("release", id.substring(0, 8));
        assertThat(release.exit()).as(release.err()).isZero();
        assertThat(release.out()).isEqualTo("released the legal hold on snapshot " + id.substring(0, 8)
                + " (its snapshot file cannot be read: `vault repair` takes it out of use)\n");
        Run repair = vault("repair");
        assertThat(repair.exit()).isEqualTo(3);
        assertThat(repair.out()).startsWith("snapshots/" + id + " does not match its SHA-256 name (damaged or altered): kept as damaged/snapshots/"
                + id + "; its root tree's ID was in it: `vault recover`, before a prune, makes a snapshot of the trees no snapshot references\n")
                .endsWith("; 1 snapshot file(s) lost: forget and prune run again; run `vault recover` before a prune frees what only they referenced\n");

        Run recover = vault("recover", "--owner", "Payroll office", "--classification", "confidential");
        assertThat(recover.exit()).as(recover.err()).isZero();
        assertThat(recover.out()).matches("(?s)tree [0-9a-f]{64} is referenced by no snapshot\nrecover: 1 tree\\(s\\) recovered as snapshot [0-9a-f]{8}.*");
        JsonNode recoveredSnapshot = vault("snapshots", "--json").json().get(1);
        String recovered = recoveredSnapshot.get("id").asString();
        assertThat(recoveredSnapshot.get("record").get("dataOwner").asString()).isEqualTo("Payroll office");
        assertThat(recoveredSnapshot.get("record").get("classification").asString()).isEqualTo("Confidential");
        assertThat(recover.err()).contains("warning: the record of snapshot " + recovered.substring(0, 8) + " lacks retention (IS.012 6.6.5.1)");
        Run found = vault("find", "only-in-the-second.txt");
        assertThat(found.out()).contains(recovered.substring(0, 8)).contains("/data/only-in-the-second.txt");
        assertThat(vault("recover").out()).isEqualTo("recover: every tree is referenced by a snapshot; nothing to recover\n");
        // the journal keeps what each repair took out of use and what recover saved; a dry run writes none
        assertThat(vault("recover", "--dry-run").exit()).isZero();
        JsonNode mended = vault("journal", "--operation", "repair", "--operation", "recover", "--json").json().get("entries");
        assertThat(mended.size()).isEqualTo(4);
        assertThat(mended.get(0).get("outcome").asString()).isEqualTo("incomplete");
        assertThat(mended.get(0).get("detail").asString()).isEqualTo("repair: read 0 pack(s), 0 B; nothing it can repair; 1 damaged file(s) left in place");
        assertThat(mended.get(1).get("exitCode").asInt()).isEqualTo(3);
        assertThat(mended.get(1).get("detail").asString()).endsWith("; 1 snapshot file(s) lost: forget and prune run again; run `vault recover`"
                + " before a prune frees what only they referenced");
        assertThat(mended.get(2).get("detail").asString()).isEqualTo("recover: 1 tree(s) recovered as snapshot " + recovered.substring(0, 8));
        assertThat(mended.get(2).get("snapshots").get(0).asString()).isEqualTo(recovered);
        assertThat(mended.get(3).get("detail").asString()).isEqualTo("recover: every tree is referenced by a snapshot; nothing to recover");
        assertThat(vault("forget", "--keep-last", "2", "--prune").exit()).isZero();
        assertThat(vault("check", "--read-data").exit()).isZero();
    }

    /**
     * A key slot's label that is not verified showed as "(initial, label unverified)", which every entry before session 34
     * shows, and overflowed the journal's Key slot column: each such line's Snapshot(s) and Detail were pushed right (an
     * engineer's note). It is "(initial?)", in the column, and a line under the table says what '?' means.
     */
    @Test
    void anUnverifiedKeySlotLabelKeepsTheJournalsColumns() throws Exception {
        Path keys = repo.resolve("keys");
        Path slot = keys.resolve(names(keys).getFirst());
        String written = Files.readString(slot);
        Files.delete(slot);
        Files.writeString(slot, written.replaceAll(",?\"labelsMac\":\"[^\"]*\"", "")); // a slot an older build added
        Run b = vault("backup", data.toString(), "--allow-same-device", "--json");
        assertThat(b.exit()).as(b.err()).isZero();
        String id = b.json().get("snapshot").asString().substring(0, 8);
        List<String> lines = vault("journal").out().lines().toList();
        String backup = lines.stream().filter(l -> l.contains(" backup ")).findFirst().orElseThrow();
        assertThat(backup).contains(" (initial?)  ");
        assertThat(backup.indexOf(id)).as(backup).isEqualTo(lines.getFirst().indexOf("Snapshot(s)"));
        assertThat(lines).contains("a key slot's label with '?' is unverified (a slot an older build added, an entry an older build"
                + " wrote, or a label changed in the store): go by the slot's ID (`vault key list`)");
    }

    /**
     * IS.012 6.6.7: a hold's reason is the record of why, and names its matter: `hold --reason " legal case 42 "` kept the
     * blanks, a second matter beside "legal case 42", and a release had to name it with them (an earlier session's finding).
     * A reason is taken without the blanks around it, by hold and by release alike; one of blanks alone is refused.
     */
    @Test
    void aHoldsReasonIsTakenWithoutTheBlanksAroundIt() {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        Run held = vault("hold", "latest", "--reason", " legal case 42 ", "--by", "counsel", "--json");
        assertThat(held.exit()).as(held.err()).isZero();
        assertThat(held.json().get("reason").asString()).isEqualTo("legal case 42");
        assertThat(vault("hold", "latest", "--reason", "legal case 42").out()).contains(" is held for legal case 42 already (since ");
        assertThat(vault("snapshots", "--json").json().get(0).get("heldFor").toString()).isEqualTo("[\"legal case 42\"]");
        assertThat(vault("journal", "--operation", "hold", "--json").json().get("entries")).extracting(n -> n.get("detail").asString())
                .containsExactly("legal hold placed by counsel for legal case 42");
        Run blank = vault("release", "latest", "--reason", "  ");
        assertThat(blank.exit()).isEqualTo(2);
        assertThat(blank.err()).isEqualTo("opsledger: --reason is empty: name the matter to release, as its hold's reason says, or leave"
                + " --reason out\n");
        Run released = vault("release", "latest", "--reason", "legal case 42  ");
        assertThat(released.exit()).as(released.err()).isZero();
        assertThat(vault("snapshots", "--json").json().get(0).get("held").asBoolean()).isFalse();
    }

    /**
     * --by is taken without the blanks around it, as --reason is (it was kept with them); and a hold an older build placed
     * with blanks around its reason is named by `release --reason` without them, where "is not held for legal case 43"
     * left it for ever to a release that typed them exactly (an engineer's note).
     */
    @Test
    void aHoldersNameIsTakenWithoutBlanksAndAnOlderHoldsReasonIsNamedWithoutThem() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        try (Repository r = Repository.open(new org.opsledger.vault.backend.LocalBackend(repo), Files.readString(pw).strip().toCharArray())) {
            r.hold(r.findSnapshot("latest"), " legal case 43 ", "counsel"); // as a build before session 34 took --reason
        }
        Run held = vault("hold", "latest", "--reason", "matter B", "--by", "  records office ");
        assertThat(held.exit()).as(held.err()).isZero();
        assertThat(vault("journal", "--operation", "hold", "--json").json().get("entries")).extracting(n -> n.get("detail").asString())
                .containsExactly("legal hold placed by records office for matter B");
        Run released = vault("release", "latest", "--reason", "legal case 43");
        assertThat(released.exit()).as(released.err()).isZero();
        assertThat(released.out()).contains(" for legal case 43; it stays under legal hold ");
        assertThat(vault("snapshots", "--json").json().get(0).get("heldFor").toString()).isEqualTo("[\"matter B\"]");
        assertThat(vault("release", "latest", "--reason", "matter B").exit()).isZero();

        try (Repository r = Repository.open(new org.opsledger.vault.backend.LocalBackend(repo), Files.readString(pw).strip().toCharArray())) {
            r.hold(r.findSnapshot("latest"), "legal case 44 ", "counsel"); // the one matter: the journal is read for others
        }
        Run last = vault("release", "latest", "--reason", "legal case 44");
        assertThat(last.exit()).as(last.err()).isZero();
        assertThat(vault("snapshots", "--json").json().get(0).get("held").asBoolean()).isFalse();
    }

    @Test
    void aHeldSnapshotSurvivesForgetKeepWithinZeroPrune() {
        vault("backup", data.toString(), "--allow-same-device");
        String held = vault("snapshots", "--json").json().get(0).get("id").asString();
        vault("backup", data.toString(), "--allow-same-device", "--full");
        assertThat(vault("hold", held.substring(0, 8), "--reason", "matter 2026-41").exit()).isZero();
        Run forget = vault("forget", "--keep-within", "0d", "--prune", "--json");
        assertThat(forget.exit()).as(forget.err()).isZero();
        Run list = vault("snapshots", "--json");
        assertThat(list.json().size()).isEqualTo(1);
        assertThat(list.json().get(0).get("id").asString()).isEqualTo(held);
        assertThat(list.json().get(0).get("held").asBoolean()).isTrue();
        assertThat(vault("restore", held, "--target", tmp.resolve("out").toString(), "--verify").exit()).isZero();
        // a second matter: released for one, held for the other (IS.012 6.6.7)
        assertThat(vault("hold", held, "--reason", "audit AUD-9").out())
                .startsWith("snapshot " + held.substring(0, 8) + " is under legal hold for 2 matters: \"matter 2026-41\", \"audit AUD-9\"\n");
        assertThat(vault("snapshots").out()).contains("  [legal hold: 2 matters]\n");
        Run again = vault("hold", held, "--reason", "audit AUD-9");
        assertThat(again.out()).startsWith("snapshot " + held.substring(0, 8) + " is held for audit AUD-9 already (since ")
                .endsWith(" UTC, by " + System.getProperty("user.name") + "): nothing changed\n");
        assertThat(vault("journal", "--operation", "hold", "--json").json().get("entries")).as("a hold that changed nothing writes no entry")
                .extracting(n -> n.get("detail").asString()).containsExactly("legal hold placed by " + System.getProperty("user.name")
                        + " for matter 2026-41", "legal hold placed by " + System.getProperty("user.name") + " for audit AUD-9");
        // a reason that holds "; " read as two matters (a helper's): each of several is quoted
        assertThat(vault("hold", held, "--reason", "case-1; case-2").out()).startsWith("snapshot " + held.substring(0, 8) + " is under"
                + " legal hold for 3 matters: \"matter 2026-41\", \"audit AUD-9\", \"case-1; case-2\"\n");
        assertThat(vault("release", held, "--reason", "case-1; case-2").exit()).isZero();
        Run which = vault("release", held);
        assertThat(which.exit()).isEqualTo(1);
        assertThat(which.err()).isEqualTo("opsledger: snapshot " + held.substring(0, 8) + " is under legal hold for 2 matters"
                + " (\"matter 2026-41\", \"audit AUD-9\"): name the one to release by its reason; the others stay\n");
        Run one = vault("release", held, "--reason", "audit AUD-9");
        assertThat(one.out()).isEqualTo("released the legal hold on snapshot " + held.substring(0, 8) + " for audit AUD-9;"
                + " it stays under legal hold for matter 2026-41\n");
        assertThat(vault("forget", "--keep-within", "0d", "--prune").exit()).isZero();
        assertThat(vault("snapshots", "--json").json().get(0).get("heldFor").toString()).isEqualTo("[\"matter 2026-41\"]");
        assertThat(vault("release", held, "--json").json().get("stillHeldFor").size()).isZero();
        Run floor = vault("forget", "--keep-within", "0d", "--keep-last", "1", "--dry-run");
        assertThat(floor.out()).contains("keep   " + held.substring(0, 8) + "  ").contains(" UTC  last 1\n");
        assertThat(floor.err()).as("the newest is kept: no warning").isEmpty();
        Run all = vault("forget", "--keep-within", "0d", "--prune");
        assertThat(all.err()).contains("warning: this removed every snapshot of ").contains(" " + data
                + "; have its backups stopped? (--keep-last N keeps the newest N whatever their age)");
        assertThat(vault("snapshots", "--json").json().size()).isZero();
    }

    /**
     * A policy applied to the snapshots one tag selects warns that a source is left without a snapshot only when it is: it
     * warned so of a source that kept every snapshot the tag did not select (a helper's), the line an alert greps for.
     */
    @Test
    void aPolicyUnderATagWarnsOfASourceLeftEmptyOnlyWhenItIs() {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isIn(0, 3);
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isIn(0, 3);
        assertThat(vault("backup", data.toString(), "--allow-same-device", "--tag", "job=adhoc").exit()).isIn(0, 3);
        Run some = vault("forget", "--tag", "job=adhoc", "--keep-within", "0d");
        assertThat(some.exit()).as(some.err()).isZero();
        assertThat(some.out()).contains("removed 1 of 1 snapshot(s)");
        assertThat(some.err()).as("two snapshots of the source are left").doesNotContain("every snapshot");
        assertThat(vault("snapshots", "--json").json().size()).isEqualTo(2);
        Run rest = vault("forget", "--keep-within", "0d", "--dry-run");
        assertThat(rest.err()).contains("warning: this would remove every snapshot of ");
    }

    /** IS.012 6.6.5: a backup record given without its owner is corrected afterwards, and says so; a wrong one changes nothing. */
    @Test
    void amendCorrectsARecordAndRefusesToShortenItsRetentionOrTouchAHeldOne() {
        String until = java.time.LocalDate.now().plusYears(1).toString();
        Run backup = vault("backup", data.toString(), "--allow-same-device", "--classification", "internal", "--retain-until", until, "--tag", "ticket=CHG-1");
        assertThat(backup.exit()).isZero();
        JsonNode incomplete = vault("snapshots", "--json").json().get(0);
        String before = incomplete.get("id").asString();
        assertThat(incomplete.get("recordLacks").toString()).isEqualTo("[\"data owner\"]");
        assertThat(vault("snapshots").out()).endsWith("; 1 record(s) lack an owner, classification or retention (IS.012 6.6.5.1:"
                + " `vault amend` completes them)\n");
        assertThat(backup.err()).contains("warning: the record of snapshot " + before.substring(0, 8) + " lacks data owner (IS.012 6.6.5.1)");
        assertThat(vault("check").out()).contains("1 snapshot record(s) lack what IS.012 6.6.5.1 asks (first: " + before.substring(0, 8)
                + " lacks data owner); `vault amend` completes them");

        Run shorter = vault("amend", "latest", "--retain-until", java.time.LocalDate.now().plusDays(1).toString(), "--reason", "typo");
        assertThat(shorter.exit()).isEqualTo(1);
        assertThat(shorter.err().strip()).startsWith("opsledger: snapshot " + before.substring(0, 8) + " is retained until " + until
                + ": retention is lengthened, never shortened").doesNotContain("\n");
        assertThat(vault("amend", "latest", "--owner", "x").err()).contains("Missing required option: '--reason=<reason>'");
        assertThat(vault("amend", "latest", "--add-tag", "amended-from=00", "--reason", "x").err().strip())
                .isEqualTo("opsledger: --add-tag amended-from is written by the vault itself (by copy, tier, recover, amend, rewrite and key retire), not by hand");
        assertThat(vault("amend", "latest", "nope", "--owner", "x", "--reason", "x").exit()).as("a mistyped ID amends nothing").isEqualTo(1);
        assertThat(vault("snapshots", "--json").json().get(0).get("id").asString()).isEqualTo(before);

        Run amend = vault("amend", "latest", before.substring(0, 8), "--owner", "Finance records office", "--classification", "CONFIDENTIAL",
                "--remove-tag", "ticket", "--reason", "owner left out at backup (INC-88)", "--by", "auditor", "--json");
        assertThat(amend.exit()).as(amend.err()).isZero();
        assertThat(amend.json().size()).as("'latest' and its ID name one snapshot").isEqualTo(1);
        assertThat(amend.json().get(0).get("replaced").asString()).isEqualTo(before);
        String after = amend.json().get(0).get("snapshot").asString();
        JsonNode listed = vault("snapshots", "--json").json();
        assertThat(listed.size()).isEqualTo(1);
        assertThat(listed.get(0).get("id").asString()).isEqualTo(after);
        assertThat(listed.get(0).get("recordLacks").size()).isZero();
        assertThat(vault("snapshots").out()).doesNotContain("IS.012 6.6.5.1");
        JsonNode record = listed.get(0).get("record");
        assertThat(record.get("dataOwner").asString()).isEqualTo("Finance records office");
        assertThat(record.get("classification").asString()).isEqualTo("Confidential");
        assertThat(record.get("tags").has("ticket")).isFalse();
        assertThat(record.get("tags").get("amended-from").asString()).isEqualTo(before);
        assertThat(record.get("tags").get("amended").asString()).endsWith(" by auditor: owner left out at backup (INC-88)");
        assertThat(vault("restore", "latest", "--target", tmp.resolve("out").toString(), "--verify").exit()).isZero();
        assertThat(vault("check").out()).doesNotContain("IS.012 6.6.5.1");

        assertThat(vault("hold", after.substring(0, 8), "--reason", "matter 2026-41").exit()).isZero();
        Run held = vault("amend", "latest", "--owner", "someone else", "--reason", "x");
        assertThat(held.exit()).isEqualTo(1);
        assertThat(held.err()).contains("is under legal hold (IS.012 6.6.7): its record stays as it is until the hold is released");
        assertThat(vault("snapshots", "--json").json().get(0).get("id").asString()).isEqualTo(after);
    }

    @Test
    void errorsAreOneLineWithANonZeroExitAndLeaveTheRepositoryIntact() throws Exception {
        vault("backup", data.toString(), "--allow-same-device");
        Path wrong = Files.writeString(tmp.resolve("wrong"), "nope");
        Run bad = run("vault", "snapshots", "--repo", repo.toString(), "--password-file", wrong.toString());
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err().lines().toList()).hasSize(1);
        assertThat(bad.err()).startsWith("opsledger: wrong password");

        Run zero = run("vault", "snapshots", "--repo", repo.toString(), "--password-file", "/dev/zero");
        assertThat(zero.exit()).isEqualTo(2);
        assertThat(zero.err().lines().toList())
                .containsExactly("opsledger: password file /dev/zero is larger than 4096 bytes: not a password file");

        Run missing = run("vault", "snapshots", "--repo", tmp.resolve("absent").toString(), "--password-file", pw.toString());
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.err().lines().toList()).containsExactly("opsledger: no vault repository at " + tmp.resolve("absent"));

        // an unset variable in a script: never the working directory, never "the one snapshot there is"
        long entries = vault("journal", "--json").json().get("entries").size();
        for (String[] empty : new String[][] {{"backup", "", "--allow-same-device"}, {"restore", "latest", "--target", ""},
                {"snapshots", "--path", ""}, {"backup", "--stdin", "--stdin-name", "../etc/x"},
                {"backup", "/srv/a/data", "/srv/b/data", "--allow-same-device"}, {"backup", "/", "--allow-same-device"}}) {
            Run refused = vault(empty);
            assertThat(refused.exit()).as(String.join(" ", empty)).isEqualTo(2);
            assertThat(refused.err().lines().toList()).as(String.join(" ", empty)).hasSize(1);
        }
        Run tooLong = vault("forget", "--keep-within", "99999999999y", "--dry-run");
        assertThat(tooLong.exit()).isEqualTo(2);
        assertThat(tooLong.err()).isEqualTo("opsledger: --keep-within: duration is longer than 1000 years, got: 99999999999y\n");
        Run nameless = vault("backup", data.toString(), "--allow-same-device", "--tag", "=v");
        assertThat(nameless.exit()).isEqualTo(2);
        assertThat(nameless.err()).isEqualTo("opsledger: --tag =v: a tag is NAME=VALUE, a name and a value of one line each, without"
                + " control characters\n");
        Run tab = vault("backup", data.toString(), "--allow-same-device", "--tag", "k=a\tb");
        assertThat(tab.err()).as("the tab escaped once, not its backslash again").isEqualTo("opsledger: --tag k=a\\tb: a tag is"
                + " NAME=VALUE, a name and a value of one line each, without control characters\n");
        assertThat(vault("backup", data.toString(), "--allow-same-device", "--tag", "k=\\a", "--tag", "k=\\b").err())
                .isEqualTo("opsledger: --tag k is given two values (\\\\a, \\\\b): a snapshot carries one value of each tag\n");
        assertThat(vault("ls", "").err()).isEqualTo("opsledger: the snapshot ID is empty: give an ID, a prefix of one, or 'latest'\n");
        assertThat(vault("key", "remove", "").err()).isEqualTo("opsledger: the key slot ID is empty: `vault key list` lists them\n");
        assertThat(vault("journal", "--json").json().get("entries").size()).as("a command line refused: no source made up")
                .isEqualTo(entries + 1); // the key removal's refusal, a failed key entry as any

        Run sameDevice = vault("backup", data.toString());
        assertThat(sameDevice.exit()).isNotZero();
        assertThat(sameDevice.err().lines().toList()).hasSize(1);
        assertThat(sameDevice.err()).contains("IS.012 6.6.6");

        Run failed = vault("backup", "--stdin-from-command", "--stdin-name", "db.sql", "--", "sh", "-c", "echo half a dump; exit 4");
        assertThat(failed.exit()).isNotZero();
        assertThat(failed.err()).contains("exited with status 4");
        Run noProgram = vault("backup", "--stdin-from-command", "--stdin-name", "db.sql", "--", "/usr/bin/no-such-pg_dump");
        assertThat(noProgram.exit()).isEqualTo(1);
        assertThat(noProgram.err()).as("its base name: the journal keeps the line").isEqualTo("opsledger: cannot run no-such-pg_dump: No such file or directory\n");
        Run dump = vault("backup", "--stdin-from-command", "--stdin-name", "db.sql", "--", "sh", "-c", "seq 1 50000");
        assertThat(dump.exit()).as(dump.err()).isZero();
        assertThat(vault("snapshots", "--json").json().size()).isEqualTo(2);
        assertThat(vault("check", "--read-data").exit()).isZero();

        Run badGlob = vault("backup", data.toString(), "--allow-same-device", "--exclude", "[");
        assertThat(badGlob.exit()).isEqualTo(2);
        assertThat(badGlob.err().lines().toList()).containsExactly("opsledger: --exclude [ is not a glob pattern: a '[' is not closed");
        Run noThreads = vault("restore", "latest", "--target", tmp.resolve("t").toString(), "--threads", "0");
        assertThat(noThreads.exit()).isEqualTo(2);
        assertThat(noThreads.err().lines().toList()).containsExactly("opsledger: --threads must be between 1 and 64, got: 0");
        assertThat(tmp.resolve("t")).doesNotExist();

        Run past = vault("backup", data.toString(), "--allow-same-device", "--retain-until", "2020-12-31");
        assertThat(past.exit()).isEqualTo(2);
        assertThat(past.err().lines().toList()).containsExactly("opsledger: --retain-until 2020-12-31 is in the past:"
                + " forget keeps a snapshot through its retention date, and that one has ended everywhere");
        Path nul = Files.write(tmp.resolve("list0"), "/a\0/b\0".getBytes(StandardCharsets.UTF_8)); // find -print0
        Run listWithNul = vault("backup", "--files-from", nul.toString(), "--allow-same-device");
        assertThat(listWithNul.exit()).isEqualTo(2);
        assertThat(listWithNul.err()).startsWith("opsledger: --files-from " + nul + ": line 1 holds a NUL byte");
        Run twice = vault("backup", data.toString(), data.toString(), "--allow-same-device");
        assertThat(twice.exit()).isEqualTo(2);
        assertThat(twice.err()).isEqualTo("opsledger: the path " + data + " is given twice\n");
        Run noTarget = vault("copy", "latest", "--to", "");
        assertThat(noTarget.exit()).isEqualTo(2);
        assertThat(noTarget.err()).isEqualTo("opsledger: --to is empty: name a repository (a directory or s3://bucket/prefix)\n");
        Run forever = vault("backup", data.toString(), "--allow-same-device", "--retain-until", "+999999999-12-31"); // a helper's
        assertThat(forever.exit()).isEqualTo(2);
        assertThat(forever.err()).isEqualTo("opsledger: --retain-until must be a date like 2031-12-31, got: +999999999-12-31\n");
        Run tooFar = vault("backup", data.toString(), "--allow-same-device", "--retain-until", "9999-12-31");
        assertThat(tooFar.exit()).isEqualTo(2);
        assertThat(tooFar.err()).contains("is more than 100 years away: a retention is never shortened once set");
        Run badClass = vault("backup", data.toString(), "--allow-same-device", "--classification", "secret-ish");
        assertThat(badClass.exit()).isEqualTo(2);
        assertThat(badClass.err().lines().toList()).hasSize(1);

        Run costly = run("vault", "init", "--repo", tmp.resolve("costly").toString(), "--password-file", pw.toString(),
                "--kdf-iterations", "20000000");
        assertThat(costly.exit()).isEqualTo(2);
        assertThat(costly.err().lines().toList())
                .containsExactly("opsledger: --kdf-iterations: PBKDF2 iterations must be between 100000 and 10000000, got 20000000");
        assertThat(tmp.resolve("costly")).doesNotExist();
        Files.writeString(repo.resolve("keys/00000"), "garbage"); // written by someone else: listed, never tried
        // a slot without its time of creation, or of a year past 999,999,999, or under a short name stopped `key list` (a helper's)
        String slot;
        try (var slots = Files.list(repo.resolve("keys"))) {
            slot = Files.readString(slots.filter(f -> f.getFileName().toString().length() == 32).findFirst().orElseThrow());
        }
        Files.writeString(repo.resolve("keys/00001"), slot.replaceFirst(",?\"created\":\"[^\"]*\"", ""));
        Files.writeString(repo.resolve("keys/00002"), slot.replaceFirst("\"created\":\"[^\"]*\"", "\"created\":\"+999999999-01-01T00:00:00Z\""));
        Files.writeString(repo.resolve("keys/x"), slot);
        // nor one of a time no Instant holds, or not a time at all: "not a key slot", the right password refused (a re-tester's)
        Files.writeString(repo.resolve("keys/00003"), slot.replaceFirst("\"created\":\"[^\"]*\"", "\"created\":-9223372036854775808"));
        Files.writeString(repo.resolve("keys/00004"), slot.replaceFirst("\"created\":\"[^\"]*\"", "\"created\":{}"));
        Run list = vault("key", "list");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains("00000  unreadable: not a key slot: Unrecognized token 'garbage'");
        // their time of creation is a label: shown as "-", and the password still opens the repository through them
        assertThat(list.out().lines().filter(l -> l.matches("0000[1-4]  .*")))
                .hasSize(4).allMatch(l -> l.contains("  -  ") && !l.contains("unreadable"));
        assertThat(list.out().lines().filter(l -> l.startsWith("x  "))).hasSize(1);
        Files.delete(repo.resolve("keys/x"));

        Files.writeString(repo.resolve("locks/left-behind"), // a backup killed an hour ago
                "{\"kind\":\"backup\",\"host\":\"db1\",\"pid\":42,\"started\":\"2026-01-01T00:00:00Z\",\"refreshed\":\"2026-01-01T00:00:30Z\"}");
        Run unlock = vault("unlock");
        assertThat(unlock.exit()).as(unlock.err()).isZero();
        assertThat(unlock.out().lines().toList()).containsExactly(
                "removed locks/left-behind: stale, backup on db1 (pid 42), refreshed 2026-01-01T00:00:30Z",
                "unlock: 1 lock file(s) removed, 0 live lock(s) kept");
        assertThat(repo.resolve("locks/left-behind")).doesNotExist();
        assertThat(vault("unlock").out()).isEqualTo("unlock: 0 lock file(s) removed, 0 live lock(s) kept\n");
        JsonNode unlocked = vault("journal", "--operation", "unlock", "--json").json().get("entries");
        assertThat(unlocked.size()).as("one that removed nothing leaves no entry").isEqualTo(1);
        assertThat(unlocked.get(0).get("detail").asString()).isEqualTo("unlock: 1 lock file(s) removed, 0 live lock(s) kept: locks/left-behind:"
                + " stale, backup on db1 (pid 42), refreshed 2026-01-01T00:00:30Z");
    }

    /**
     * Unlock names each live lock it keeps, with its kind, host, pid, user and last refresh, and when it removes it: another
     * user's backup killed with kill -9 left "0 lock file(s) removed, 1 live lock(s) kept", naming nothing (a tester's).
     */
    @Test
    void unlockNamesEachLiveLockItKeepsAndWhenItRemovesIt() throws Exception {
        String refreshed = java.time.Instant.now().minusSeconds(3 * 60 + 5).toString();
        Files.writeString(Files.createDirectories(repo.resolve("locks")).resolve("killed"), "{\"kind\":\"backup\",\"host\":\"db2\",\"pid\":43,\"started\":\"" + refreshed
                + "\",\"refreshed\":\"" + refreshed + "\",\"holder\":{\"table\":\"another/host\",\"uid\":0,\"startTick\":7}}");
        Run unlock = vault("unlock");
        assertThat(unlock.exit()).as(unlock.err()).isZero();
        assertThat(unlock.out().lines().toList()).containsExactly("kept locks/killed: a backup on db2 (pid 43, user root, its lock"
                + " refreshed 3 min ago; if that process is gone, `vault unlock` removes the lock 10 min after its last refresh)",
                "unlock: 0 lock file(s) removed, 1 live lock(s) kept");
        assertThat(vault("unlock", "--json").json().get("kept").get(0).asString()).startsWith("locks/killed: a backup on db2 (pid 43, user root,");
    }

    /**
     * An extended attribute whose name is not UTF-8 is left out with a warning, exit 3, and the summary says so: the
     * backup dropped all of the file's attributes and said nothing, exit 0 (a helper's).
     */
    @Test
    void anExtendedAttributeLeftOutIsAWarningWithExitCodeThree() throws Exception {
        Path file = Files.writeString(data.resolve("tagged.txt"), "tagged");
        Path dumped = Files.writeString(tmp.resolve("xattrs"), "# file: " + file + "\nuser.good=\"keepme\"\nuser.caf\\351=\"latin1\"\n");
        Process setfattr = new ProcessBuilder("setfattr", "--restore=" + dumped).redirectErrorStream(true).start();
        assertThat(setfattr.waitFor()).as(new String(setfattr.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        Run b = vault("backup", data.toString(), "--allow-same-device");
        assertThat(b.exit()).as(b.err()).isEqualTo(3);
        assertThat(b.err()).contains("warning: " + file + ": 1 extended attribute(s) left out: its name is not UTF-8");
        assertThat(b.out()).contains("incomplete snapshot: 1 path(s) vanished, could not be read, changed while read, have a time the tree"
                + " cannot keep or an extended attribute left out (listed on stderr)");
    }

    @Test
    void aVanishedFileIsAWarningWithExitCodeThreeAndADamagedSnapshotDoesNotHideTheOthers() throws Exception {
        Files.writeString(data.resolve("spool.tmp"), "short-lived");
        BackupCommand.opener = (dir, p) -> {
            if (p.endsWith("spool.tmp")) {
                Files.delete(p); // removed by its owner between listing and reading
            }
            return org.opsledger.vault.archiver.Archiver.FileOpener.DIRECT.open(dir, p);
        };
        Run b;
        try {
            b = vault("backup", data.toString(), "--allow-same-device", "--json");
        } finally {
            BackupCommand.opener = org.opsledger.vault.archiver.Archiver.FileOpener.DIRECT;
        }
        assertThat(b.exit()).as(b.err()).isEqualTo(3);
        assertThat(b.json().get("warnings").get(0).asString()).isEqualTo(data.resolve("spool.tmp") + ": vanished during backup");
        assertThat(b.json().get("record").get("summary").get("warnings").asInt()).isEqualTo(1);
        assertThat(b.json().get("record").get("summary").get("exceptions").get(0).asString())
                .as("the snapshot itself says what it lacks (IS.012 6.6.5)").isEqualTo(data.resolve("spool.tmp") + ": vanished during backup");
        assertThat(vault("snapshots").out()).contains("  [incomplete: 1 warning(s)]");

        Files.writeString(data.resolve("later.txt"), "second snapshot");
        Run second = vault("backup", data.toString(), "--allow-same-device", "--json");
        assertThat(second.exit()).as(second.err()).isZero();
        String first = b.json().get("snapshot").asString();
        Path file = repo.resolve("snapshots/" + first);
        Files.write(file, java.util.Arrays.copyOf(Files.readAllBytes(file), 20)); // truncated
        Run list = vault("snapshots");
        assertThat(list.exit()).isEqualTo(3);
        assertThat(list.out()).contains("1 snapshot(s) in").contains("1 snapshot file(s) unreadable");
        assertThat(list.err()).contains("warning: snapshot file snapshots/" + first);
        // the one that does not read may be the newest: `latest` cannot be told, the others restore by ID
        Run latest = vault("restore", "latest", "--target", tmp.resolve("out").toString(), "--verify");
        assertThat(latest.exit()).isEqualTo(1);
        assertThat(latest.err()).startsWith("opsledger: 'latest' cannot be told: 1 snapshot file(s) do not read, whose host and time cannot be known (first: snapshots/" + first);
        assertThat(vault("restore", second.json().get("snapshot").asString(), "--target", tmp.resolve("out").toString(), "--verify")
                .exit()).isZero();
        // a report that leaves it out says so (find and stats counted without it, exit 0: a helper's)
        for (Run report : List.of(vault("find", "later.txt"), vault("stats"))) {
            assertThat(report.exit()).as(report.out()).isEqualTo(3);
            assertThat(report.err()).contains("warning: snapshot file snapshots/" + first);
        }
    }

    @Test
    void aRestoreOntoAFilesystemWithoutExtendedAttributesRestoresTheDataWarnsOnceAndExitsThree() throws Exception {
        Files.getFileAttributeView(data.resolve("report.txt"), java.nio.file.attribute.UserDefinedFileAttributeView.class)
                .write("user.retention", java.nio.ByteBuffer.wrap("7y".getBytes(StandardCharsets.UTF_8)));
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        Path ramfs = Files.createDirectories(tmp.resolve("ramfs")); // no user xattrs, as vfat and many NFS mounts
        Process mount = new ProcessBuilder("mount", "-t", "ramfs", "ramfs", ramfs.toString()).inheritIO().start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mount.waitFor() == 0, "cannot mount ramfs here (needs root)");
        try {
            Run restore = vault("restore", "latest", "--target", ramfs.resolve("out").toString(), "--verify");
            assertThat(restore.exit()).as(restore.err()).isEqualTo(3);
            assertThat(restore.err()).isEqualTo("warning: extended attributes not set on 1 path(s): Operation not supported"
                    + " (first: data/report.txt)\n");
            assertThat(restore.out()).contains("; verified").contains("incomplete restore: not everything the snapshot holds could be"
                    + " restored as it is (listed on stderr); the rest is restored and verified");
            assertThat(Files.readString(ramfs.resolve("out/data/report.txt"))).isEqualTo(Files.readString(data.resolve("report.txt")));
            Run json = vault("restore", "latest", "--target", ramfs.resolve("again").toString(), "--json");
            assertThat(json.exit()).isEqualTo(3);
            assertThat(json.json().get("result").get("unapplied").get(0).get("count").asLong()).isEqualTo(1);
        } finally {
            new ProcessBuilder("umount", "-l", ramfs.toString()).inheritIO().start().waitFor();
        }
    }

    @Test
    void oneFileSystemKeepsAMountPointEmpty() throws Exception {
        Path share = Files.createDirectories(data.resolve("share")); // an NFS home, a container volume
        Process mount = new ProcessBuilder("mount", "-t", "ramfs", "ramfs", share.toString()).inheritIO().start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mount.waitFor() == 0, "cannot mount ramfs here (needs root)");
        try {
            Files.writeString(share.resolve("remote.txt"), "elsewhere");
            Run b = vault("backup", data.toString(), "--allow-same-device", "-x");
            assertThat(b.exit()).as(b.err()).isZero();
            assertThat(b.out()).contains("1 mount point(s) of other filesystems kept as empty directories (--one-file-system)");
            assertThat(vault("ls", "latest", "/data/share").out().lines()).singleElement().asString().endsWith("  /data/share");
            assertThat(vault("backup", data.toString(), "--allow-same-device", "--json").json().get("mountPointsNotCrossed").asLong())
                    .isZero();
            assertThat(vault("ls", "latest", "/data/share").out()).contains("/data/share/remote.txt");
        } finally {
            new ProcessBuilder("umount", "-l", share.toString()).inheritIO().start().waitFor();
        }
    }

    @Test
    void namesAndReasonsThatHoldTerminalControlsAreShownEscapedNeverSentToTheTerminal() throws Exception {
        String hostile = "report\u001b]0;owned\u0007\u001b[2J\nd    755  0  2026-01-01 00:00:00  passwd"; // no slash: one name
        Files.writeString(data.resolve(hostile), "x");
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        Run ls = vault("ls", "latest");
        assertThat(ls.exit()).isZero();
        assertThat(ls.out()).doesNotContain("\u001b").doesNotContain("\u0007")
                .contains("/data/report\\x1b]0;owned\\x07\\x1b[2J\\nd    755  0  2026-01-01 00:00:00  passwd");
        assertThat(ls.out().lines()).noneMatch(l -> l.startsWith("d    755  0"));
        Files.writeString(data.resolve("two\\nlines"), "x"); // a backslash and an n, shown apart from a newline
        Files.writeString(data.resolve("two\nlines"), "x");
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        assertThat(vault("ls", "latest").out()).contains("/data/two\\\\nlines").contains("/data/two\\nlines");
        Run json = vault("ls", "latest", "--json"); // JSON keeps the name exact: its own escapes
        assertThat(json.json().findValuesAsString("path")).contains("/data/" + hostile);

        Run hold = vault("hold", "latest", "--reason", "matter 7\u001b[31m\u009b"); // a release names it: one line, no controls
        assertThat(hold.exit()).as("a bad command line").isEqualTo(2);
        assertThat(hold.err()).isEqualTo("opsledger: --reason holds a line break or a control character: give it as one line, without"
                + " control characters\n");
        // (no '[', '*' or '?' in it: since --include takes globs, one holding them is a pattern)
        Run missing = vault("restore", "latest", "--target", tmp.resolve("out").toString(), "--include", "data/none\u001b]0;owned\u0007");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("data/none\\x1b]0;owned\\x07").doesNotContain("\u001b").doesNotContain("\u0007");
    }

    /**
     * 'latest' among a --host, --tag or --path that selects nothing is refused as snapshots, find, forget and due refuse the
     * selection, naming what the repository holds: `restore latest --host web-O1` said only "no snapshot of host web-O1",
     * and ls, dump, hold, release and diff so too (an engineer's note). Nothing is written, held or named the snapshot chosen.
     */
    @Test
    void latestAmongASelectionOfNothingIsRefusedNamingWhatTheRepositoryHoldsInEveryCommandThatTakesIt() {
        String host = org.opsledger.vault.repository.Repository.hostname();
        assertThat(vault("backup", data.toString(), "--allow-same-device", "--tag", "system=erp").exit()).isZero();
        assertThat(vault("hold", "latest", "--reason", "matter 7").exit()).isZero();
        String hint = " (`vault snapshots` without --host, --path and --tag lists every one)\n";
        List<List<String>> commands = List.of(List.of("restore", "latest", "--target", tmp.resolve("out").toString()),
                List.of("ls", "latest"), List.of("dump", "latest", "data/report.txt", "--output", tmp.resolve("dumped").toString()),
                List.of("hold", "latest", "--reason", "matter 8"), List.of("release", "latest", "--reason", "matter 7"),
                List.of("diff", "latest", "latest"));
        Map<List<String>, String> selections = Map.of(List.of("--host", "web-O1"), "host web-O1, which holds snapshots of host(s) " + host,
                List.of("--tag", "system=crm"), "tag system=crm, which holds 1 snapshot(s)",
                List.of("--host", host, "--path", "/srv/typo"), "host " + host + ", path /srv/typo, which holds 1 snapshot(s) of host " + host);
        for (List<String> command : commands) {
            for (var selection : selections.entrySet()) {
                List<String> args = new ArrayList<>(command);
                args.addAll(selection.getKey());
                Run refused = vault(args.toArray(String[]::new));
                assertThat(refused.exit()).as(args.toString()).isEqualTo(1);
                assertThat(refused.out()).isEmpty();
                assertThat(refused.err()).as(args.toString()).isEqualTo("opsledger: no snapshot of " + selection.getValue().replaceFirst(", which",
                        " in this repository, which") + hint);
            }
        }
        assertThat(tmp.resolve("out")).doesNotExist();
        assertThat(tmp.resolve("dumped")).doesNotExist();
        assertThat(vault("snapshots", "--json").json().get(0).get("heldFor")).singleElement().satisfies(m -> assertThat(m.asString()).isEqualTo("matter 7"));
    }

    @Test
    void hostTagAndPathSelectWhatSnapshotsListsAndWhichSnapshotIsLatest() {
        Run erp = vault("backup", data.toString(), "--allow-same-device", "--tag", "system=erp", "--json");
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        assertThat(vault("snapshots", "--json").json().size()).isEqualTo(2);
        Run tagged = vault("snapshots", "--tag", "system=erp", "--path", data.toString(), "--json");
        assertThat(tagged.json().size()).isEqualTo(1);
        assertThat(tagged.json().get(0).get("id").asString()).isEqualTo(erp.json().get("snapshot").asString());
        Run ls = vault("ls", "latest", "--tag", "system=erp", "--json");
        assertThat(ls.exit()).isZero();
        Run none = vault("restore", "latest", "--host", "web-1", "--target", tmp.resolve("out").toString());
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err().lines().toList()).containsExactly("opsledger: no snapshot of host web-1 in this repository, which holds"
                + " snapshots of host(s) " + Repository.hostname()
                + " (`vault snapshots` without --host, --path and --tag lists every one)");
        assertThat(tmp.resolve("out")).doesNotExist();
        assertThat(vault("snapshots", "--tag", "system").exit()).isEqualTo(2);
    }

    @Test
    void keySlotsRotationRetirementAndCopy() throws Exception {
        vault("backup", data.toString(), "--allow-same-device");
        Path pw2 = Files.writeString(tmp.resolve("pw2"), "operator two");
        assertThat(vault("key", "add", "--new-password-file", pw2.toString(), "--label", "ops-2", "--kdf-iterations", "100000").exit()).isZero();
        assertThat(vault("key", "list", "--json").json().size()).isEqualTo(2);
        Run asTwo = run("vault", "snapshots", "--repo", repo.toString(), "--password-file", pw2.toString(), "--json");
        assertThat(asTwo.json().size()).isEqualTo(1);

        assertThat(vault("key", "rotate", "--json").json().get("currentEpoch").asInt()).isEqualTo(2);
        Files.writeString(data.resolve("new.txt"), "after rotation");
        vault("backup", data.toString(), "--allow-same-device");
        Run retire = vault("key", "retire", "1");
        assertThat(retire.exit()).as(retire.err()).isZero();
        assertThat(retire.out().strip()).matches("retired key epoch 1: \\d+ pack\\(s\\), 2 snapshot\\(s\\), \\d+ other file\\(s\\)"
                + " re-encrypted, \\d+ unreferenced blob\\(s\\) dropped, 0 unindexed pack\\(s\\) deleted; its key is destroyed");
        assertThat(vault("stats", "--json").json().get("retiredEpochs").get(0).asInt()).isEqualTo(1);
        Run check = vault("check", "--read-data");
        assertThat(check.exit()).as(check.out() + check.err()).isZero();
        Run retireCurrent = vault("key", "retire", "2");
        assertThat(retireCurrent.exit()).isEqualTo(2);

        Path target = tmp.resolve("long-term");
        Run init = run("vault", "init", "--repo", target.toString(), "--password-file", pw.toString(), "--kdf-iterations", "100000",
                "--copy-chunker-params-from", repo.toString(), "--from-password-file", pw2.toString());
        assertThat(init.exit()).as(init.err()).isZero();
        Run copy = vault("copy", "latest", "--to", target.toString());
        assertThat(copy.exit()).as(copy.err()).isZero();
        // again (as the launcher runs a copy that ran out of memory): the snapshot copied before is not copied twice
        Run again = vault("copy", "latest", "--to", target.toString(), "--json");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.json().get(0).get("copiedBefore").asBoolean()).isTrue();
        assertThat(vault("copy", "latest", "--to", target.toString()).out()).contains("was copied before, to " + target);
        assertThat(run("vault", "snapshots", "--repo", target.toString(), "--password-file", pw.toString(), "--json").json().size())
                .isEqualTo(1);
        // the target's journal says what it received, and from where (IS.012 6.6.5)
        JsonNode received = run("vault", "journal", "--repo", target.toString(), "--password-file", pw.toString(), "--operation", "copy",
                "--json").json().get("entries");
        assertThat(received.size()).isEqualTo(3);
        assertThat(received.get(0).get("detail").asString()).isEqualTo("received 1 snapshot(s) copied from " + repo
                + "; the last 1 ID(s) named are the originals");
        assertThat(received.get(0).get("snapshots").get(0).asString()).isEqualTo(again.json().get(0).get("copy").asString());
        assertThat(received.get(1).get("detail").asString()).isEqualTo("received 1 snapshot(s) copied from " + repo + " (1 of them copied before)"
                + "; the last 1 ID(s) named are the originals");
        // the record amended near-line: the copy's record is amended to match, not copied a second time (IS.012 6.6.5)
        String copyId = again.json().get(0).get("copy").asString();
        assertThat(vault("amend", "latest", "--owner", "Payroll office", "--reason", "owner left out (INC-88)").exit()).isZero();
        Run amended = vault("copy", "latest", "--to", target.toString());
        assertThat(amended.exit()).as(amended.err()).isZero();
        assertThat(amended.out()).contains("'s amended record replaced copy " + copyId.substring(0, 8) + "'s in " + target + " as ");
        JsonNode copies = run("vault", "snapshots", "--repo", target.toString(), "--password-file", pw.toString(), "--json").json();
        assertThat(copies.size()).isEqualTo(1);
        assertThat(copies.get(0).get("record").get("dataOwner").asString()).isEqualTo("Payroll office");
        Run restored = run("vault", "restore", "latest", "--repo", target.toString(), "--password-file", pw.toString(),
                "--target", tmp.resolve("from-copy").toString(), "--verify");
        assertThat(restored.exit()).as(restored.err()).isZero();
        assertThat(Files.readString(tmp.resolve("from-copy/data/new.txt"))).isEqualTo("after rotation");
    }

    /**
     * A correctly sealed tree that restore refuses (a name twice in one directory: a helper's, fuzzed): check names it, and
     * points to a restore around it, not to `vault repair`, which mends no tree.
     */
    @Test
    void checkNamesATreeThatRestoreRefusesAndPointsToARestoreAroundIt() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        String forged;
        String twice;
        try (Repository r = Repository.open(new org.opsledger.vault.backend.LocalBackend(repo), Files.readString(pw).strip().toCharArray())) {
            var s = r.snapshots().getFirst();
            var root = r.loadTree(s.snapshot().tree()).nodes().getFirst(); // the backed-up directory, named twice
            var tree = r.saveTree(new org.opsledger.vault.snapshot.Tree(List.of(root, root)));
            r.flush();
            forged = r.saveSnapshot(s.snapshot().withTree(tree)).shortHex();
            twice = "/" + root.name() + ": the name is twice in its directory (a damaged or forged tree)";
        }
        Run check = vault("check");
        assertThat(check.exit()).isEqualTo(1);
        assertThat(check.out()).contains("error: snapshot " + forged + " " + twice);
        assertThat(check.err()).endsWith("; `vault repair` mends no tree: the rest of such a snapshot restores with `--exclude` of the paths named\n");
        Run refused = vault("restore", forged, "--target", tmp.resolve("t").toString());
        assertThat(refused.err()).contains(": the name is twice in its directory (a damaged or forged tree)");
        assertThat(tmp.resolve("t")).doesNotExist();
    }

    /** `ls` of a tree with a name that is not one path component ("..") lists it, says so on stderr and exits 3 (it exited 0: a re-tester's). */
    @Test
    void lsSaysOfANameRestoreRefusesThatItIsForged() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        String forged;
        String own;
        try (Repository r = Repository.open(new org.opsledger.vault.backend.LocalBackend(repo), Files.readString(pw).strip().toCharArray())) {
            var s = r.snapshots().getFirst();
            own = s.shortId();
            var root = r.loadTree(s.snapshot().tree()).nodes().getFirst();
            var tree = r.saveTree(new org.opsledger.vault.snapshot.Tree(List.of(root.withName(".."))));
            r.flush();
            forged = r.saveSnapshot(s.snapshot().withTree(tree)).shortHex();
        }
        Run ls = vault("ls", forged);
        assertThat(ls.exit()).isEqualTo(3);
        assertThat(ls.out()).contains("  /../report.txt\n");
        assertThat(ls.err()).startsWith(forged + " is snapshot " + forged + " of ").endsWith("\nwarning: /..: a name that is not one path"
                + " component (a damaged or forged tree); restore and dump refuse it,"
                + " `vault check` names it\n");
        assertThat(vault("ls", own).exit()).isZero(); // the backup's own tree
    }

    @Test
    void upgradeMovesARepositoryOfAnOlderFormatToThisBuildsAndOnlyOnce() throws Exception {
        vault("backup", data.toString(), "--allow-same-device");
        assertThat(vault("upgrade").out()).contains("upgrade: the repository is in format 6 already; nothing to do");
        Path config = repo.resolve("config");
        Files.writeString(config, Files.readString(config).replace("\"version\":6", "\"version\":2")); // as a format 2 build made it
        Run up = vault("upgrade");
        assertThat(up.exit()).as(up.err()).isZero();
        assertThat(up.out()).contains("upgrade: format 2 → 6; the index written again in 1 file(s)");
        assertThat(Files.readString(config)).contains("\"version\":6");
        assertThat(vault("upgrade", "--json").json().get("indexFiles").asInt()).isZero();
        Run check = vault("check", "--read-data");
        assertThat(check.exit()).as(check.out() + check.err()).isZero();

        Files.writeString(config, Files.readString(config).replace("\"version\":6", "\"version\":3")); // as a format 3 build made it
        List<String> indexFiles = names(repo.resolve("index"));
        // this one's journal/ says it was format 4 or later: the config set back, which check reports as an error
        Run setBack = vault("check");
        assertThat(setBack.out()).contains("error: the config says format 3, which keeps no journal, but journal/ holds");
        assertThat(setBack.err()).endsWith("; `vault upgrade` sets the config's format right\n");
        Run noJournal = vault("journal");
        assertThat(noJournal.exit()).isEqualTo(1);
        assertThat(noJournal.err()).startsWith("opsledger: the config says format 3, which keeps no journal, but journal/ holds");
        up = vault("upgrade");
        assertThat(up.out()).contains("upgrade: format 3 → 6; the index is as that format keeps it");
        assertThat(names(repo.resolve("index"))).as("formats 4 to 6 add nothing to the index").isEqualTo(indexFiles);
        assertThat(vault("check").out()).doesNotContain("keeps no journal");
        JsonNode upgrades = vault("journal", "--operation", "upgrade", "--json").json().get("entries");
        assertThat(upgrades.size()).as("one that had nothing to do leaves no entry").isEqualTo(2);
        assertThat(upgrades.get(0).get("detail").asString()).startsWith("upgrade: format 2 → 6; the index written again in 1 file(s)");
        assertThat(upgrades.get(1).get("detail").asString()).isEqualTo("upgrade: format 3 → 6; the index is as that format keeps it");
    }

    /**
     * A tier with nothing due (every snapshot within the near-line period) moves nothing, writes nothing in the long-term
     * journal, records its run near-line, and names the long-term repository, --json too: its JSON was a bare list of the
     * moves, `[]`, without the ID the text names.
     */
    @Test
    void aTierWithNothingDueMovesNothingAndNamesTheLongTermRepository() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        Path far = tmp.resolve("far");
        assertThat(run("vault", "init", "--repo", far.toString(), "--password-file", pw.toString(), "--kdf-iterations", "100000").exit()).isZero();
        String[] inFar = {"--repo", far.toString(), "--password-file", pw.toString()};
        String farId = run(cat(new String[] {"vault", "stats"}, inFar, "--json")).json().get("id").asString();
        List<String> farJournal = names(far.resolve("journal"));

        Run text = vault("tier", "--to", far.toString());
        assertThat(text.exit()).as(text.err()).isZero();
        assertThat(text.out()).isEqualTo("0 snapshot(s) older than 30d are in long-term storage at " + far + " (repository " + farId + ")\n");
        assertThat(text.err()).isEmpty();
        Run json = vault("tier", "--to", far.toString(), "--json");
        assertThat(json.exit()).as(json.err()).isZero();
        assertThat(json.json().get("longTermRepositoryId").asString()).isEqualTo(farId);
        assertThat(json.json().get("to").asString()).isEqualTo(far.toString());
        assertThat(json.json().get("moved").isArray() && json.json().get("moved").isEmpty()).as(json.out()).isTrue();

        assertThat(vault("snapshots", "--json").json().size()).as("nothing forgotten near-line").isEqualTo(1);
        assertThat(run(cat(new String[] {"vault", "snapshots"}, inFar, "--json")).json().size()).as("nothing copied").isZero();
        assertThat(names(far.resolve("journal"))).as("nothing written in the long-term journal").isEqualTo(farJournal);
        JsonNode tiers = vault("journal", "--operation", "tier", "--json").json().get("entries");
        assertThat(tiers.size()).isEqualTo(2);
        assertThat(tiers.get(0).get("outcome").asString()).isEqualTo("ok");
        assertThat(tiers.get(0).get("detail").asString()).startsWith("0 snapshot(s) older than 30d");
    }

    @Test
    void tierMovesOldSnapshotsToLongTermAndKeepsHeldOnesNearLine() {
        vault("backup", data.toString(), "--allow-same-device");
        vault("backup", data.toString(), "--allow-same-device", "--full");
        String held = vault("snapshots", "--json").json().get(1).get("id").asString();
        vault("hold", held, "--reason", "inquiry");
        Path far = tmp.resolve("far");
        assertThat(run("vault", "init", "--repo", far.toString(), "--password-file", pw.toString(), "--kdf-iterations", "100000").exit()).isZero();
        assertThat(vault("tier", "--to", far.toString()).out()).contains("0 snapshot(s) older than 30d");
        Run tier = vault("tier", "--to", far.toString(), "--near-line", "0d", "--json");
        assertThat(tier.exit()).as(tier.err()).isZero();
        assertThat(tier.err()).as("one of the source's snapshots is held, and stays near-line").doesNotContain("warning");
        assertThat(tier.json().get("moved").size()).isEqualTo(2);
        for (JsonNode row : tier.json().get("moved")) { // copy's names, and its nulls written (h1's repro-7: alreadyCopied, the nulls left out)
            assertThat(row.get("copiedBefore").asBoolean()).isFalse();
            assertThat(row.has("amendedCopy") && row.get("amendedCopy").isNull()).as(row.toString()).isTrue();
            assertThat(row.has("copyBeforeRewrite") && row.get("copyBeforeRewrite").isNull()).as(row.toString()).isTrue();
        }
        JsonNode near = vault("snapshots", "--json").json();
        assertThat(near.size()).isEqualTo(1);
        assertThat(near.get(0).get("id").asString()).isEqualTo(held);
        JsonNode longTerm = run("vault", "snapshots", "--repo", far.toString(), "--password-file", pw.toString(), "--json").json();
        assertThat(longTerm.size()).isEqualTo(2);
        int heldInLongTerm = 0;
        for (JsonNode n : longTerm) {
            heldInLongTerm += n.get("held").asBoolean() ? 1 : 0;
        }
        assertThat(heldInLongTerm).as("the hold follows the copy").isEqualTo(1);

        // IS.012 6.6.5: the long-term repository's journal says what it received, from where
        JsonNode received = run("vault", "journal", "--repo", far.toString(), "--password-file", pw.toString(), "--json").json().get("entries");
        assertThat(received.size()).as("the tier that moved nothing wrote nothing there (it said \"received 0\")").isEqualTo(3);
        // the hold the tier placed there, as `vault hold` would have recorded it: that journal outlives near-line's; dated
        // at the tier, which placed it here, and the matter's start named in its detail (it was lost with the near-line
        // medium: a helper's; then the entry was dated at that start, before a release here: a tester's repro-2)
        assertThat(received.get(0).get("operation").asString()).isEqualTo("init");
        assertThat(received.get(1).get("operation").asString()).isEqualTo("tier");
        assertThat(received.get(1).get("paths").get(0).asString()).isEqualTo(repo.toString());
        assertThat(received.get(1).get("detail").asString()).isEqualTo("received 2 snapshot(s) older than 0d from " + repo
                + "; the last 2 ID(s) named are the originals");
        assertThat(received.get(2).get("operation").asString()).isEqualTo("hold");
        assertThat(received.get(2).get("detail").asString()).startsWith("legal hold placed by ").containsPattern(" for inquiry, carried by tier"
                + " from snapshot " + held.substring(0, 8) + ", held there since 20\\d\\d-[-0-9T:]+Z, at ").endsWith(", at " + repo);
        List<String> copyIds = new java.util.ArrayList<>();
        longTerm.forEach(n -> copyIds.add(n.get("id").asString()));
        List<String> named = new java.util.ArrayList<>();
        received.get(1).get("snapshots").forEach(n -> named.add(n.asString()));
        assertThat(named.subList(0, 2)).containsExactlyInAnyOrderElementsOf(copyIds);
        assertThat(named.subList(2, 4)).as("then the originals, by their near-line IDs").contains(held);
        assertThat(vault("journal", "--operation", "tier", "--json").json().get("entries")).as("the stand-in taken back as it ended")
                .noneMatch(e -> e.get("detail").asString().startsWith("did not end"));
        // the held one stays near-line: the next night's tier says it was copied before (it said "received 1")
        assertThat(vault("tier", "--to", far.toString(), "--near-line", "0d").exit()).isZero();
        JsonNode again = run("vault", "journal", "--repo", far.toString(), "--password-file", pw.toString(), "--operation", "tier",
                "--json").json().get("entries");
        assertThat(again.get(1).get("detail").asString()).isEqualTo("received 1 snapshot(s) older than 0d from " + repo
                + " (1 of them copied before); the last 1 ID(s) named are the originals");
    }

    /**
     * A matter released in the long-term repository while the near-line snapshot is still held for it is carried there
     * again by the next tier (IS.012 6.6.7: the near-line hold stands), and that journal says so last: the carried entry
     * was dated at the near-line hold, before the release, so the journal read "released", `journal --since` missed it,
     * and the hold record then deleted went unnoticed (a tester's repro-2). Check's warning names the holder the hold was
     * placed by, not the tier's OS user (repro-5).
     */
    @Test
    void aHoldTierCarriesAgainAfterAReleaseInTheLongTermRepositoryIsItsJournalsLastWord() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        String held = vault("snapshots", "--json").json().get(0).get("id").asString();
        assertThat(vault("hold", held, "--reason", "litigation L-1", "--by", "Legal (J. Doe)").exit()).isZero();
        Path far = tmp.resolve("far");
        assertThat(run("vault", "init", "--repo", far.toString(), "--password-file", pw.toString(), "--kdf-iterations", "100000").exit()).isZero();
        assertThat(vault("tier", "--to", far.toString(), "--near-line", "0d").exit()).isZero();
        String copy = run("vault", "snapshots", "--repo", far.toString(), "--password-file", pw.toString(), "--json").json().get(0)
                .get("id").asString();
        assertThat(run("vault", "release", "--repo", far.toString(), "--password-file", pw.toString(), copy, "--reason", "litigation L-1")
                .exit()).isZero();
        assertThat(vault("tier", "--to", far.toString(), "--near-line", "0d").exit()).isZero();

        JsonNode holds = run("vault", "journal", "--repo", far.toString(), "--password-file", pw.toString(), "--snapshot", copy.substring(0, 8),
                "--json").json().get("entries");
        assertThat(holds).extracting(e -> e.get("operation").asString()).containsSubsequence("hold", "release", "hold");
        assertThat(holds).filteredOn(e -> List.of("hold", "release").contains(e.get("operation").asString())).last()
                .satisfies(e -> assertThat(e.get("operation").asString()).isEqualTo("hold"));
        for (Path record : names(far.resolve("holds")).stream().map(n -> far.resolve("holds").resolve(n)).toList()) {
            assertThat(record.toFile().delete()).isTrue();
        }
        Run check = run("vault", "check", "--repo", far.toString(), "--password-file", pw.toString());
        assertThat(check.out()).containsPattern("warning: 1 snapshot\\(s\\) the journal records under legal hold, never released, have lost"
                + " their hold \\(first: " + copy.substring(0, 8) + " \\(no hold record\\), held for \"litigation L-1\", placed \\S+Z by Legal"
                + " \\(J\\. Doe\\), carried here by tier \\S+Z\\)");
    }

    /**
     * In the long-term repository `journal --snapshot` of a near-line ID found nothing, exit 0, though the copy's
     * copied-from named it (a tester's repro-4): a copy stands for its original, and the target's entry names the
     * originals after the copies, so the ID is found there once the copy is gone too.
     */
    @Test
    void theLongTermJournalFindsASnapshotByItsNearLineId() {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        String original = vault("snapshots", "--json").json().get(0).get("id").asString();
        Path far = tmp.resolve("far");
        assertThat(run("vault", "init", "--repo", far.toString(), "--password-file", pw.toString(), "--kdf-iterations", "100000").exit()).isZero();
        assertThat(vault("tier", "--to", far.toString(), "--near-line", "0d").exit()).isZero();
        String copy = run("vault", "snapshots", "--repo", far.toString(), "--password-file", pw.toString(), "--json").json().get(0)
                .get("id").asString();
        assertThat(run("vault", "hold", "--repo", far.toString(), "--password-file", pw.toString(), copy, "--reason", "audit A-1").exit()).isZero();

        JsonNode found = run("vault", "journal", "--repo", far.toString(), "--password-file", pw.toString(), "--snapshot",
                original.substring(0, 8), "--json").json().get("entries");
        assertThat(found).extracting(e -> e.get("operation").asString()).containsExactly("tier", "hold");
        assertThat(found.get(0).get("snapshots").toString()).isEqualTo("[\"" + copy + "\",\"" + original + "\"]");
        assertThat(run("vault", "release", "--repo", far.toString(), "--password-file", pw.toString(), copy).exit()).isZero();
        assertThat(run("vault", "forget", "--repo", far.toString(), "--password-file", pw.toString(), copy).exit()).isZero();
        assertThat(run("vault", "journal", "--repo", far.toString(), "--password-file", pw.toString(), "--snapshot",
                original.substring(0, 8), "--json").json().get("entries")).as("its copy forgotten, the tier's entry names it still")
                .extracting(e -> e.get("operation").asString()).containsExactly("tier");
        assertThat(run("vault", "check", "--repo", far.toString(), "--password-file", pw.toString()).out())
                .as("the original named is not a copy written there").doesNotContain("says were written");
    }

    /**
     * A restore of one file of three with --verify was journalled as "restored 1 files … verified", the last verified
     * restore (IS.012 6.6.4) for journal and check, and named no --include (a tester's repro-3): its entry names the
     * includes and how many of the snapshot's files it restored, and it is no test of the snapshot's recovery.
     */
    @Test
    void aRestoreOfChosenPathsNamesThemAndIsNoRestoreTest() throws Exception {
        Files.writeString(data.resolve("a.txt"), "a");
        Files.writeString(data.resolve("b.txt"), "b");
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        long files = vault("snapshots", "--json").json().get(0).get("record").get("summary").get("files").asLong();
        assertThat(files).isGreaterThan(2);

        Run one = vault("restore", "latest", "--target", tmp.resolve("one").toString(), "--include", "data/a.txt", "--verify", "--json");
        assertThat(one.exit()).as(one.err()).isZero();
        assertThat(one.json().get("include").toString()).isEqualTo("[\"data/a.txt\"]");
        assertThat(one.json().get("snapshotFiles").asLong()).isEqualTo(files);
        JsonNode journal = vault("journal", "--operation", "restore", "--json").json();
        assertThat(journal.get("entries").get(0).get("detail").asString()).startsWith("restored 1 of " + files + " files (--include data/a.txt), ")
                .endsWith("; verified");
        assertThat(journal.path("lastVerifiedRestore").isNull() || journal.path("lastVerifiedRestore").isMissingNode())
                .as("one file of the snapshot is no recovery test").isTrue();
        assertThat(vault("check").out()).contains("the journal records no verified restore");

        assertThat(vault("restore", "latest", "--target", tmp.resolve("all").toString(), "--verify").exit()).isZero();
        journal = vault("journal", "--operation", "restore", "--json").json();
        assertThat(journal.get("lastVerifiedRestore").get("detail").asString()).startsWith("restored " + files + " files, ");
        assertThat(vault("check").out()).doesNotContain("verified restore");
    }

    /** A snapshot of another source, src/other, whose packs (its data and trees) are then deleted. */
    void backUpAnotherSourceAndLoseItsPacks() throws Exception {
        List<String> packsBefore = new org.opsledger.vault.backend.LocalBackend(repo).list("data");
        Path other = Files.createDirectories(tmp.resolve("src/other"));
        Files.write(other.resolve("ledger.bin"), "other data\n".repeat(30_000).getBytes(StandardCharsets.UTF_8));
        assertThat(vault("backup", other.toString(), "--allow-same-device").exit()).isZero();
        for (String pack : new org.opsledger.vault.backend.LocalBackend(repo).list("data")) {
            if (!packsBefore.contains(pack)) {
                Files.delete(repo.resolve(pack));
            }
        }
    }

    /**
     * A forget whose prune fails has removed its snapshots: the one line and the journal's failed entry name them and
     * the policy, with the snapshots it was applied to (a helper's: only the prune's error, "snapshots":[], no policy).
     */
    @Test
    void aForgetWhosePruneFailsSaysWhatItRemovedAndUnderWhichPolicy() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        String forgotten = vault("snapshots", "--json").json().get(0).get("id").asString();
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        backUpAnotherSourceAndLoseItsPacks(); // prune cannot read its trees
        Run forget = vault("forget", "--keep-last", "1", "--path", data.toString(), "--prune");
        assertThat(forget.exit()).isEqualTo(1);
        String removed = "removed 1 snapshot(s), kept 1 (--keep-last 1 of path " + data + "); then the prune failed: ";
        assertThat(forget.err()).startsWith("opsledger: " + removed);
        assertThat(forget.out()).as("what went is listed, as a forget that succeeds lists it").contains("remove " + forgotten.substring(0, 8));
        JsonNode entry = vault("journal", "--operation", "forget", "--json").json().get("entries").get(0);
        assertThat(entry.get("outcome").asString()).isEqualTo("failed");
        assertThat(entry.get("detail").asString()).startsWith(removed);
        assertThat(entry.get("snapshots")).extracting(JsonNode::asString).containsExactly(forgotten);
    }

    /**
     * A tier that fails part-way has copied and forgotten near-line the snapshots before the one it failed on: both
     * journals name them (before, "snapshots":[] in each, a helper's, and the near-line snapshot gone without a trace).
     */
    @Test
    void aTierThatFailsPartWayNamesWhatItMovedInBothJournals() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        String moved = vault("snapshots", "--json").json().get(0).get("id").asString();
        backUpAnotherSourceAndLoseItsPacks(); // it cannot be copied
        Path far = tmp.resolve("far");
        assertThat(run("vault", "init", "--repo", far.toString(), "--password-file", pw.toString(), "--kdf-iterations", "100000").exit()).isZero();
        Run tier = vault("tier", "--to", far.toString(), "--near-line", "0d");
        assertThat(tier.exit()).isEqualTo(1);
        assertThat(tier.err()).doesNotContain("warning"); // a failed tier warns of nothing it did not finish
        JsonNode nearEntry = vault("journal", "--json").json().get("entries").get(3);
        assertThat(nearEntry.get("operation").asString()).isEqualTo("tier");
        assertThat(nearEntry.get("outcome").asString()).isEqualTo("failed");
        assertThat(nearEntry.get("snapshots")).extracting(JsonNode::asString).containsExactly(moved);
        JsonNode longTerm = run("vault", "snapshots", "--repo", far.toString(), "--password-file", pw.toString(), "--json").json();
        JsonNode farEntry = run("vault", "journal", "--repo", far.toString(), "--password-file", pw.toString(), "--json").json().get("entries").get(1);
        assertThat(farEntry.get("outcome").asString()).isEqualTo("failed");
        assertThat(farEntry.get("snapshots")).extracting(JsonNode::asString).containsExactly(longTerm.get(0).get("id").asString());
    }

    /**
     * A tier or copy into the source itself (through a symlink, or its path with a trailing slash) is refused, and was
     * recorded twice: once as what the target received, the target being the same journal, and once as the command's
     * own failure (a helper's). It is one failed entry now.
     */
    /**
     * h4's repro-1: `tier -r FAR --to NEAR` moved the archive back near-line and forgot it long-term, exit 0. Refused, naming
     * both repositories and the order, with the near-line repository reached by another path (a symlink: the copies'
     * `copied-from` names the first, and its journal says the tier moved them out); one failed entry, in the long-term
     * journal. A copy back, a restore drill's, is warned of and made. Tier's last line names the repository it moved to.
     */
    @Test
    void aTierWithRepoAndToSwappedIsRefusedAndACopyBackWarned() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        Path far = tmp.resolve("far");
        assertThat(run("vault", "init", "--repo", far.toString(), "--password-file", pw.toString(), "--kdf-iterations", "100000").exit()).isZero();
        String farId = run("vault", "stats", "--repo", far.toString(), "--password-file", pw.toString(), "--json").json().get("id").asString();
        Run tier = vault("tier", "--to", far.toString(), "--near-line", "0d");
        assertThat(tier.out()).endsWith("1 snapshot(s) older than 0d are in long-term storage at " + far + " (repository " + farId + ")\n");
        Run snapshots = run("vault", "snapshots", "--repo", far.toString(), "--password-file", pw.toString(), "--json");
        String archived = snapshots.json().get(0).get("id").asString();
        Path near = Files.createSymbolicLink(tmp.resolve("near-line"), repo);
        for (Path to : List.of(repo, near)) {
            Run back = run("vault", "tier", "--repo", far.toString(), "--password-file", pw.toString(), "--to", to.toString(), "--near-line", "0d");
            assertThat(back.exit()).as(back.out()).isEqualTo(1);
            assertThat(back.err()).isEqualTo("opsledger: this tier runs backwards: " + far + " is the long-term repository of " + to + " (1 of"
                    + " the 1 snapshot(s) due, first " + archived.substring(0, 8) + ", came here from there) and it would move them back and forget them here; run `vault tier -r " + to + " --to " + far + "`\n");
        }
        assertThat(run("vault", "snapshots", "--repo", far.toString(), "--password-file", pw.toString(), "--json").json().get(0).get("id")
                .asString()).isEqualTo(archived);
        assertThat(vault("journal", "--json").json().get("entries")).extracting(e -> e.get("operation").asString() + " "
                + e.get("outcome").asString()).containsExactly("init ok", "backup ok", "tier ok");
        assertThat(run("vault", "journal", "--repo", far.toString(), "--password-file", pw.toString(), "--json").json().get("entries"))
                .extracting(e -> e.get("operation").asString() + " " + e.get("outcome").asString())
                .containsExactly("init ok", "tier ok", "tier failed", "tier failed");

        Run copy = run("vault", "copy", "--repo", far.toString(), "--password-file", pw.toString(), "--to", repo.toString(), archived);
        assertThat(copy.exit()).as(copy.err()).isZero();
        assertThat(copy.err()).isEqualTo("warning: snapshot " + archived.substring(0, 8) + " is a copy of one moved out of " + repo + ", which no"
                + " longer holds it: copied back there, where its retention may remove it again, and kept here; to copy into long-term"
                + " storage, `vault copy -r " + repo + " SNAPSHOT --to " + far + "`\n");
        assertThat(vault("snapshots", "--json").json().size()).isEqualTo(1);
    }

    @Test
    void aTierOrCopyIntoTheSourceItselfIsOneFailedEntry() throws Exception {
        assertThat(vault("backup", data.toString(), "--allow-same-device").exit()).isZero();
        Path link = Files.createSymbolicLink(tmp.resolve("link"), repo);
        Run tier = vault("tier", "--to", link.toString(), "--near-line", "0d");
        assertThat(tier.exit()).isEqualTo(1);
        assertThat(tier.err()).startsWith("opsledger: the target " + link + " is the source repository");
        Run copy = vault("copy", "--to", repo + "/", "latest");
        assertThat(copy.exit()).isEqualTo(1);
        assertThat(vault("journal", "--json").json().get("entries")).extracting(e -> e.get("operation").asString() + " "
                + e.get("outcome").asString()).containsExactly("init ok", "backup ok", "tier failed", "copy failed");
    }
}
