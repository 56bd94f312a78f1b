package org.opsledger.cli.vault;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.opsledger.cli.CliException;
import org.opsledger.cli.OpsLedgerCommand;
import picocli.CommandLine.Command;

/**
 * The workload the launcher records the vault commands' start-up cache from (JDK 25's AOT cache:
 * classes, linking and method profiles, JEP 515), run once per build: every data command in this
 * JVM on ≈68 MB of generated files (random, text, small files), in a temporary directory that is
 * removed afterwards. Recorded from a user's first command instead, the profiles were those of
 * whatever ran first; a cache recorded from a check of a 1 MB repository made the check of an
 * 850 MB one 20 % slower than a cache recorded here (docs/performance.md, "Sixth session").
 */
@Command(name = "train-cache", hidden = true,
        description = "Run the workload the start-up cache of vault commands is recorded from (the launcher runs it).")
final class TrainCommand implements Callable<Integer> {

    /** Seeded: the same files, hence the same work, in every training. */
    private static final long SEED = 0x0b5e55edL;

    @Override
    public Integer call() throws IOException {
        Path dir;
        try {
            dir = Files.createTempDirectory("opsledger-vault-training-");
        } catch (IOException e) {
            throw new CliException("cannot create a directory for the training run in " + System.getProperty("java.io.tmpdir")
                    + ": " + e.getMessage());
        }
        PrintStream out = System.out;
        PrintStream err = System.err;
        // a first run stopped while it trains (cron's `timeout`, `systemctl stop`, Ctrl-C) exits without the finally below:
        // its ≈68 MB stayed in /tmp, one more each time (a helper's)
        Thread removeOnSignal = new Thread(() -> deleteQuietly(dir), "remove-training-files");
        Runtime.getRuntime().addShutdownHook(removeOnSignal);
        try {
            Path data = generate(dir.resolve("data"));
            Path password = Files.writeString(dir.resolve("password"), "training only");
            String[] repo = {"--repo", dir.resolve("repo").toString(), "--password-file", password.toString()};
            PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
            System.setOut(quiet);
            System.setErr(quiet);
            vault(repo, "init");
            vault(repo, "backup", "--allow-same-device", data.toString());
            vault(repo, "backup", "--allow-same-device", data.toString()); // unchanged: the incremental walk
            try (Stream<Path> files = Files.list(data.resolve("small"))) {
                for (Path f : files.sorted().limit(30).toList()) {
                    Files.writeString(f, "changed\n", StandardOpenOption.APPEND);
                }
            }
            vault(repo, "backup", "--allow-same-device", data.toString());
            vault(repo, "backup", "--stdin-from-command", "--stdin-name", "dump.sql", "--", "cat",
                    data.resolve("text").resolve("text-0.txt").toString());
            vault(repo, "snapshots");
            vault(repo, "ls", "latest");
            vault(repo, "restore", "latest", "--target", dir.resolve("restored").toString(), "--verify");
            vault(repo, "check", "--read-data");
            vault(repo, "stats");
            return 0;
        } finally {
            System.setOut(out);
            System.setErr(err);
            deleteTree(dir);
            try {
                Runtime.getRuntime().removeShutdownHook(removeOnSignal);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run: nothing is left to remove
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            deleteTree(dir);
        } catch (IOException | java.io.UncheckedIOException e) {
            // as the JVM goes down: what could not be removed stays, named opsledger-vault-training-*
        }
    }

    /** Runs {@code opsledger vault COMMAND} with the repository options first, then {@code args} (a {@code --} among them stays last). */
    private static void vault(String[] repo, String command, String... args) {
        List<String> line = new ArrayList<>(List.of("vault", command));
        line.addAll(List.of(repo));
        line.addAll(List.of(args));
        int exit = OpsLedgerCommand.run(line.toArray(String[]::new));
        if (exit != 0) {
            throw new CliException("training step `vault " + command + "` exited with " + exit);
        }
    }

    /** 8 random files and 8 text files of 4 MiB, 300 small text files: incompressible, compressible and one-chunk data. */
    private static Path generate(Path data) throws IOException {
        SplittableRandom random = new SplittableRandom(SEED);
        Files.createDirectories(data.resolve("random"));
        Files.createDirectories(data.resolve("text"));
        Files.createDirectories(data.resolve("small"));
        byte[] block = new byte[4 << 20];
        for (int i = 0; i < 8; i++) {
            random.nextBytes(block);
            Files.write(data.resolve("random").resolve("random-" + i + ".bin"), block);
        }
        String[] words = new String[4096];
        for (int i = 0; i < words.length; i++) {
            StringBuilder w = new StringBuilder();
            for (int n = 2 + random.nextInt(8); n > 0; n--) {
                w.append((char) ('a' + random.nextInt(26)));
            }
            words[i] = w.toString();
        }
        for (int i = 0; i < 8; i++) {
            Files.write(data.resolve("text").resolve("text-" + i + ".txt"), text(random, words, 4 << 20));
        }
        for (int i = 0; i < 300; i++) {
            Files.write(data.resolve("small").resolve("small-" + i + ".txt"), text(random, words, 100 + random.nextInt(20_000)));
        }
        Files.createSymbolicLink(data.resolve("link"), Path.of("small", "small-0.txt"));
        return data;
    }

    private static byte[] text(SplittableRandom random, String[] words, int length) {
        StringBuilder s = new StringBuilder(length + 16);
        while (s.length() < length) {
            s.append(words[random.nextInt(words.length)]).append(random.nextInt(12) == 0 ? '\n' : ' ');
        }
        s.setLength(length);
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
