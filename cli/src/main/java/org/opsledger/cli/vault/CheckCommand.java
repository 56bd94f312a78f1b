package org.opsledger.cli.vault;

import java.util.List;
import java.util.concurrent.Callable;
import org.opsledger.cli.CliException;
import org.opsledger.cli.TerminalText;
import org.opsledger.vault.checker.CheckResult;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.crypto.Sealing;
import org.opsledger.vault.journal.Coverage;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.repository.Repository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Check the repository; --read-data reads and authenticates every pack and names what damage hurts.")
final class CheckCommand implements Callable<Integer> {

    @Mixin
    RepoOptions repo;

    @Mixin
    ReadDataOptions read;

    @Override
    public Integer call() throws Exception {
        double percent = read.percent();
        long start = System.nanoTime();
        if (percent > 0) {
            // on the spare core while the password unlocks the repository (≈0.25 s): GCM's intrinsic
            // is then compiled before the first pack is read, not half a second into the reading
            Sealing.warmUp(false);
        }
        CheckResult res;
        String summary;
        CliException failure;
        repo.storeItself = true; // it tells what the store holds: a kept copy of a file whose stored bytes are damaged is whole
        try (Repository r = repo.open(); Journaling journal = new Journaling(r, JournalEntry.Operation.CHECK, List.of(), List.of())) {
            Checker checker = new Checker(r, read.threads);
            try (AutoCloseable bar = Output.progress(repo.json, () -> checker.packsDone.get() + " packs read")) {
                res = checker.check(percent);
            } catch (Exception e) {
                throw journal.failed(e);
            }
            journal.readTo(checker.readTo()); // where the next subset check goes on
            journal.covering(checker.journalCovers()); // what later checks find deleted, if it goes (§13)
            journal.damaging(res.damagedPacks().stream().map(d -> org.opsledger.vault.crypto.ObjectId.parse(d.pack())).toList()); // recalled by later checks
            summary = String.format(java.util.Locale.ROOT, "checked %d snapshot(s), %d pack(s); read %d pack(s)%s, %s in %.2f s", res.snapshots(), res.packs(),
                    res.packsRead(), checker.readTo() == null ? "" : checker.continued() ? " after those the last subset check read"
                            : " from one chosen at random (no subset check before)", Output.bytes(res.bytesRead()), (System.nanoTime() - start) / 1e9);
            failure = res.ok() ? null : new CliException("check found " + res.errors().size() + " error(s)" + (res.damagedPacks().isEmpty() ? ""
                    : "; damaged pack(s): " + String.join(", ", res.damagedPacks().stream().map(CheckResult.DamagedPack::pack).toList()))
                    + (r.readWithoutLock() && res.errors().stream().anyMatch(e -> e.contains(" is indexed but "))
                    ? "; read without a lock (warned above): a prune or key retire on another host meanwhile removes packs this"
                            + " check then misses; check again before `vault repair`"
                    : res.errors().stream().anyMatch(e -> e.contains(" " + org.opsledger.vault.repository.Repository.SEALED_UNDER_ANOTHER_KEY))
                    // a copy's, whose keyring the merge replaced: repair would take them out of use, and prune delete their data
                    ? "; files are sealed under another key (named above): `vault repair` and `prune` refuse until the copy's"
                    + " `keyring` opens them (docs/operations.md, \"File-level copies\")"
                    : res.errors().stream().allMatch(e -> e.endsWith("missing from the index"))
                    // packs no index names may hold them: with index/ lost and every pack whole this sent the operator to back up
                    // again and forget snapshots, where `vault repair` indexed them all again (a tester's)
                    ? res.packsInNoIndex() > 0 ? "; run `vault repair` first (it indexes packs whose index file was lost), then check again"
                    : "; a backup of the same sources stores lost blobs again (forget the snapshots whose sources are gone)"
                    : res.errors().stream().allMatch(e -> e.startsWith("the config says format"))
                    ? "; `vault upgrade` sets the config's format right" // repair has nothing to do with it (a helper's)
                    : res.errors().stream().allMatch(e -> e.startsWith(Checker.JOURNAL_ENTRY + Coverage.DATED_AHEAD + ":"))
                    // a clock that ran ahead one bad NTP day kept the nightly check red for good (§13, "Acknowledged findings")
                    ? "; an entry dated in the future: find the host whose clock ran ahead (timedatectl, its NTP log), then `vault"
                    + " journal --acknowledge ENTRY --reason WHY` records what you found, and check names it in a warning from then on"
                    + " (docs/operations.md, \"An entry rewritten, or written backdated\")"
                    : res.errors().stream().allMatch(e -> e.startsWith(Checker.JOURNAL_ENTRY))
                    // no repair's: it said "nothing to repair" and the error stayed (a tester's)
                    ? "; a journal entry deleted from the store, altered or backdated is an incident, not damage a repair mends:"
                    + " `vault journal` lists what is left around it, the storage's access log says who wrote or deleted it,"
                    + " `vault journal --verify-anchor` what else went (docs/operations.md, \"An entry deleted from the store\")"
                    : res.errors().stream().allMatch(e -> e.contains(Checker.SLOT_UNRECORDED))
                    ? "; a key slot no entry records is an incident, not damage a repair mends: the storage's access log says who"
                    + " wrote it, `vault key list` who holds it (docs/operations.md, \"A key slot no entry records\")"
                    : res.errors().stream().allMatch(e -> e.endsWith("(a damaged or forged tree)"))
                    ? "; `vault repair` mends no tree: the rest of such a snapshot restores with `--exclude` of the paths named"
                    : "; `vault repair --read-data` repairs the index and takes damaged packs and snapshot files out of use"));
            if (failure == null) { // verified when every pack was read and authenticated
                journal.ended(JournalEntry.Outcome.OK, List.of(), List.of(), percent >= 100, 0, summary + "; no errors were found");
            } else {
                journal.failed(failure);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (repo.json) {
            Output.json(java.util.Map.of("result", res, "seconds", seconds));
        } else {
            Output.out().println(summary);
            res.warnings().forEach(w -> Output.out().println("warning: " + TerminalText.escape(w)));
            res.errors().forEach(e -> Output.out().println("error: " + TerminalText.escape(e)));
            if (res.ok()) {
                Output.out().println("no errors were found");
            }
        }
        if (failure != null) {
            throw failure;
        }
        return 0;
    }
}
