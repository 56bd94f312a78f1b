package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.archiver.Archiver;
import org.opsledger.vault.archiver.BackupProgress;
import org.opsledger.vault.checker.Checker;
import org.opsledger.vault.copier.Copier;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.Amendment;
import org.opsledger.vault.snapshot.Rewriter;
import org.opsledger.vault.snapshot.ExtendedAttributes;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.SnapshotRef;

class CopyTest {

    @TempDir
    Path tmp;

    @Test
    void aCopyRestoresFromTheSecondRepositoryAndASecondCopyAddsNoData() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        try (Repository near = TestTrees.newRepo(tmp.resolve("near")); Repository longTerm = TestTrees.newRepo(tmp.resolve("long"))) {
            SnapshotRef s = new Archiver(near, new BackupProgress()).backup(TestTrees.options(data)
                    .withRecord("records office", "Internal", java.time.LocalDate.of(2033, 1, 1), java.util.Map.of()));
            SnapshotRef c = new Copier(near, longTerm).copy(s);
            assertThat(c.snapshot().storageLocation()).isEqualTo(tmp.resolve("long").toString());
            assertThat(c.snapshot().dataOwner()).isEqualTo("records office");
            assertThat(c.snapshot().tags()).containsKey("copied-from");
            long before = longTerm.backend().list("data").stream().mapToLong(longTerm.backend()::size).sum();
            new Copier(near, longTerm).copy(s);
            long after = longTerm.backend().list("data").stream().mapToLong(longTerm.backend()::size).sum();
            assertThat(after - before).as("deduplicated in the target").isLessThan(20_000);
            assertThat(new Checker(longTerm, 2).check(100).errors()).isEmpty();

            try (Repository again = TestTrees.open(tmp.resolve("near"))) { // the same repository, opened twice
                assertThatThrownBy(() -> new Copier(near, again)).isInstanceOf(VaultException.class)
                        .hasMessage("the target " + tmp.resolve("near") + " is the source repository, or a copy of its files (same repository ID "
                                + near.config().id() + "): copy to another repository");
            }
        }
        try (Repository longTerm = TestTrees.open(tmp.resolve("long"))) {
            var r = new org.opsledger.vault.restorer.Restorer(longTerm, 2).restore(longTerm.findSnapshot("latest"), tmp.resolve("out"), List.of(), true);
            assertThat(r.ok()).isTrue();
            TestTrees.assertSameTree(data, tmp.resolve("out/data"));
        }
    }

    /**
     * Two runs copying one snapshot into one target at once (a tier from cron beside an operator's copy, each having read
     * the target's snapshots before the other committed) left two copies of it (a helper's): the later one now finds the
     * earlier's copy just before it would commit, and reports it as copied before.
     */
    @Test
    void twoRunsCopyingOneSnapshotAtOnceLeaveOneCopy() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        try (Repository near = TestTrees.newRepo(tmp.resolve("near")); Repository longTerm = TestTrees.newRepo(tmp.resolve("long"))) {
            SnapshotRef s = TestTrees.backup(near, data);
            Copier later = new Copier(near, longTerm);
            assertThat(later.copyMadeBefore(s)).as("it has read the target's snapshots: none yet").isNull();
            Copier.Copy first = new Copier(near, longTerm).copyOnce(s);
            assertThat(first.madeBefore()).isFalse();

            Copier.Copy second = later.copyOnce(s);
            assertThat(second.madeBefore()).isTrue();
            assertThat(second.snapshot().id()).isEqualTo(first.snapshot().id());
            assertThat(longTerm.snapshots()).hasSize(1);
            assertThat(new Checker(longTerm, 2).check(100).errors()).isEmpty();
        }
    }

    /**
     * A snapshot copied before is not copied again, wherever its repository is reached from: a USB disk mounted at
     * another path is the same source. It was known by the source's location as spelled in the tag, so a moved
     * repository's snapshots were copied a second time.
     */
    @Test
    void aSnapshotCopiedBeforeIsKnownWhereverItsRepositoryIsReachedFrom() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        SnapshotRef s;
        SnapshotRef copy;
        try (Repository near = TestTrees.newRepo(tmp.resolve("media/near")); Repository longTerm = TestTrees.newRepo(tmp.resolve("long"))) {
            s = TestTrees.backup(near, data);
            Copier.Copy first = new Copier(near, longTerm).copyOnce(s);
            assertThat(first.madeBefore()).isFalse();
            copy = first.snapshot();
            assertThat(copy.snapshot().tags()).containsEntry("copied-from", tmp.resolve("media/near") + "#" + s.id().hex());
        }
        java.nio.file.Files.move(tmp.resolve("media"), tmp.resolve("mnt")); // mounted elsewhere the next time
        try (Repository near = TestTrees.open(tmp.resolve("mnt/near")); Repository longTerm = TestTrees.open(tmp.resolve("long"))) {
            Copier.Copy again = new Copier(near, longTerm).copyOnce(near.findSnapshot("latest"));
            assertThat(again.madeBefore()).isTrue();
            assertThat(again.snapshot().id()).isEqualTo(copy.id());
            assertThat(longTerm.snapshots()).hasSize(1);
        }
    }

    /**
     * A copy brought back where it came from (long-term storage copied to near-line again, then tiered again) is known
     * by the original it names: each round trip added one more snapshot of the same tree to both repositories.
     */
    @Test
    void aCopyCopiedBackIsKnownAsTheOriginalItCameFrom() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        try (Repository a = TestTrees.newRepo(tmp.resolve("a")); Repository b = TestTrees.newRepo(tmp.resolve("b"))) {
            SnapshotRef original = TestTrees.backup(a, data);
            SnapshotRef inB = new Copier(a, b).copyOnce(original).snapshot();
            Copier.Copy back = new Copier(b, a).copyOnce(inB);
            assertThat(back.madeBefore()).isTrue();
            assertThat(back.snapshot().id()).isEqualTo(original.id());
            assertThat(new Copier(a, b).copyOnce(a.findSnapshot("latest")).snapshot().id()).isEqualTo(inB.id());
            try (Repository c = TestTrees.newRepo(tmp.resolve("c"))) { // a third holds another copy of the original
                SnapshotRef inC = new Copier(a, c).copyOnce(original).snapshot();
                assertThat(new Copier(b, c).copyOnce(inB).snapshot().id()).isEqualTo(inC.id());
                assertThat(c.snapshots()).hasSize(1);
            }
            assertThat(a.snapshots()).hasSize(1);
            assertThat(b.snapshots()).hasSize(1);
        }
    }

    /**
     * A helper's round trip: long-term storage's snapshot copied to near-line, its retention lengthened there, then
     * tiered back: the copy was known as the original and forgotten near-line, the 2040 retention and its reason lost
     * everywhere. The original's record is amended now, as a copy's is: the later retention, the amendment's history.
     */
    @Test
    void aCopyBroughtBackAmendedAmendsTheOriginalsRecord() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        try (Repository longTerm = TestTrees.newRepo(tmp.resolve("long")); Repository near = TestTrees.newRepo(tmp.resolve("near"))) {
            SnapshotRef original = TestTrees.backup(longTerm, data);
            SnapshotRef inNear = new Copier(longTerm, near).copyOnce(original).snapshot();
            SnapshotRef amended = near.amend(List.of(inNear), new Amendment(null, null, java.time.LocalDate.of(2040, 1, 1), null, null,
                    "Legal: keep 15 years", "records")).getFirst();
            Copier.Copy back = new Copier(near, longTerm).copyOnce(amended);
            assertThat(back.madeBefore()).isFalse();
            assertThat(back.amendedCopy()).isEqualTo(original.id());
            assertThat(longTerm.snapshots()).singleElement().satisfies(s -> {
                assertThat(s.id()).isEqualTo(back.snapshot().id());
                assertThat(s.snapshot().retainUntil()).isEqualTo(java.time.LocalDate.of(2040, 1, 1));
                assertThat(s.snapshot().tags().get(Amendment.AMENDED)).contains("Legal: keep 15 years");
                assertThat(s.snapshot().tags()).as("the original came from nowhere").doesNotContainKey(Copier.COPIED_FROM);
                assertThat(s.snapshot().tree()).isEqualTo(original.snapshot().tree());
            });
            assertThat(new Copier(near, longTerm).copyOnce(amended).madeBefore()).as("once").isTrue();
        }
    }

    /**
     * IS.012 6.6.5: a record amended near-line after its snapshot was copied (a new ID, naming the ones it replaced)
     * amends the copy's record; it was copied a second time, the old copy keeping the record found wrong. Amended
     * twice before the next copy, and the copy amended by hand in the target too (as the documentation once said to):
     * one copy, the source's record, the later retention, every amendment in its history.
     */
    @Test
    void anAmendedRecordAmendsItsCopyInsteadOfCopyingItAgain() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        java.time.LocalDate soon = java.time.LocalDate.now().plusYears(1);
        try (Repository near = TestTrees.newRepo(tmp.resolve("near")); Repository longTerm = TestTrees.newRepo(tmp.resolve("long"))) {
            SnapshotRef s = new Archiver(near, new BackupProgress()).backup(TestTrees.options(data)
                    .withRecord(null, "Internal", soon, java.util.Map.of("ticket", "CHG-1")));
            SnapshotRef firstCopy = new Copier(near, longTerm).copyOnce(s).snapshot();
            int packs = longTerm.backend().list("data").size();
            // the copy amended by hand in the long-term repository: its retention lengthened further than near-line's
            longTerm.amend(List.of(firstCopy), new Amendment(null, null, soon.plusYears(9), null, null, "archive rule R-4", "archivist"));
            SnapshotRef once = near.amend(List.of(s), new Amendment("Payroll office", null, soon.plusYears(2), null, null, "owner left out", "ops"))
                    .getFirst();
            SnapshotRef twice = near.amend(List.of(once), new Amendment(null, "Confidential", null, null, java.util.Set.of("ticket"),
                    "classified per the register", "ops")).getFirst();

            Copier.Copy c = new Copier(near, longTerm).copyOnce(twice);

            assertThat(c.madeBefore()).isFalse();
            assertThat(c.amendedCopy()).as("the copy amended in the long-term repository").isNotNull().isNotEqualTo(firstCopy.id());
            assertThat(c.amendedCopyHeld()).isFalse();
            assertThat(longTerm.snapshots()).extracting(SnapshotRef::id).containsExactly(c.snapshot().id());
            assertThat(longTerm.backend().list("data")).as("no data copied again").hasSize(packs);
            Snapshot copy = longTerm.snapshots().getFirst().snapshot();
            assertThat(java.util.Arrays.asList(copy.dataOwner(), copy.classification(), copy.retainUntil()))
                    .containsExactly("Payroll office", "Confidential", soon.plusYears(9));
            assertThat(copy.tags()).doesNotContainKey("ticket")
                    .containsEntry("copied-from", tmp.resolve("near") + "#" + twice.id().hex());
            assertThat(copy.tags().get("amended-from").split(" ")).as("the copy it replaced first")
                    .containsExactly(c.amendedCopy().hex(), once.id().hex(), s.id().hex(), firstCopy.id().hex());
            assertThat(copy.tags().get("amended").split("\n")).hasSize(3)
                    .satisfies(lines -> assertThat(lines[0]).endsWith(" by ops: classified per the register"))
                    .satisfies(lines -> assertThat(java.util.Arrays.stream(lines).map(l -> l.substring(l.indexOf(" by ") + 4)))
                            .containsExactlyInAnyOrder("ops: classified per the register", "ops: owner left out", "archivist: archive rule R-4"));
            assertThat(copy.tree()).isEqualTo(firstCopy.snapshot().tree());
            assertThat(copy.time()).isEqualTo(s.snapshot().time());

            Copier.Copy again = new Copier(near, longTerm).copyOnce(twice);
            assertThat(again.madeBefore()).isTrue();
            assertThat(again.snapshot().id()).isEqualTo(c.snapshot().id());
            var r = new org.opsledger.vault.restorer.Restorer(longTerm, 2).restore(again.snapshot(), tmp.resolve("out"), List.of(), true);
            assertThat(r.ok()).isTrue();
            TestTrees.assertSameTree(data, tmp.resolve("out/data"));
            assertThat(new Checker(longTerm, 2).check(100).errors()).isEmpty();
        }
    }

    /**
     * A snapshot rewritten since its copy was made, found through the IDs its record says it had (amended, sealed again: a
     * rewrite keeps both), is copied anew: amended into the old copy, the rewrite's record said the private key was gone from
     * a copy whose tree still held it (h1's repro-2). The old copy stays as it was, named, for its own repository to rewrite.
     */
    @Test
    void aSnapshotRewrittenSinceItWasCopiedIsCopiedAnewNeverAmendedIntoTheCopyThatHoldsWhatWentOut() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        java.nio.file.Files.writeString(data.resolve("id_rsa"), "-----BEGIN OPENSSH PRIVATE KEY-----\nleaked\n");
        try (Repository near = TestTrees.newRepo(tmp.resolve("near")); Repository longTerm = TestTrees.newRepo(tmp.resolve("long"))) {
            SnapshotRef s = TestTrees.backup(near, data);
            SnapshotRef firstCopy = new Copier(near, longTerm).copyOnce(s).snapshot();
            SnapshotRef amended = near.amend(List.of(s), new Amendment("Payroll office", null, null, null, null, "owner left out", "ops"))
                    .getFirst();
            SnapshotRef rewritten = new Rewriter(near).rewrite(List.of(amended), List.of("id_rsa"), "INC-31: a private key", "security", false)
                    .getFirst().after();

            Copier.Copy c = new Copier(near, longTerm).copyOnce(rewritten);

            assertThat(c.madeBefore()).isFalse();
            assertThat(c.amendedCopy()).isNull();
            assertThat(c.copyBeforeRewrite()).isEqualTo(firstCopy.id());
            assertThat(longTerm.snapshots()).extracting(SnapshotRef::id).containsExactlyInAnyOrder(firstCopy.id(), c.snapshot().id());
            assertThat(longTerm.findSnapshot(firstCopy.id().hex()).snapshot()).as("as it was: its record says nothing was taken out")
                    .isEqualTo(firstCopy.snapshot());
            assertThat(c.snapshot().snapshot().tags()).containsKey(Rewriter.REWRITTEN).containsEntry("copied-from",
                    tmp.resolve("near") + "#" + rewritten.id().hex());
            assertThat(c.snapshot().snapshot().dataOwner()).isEqualTo("Payroll office");
            var r = new org.opsledger.vault.restorer.Restorer(longTerm, 2).restore(c.snapshot(), tmp.resolve("out"), List.of(), true);
            assertThat(r.ok()).isTrue();
            assertThat(tmp.resolve("out/data/id_rsa")).doesNotExist();
            assertThat(tmp.resolve("out/data/docs")).isDirectory();

            Copier.Copy again = new Copier(near, longTerm).copyOnce(rewritten);
            assertThat(again.madeBefore()).isTrue();
            assertThat(again.snapshot().id()).isEqualTo(c.snapshot().id());
            assertThat(again.copyBeforeRewrite()).isNull();

            // sealed again by a key retirement after the copy, then rewritten: found through resealed-from, likewise copied anew
            SnapshotRef other = TestTrees.backup(near, data);
            SnapshotRef otherCopy = new Copier(near, longTerm).copyOnce(other).snapshot();
            new org.opsledger.vault.repository.KeyEpochs(near).rotate();
            new org.opsledger.vault.repository.KeyEpochs(near).retire(1);
            SnapshotRef resealed = near.snapshots().stream().filter(x -> x.snapshot().tags() != null
                    && other.id().hex().equals(x.snapshot().tags().get("resealed-from"))).findFirst().orElseThrow();
            SnapshotRef rewrittenAgain = new Rewriter(near).rewrite(List.of(resealed), List.of("id_rsa"), "INC-31", "security", false)
                    .getFirst().after();
            Copier.Copy anew = new Copier(near, longTerm).copyOnce(rewrittenAgain);
            assertThat(anew.copyBeforeRewrite()).isEqualTo(otherCopy.id());
            assertThat(anew.snapshot().id()).isNotEqualTo(otherCopy.id());
            assertThat(longTerm.findSnapshot(otherCopy.id().hex()).snapshot()).isEqualTo(otherCopy.snapshot());
        }
    }

    /** A copy under legal hold in the target is evidence (IS.012 6.6.7): it stays as it was, and the amended record is a copy beside it. */
    @Test
    void aHeldCopyStaysAsItWasBesideTheAmendedOne() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        try (Repository near = TestTrees.newRepo(tmp.resolve("near")); Repository longTerm = TestTrees.newRepo(tmp.resolve("long"))) {
            SnapshotRef s = TestTrees.backup(near, data);
            SnapshotRef firstCopy = new Copier(near, longTerm).copyOnce(s).snapshot();
            longTerm.hold(firstCopy, "litigation 2026-17", "counsel");
            SnapshotRef amended = near.amend(List.of(s), new Amendment("Payroll office", null, null, null, null, "owner left out", "ops"))
                    .getFirst();

            Copier.Copy c = new Copier(near, longTerm).copyOnce(amended);

            assertThat(c.amendedCopy()).isEqualTo(firstCopy.id());
            assertThat(c.amendedCopyHeld()).isTrue();
            assertThat(longTerm.snapshots()).extracting(SnapshotRef::id).containsExactlyInAnyOrder(firstCopy.id(), c.snapshot().id());
            assertThat(longTerm.findSnapshot(firstCopy.id().hex()).snapshot()).isEqualTo(firstCopy.snapshot());
            assertThat(c.snapshot().snapshot().dataOwner()).isEqualTo("Payroll office");
            assertThat(c.snapshot().snapshot().tags().get("amended-from")).as("not replaced: named nowhere").doesNotContain(firstCopy.id().hex());
            assertThat(new Checker(longTerm, 2).check(0).warnings()).noneMatch(w -> w.contains("had removed"));
        }
    }

    /**
     * A key retirement seals a snapshot again, so it gets a new ID (IS.012 6.6.8.1): copy and tier took it for one never
     * copied and copied it again, a held one each year its keys were retired. The record names the IDs it had.
     */
    @Test
    void aSnapshotSealedAgainByAKeyRetirementIsKnownAsCopiedBefore() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        try (Repository near = TestTrees.newRepo(tmp.resolve("near")); Repository longTerm = TestTrees.newRepo(tmp.resolve("long"))) {
            SnapshotRef s = TestTrees.backup(near, data);
            SnapshotRef copy = new Copier(near, longTerm).copyOnce(s).snapshot();
            new org.opsledger.vault.repository.KeyEpochs(near).rotate();
            new org.opsledger.vault.repository.KeyEpochs(near).retire(1);
            SnapshotRef resealed = near.snapshots().getFirst();
            assertThat(resealed.id()).isNotEqualTo(s.id());
            assertThat(resealed.snapshot().tags()).containsEntry("resealed-from", s.id().hex());

            Copier.Copy again = new Copier(near, longTerm).copyOnce(resealed);
            assertThat(again.madeBefore()).isTrue();
            assertThat(again.snapshot().id()).isEqualTo(copy.id());
            assertThat(longTerm.snapshots()).extracting(SnapshotRef::id).containsExactly(copy.id());

            // amended after the retirement: the copy's record follows, found through both chains
            SnapshotRef amended = near.amend(List.of(resealed), new Amendment("Payroll office", null, null, null, null, "owner left out", "ops"))
                    .getFirst();
            Copier.Copy followed = new Copier(near, longTerm).copyOnce(amended);
            assertThat(followed.amendedCopy()).isEqualTo(copy.id());
            assertThat(longTerm.snapshots()).singleElement().satisfies(c -> assertThat(c.snapshot().dataOwner()).isEqualTo("Payroll office"));
            assertThatThrownBy(() -> near.amend(List.of(amended), new Amendment(null, null, null, java.util.Map.of("resealed-from", "00"), null,
                    "x", "ops"))).hasMessage("the tag resealed-from is written by the vault itself (by copy, tier, recover, amend, rewrite and key retire),"
                    + " not by hand");
        }
    }

    @Test
    void aCopyKeepsExtendedAttributesAndHardLinks() throws Exception {
        Path data = java.nio.file.Files.createDirectories(tmp.resolve("src/data"));
        Path file = java.nio.file.Files.writeString(data.resolve("contract.pdf"), "signed\n");
        ExtendedAttributes.write(file, java.util.Map.of("retention", "MjAzMw==")); // what a records system tags it with
        java.nio.file.Files.createLink(data.resolve("contract-copy.pdf"), file);
        try (Repository near = TestTrees.newRepo(tmp.resolve("near")); Repository longTerm = TestTrees.newRepo(tmp.resolve("long"))) {
            SnapshotRef c = new Copier(near, longTerm).copy(TestTrees.backup(near, data));
            var r = new org.opsledger.vault.restorer.Restorer(longTerm, 2).restore(c, tmp.resolve("out"), List.of(), true);
            assertThat(r.ok()).isTrue();
        }
        Path restored = tmp.resolve("out/data/contract.pdf");
        assertThat(ExtendedAttributes.read(restored)).containsEntry("retention", "MjAzMw==");
        assertThat(java.nio.file.Files.isSameFile(restored, tmp.resolve("out/data/contract-copy.pdf"))).as("one file, two names").isTrue();
    }

    @Test
    void withSharedChunkingSecretsACopyReadsOnlyTheBlobsTheTargetLacks() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        try (Repository near = TestTrees.newRepo(tmp.resolve("near"))) {
            org.opsledger.vault.backend.LocalBackend b = new org.opsledger.vault.backend.LocalBackend(tmp.resolve("long"));
            b.createRoot();
            try (Repository longTerm = Repository.init(b, TestTrees.PASSWORD, TestTrees.FAST_KDF, "long", near)) {
                assertThat(longTerm.sameChunkingAs(near)).isTrue();
                assertThat(longTerm.keys().current().getEncoded()).isNotEqualTo(near.keys().current().getEncoded());
                SnapshotRef first = new Archiver(near, new BackupProgress()).backup(TestTrees.options(data));
                Copier one = new Copier(near, longTerm);
                SnapshotRef c = one.copy(first);
                assertThat(one.sameChunking()).isTrue();
                assertThat(one.blobsCopied()).isEqualTo(near.index().entries().values().stream()
                        .filter(e -> e.type() == org.opsledger.vault.pack.BlobType.DATA).count());
                assertThat(c.snapshot().tree()).as("same chunking, same tree IDs").isEqualTo(first.snapshot().tree());

                java.nio.file.Files.write(data.resolve("added.bin"), TestTrees.random(99, 500_000)); // below the minimum chunk size: one chunk whatever the secret gear table
                SnapshotRef second = new Archiver(near, new BackupProgress()).backup(TestTrees.options(data));
                Copier two = new Copier(near, longTerm);
                two.copy(second);
                assertThat(two.blobsCopied()).as("only the new file's chunk").isEqualTo(1);
                assertThat(new Checker(longTerm, 2).check(100).errors()).isEmpty();
                var r = new org.opsledger.vault.restorer.Restorer(longTerm, 2).restore(longTerm.findSnapshot("latest"), tmp.resolve("out2"), List.of(), true);
                assertThat(r.ok()).as(r.toString()).isTrue();
                TestTrees.assertSameTree(data, tmp.resolve("out2/data"));
            }
        }
    }

    /**
     * A copy of several snapshots in one run (tier, `copy A B`) took the target's lock per snapshot and reused, from one
     * to the next, the trees and blobs it had stored: a `forget --prune` in the target between two of them deleted those,
     * and the later copy named them without storing them again (a helper's: check then found its trees missing, and tier
     * had forgotten the original). What the target's index, read under the later lock, no longer has is stored again.
     */
    @Test
    void aPruneInTheTargetBetweenTwoSnapshotsOfOneRunLosesNothingOfTheLaterCopy() throws Exception {
        try (Repository near = TestTrees.newRepo(tmp.resolve("near")); Repository longTerm = TestTrees.newRepo(tmp.resolve("long"))) {
            copyTwoWithAPruneBetween(near, longTerm);
        }
    }

    /** The same with shared chunking secrets, where the blobs copied are reused too, not only the trees. */
    @Test
    void aPruneInTheTargetBetweenTwoSnapshotsLosesNoBlobOfTheLaterCopyWithSharedChunking() throws Exception {
        try (Repository near = TestTrees.newRepo(tmp.resolve("near"))) {
            org.opsledger.vault.backend.LocalBackend b = new org.opsledger.vault.backend.LocalBackend(tmp.resolve("long"));
            b.createRoot();
            try (Repository longTerm = Repository.init(b, TestTrees.PASSWORD, TestTrees.FAST_KDF, "long", near)) {
                copyTwoWithAPruneBetween(near, longTerm);
            }
        }
    }

    /** Copies A, then B (a file added beside A's in d/, keep/ unchanged) with one copier, A's copy forgotten and pruned between. */
    private void copyTwoWithAPruneBetween(Repository near, Repository longTerm) throws Exception {
        Path data = tmp.resolve("src/data");
        java.nio.file.Files.createDirectories(data.resolve("keep"));
        java.nio.file.Files.createDirectories(data.resolve("d"));
        java.nio.file.Files.write(data.resolve("keep/k.bin"), TestTrees.random(11, 100_000));
        java.nio.file.Files.write(data.resolve("d/x.bin"), TestTrees.random(12, 200_000));
        SnapshotRef a = TestTrees.backup(near, data);
        java.nio.file.Files.write(data.resolve("d/y.bin"), TestTrees.random(13, 50_000));
        SnapshotRef b = TestTrees.backup(near, data);

        Copier copier = new Copier(near, longTerm);
        SnapshotRef copyOfA = copier.copy(a);
        try (Repository other = TestTrees.open(tmp.resolve("long"))) { // another process: `vault forget --prune <A's copy>`
            assertThat(other.deleteSnapshotUnlessHeld(copyOfA.id())).isEqualTo(Repository.Deletion.DELETED);
            new org.opsledger.vault.prune.Pruner(other).prune();
        }
        copier.copy(b);

        assertThat(new Checker(longTerm, 2).check(100).errors()).isEmpty();
        var r = new org.opsledger.vault.restorer.Restorer(longTerm, 2).restore(longTerm.findSnapshot("latest"), tmp.resolve("out"), List.of(), true);
        assertThat(r.ok()).as(r.toString()).isTrue();
        TestTrees.assertSameTree(data, tmp.resolve("out/data"));
    }
    /**
     * A tree the target's index still has was no proof that what lies below it is there: prune's --max-unused kept a pack
     * of trees while the data below them went (a re-tester's: a rewrite of A's copy, then a prune, between the copies of A
     * and B, whose root trees are one; B's copy named blobs the target no longer had, and tier forgot its original). Here
     * the data pack goes and the index is written again without it, as such a prune leaves it: B's copy stores it again.
     */
    @Test
    void aTreeStillIndexedIsNotReusedAfterTheTargetsIndexWasWrittenAgainWithoutTheDataBelowIt() throws Exception {
        try (Repository near = TestTrees.newRepo(tmp.resolve("near")); Repository longTerm = TestTrees.newRepo(tmp.resolve("long"))) {
            Path data = tmp.resolve("src/data");
            java.nio.file.Files.createDirectories(data.resolve("small"));
            java.nio.file.Files.write(data.resolve("small/f.bin"), TestTrees.random(21, 150_000));
            SnapshotRef a = TestTrees.backup(near, data);
            SnapshotRef b = TestTrees.backup(near, data); // nothing changed: the same root tree as A's
            assertThat(b.snapshot().tree()).isEqualTo(a.snapshot().tree());

            Copier copier = new Copier(near, longTerm);
            SnapshotRef copyOfA = copier.copy(a);
            try (Repository other = TestTrees.open(tmp.resolve("long"))) { // another process: the data pack goes, trees stay
                var blob = org.opsledger.vault.snapshot.SnapshotPaths.trail(copyOfA, "data/small/f.bin", other::loadTree).getLast()
                        .content().getFirst();
                java.nio.file.Files.delete(tmp.resolve("long").resolve(Repository.packName(other.index().get(blob).pack())));
                new org.opsledger.vault.checker.Repairer(other, 2).repair(0, false); // the index written again from the packs
                assertThat(other.index().contains(copyOfA.snapshot().tree())).as("the root tree is still indexed").isTrue();
            }
            copier.copy(b);

            SnapshotRef copyOfB = longTerm.findSnapshot("latest");
            assertThat(new Checker(longTerm, 2).check(100).errors()).as("B's copy").noneMatch(e -> e.contains(copyOfB.shortId()));
            var r = new org.opsledger.vault.restorer.Restorer(longTerm, 2).restore(copyOfB, tmp.resolve("out"), List.of(), true);
            assertThat(r.ok()).as(r.toString()).isTrue();
            TestTrees.assertSameTree(data, tmp.resolve("out/data"));
        }
    }

    @Test
    void aCopyReadsTheSourcesPacksInRunsNotBlobByBlobSeveralAtOnce() throws Exception {
        Path data = java.nio.file.Files.createDirectories(tmp.resolve("src/data"));
        for (int i = 0; i < 100; i++) { // below the minimum chunk size: one blob each, 10 MB in all
            java.nio.file.Files.write(data.resolve("f" + i + ".bin"), TestTrees.random(i, 100_000));
        }
        Path nearDir = tmp.resolve("near");
        try (Repository near = TestTrees.newRepo(nearDir)) {
            TestTrees.backup(near, data);
        }
        java.util.concurrent.atomic.AtomicInteger packReads = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger mostInFlight = new java.util.concurrent.atomic.AtomicInteger();
        // each ranged read held until a second is in flight beside it, a minute at most in all: held 200 ms, the next read's
        // thread could start only after it under load; reads made one after another leave the most in flight at 1
        java.util.concurrent.CountDownLatch twoInFlight = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicLong holdUntil = new java.util.concurrent.atomic.AtomicLong(); // from the first read
        ForwardingBackend counting = new ForwardingBackend(new org.opsledger.vault.backend.LocalBackend(nearDir)) {
            @Override
            public byte[] read(String name) {
                if (name.startsWith("data/")) {
                    packReads.incrementAndGet();
                }
                return super.read(name);
            }

            @Override
            public byte[] readRange(String name, long offset, int length) {
                if (!name.startsWith("data/")) {
                    return super.readRange(name, offset, length);
                }
                packReads.incrementAndGet();
                if (mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max) > 1) {
                    twoInFlight.countDown();
                }
                try {
                    holdUntil.compareAndSet(0, System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(1));
                    twoInFlight.await(Math.max(0, holdUntil.get() - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
                    return super.readRange(name, offset, length);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                } finally {
                    inFlight.decrementAndGet();
                }
            }
        };
        try (Repository near = Repository.open(counting, TestTrees.PASSWORD)) {
            org.opsledger.vault.backend.LocalBackend b = new org.opsledger.vault.backend.LocalBackend(tmp.resolve("long"));
            b.createRoot();
            try (Repository longTerm = Repository.init(b, TestTrees.PASSWORD, TestTrees.FAST_KDF, "long", near)) {
                Copier copier = new Copier(near, longTerm);
                SnapshotRef c = copier.copy(near.snapshots().getFirst());

                assertThat(copier.blobsCopied()).isEqualTo(100);
                assertThat(packReads).as("the 100 files' blobs read in runs of ≤ 4 MiB, not one read each").hasValueLessThanOrEqualTo(6);
                assertThat(mostInFlight).as("several reads in flight").hasValueGreaterThanOrEqualTo(2);
                assertThat(new Checker(longTerm, 2).check(100).errors()).isEmpty();
                assertThat(new org.opsledger.vault.restorer.Restorer(longTerm, 2).restore(c, tmp.resolve("out"), List.of(), true).ok()).isTrue();
            }
        }
    }

    /**
     * A copy from a damaged source names the source repository, the snapshot and the pack, as check names the pack: "blob
     * 6620bfe3 fails authentication" named neither repository nor pack, and the operator could not tell which side of the
     * copy was broken (r4's). A missing pack, a data blob that fails authentication (read in runs with shared chunking,
     * file by file without) and a tree that does not read.
     */
    @Test
    void aCopyFromADamagedSourceNamesTheSourceTheSnapshotAndThePack() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        for (String damage : List.of("missing pack", "data blob", "tree")) {
            for (boolean shared : List.of(true, false)) {
                Path near = tmp.resolve(damage.replace(' ', '-') + "-" + shared + "/near");
                Path far = near.resolveSibling("long");
                try (Repository source = TestTrees.newRepo(near)) {
                    SnapshotRef s = TestTrees.backup(source, data);
                    var blob = source.index().entries().entrySet().stream()
                            .filter(e -> e.getValue().type() == (damage.equals("tree") ? org.opsledger.vault.pack.BlobType.TREE
                                    : org.opsledger.vault.pack.BlobType.DATA)).findFirst().orElseThrow();
                    String pack = blob.getValue().pack().hex();
                    if (damage.equals("missing pack")) {
                        java.nio.file.Files.delete(near.resolve(Repository.packName(blob.getValue().pack())));
                    } else {
                        DamagedPackTest.flipOneByteOf(near, blob.getValue());
                    }
                    var b = new org.opsledger.vault.backend.LocalBackend(far);
                    b.createRoot();
                    try (Repository target = shared ? Repository.init(b, TestTrees.PASSWORD, TestTrees.FAST_KDF, "long", source)
                            : Repository.init(b, TestTrees.PASSWORD, TestTrees.FAST_KDF, "long")) {
                        String said = damage.equals("missing pack") ? "pack " + pack + " is indexed but missing from the repository"
                                : "pack " + pack + " is damaged (" + (damage.equals("tree") ? "tree " : "") + "blob "
                                        + blob.getKey().shortHex() + " fails authentication)";
                        assertThatThrownBy(() -> new Copier(source, target).copy(s)).as(damage + (shared ? ", shared chunking" : ""))
                                .isInstanceOf(VaultException.class).hasMessage("cannot copy snapshot " + s.shortId() + " from " + near + ": "
                                        + said + "; the source is damaged, not the target: run `vault check` on " + near);
                        assertThat(target.snapshots()).isEmpty();
                    }
                }
            }
        }
    }
}
