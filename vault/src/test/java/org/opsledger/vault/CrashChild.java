package org.opsledger.vault;

import java.nio.file.Path;
import org.opsledger.vault.archiver.Archiver;
import org.opsledger.vault.archiver.BackupProgress;
import org.opsledger.vault.prune.Pruner;
import org.opsledger.vault.repository.Repository;

/** Run in a child JVM by {@link KillDuringWorkTest}, which kills it with SIGKILL part-way through, and by SharedLockTest. */
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
        try (Repository repo = TestTrees.open(Path.of(args[1]))) {
            System.out.println("READY");
            System.out.flush();
            switch (args[0]) {
                case "backup" -> new Archiver(repo, new BackupProgress()).backup(
                        TestTrees.options(Path.of(args[2])).withFull(true));
                case "prune" -> new Pruner(repo).prune();
                case "repair" -> new org.opsledger.vault.checker.Repairer(repo, 2).repair(100, false);
                default -> throw new IllegalArgumentException(args[0]);
            }
            System.out.println("DONE");
        }
    }
}
