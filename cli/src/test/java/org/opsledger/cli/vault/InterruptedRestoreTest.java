package org.opsledger.cli.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsledger.cli.CliRun;
import org.opsledger.vault.VaultJson;
import tools.jackson.databind.JsonNode;

/**
 * A command stopped by a signal: a restore stopped by SIGTERM (systemctl stop) says what it left behind; the journal keeps
 * which signal stopped a command, with the status the shell reported.
 */
class InterruptedRestoreTest {

    @TempDir
    Path tmp;

    private Process vault(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.opsledger.cli.OpsLedgerCommand", "vault"));
        command.add(args[0]);
        command.addAll(List.of("--repo", tmp.resolve("repo").toString())); // before a `--` among the arguments
        command.addAll(List.of(args).subList(1, args.length));
        // stderr to a file: destroy() closes the process's pipes
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(tmp.resolve("stderr").toFile());
        pb.environment().put("OPSLEDGER_VAULT_PASSWORD", "interrupted");
        return pb.start();
    }

    /** A repository holding one backup of src/data: 400 files of 512 KiB, 200 MiB, a restore of seconds. */
    private void backupOf200MiB() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        byte[] block = new byte[512 * 1024];
        Random random = new Random(5);
        for (int i = 0; i < 400; i++) {
            random.nextBytes(block);
            Files.write(data.resolve("f" + i), block);
        }
        assertThat(vault("init").waitFor()).isZero();
        assertThat(vault("backup", data.toString(), "--allow-same-device").waitFor()).isZero();
    }

    /** Restores the latest snapshot into {@code target} and stops it by SIGTERM once data/ holds {@code entries}; its stderr. */
    private String restoreStoppedBySigterm(Path target, int entries) throws Exception {
        Process restore = vault("restore", "latest", "--target", target.toString(), "--threads", "1");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (restored(target) < entries && restore.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(restore.isAlive()).as("still restoring").isTrue();
        restore.destroy();
        assertThat(restore.waitFor()).as("ended by SIGTERM").isEqualTo(143);
        return Files.readString(tmp.resolve("stderr"), StandardCharsets.UTF_8);
    }

    @Test
    void sigtermDuringARestoreSaysTheTargetHoldsAPartialRestore() throws Exception {
        backupOf200MiB();
        Path target = tmp.resolve("out");
        String err = restoreStoppedBySigterm(target, 5);
        assertThat(err).contains("opsledger: restore interrupted: " + target + " holds a partial restore (")
                .contains(" written); restore never overwrites: remove it before restoring there again, or restore into another directory");

        // IS.012 6.6.5: the journal says the restore was stopped, and what it was restoring where
        Path pw = Files.writeString(tmp.resolve("pw"), "interrupted");
        CliRun journal = CliRun.of("vault", "journal", "--repo", tmp.resolve("repo").toString(), "--password-file", pw.toString(), "--json");
        JsonNode entries = VaultJson.MAPPER.readTree(journal.out()).get("entries");
        JsonNode stopped = entries.get(entries.size() - 1);
        assertThat(stopped.get("operation").asString()).isEqualTo("restore");
        assertThat(stopped.get("outcome").asString()).isEqualTo("failed");
        assertThat(stopped.get("exitCode").asInt()).as("as the shell saw it").isEqualTo(143);
        assertThat(stopped.get("detail").asString()).isEqualTo("stopped by SIGTERM before it ended");
        assertThat(stopped.get("paths").get(0).asString()).isEqualTo(target.toString());
        assertThat(stopped.get("snapshots").get(0).asString()).isEqualTo(entries.get(1).get("snapshots").get(0).asString());
    }

    /**
     * A restore into a live tree (a target that held other files) stopped by a signal names what it made there and its
     * marker to delete, not the target: it said to remove the live tree, and named neither the file it left cut short nor,
     * once that was deleted, the marker that refused every later restore there (h3's repro-2).
     */
    @Test
    void sigtermDuringARestoreIntoALiveTreeNamesWhatItMadeAndItsMarkerNotTheTree() throws Exception {
        backupOf200MiB();
        Path target = tmp.resolve("live");
        Files.writeString(Files.createDirectories(target.resolve("data")).resolve("live-only.txt"), "the service's\n");
        Path marker = target.resolve(org.opsledger.vault.restorer.Restorer.UNFINISHED);
        String err = restoreStoppedBySigterm(target, 6);
        assertThat(err).contains("opsledger: restore interrupted: " + target + " holds a partial restore (")
                .containsPattern(" written\\) in what it made there, " + java.util.regex.Pattern.quote(target.resolve("data/f").toString())
                        + "\\d+, .* and \\d+ more listed in the marker: delete those and its marker ")
                .endsWith(" and its marker " + marker + " before restoring there again, not the rest of " + target + "\n");
        assertThat(Files.readAllLines(marker)).hasSize(2 + 400).contains(target.resolve("data/f0").toString(), target.resolve("data/f399").toString());

        try (Stream<Path> made = Files.list(target.resolve("data"))) { // the operator deletes the files named, not the marker
            for (Path f : made.filter(f -> f.getFileName().toString().startsWith("f")).toList()) {
                Files.delete(f);
            }
        }
        assertThat(vault("restore", "latest", "--target", target.toString(), "--include", "data/f7").waitFor()).isEqualTo(1);
        assertThat(Files.readString(tmp.resolve("stderr"), StandardCharsets.UTF_8)).contains(" holds a restore that did not end (")
                .contains("delete the paths its marker " + marker + " lists (first " + target.resolve("data/f0") + "), those still there,"
                        + " then the marker; not the rest of " + target);
        assertThat(Files.readString(target.resolve("data/live-only.txt"))).isEqualTo("the service's\n");
    }

    /**
     * `dump --output` says the file is removed if the dump fails: a SIGTERM left the partial plaintext, and the file was
     * 0644 whatever the dumped file's mode (a helper's). It is 0600, and a signal removes it.
     */
    @Test
    void aDumpToAFileStoppedBySigtermLeavesNoFileAndAFileDumpedIsItsOwners() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        byte[] block = new byte[512 * 1024];
        Random random = new Random(7);
        for (int i = 0; i < 40; i++) { // 20 MiB in two packs: a dump of seconds at the limit below
            random.nextBytes(block);
            Files.write(data.resolve("f" + i), block);
        }
        Files.write(data.resolve("key.bin"), block);
        Files.setAttribute(data.resolve("key.bin"), "unix:mode", 0600);
        assertThat(vault("init").waitFor()).isZero();
        assertThat(vault("backup", data.toString(), "--allow-same-device").waitFor()).isZero();
        Path whole = tmp.resolve("whole.bin");
        assertThat(vault("dump", "latest", "data/key.bin", "--output", whole.toString()).waitFor()).isZero();
        assertThat((Integer) Files.getAttribute(whole, "unix:mode") & 0777).isEqualTo(0600);

        Path partial = tmp.resolve("partial.tar");
        Process dump = vault("dump", "latest", "data", "--output", partial.toString(), "--limit-download", "2048");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while ((!Files.exists(partial) || Files.size(partial) == 0) && dump.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(dump.isAlive()).as("still dumping").isTrue();
        dump.destroy();
        assertThat(dump.waitFor()).as("ended by SIGTERM").isEqualTo(143);
        assertThat(partial).as("the partial dump is removed").doesNotExist();
        assertThat(saidByUs()).containsExactly("opsledger: dump stopped by SIGTERM before it ended");

        // every command says it was stopped, not only a backup and a restore: a check or a prune a scheduler's timeout
        // stopped said nothing on stderr (a re-tester's)
        Process check = vault("check", "--read-data", "--limit-download", "2048");
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!hasLock() && check.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Thread.sleep(300); // reading packs
        assertThat(check.isAlive()).as("still checking").isTrue();
        check.destroy();
        assertThat(check.waitFor()).as("ended by SIGTERM").isEqualTo(143);
        assertThat(saidByUs()).containsExactly("opsledger: check stopped by SIGTERM before it ended");
    }

    /** The lines of the last command's stderr that are ours. */
    private List<String> saidByUs() throws IOException {
        return Files.readString(tmp.resolve("stderr"), StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("opsledger:")).toList();
    }

    private boolean hasLock() throws IOException {
        try (Stream<Path> locks = Files.list(tmp.resolve("repo/locks"))) {
            return locks.findAny().isPresent();
        }
    }

    /** The start-up cache's training stopped by a signal (cron's `timeout`) left its ≈68 MB in /tmp (a helper's). */
    @Test
    void aTrainingRunStoppedBySigtermLeavesNoFiles() throws Exception {
        Path tmpdir = Files.createDirectories(tmp.resolve("javatmp"));
        Process train = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Djava.io.tmpdir=" + tmpdir,
                "-cp", System.getProperty("java.class.path"), "org.opsledger.cli.OpsLedgerCommand", "vault", "train-cache")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(tmp.resolve("stderr").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (train.isAlive() && System.nanoTime() < deadline) {
            try (var made = Files.find(tmpdir, 3, (p, a) -> p.getFileName().toString().equals("repo"))) {
                if (made.findAny().isPresent()) {
                    break; // its files generated, its repository begun
                }
            } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException racing) {
                // a file went as it was listed
            }
            Thread.sleep(5);
        }
        assertThat(train.isAlive()).as("still training").isTrue();
        train.destroy();
        assertThat(train.waitFor()).as("ended by SIGTERM").isEqualTo(143);
        try (var left = Files.list(tmpdir)) {
            assertThat(left.filter(p -> p.getFileName().toString().startsWith("opsledger-vault-training-")).toList()).isEmpty();
        }
    }

    @Test
    void ctrlCDuringABackupIsJournaledAsSigintWithTheStatusTheShellSaw() throws Exception {
        assertThat(vault("init").waitFor()).isZero();
        Path ready = tmp.resolve("ready");
        // a dump that has begun and will not end by itself: the backup is under way when it starts
        Process backup = vault("backup", "--stdin-name", "payroll.sql", "--stdin-from-command", "--", "sh", "-c",
                "touch '" + ready + "'; exec sleep 60");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(ready) && backup.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(backup.isAlive()).as("dumping").isTrue();
        List<ProcessHandle> dump = backup.descendants().toList();
        try {
            assertThat(new ProcessBuilder("kill", "-INT", Long.toString(backup.pid())).start().waitFor()).isZero();
            assertThat(backup.waitFor()).as("ended by SIGINT").isEqualTo(130);
        } finally {
            dump.forEach(ProcessHandle::destroyForcibly);
        }

        Path pw = Files.writeString(tmp.resolve("pw"), "interrupted");
        CliRun journal = CliRun.of("vault", "journal", "--repo", tmp.resolve("repo").toString(), "--password-file", pw.toString(), "--json");
        JsonNode stopped = VaultJson.MAPPER.readTree(journal.out()).get("entries").get(1); // after init's
        assertThat(stopped.get("operation").asString()).isEqualTo("backup");
        assertThat(stopped.get("outcome").asString()).isEqualTo("failed");
        assertThat(stopped.get("exitCode").asInt()).isEqualTo(130);
        assertThat(stopped.get("detail").asString()).isEqualTo("stopped by SIGINT (Ctrl-C) before it ended");
        assertThat(stopped.get("paths").get(0).asString()).isEqualTo("payroll.sql");
    }

    /**
     * A SIGTERM that comes once the backup's snapshot is saved, while it writes its journal entry (a scheduler's timeout),
     * said "no snapshot was written", exit 143, of a snapshot that was there (a helper's): the backup ends as saved, its
     * own entry and exit code, and says the signal came. The upload limit makes the entry's write take a second or so.
     */
    @Test
    void aSigtermAfterTheSnapshotIsSavedLetsTheBackupEndAsSaved() throws Exception {
        assertThat(vault("init").waitFor()).isZero();
        Path snapshots = tmp.resolve("repo/snapshots");
        Process backup = vault("backup", "--limit-upload=1", "--stdin-name", "app.sql", "--stdin-from-command", "--", "head", "-c", "3000",
                "/dev/urandom");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (isEmpty(snapshots) && backup.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(backup.isAlive()).as("recording the saved snapshot").isTrue();
        backup.destroy(); // SIGTERM
        assertThat(backup.waitFor()).as("the snapshot is saved").isZero();
        String saved;
        try (Stream<Path> files = Files.list(snapshots)) {
            saved = files.findFirst().orElseThrow().getFileName().toString();
        }
        assertThat(Files.readString(tmp.resolve("stderr"), StandardCharsets.UTF_8)).doesNotContain("no snapshot was written")
                .contains("opsledger: SIGTERM came after snapshot " + saved.substring(0, 8) + " was saved: the backup ended as saved,"
                        + " recorded in the journal\n");

        Path pw = Files.writeString(tmp.resolve("pw"), "interrupted");
        CliRun journal = CliRun.of("vault", "journal", "--repo", tmp.resolve("repo").toString(), "--password-file", pw.toString(), "--json");
        JsonNode entry = VaultJson.MAPPER.readTree(journal.out()).get("entries").get(1); // after init's
        assertThat(entry.get("outcome").asString()).isEqualTo("ok");
        assertThat(entry.get("exitCode").asInt()).isZero();
        assertThat(entry.get("snapshots").get(0).asString()).isEqualTo(saved);
    }

    private static boolean isEmpty(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return true;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.findAny().isEmpty();
        }
    }

    private static long restored(Path target) throws IOException {
        if (!Files.isDirectory(target.resolve("data"))) {
            return 0;
        }
        try (Stream<Path> files = Files.list(target.resolve("data"))) {
            return files.count();
        }
    }
}
