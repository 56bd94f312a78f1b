package org.opsledger.vault.repository;

import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.opsledger.vault.VaultJson;
import org.opsledger.vault.backend.Backend;

/** A shared lock file, refreshed every 60 s; other backups ignore it, prune's delete phase respects it. */
public final class SharedLock implements AutoCloseable {

    private final Backend backend;
    private final String name;
    private final LockRecord record;
    private final ScheduledExecutorService refresher;

    SharedLock(Backend backend, String kind) {
        this.backend = backend;
        this.name = "locks/" + Repository.randomName();
        Instant now = Instant.now();
        this.record = new LockRecord(kind, Repository.hostname(), ProcessHandle.current().pid(), now, now);
        backend.write(name, VaultJson.write(record));
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vault-lock-refresh");
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleAtFixedRate(() -> {
            try {
                backend.write(name, VaultJson.write(
                        new LockRecord(record.kind(), record.host(), record.pid(), record.started(), Instant.now())));
            } catch (RuntimeException e) {
                // a failed refresh is retried next minute; an exception here would cancel every later refresh
            }
        }, 60, 60, TimeUnit.SECONDS);
    }

    public Instant started() {
        return record.started();
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        backend.delete(name);
    }
}
