package org.opsledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar `./mvnw verify` builds, run through {@code ./opsledger} as users run it: extracted beside itself, with the
 * start-up cache the launcher records from its training run on the first vault command (an AOT cache on JDK 25+). The
 * unit tests run the vault's classes from target/classes, through a stand-in JDK and without that cache; the first form
 * of the ACL work passed all of them and kept no ACL through the launcher, the cache having passed over its Java 22
 * class (b4979a41). Run by failsafe after the jar is packaged ({@code *IT}).
 */
class BuiltJarIT {

    private static final Path LAUNCHER = Path.of("..", "opsledger").toAbsolutePath().normalize();
    private static final Path BUILT = Path.of("target", "opsledger.jar").toAbsolutePath();
    private static final long PATIENCE_MINUTES = 10; // the training run on a loaded 2-core machine

    @TempDir
    Path tmp;

    /** A backup of a tree holding a POSIX ACL where the filesystem keeps one, restored and verified, then checked. */
    @Test
    void aBackupRestoresAndChecksThroughTheLauncherWithItsStartUpCache() throws Exception {
        assertThat(BUILT).as("the packaged jar (failsafe runs after `package`)").isRegularFile();
        Path jar = Files.copy(BUILT, Files.createDirectories(tmp.resolve("install")).resolve("opsledger.jar"));
        Path data = Files.createDirectories(tmp.resolve("data/shared"));
        Files.writeString(data.resolve("a.txt"), "alpha\n".repeat(10_000));
        Path secret = Files.writeString(tmp.resolve("data/secret.txt"), "db password\n");
        boolean acls = setfacl("-m", "u:nobody:r,g::-", secret.toString()) && setfacl("-d", "-m", "u:nobody:rx", data.toString());

        run(jar, "init");
        if (Runtime.version().feature() >= 25) { // on JDK 21–24 each command records a class-data-sharing archive of its own
            assertThat(tmp.resolve("install/app/vault.aot")).as("the launcher recorded the vault commands' start-up cache").isRegularFile();
        }
        String said = run(jar, "backup", "--allow-same-device", "--owner", "ops", "--classification", "internal", "--retain-until",
                LocalDate.now().plusYears(1).toString(), tmp.resolve("data").toString());
        assertThat(said).as("nothing left out, no warning").isEmpty();
        run(jar, "restore", "latest", "--target", tmp.resolve("out").toString(), "--verify");
        assertThat(Files.readString(tmp.resolve("out/data/shared/a.txt"))).isEqualTo(Files.readString(data.resolve("a.txt")));
        if (acls) {
            assertThat(getfacl(tmp.resolve("out/data/secret.txt"))).contains("user:nobody:r--").isEqualTo(getfacl(secret));
            assertThat(getfacl(tmp.resolve("out/data/shared"))).contains("default:user:nobody:r-x").isEqualTo(getfacl(data));
        }
        run(jar, "check", "--read-data");
    }

    /** `./opsledger vault ARGS --repo …` with {@code jar}; its stderr, once it exited 0 (the assertion names it otherwise). */
    private String run(Path jar, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString(), "vault"));
        command.addAll(List.of(args));
        command.addAll(List.of("--repo", tmp.resolve("repo").toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(tmp.resolve("stdout").toFile())
                .redirectError(tmp.resolve("stderr").toFile());
        pb.environment().put("OPSLEDGER_JAR", jar.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("OPSLEDGER_VAULT_PASSWORD", "built-jar-test");
        pb.environment().remove("OPSLEDGER_NO_CDS");
        pb.environment().remove("OPSLEDGER_JAVA_OPTS");
        Process p = pb.start();
        boolean ended = p.waitFor(PATIENCE_MINUTES, TimeUnit.MINUTES);
        String err = Files.readString(tmp.resolve("stderr"));
        if (!ended) {
            p.destroyForcibly();
        }
        assertThat(ended && p.exitValue() == 0).as("vault %s: %s", args[0], err).isTrue();
        return err;
    }

    /** setfacl ARGS; false where setfacl is missing or the filesystem keeps no ACL (the test then keeps to the rest). */
    private static boolean setfacl(String... args) throws InterruptedException {
        List<String> command = new ArrayList<>(List.of("setfacl"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** getfacl's entries of {@code f}, without the lines naming it and its owner. */
    private static String getfacl(Path f) throws Exception {
        Process p = new ProcessBuilder("getfacl", "-c", "-p", "--", f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }
}
