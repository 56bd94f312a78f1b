package org.opsledger.audit.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs this node's {@link LedgerIntegrator} on one thread of its own: a step every
 * {@code opsledger.audit.integrate-every} (default 200 ms), so new entries are under a signed
 * checkpoint well within a second of their commit, and a heartbeat checkpoint every
 * {@code opsledger.audit.heartbeat} (default 60 s) when idle. Every node runs one; the database
 * lock lets one of them lead. The leader also runs the {@link LedgerSelfCheck} a minute after
 * start and then every {@code opsledger.audit.self-check-every} (default 6 h), on a thread of its
 * own so that integration never waits for it.
 */
@Component
class LedgerIntegration implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LedgerIntegration.class);

    private final DataSource dataSource;
    private final LogIdentity identity;
    private final SystemIdentity system;
    private final Clock clock;
    private final Duration every;
    private final Duration heartbeat;
    private final LedgerSelfCheck selfCheck;
    private final Duration selfCheckEvery;

    private ScheduledExecutorService executor;
    private LedgerIntegrator integrator;

    LedgerIntegration(DataSource dataSource, LogIdentity identity, SystemIdentity system, Clock clock,
            @Value("${opsledger.audit.integrate-every:200ms}") Duration every,
            @Value("${opsledger.audit.heartbeat:60s}") Duration heartbeat, LedgerSelfCheck selfCheck,
            @Value("${opsledger.audit.self-check-every:6h}") Duration selfCheckEvery) {
        this.dataSource = dataSource;
        this.identity = identity;
        this.system = system;
        this.clock = clock;
        this.every = every;
        this.heartbeat = heartbeat;
        this.selfCheck = selfCheck;
        this.selfCheckEvery = selfCheckEvery;
    }

    /** A new integrator for this node (tests run several against one database). */
    LedgerIntegrator newIntegrator() {
        return new LedgerIntegrator(dataSource, identity, system.name(), clock, heartbeat, 5_000);
    }

    @Override
    public synchronized void start() {
        if (executor != null) {
            return;
        }
        LedgerIntegrator mine = newIntegrator();
        integrator = mine;
        executor = Executors.newScheduledThreadPool(2, Thread.ofPlatform().name("audit-integrator-", 0).daemon().factory());
        executor.scheduleWithFixedDelay(() -> {
            try {
                mine.step();
            } catch (RuntimeException e) {
                log.warn("Audit integrator step failed: {}", e.toString());
            }
        }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        executor.scheduleWithFixedDelay(() -> {
            try {
                if (mine.isLeader()) {
                    selfCheck.run();
                }
            } catch (RuntimeException e) {
                log.warn("Audit self-check failed to run: {}", e.toString());
            }
        }, Math.min(60_000, selfCheckEvery.toMillis()), selfCheckEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (executor == null) {
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("Audit integrator did not finish its step within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        integrator.close(); // after the last step: releases the lock for another node
        executor = null;
        integrator = null;
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }

    /** Whether this node currently leads (for tests and the health of a deployment). */
    synchronized boolean isLeader() {
        return integrator != null && integrator.isLeader();
    }

    @Override
    public int getPhase() {
        // Stops before the web server and the pool it writes through, starts after them.
        return SmartLifecycle.DEFAULT_PHASE - 1000;
    }
}
