package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.backend.MissingFileException;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.history.Differ;
import org.opsledger.vault.history.Finder;
import org.opsledger.vault.history.SnapshotSizes;
import org.opsledger.vault.prune.Forgetter;
import org.opsledger.vault.prune.PruneResult;
import org.opsledger.vault.prune.Pruner;
import org.opsledger.vault.repository.KeyEpochs;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.repository.SharedLock;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.NodeType;
import org.opsledger.vault.snapshot.SnapshotRef;

/**
 * `ls`, `find`, `diff` and `stats` read trees, and took no lock: a prune or key retire on another host beside them deleted
 * a pack whose trees they had yet to read, and they stopped there, `missing file in repository …: data/…`, exit 1 after
 * what they had printed (stats: a warning, exit 3; a tester's). They take the read lock restore takes
 * ({@link Repository#readLock}, vault-format.md §10): a prune beside them keeps the packs they read until they end, and a
 * key retire, which runs alone, is refused while they run. Each reader here is the vault code its command runs, and the
 * other command runs from a hook on the store as the reader first reads a pack (its first tree).
 */
class TreeReadersBesideAPruneTest {

    @TempDir
    Path tmp;

    private Path dir;
    /** /data with keep/k.txt, and a later snapshot with keep/k2.txt too: both share no tree with the forgotten one but keep's. */
    private SnapshotRef kept;
    private SnapshotRef later;

    /**
     * /data/keep/k.txt and /data/gone.txt backed up, then without gone.txt, then with keep/k2.txt, the first forgotten: the
     * second's keep/ tree is in the first's tree pack, beside trees no snapshot names, and a prune with --max-unused 0
     * copies it into a new pack and deletes the old one.
     */
    @BeforeEach
    void aTreePackAPruneRepacks() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data/keep")).getParent();
        dir = tmp.resolve("repo");
        Files.write(data.resolve("keep/k.txt"), TestTrees.random(1, 10_000));
        Files.write(data.resolve("gone.txt"), TestTrees.random(2, 10_000));
        try (Repository repo = TestTrees.newRepo(dir)) {
            SnapshotRef first = TestTrees.backup(repo, data);
            Files.delete(data.resolve("gone.txt"));
            kept = TestTrees.backup(repo, data);
            Files.write(data.resolve("keep/k2.txt"), TestTrees.random(3, 10_000));
            later = TestTrees.backup(repo, data);
            Forgetter f = new Forgetter(repo, ZoneOffset.UTC);
            f.remove(f.plan(List.of(first), Instant.now()), id -> { });
        }
    }

    /** The repository at {@code dir}, {@code other} run once, as the reader first reads a pack of data/ (a tree's, whole). */
    private Repository besideIt(Runnable other) {
        AtomicBoolean ran = new AtomicBoolean();
        return Repository.open(new ForwardingBackend(new LocalBackend(dir)) {
            @Override
            public byte[] read(String name) {
                if (name.startsWith("data/") && ran.compareAndSet(false, true)) {
                    other.run();
                }
                return super.read(name);
            }
        }, TestTrees.PASSWORD);
    }

    /** What {@code reader} ("ls", "find", "diff", "stats") finds in {@code repo}, as its command reads it, one line an item. */
    private List<String> read(String reader, Repository repo) {
        List<String> out = new ArrayList<>();
        switch (reader) {
            case "ls" -> walk(repo, repo.findSnapshot(kept.id().hex()).snapshot().tree(), "", out);
            case "find" -> new Finder(repo, "*").find(List.of(kept, later), h -> out.add(h.snapshot().shortId() + " " + h.path()));
            case "diff" -> new Differ(repo).diff(kept, later, c -> out.add(c.kind().letter + " " + c.path()));
            case "stats" -> {
                SnapshotSizes sizes = new SnapshotSizes(repo);
                for (SnapshotRef s : List.of(kept, later)) {
                    out.add(sizes.of(s).toString());
                }
            }
            default -> throw new IllegalArgumentException(reader);
        }
        return out;
    }

    /** Each path under {@code tree}, a directory before what it holds, as `ls` lists them. */
    private static void walk(Repository repo, ObjectId tree, String dir, List<String> out) {
        for (Node n : repo.loadTree(tree).nodes()) {
            out.add(dir + "/" + n.name());
            if (n.type() == NodeType.DIR && n.subtree() != null) {
                walk(repo, n.subtree(), dir + "/" + n.name(), out);
            }
        }
    }

    private List<String> readAlone(String reader) {
        try (Repository repo = TestTrees.open(dir)) {
            return read(reader, repo);
        }
    }

    /** A prune with --max-unused 0 of the repository at {@code dir}. */
    private PruneResult prune() {
        try (Repository admin = TestTrees.open(dir)) {
            return new Pruner(admin, 0).prune();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ls", "find", "diff", "stats"})
    void aTreeReaderBesideAPruneFinishesWholeUnderTheReadLock(String reader) {
        List<String> alone = readAlone(reader);
        assertThat(alone).isNotEmpty();
        PruneResult[] beside = {null};
        try (Repository repo = besideIt(() -> beside[0] = prune());
             SharedLock reading = repo.readLock(reader)) { // as its command takes it
            assertThat(reading).isNotNull();
            assertThat(read(reader, repo)).isEqualTo(alone);
        }
        assertThat(beside[0].packsDeleted()).as("the prune deletes nothing the reader may read").isZero();
        assertThat(beside[0].packsWaiting()).as("it keeps the repacked pack for the next prune").isPositive();
        assertThat(prune().packsDeleted()).as("which deletes it, the reader gone").isPositive();
        assertThat(readAlone(reader)).isEqualTo(alone);
    }

    /** The defect the lock ends: without it, the same prune deletes the pack the reader has yet to read a tree from. */
    @ParameterizedTest
    @ValueSource(strings = {"ls", "find", "diff", "stats"})
    void withoutTheLockThePruneDeletesATreePackTheReaderHasYetToRead(String reader) {
        PruneResult[] beside = {null};
        try (Repository repo = besideIt(() -> beside[0] = prune())) {
            assertThatThrownBy(() -> read(reader, repo)).isInstanceOf(MissingFileException.class).hasMessageContaining("data/");
        }
        assertThat(beside[0].packsDeleted()).isPositive();
    }

    /** A key retire runs alone: beside a reader's lock it is refused, nothing rewritten, and the reader finishes whole. */
    @ParameterizedTest
    @ValueSource(strings = {"ls", "find", "diff", "stats"})
    void aKeyRetireBesideATreeReaderIsRefusedAndTheReaderFinishesWhole(String reader) {
        List<String> alone = readAlone(reader);
        try (Repository admin = TestTrees.open(dir)) {
            new KeyEpochs(admin).rotate();
        }
        String[] refused = {null};
        Function<Repository, List<String>> reading = repo -> {
            try (SharedLock lock = repo.readLock(reader)) {
                return read(reader, repo);
            }
        };
        try (Repository repo = besideIt(() -> {
            try (Repository admin = TestTrees.open(dir)) {
                new KeyEpochs(admin).retire(1);
            } catch (VaultException e) {
                refused[0] = e.getMessage();
            }
        })) {
            assertThat(reading.apply(repo)).isEqualTo(alone);
        }
        assertThat(refused[0]).contains((reader.equals("ls") ? "an " : "a ") + reader + " on ").contains("is working in the repository");
    }
}
