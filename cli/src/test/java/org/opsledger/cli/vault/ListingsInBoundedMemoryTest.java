package org.opsledger.cli.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.cli.CliRun;
import org.opsledger.vault.backend.LocalBackend;
import org.opsledger.vault.crypto.ObjectId;
import org.opsledger.vault.pack.BlobType;
import org.opsledger.vault.repository.Repository;
import org.opsledger.vault.snapshot.Node;
import org.opsledger.vault.snapshot.NodeType;
import org.opsledger.vault.snapshot.Snapshot;
import org.opsledger.vault.snapshot.Tree;

/**
 * `vault ls`, `find` and `diff` print as they walk: a snapshot of a file server's 200,000 files is listed
 * by a JVM whose heap could not hold the listing (they held every line until the last, ≈500 bytes each).
 * The snapshot is crafted from three trees that hold each other, so no test writes 200,000 files.
 */
class ListingsInBoundedMemoryTest {

    private static final int TOP = 40;
    private static final int MIDDLE = 50;
    private static final int LEAF = 100;
    private static final long PATHS = TOP + (long) TOP * MIDDLE + (long) TOP * MIDDLE * LEAF;

    @TempDir
    static Path tmp;

    static Path pw;
    static Path repo;
    static String empty;
    static String large;

    @BeforeAll
    static void aRepositoryWithAnEmptySnapshotAndOneOf200000Files() throws Exception {
        pw = Files.writeString(tmp.resolve("pw"), "operator one\n");
        repo = tmp.resolve("repo");
        assertThat(CliRun.of("vault", "init", "--repo", repo.toString(), "--password-file", pw.toString(),
                "--kdf-iterations", "100000").exit()).isZero();
        try (Repository r = Repository.open(new LocalBackend(repo), "operator one".toCharArray())) {
            byte[] bytes = "one line\n".getBytes(StandardCharsets.UTF_8);
            ObjectId blob = r.saveBlob(BlobType.DATA, bytes, 0, bytes.length);
            List<Node> files = new ArrayList<>();
            for (int i = 0; i < LEAF; i++) {
                files.add(new Node(String.format("file-%03d.txt", i), NodeType.FILE, 0644, 0, 0, 0, 0, 0, 0, bytes.length, List.of(blob), null, null));
            }
            ObjectId leaf = r.saveTree(new Tree(files));
            ObjectId middle = r.saveTree(new Tree(directories("dir-", MIDDLE, leaf)));
            ObjectId top = r.saveTree(new Tree(directories("share-", TOP, middle)));
            ObjectId none = r.saveTree(new Tree(List.of()));
            r.flush();
            empty = save(r, none);
            large = save(r, top);
        }
    }

    private static List<Node> directories(String prefix, int count, ObjectId subtree) {
        List<Node> dirs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            dirs.add(new Node(String.format("%s%02d", prefix, i), NodeType.DIR, 0755, 0, 0, 0, 0, 0, 0, 0, null, subtree, null));
        }
        return dirs;
    }

    private static String save(Repository r, ObjectId tree) {
        Snapshot s = new Snapshot(Instant.now(), tree, null, List.of("/srv"), "fileserver", "root", Map.of(), Snapshot.Kind.FULL,
                null, null, null, "x", "fileserver", null);
        return r.saveSnapshot(s).hex();
    }

    @Test
    void lsListsEveryPathInASmallHeap() throws Exception {
        Run ls = vault("ls", large);
        assertThat(ls.lines()).isEqualTo(PATHS);
        assertThat(ls.last()).endsWith("/share-39/dir-49/file-099.txt");
        Run json = vault("ls", large, "--json");
        assertThat(json.lines()).isEqualTo(1);
        assertThat(json.last()).startsWith("[{\"path\":\"/share-00\"").endsWith("\"path\":\"/share-39/dir-49/file-099.txt\","
                + "\"type\":\"file\",\"mode\":\"644\",\"size\":9,\"mtime\":\"1970-01-01T00:00:00Z\",\"uid\":0,\"gid\":0}]");
    }

    @Test
    void findNamesEveryHitInASmallHeap() throws Exception {
        Run find = vault("find", "*");
        assertThat(find.lines()).isEqualTo(PATHS + 1); // the large snapshot's paths (the empty one has none), then the count
        assertThat(find.last()).isEqualTo(PATHS + " match(es) in 2 snapshot(s)");
    }

    @Test
    void diffNamesEveryChangeInASmallHeap() throws Exception {
        Run diff = vault("diff", empty, large);
        assertThat(diff.lines()).isEqualTo(PATHS + 1);
        assertThat(diff.last()).endsWith(": " + PATHS + " added, 0 removed, 0 modified, 0 changed type, 0 changed metadata");
        Run json = vault("diff", empty, large, "--json");
        assertThat(json.lines()).isEqualTo(1);
        assertThat(json.last()).startsWith("{\"from\":\"" + empty + "\",\"to\":\"" + large + "\",\"changes\":[{\"change\":\"added\"")
                .endsWith("\"path\":\"/share-39/dir-49/file-099.txt\"}]}");
    }

    @Test
    void aListingWhoseReaderWentAwayEndsThereAsDumpDoes() throws Exception {
        for (boolean json : new boolean[] {false, true}) {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "org.opsledger.cli.OpsLedgerCommand", "vault", "ls", large,
                    "--repo", repo.toString(), "--password-file", pw.toString()));
            if (json) {
                command.add("--json");
            }
            Process p = new ProcessBuilder(command).start();
            p.getInputStream().read(); // `| head -c 1`: one byte read, then the pipe closed
            p.getInputStream().close();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(err).isEqualTo(1); // before: 0, after listing every path into the closed pipe
            assertThat(err.lines().filter(l -> l.startsWith("opsledger:"))).as(err)
                    .containsExactly("opsledger: stdout was closed before the output ended");
        }
    }

    /** How many lines a command printed, and its last (long JSON lines cut to their first and last 200 characters). */
    private record Run(long lines, String last) {
    }

    /** The command in a JVM of its own with a 24 MiB heap (the launcher gives a vault command 64 MiB on 2 CPUs). */
    private static Run vault(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx24m", "-cp", System.getProperty("java.class.path"), "org.opsledger.cli.OpsLedgerCommand",
                "vault"));
        command.addAll(List.of(args));
        command.addAll(List.of("--repo", repo.toString(), "--password-file", pw.toString()));
        Path err = tmp.resolve("stderr");
        Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
        long lines = 0;
        String last = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                lines++;
                last = line.length() <= 400 ? line : line.substring(0, 200) + "…" + line.substring(line.length() - 200);
            }
        }
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(err)).isZero();
        return new Run(lines, last);
    }
}
