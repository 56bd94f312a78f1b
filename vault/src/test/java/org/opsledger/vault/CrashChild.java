package org.opsledger.vault;

import java.nio.file.Path;
import org.opsledger.vault.archiver.Archiver;
import org.opsledger.vault.archiver.BackupProgress;
import org.opsledger.vault.prune.Pruner;
import org.opsledger.vault.repository.Repository;

/**
 * Run in a child JVM by {@link KillDuringWorkTest} and CopyBatchesTest, which kill it with SIGKILL part-way through, and by
 * SharedLockTest and DeletionsThroughAPowerCutTest, whose locks are let go as a process's on its way out.
 */
public final class CrashChild {
    public static void main(String[] args) {
        if (args[0].equals("lock-while-ending")) { // a lock taken once the JVM is going down, as a stopped tier's next one
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (Repository repo = TestTrees.open(Path.of(args[1]))) {
                    repo.lock("backup");
                    System.out.println("LOCKED");
                } catch (RuntimeException e) {
                    System.out.println("REFUSED " + e.getMessage());
                }
            }));
            return;
        }
        if (args[0].equals("tier-stopped")) {
            DeletionsThroughAPowerCutTest.tierStoppedAsItGoes(Path.of(args[1]), Path.of(args[2]));
            return;
        }
        if (args[0].equals("forget-stopped")) {
            DeletionsThroughAPowerCutTest.forgetStoppedAsItGoes(Path.of(args[1]));
            return;
        }
        Path dir = Path.of(args[1]);
        // held, when named, just before the nth write, delete or move to a name under a prefix: a kill at a moment of the work
        // (KillDuringWorkTest), where polling the directories for it could miss a short one on a loaded machine
        try (Repository repo = args.length > 4 ? Repository.open(ForwardingBackend.hooked(dir, args[3], Integer.parseInt(args[4]),
                holding("HELD")), TestTrees.PASSWORD) : TestTrees.open(dir)) {
            System.out.println("READY");
            System.out.flush();
            switch (args[0]) {
                case "backup" -> new Archiver(repo, new BackupProgress()).backup(
                        TestTrees.options(Path.of(args[2])).withFull(true));
                case "prune" -> new Pruner(repo).prune();
                case "repair" -> new org.opsledger.vault.checker.Repairer(repo, 2).repair(100, false);
                case "copy" -> { // each snapshot a batch of its own; stopped as it commits the second batch, for the kill
                    ForwardingBackend stopped = ForwardingBackend.hooked(Path.of(args[2]), "snapshots/", 2, holding("COMMITTING"));
                    try (Repository target = Repository.open(stopped, TestTrees.PASSWORD)) {
                        new org.opsledger.vault.copier.Copier(repo, target, 1).copyEach(repo.snapshots(), c -> { }, batch -> { });
                    }
                }
                default -> throw new IllegalArgumentException(args[0]);
            }
            System.out.println("DONE");
        }
    }

    /** Says {@code word} and sleeps until the test kills the JVM: the work held at a moment the test names. */
    private static Runnable holding(String word) {
        return () -> {
            System.out.println(word);
            System.out.flush();
            try {
                Thread.sleep(600_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }
}
