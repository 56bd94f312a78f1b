package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.repository.DamagedBlobException;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.restorer.Dumper;
import org.opsledger.vault.restorer.RestoreResult;
import org.opsledger.vault.restorer.Restorer;
import org.opsledger.vault.snapshot.ExtendedAttributes;
import org.opsledger.vault.snapshot.FileNames;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.NodeType;
import org.opsledger.vault.snapshot.SnapshotRef;

/** `vault dump`: a file's bytes, or a directory as a tar archive that GNU tar extracts to the same tree. */
class DumpTest {

    @TempDir
    Path tmp;

    @Test
    void aFileComesOutAsItsBytes() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef snap = TestTrees.backup(repo, data);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Dumper.Dumped d = new Dumper(repo).dump(snap, "/data/big.bin", out); // several chunks
            assertThat(out.toByteArray()).isEqualTo(Files.readAllBytes(data.resolve("big.bin")));
            assertThat(d.type()).isEqualTo(NodeType.FILE);
            assertThat(d.bytes()).isEqualTo(Files.size(data.resolve("big.bin")));

            ByteArrayOutputStream empty = new ByteArrayOutputStream();
            new Dumper(repo).dump(snap, "data/docs/zero", empty);
            assertThat(empty.size()).isZero();
        }
    }

    /** A backslash is part of a Linux name (systemd escapes '-' as \x2d), found as `vault ls` shows it, never a separator. */
    @Test
    void aNameWithABackslashIsFoundAsListed() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.writeString(data.resolve("srv-data\\x2dbackup.mount"), "[Mount]\n");
        Files.createDirectories(data.resolve("srv-data/x2dbackup.mount")); // what the name read as a path would find
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef snap = TestTrees.backup(repo, data);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThat(new Dumper(repo).dump(snap, "data/srv-data\\x2dbackup.mount", out).type()).isEqualTo(NodeType.FILE);
            assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("[Mount]\n");
            RestoreResult r = new Restorer(repo, 2).restore(snap, tmp.resolve("out"), List.of("/data/srv-data\\x2dbackup.mount"), true);
            assertThat(r.ok()).isTrue();
            assertThat(tmp.resolve("out/data/srv-data\\x2dbackup.mount")).hasContent("[Mount]");
            assertThat(tmp.resolve("out/data/srv-data")).doesNotExist();
        }
    }

    @Test
    void aDirectoryComesOutAsATarArchiveThatGnuTarExtractsToTheSameTree() throws Exception {
        Path data = TestTrees.sample(tmp.resolve("src/data"));
        Files.createLink(data.resolve("docs/manual-link.txt"), data.resolve("docs/manual.txt"));
        Files.getFileAttributeView(data.resolve("docs/manual.txt"), UserDefinedFileAttributeView.class)
                .write("user.checksum", ByteBuffer.wrap("sha256:abc".getBytes(StandardCharsets.UTF_8)));
        for (String name : List.of("a=b", "p%3Dq", "100%")) { // written raw in the keyword, tar extracted user.a ("b=…") and user.p=q
            Files.getFileAttributeView(data.resolve("docs/manual.txt"), UserDefinedFileAttributeView.class)
                    .write(name, ByteBuffer.wrap(name.getBytes(StandardCharsets.UTF_8)));
        }
        Files.write(FileNames.resolve(data, FileNames.decode(new byte[] {'c', 'a', 'f', (byte) 0xe9})), new byte[] {1}); // Latin-1
        Files.write(data.resolve("deep/a/b/c/d/" + "long-name-".repeat(12) + ".txt"), new byte[] {2}); // path past ustar's 100
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef snap = TestTrees.backup(repo, data);
            for (String path : List.of("data", "/")) {
                Path archive = tmp.resolve("dump" + path.length() + ".tar");
                Dumper.Dumped d;
                try (OutputStream out = Files.newOutputStream(archive)) {
                    d = new Dumper(repo).dump(snap, path, out);
                }
                assertThat(d.type()).isEqualTo(NodeType.DIR);
                assertThat(d.bytes()).isEqualTo(Files.size(archive));
                Path out = Files.createDirectories(tmp.resolve("x" + path.length()));
                tar("-x", "--xattrs", "--xattrs-include=user.*", "-f", archive.toString(), "-C", out.toString());

                TestTrees.assertSameTree(data, out.resolve("data")); // bytes, modes, mtimes to the ns, symlinks, empty dirs
                assertThat(Files.isSameFile(out.resolve("data/docs/manual-link.txt"), out.resolve("data/docs/manual.txt")))
                        .as("a hard link stays one").isTrue();
                assertThat(ExtendedAttributes.read(out.resolve("data/docs/manual.txt")))
                        .isEqualTo(ExtendedAttributes.read(data.resolve("docs/manual.txt")));
                assertThat(Files.readAllBytes(FileNames.resolve(out.resolve("data"), FileNames.decode(new byte[] {'c', 'a', 'f', (byte) 0xe9}))))
                        .as("a name that is not UTF-8 keeps its bytes").containsExactly(1);
            }
            Path archive = tmp.resolve("docs.tar");
            try (OutputStream out = Files.newOutputStream(archive)) {
                new Dumper(repo).dump(snap, "/data/docs/", out);
            }
            Path out = Files.createDirectories(tmp.resolve("docs"));
            tar("-x", "-f", archive.toString(), "-C", out.toString());
            try (var top = Files.list(out)) {
                assertThat(top.map(p -> p.getFileName().toString())).as("paths as in the snapshot").containsExactly("data");
            }
            TestTrees.assertSameTree(data.resolve("docs"), out.resolve("data/docs"));
        }
    }

    /**
     * Two names that are not UTF-8 show alike ("bad\uFFFD" for bad\xff and bad\xfd): given so, dump printed the first
     * one's bytes, exit 0 (a helper's). Such a name is refused as ambiguous; each is found by its bytes.
     */
    @Test
    void aNameShownForTwoNamesThatAreNotUtf8IsAmbiguous() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(FileNames.resolve(data, FileNames.decode(new byte[] {'b', 'a', 'd', (byte) 0xff})), new byte[] {1});
        Files.write(FileNames.resolve(data, FileNames.decode(new byte[] {'b', 'a', 'd', (byte) 0xfd})), new byte[] {2});
        try (Repository repo = TestTrees.newRepo(tmp.resolve("repo"))) {
            SnapshotRef snap = TestTrees.backup(repo, data);
            assertThatThrownBy(() -> new Dumper(repo).dump(snap, "data/bad\uFFFD", OutputStream.nullOutputStream()))
                    .hasMessageStartingWith("name bad\uFFFD in snapshot " + snap.shortId() + " is shown for 2 names whose bytes are not UTF-8");
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            new Dumper(repo).dump(snap, "data/" + FileNames.decode(new byte[] {'b', 'a', 'd', (byte) 0xfd}), out);
            assertThat(out.toByteArray()).containsExactly(2);
            // restore --include so restored both, exit 0 (a re-tester's)
            assertThatThrownBy(() -> new org.opsledger.vault.restorer.Restorer(repo, 2).restore(snap, tmp.resolve("out"),
                    List.of("data/bad\uFFFD"), true)).hasMessageStartingWith("the include path data/bad\uFFFD is shown for 2 names");
            assertThat(tmp.resolve("out")).doesNotExist();
        }
    }

    @Test
    void aDamagedBlockStopsTheDumpAndAnUnknownPathIsNamed() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.write(data.resolve("victim.bin"), TestTrees.random(7, 300_000));
        Path repoDir = tmp.resolve("repo");
        SnapshotRef snap;
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            snap = TestTrees.backup(repo, data);
            Node dir = repo.loadTree(snap.snapshot().tree()).nodes().getFirst();
            Node victim = repo.loadTree(dir.subtree()).nodes().getFirst();
            DamagedPackTest.flipOneByteOf(repoDir, repo.index().get(victim.content().getFirst()));
        }
        try (Repository repo = TestTrees.open(repoDir)) {
            assertThatThrownBy(() -> new Dumper(repo).dump(snap, "data/victim.bin", OutputStream.nullOutputStream()))
                    .isInstanceOf(DamagedBlobException.class);
            assertThatThrownBy(() -> new Dumper(repo).dump(snap, "data/nothing.bin", OutputStream.nullOutputStream()))
                    .isInstanceOf(VaultException.class).hasMessageContaining("no path data/nothing.bin in snapshot " + snap.shortId());
        }
    }

    private static void tar(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("tar"));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            Assumptions.abort("GNU tar is not installed");
            return;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).as("tar had nothing to say").isEmpty();
    }
}
