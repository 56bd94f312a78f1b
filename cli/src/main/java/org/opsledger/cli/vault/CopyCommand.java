package org.opsledger.cli.vault;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.opsledger.cli.TerminalText;
import org.opsledger.vault.copier.Copier;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.journal.JournalEntry;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.SnapshotRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "copy", mixinStandardHelpOptions = true,
        description = "Copy snapshots to a second repository (the long-term tier, IS.012 6.6.1.3), re-encrypted and deduplicated there.")
final class CopyCommand implements Callable<Integer> {

    @Mixin
    RepoOptions repo;

    @Mixin
    SnapshotFilterOptions select;

    @Parameters(paramLabel = "SNAPSHOT", arity = "1..*")
    List<String> snapshots;

    @Mixin
    SecondRepositoryOptions.Target target;

    @Override
    public Integer call() {
        target.checkLocation();
        String to = target.location();
        RepoOptions.Password sourcePassword = repo.password();
        RepoOptions.Password targetPassword = target.password(sourcePassword);
        List<Map<String, Object>> copied = new ArrayList<>();
        RuntimeException failed = null; // thrown once the copies committed are listed (--json too), as forget does (h1's)
        try (Repository source = repo.open(sourcePassword)) {
            List<ObjectId> done = java.util.Collections.synchronizedList(new ArrayList<>()); // a signal's entry reads it too
            int before = 0;
            // a target that cannot be opened is a failed copy too
            try (Journaling journal = new Journaling(source, JournalEntry.Operation.COPY, List.of(to), done)) {
                try (Repository target = this.target.open(repo, targetPassword, sourcePassword)) {
                    Copier.requireAnotherRepository(source, target); // one failed entry, not one on each side
                    // the target's journal says what it received, and from where: the long-term tier's own record (IS.012 6.6.5)
                    List<ObjectId> copies = java.util.Collections.synchronizedList(new ArrayList<>());
                    List<ObjectId> replacedCopies = new ArrayList<>(); // the older copies amended records replaced there
                    String from = source.backend().location();
                    try (Journaling received = new Journaling(target, JournalEntry.Operation.COPY, List.of(from), copies)) {
                        try {
                            Copier copier = new Copier(source, target);
                            Repository.SnapshotListing listing = source.listSnapshots(); // once: a listing per ID took 1.7 s each (a helper's)
                            List<SnapshotRef> found = new ArrayList<>();
                            RuntimeException notFound = null; // those named before it are copied, then the copy fails on it
                            for (String s : snapshots) {
                                try {
                                    found.add(select.find(() -> listing.find(s, select.filter())));
                                } catch (RuntimeException e) {
                                    notFound = e;
                                    break;
                                }
                            }
                            // IS.012 6.6.1.3: a copy back where a snapshot was moved from is warned of, not refused, as tier
                            // refuses it: a restore drill copies one back, and a copy forgets nothing where it reads
                            String back = TerminalText.escape(target.backend().location());
                            for (SnapshotRef s : copier.goingBack(found)) {
                                Output.err().println("warning: snapshot " + s.shortId() + " is a copy of one moved out of " + back
                                        + ", which no longer holds it: copied back there, where its retention may remove it again, and"
                                        + " kept here; to copy into long-term storage, `vault copy -r " + back + " SNAPSHOT --to "
                                        + TerminalText.escape(from) + "`");
                            }
                            int[] counts = new int[1]; // copied before
                            // a snapshot copied before (an earlier run, or one that ran out of memory and runs again) is not copied twice
                            copier.copyEach(found, c -> {
                                Copier.Copy copy = c.copy();
                                done.add(c.snapshot().id());
                                copies.add(copy.snapshot().id());
                                if (copy.amendedCopy() != null && !copy.amendedCopyHeld()) { // deleted: named, as an amend names it
                                    copies.add(copy.amendedCopy());
                                    replacedCopies.add(copy.amendedCopy());
                                }
                                counts[0] += copy.madeBefore() ? 1 : 0;
                                copied.add(row(c.snapshot(), copy));
                                if (!repo.json) {
                                    print(c.snapshot(), copy, target.backend().location());
                                }
                            }, batch -> { });
                            before = counts[0];
                            if (notFound != null) {
                                throw notFound;
                            }
                        } catch (RuntimeException e) {
                            throw received.failed(e);
                        }
                        String copiedBefore = before > 0 ? " (" + before + " of them copied before)" : "";
                        received.ended(JournalEntry.Outcome.OK, List.of(from), withOriginals(copies, replacedCopies, done), false, 0,
                                JournalEntry.RECEIVED + done.size() + " snapshot(s) copied from " + from + copiedBefore
                                + JournalEntry.copiesReplaced(replacedCopies.size()) + JournalEntry.originalsNamed(done.size()));
                        journal.ended(JournalEntry.Outcome.OK, List.of(to), done, false, 0, "copied " + done.size() + " snapshot(s) to " + to
                                + copiedBefore);
                    }
                } catch (RuntimeException e) {
                    throw journal.failed(e);
                }
            }
        } catch (RuntimeException e) {
            if (copied.isEmpty()) {
                throw e;
            }
            // `copy A deadbeef --json` committed A's copy and printed nothing of it, only deadbeef's failure
            failed = e;
        }
        if (repo.json) {
            Output.json(copied);
        }
        if (failed != null) {
            throw failed;
        }
        return 0;
    }

    private static Map<String, Object> row(SnapshotRef from, Copier.Copy copy) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", from.id().hex());
        m.put("copy", copy.snapshot().id().hex());
        m.put("copiedBefore", copy.madeBefore());
        m.put("blobsCopiedAgain", copy.blobsCopiedAgain());
        m.put("amendedCopy", copy.amendedCopy() == null ? null : copy.amendedCopy().hex());
        m.put("amendedCopyHeld", copy.amendedCopyHeld());
        m.put("copyBeforeRewrite", copy.copyBeforeRewrite() == null ? null : copy.copyBeforeRewrite().hex());
        return m;
    }

    /**
     * What the target's entry names: the copies, then the older copies their amended records replaced there (deleted:
     * {@link JournalEntry#copiesReplaced}), then the originals, by their IDs in the source ({@link JournalEntry#originalsNamed}),
     * as tier's names them too.
     */
    static List<ObjectId> withOriginals(List<ObjectId> copies, List<ObjectId> replacedCopies, List<ObjectId> originals) {
        List<ObjectId> named = new ArrayList<>(copies);
        named.removeAll(replacedCopies); // named next, together (JournalEntry.copiesReplaced)
        named.addAll(replacedCopies);
        named.addAll(originals);
        return named;
    }

    /** What a copy made before lacked and this run copied again ({@link Copier.Copy#blobsCopiedAgain}), said after it. */
    static String copiedAgain(long blobs) {
        return blobs > 0 ? "; " + blobs + " blob(s) it lacked copied again" : "";
    }

    private static void print(SnapshotRef from, Copier.Copy copy, String location) {
        String where = TerminalText.escape(location) + " as " + copy.snapshot().shortId();
        if (copy.madeBefore()) {
            Output.out().println("snapshot " + from.shortId() + " was copied before, to " + where + copiedAgain(copy.blobsCopiedAgain()));
        } else if (copy.amendedCopy() != null) { // IS.012 6.6.5: the copy's record is as accurate as its source's
            Output.out().println("snapshot " + from.shortId() + "'s amended record replaced copy " + copy.amendedCopy().shortHex()
                    + "'s in " + where + (copy.amendedCopyHeld() ? " (" + copy.amendedCopy().shortHex()
                    + " is under legal hold there and stays as it was)" : "") + copiedAgain(copy.blobsCopiedAgain()));
        } else {
            Output.out().println("copied snapshot " + from.shortId() + " to " + where);
        }
        warnOfACopyBeforeRewrite(from.shortId(), copy.copyBeforeRewrite(), location);
    }

    /**
     * The warning for a copy made before of what {@code from} was before a rewrite ({@link Copier.Copy#copyBeforeRewrite}):
     * it still holds what the rewrite took out, and nothing rewrites a copy by itself (vault-format.md §9). Nothing for null.
     */
    static void warnOfACopyBeforeRewrite(String from, ObjectId old, String location) {
        if (old != null) {
            String there = TerminalText.escape(location);
            Output.err().println("warning: snapshot " + from + " was rewritten since its copy " + old.shortHex() + " in " + there
                    + " was made, which still holds what the rewrite took out: copied anew; `vault rewrite --repo " + there + " "
                    + old.shortHex() + "` with the same --exclude, or `vault forget --repo " + there + " " + old.shortHex()
                    + " --prune --max-unused 0`, takes it out there");
        }
    }
}
