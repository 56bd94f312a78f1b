package org.opsledger.vault.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.vault.TestTrees;
import org.opsledger.vault.archiver.Archiver;
import org.opsledger.vault.archiver.BackupProgress;
import org.opsledger.vault.repository.Repository;

/**
 * libc's extended attribute calls are linked at the first call, not when the vault loads them: linking generated 65 classes
 * (5 downcall stubs and their method handles' lambda forms) that the JIT compiled, on the main thread of every backup, and an
 * unchanged re-run whose parent vouches for every attribute makes no call (docs/performance.md, "Forty-first session").
 * Each case runs in a JVM of its own, with native access enabled as the CLI's jar enables it: this JVM's tests linked them
 * long ago.
 */
class XattrCallsLinkedOnFirstUseTest {

    @TempDir
    Path tmp;

    @Test
    void anUnchangedReRunLinksNoCallAndAChangedFilesAclIsStillRead() throws Exception {
        Path secret = TestTrees.aclSecret(tmp);
        Path data = secret.getParent();
        Path plain = Files.writeString(data.resolve("plain.txt"), "y\n");
        Path repoDir = tmp.resolve("repo");
        try (Repository repo = TestTrees.newRepo(repoDir)) {
            TestTrees.backup(repo, data);
        }

        String unchanged = runChild(repoDir, data, plain);
        assertThat(unchanged).contains("UNCHANGED 2 of 2", "ACLS [" + PermissionAttributes.ACCESS_ACL + "] []",
                "AVAILABLE true", "LINKED false");

        TestTrees.runOrSkip("setfacl", "-m", "u:nobody:r", plain.toString()); // moves its ctime: read, its ACL listed
        String changed = runChild(repoDir, data, plain);
        assertThat(changed).contains("UNCHANGED 1 of 2", "ACLS [" + PermissionAttributes.ACCESS_ACL + "] [" + PermissionAttributes.ACCESS_ACL
                + "]", "AVAILABLE true", "LINKED true");
    }

    @Test
    void aJvmThatReachesTheCallsSaysSoBeforeAnyIsLinked() throws Exception {
        String out = runChild(null, null, null);
        assertThat(out).contains("AVAILABLE true", "LINKED false");
    }

    private String runChild(Path repoDir, Path data, Path plain) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), Child.class.getName()));
        if (repoDir != null) {
            command.addAll(List.of(repoDir.toString(), data.toString(), plain.getFileName().toString()));
        }
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes());
        assertThat(child.waitFor()).as("the child JVM, output:\n" + out).isZero();
        return out;
    }

    /** Runs in the child JVM: an incremental of the tree (when named), then what the calls' state is. */
    public static final class Child {
        public static void main(String[] args) {
            try {
                if (args.length > 0) {
                    try (Repository repo = TestTrees.open(Path.of(args[0]))) {
                        var snap = new Archiver(repo, new BackupProgress()).backup(TestTrees.options(Path.of(args[1])));
                        var summary = snap.snapshot().summary();
                        System.out.println("UNCHANGED " + summary.filesUnchanged() + " of " + summary.files());
                        Node dir = repo.loadTree(snap.snapshot().tree()).nodes().getFirst();
                        var nodes = repo.loadTree(dir.subtree()).nodes();
                        System.out.println("ACLS " + aclsOf(nodes, "app.env") + " " + aclsOf(nodes, args[2]));
                    }
                }
                System.out.println("AVAILABLE " + (PermissionAttributes.unavailable() == null));
                System.out.println("LINKED " + NativeXattrs.linked());
            } catch (Throwable t) {
                t.printStackTrace(System.out);
                System.exit(1);
            }
        }

        private static Set<String> aclsOf(List<Node> nodes, String name) {
            Node n = nodes.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
            return n.permissionXattrs() == null ? Set.of() : new TreeSet<>(n.permissionXattrs().keySet());
        }
    }
}
