package org.opsledger.audit.internal.siem;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.opsledger.audit.AuditTrail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs this node's {@link SiemForwarder} on a thread of its own when
 * {@code opsledger.audit.siem.enabled}: a step every {@code poll-every} (200 ms), batch after batch
 * while there is a backlog. Every node runs one; the database lock lets one of them forward.
 */
@Component
@EnableConfigurationProperties(SiemSettings.class)
class SiemForwarding implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SiemForwarding.class);

    private final DataSource dataSource;
    private final SiemSettings settings;
    private final AuditTrail trail;
    private final Clock clock;
    private ScheduledExecutorService executor;
    private SiemForwarder forwarder;

    SiemForwarding(DataSource dataSource, SiemSettings settings, AuditTrail trail, Clock clock) {
        this.dataSource = dataSource;
        this.settings = settings;
        this.trail = trail;
        this.clock = clock;
    }

    /** A forwarder for these settings (tests point one at their own receiver). */
    SiemForwarder newForwarder(SiemSettings to) {
        return new SiemForwarder(dataSource, to, trail, clock);
    }

    @Override
    public synchronized void start() {
        if (executor != null) {
            return;
        }
        if (!settings.enabled()) {
            log.info("SIEM forwarding is off (opsledger.audit.siem.enabled): the trail stays on this platform only");
            return;
        }
        log.info("Forwarding the audit trail to {}", settings);
        SiemForwarder mine = newForwarder(settings);
        forwarder = mine;
        executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("siem-forwarder").daemon().factory());
        executor.scheduleWithFixedDelay(() -> {
            try {
                while (mine.step() instanceof SiemForwarder.Step.Forwarded f && f.messages() > 0
                        && !Thread.currentThread().isInterrupted()) {
                    // a backlog: the next batch at once
                }
            } catch (RuntimeException e) {
                log.warn("SIEM forwarder step failed: {}", e.toString());
            }
        }, 0, settings.pollEvery().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (executor == null) {
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("SIEM forwarder did not finish its batch within 10 s; closing its connection");
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        forwarder.close();
        executor = null;
        forwarder = null;
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }

    @Override
    public int getPhase() {
        // Stops before the web server and the pool it reads through, starts after them.
        return SmartLifecycle.DEFAULT_PHASE - 1000;
    }
}
