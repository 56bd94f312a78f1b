package org.opsledger.audit.internal;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * ECOMP 12: every node's clock must agree with the agreed time source, or audit times cannot be
 * compared. Each node (not only the integrator: each stamps its own entries) asks the servers in
 * {@code opsledger.audit.ntp-servers} ({@code host[:port]}, comma-separated) every
 * {@code opsledger.audit.ntp-every} (1 h) and writes one {@code clock.check} entry per server:
 * success within {@code opsledger.audit.ntp-max-offset} (1 s), failure — the alarm — beyond it or
 * without an answer, with the offset, delay and stratum in its {@code after} values.
 */
@Component
class ClockCheck implements SmartLifecycle {

    static final String ACTION = "clock.check";

    private static final Logger log = LoggerFactory.getLogger(ClockCheck.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final AuditTrail trail;
    private final Clock clock;
    private final SntpClient sntp;
    private final List<InetSocketAddress> servers;
    private final Duration every;
    private final Duration maxOffset;
    private ScheduledExecutorService executor;

    ClockCheck(AuditTrail trail, Clock clock, @Value("${opsledger.audit.ntp-servers:}") String servers,
            @Value("${opsledger.audit.ntp-every:1h}") Duration every,
            @Value("${opsledger.audit.ntp-max-offset:1s}") Duration maxOffset) {
        this.trail = trail;
        this.clock = clock;
        this.sntp = new SntpClient(clock);
        this.servers = parse(servers);
        this.every = every;
        this.maxOffset = maxOffset;
    }

    static List<InetSocketAddress> parse(String servers) {
        List<InetSocketAddress> parsed = new ArrayList<>();
        for (String server : servers.split(",")) {
            String s = server.strip();
            if (s.isEmpty()) {
                continue;
            }
            int colon = s.lastIndexOf(':');
            boolean hasPort = colon > 0 && s.indexOf(':') == colon; // not an IPv6 literal without a port
            parsed.add(InetSocketAddress.createUnresolved(hasPort ? s.substring(0, colon) : s,
                    hasPort ? Integer.parseInt(s.substring(colon + 1)) : 123));
        }
        return List.copyOf(parsed);
    }

    /** The outcome of asking one server, as recorded. */
    record Reading(String server, boolean inSync, String reason) {
    }

    /** Asks every configured server now and records one entry each. */
    List<Reading> checkConfigured() {
        return check(servers);
    }

    List<Reading> check(List<InetSocketAddress> targets) {
        List<Reading> readings = new ArrayList<>();
        // one round = one pass over the servers; its readings share this value, so the evaluator
        // and the dashboard can take a node's latest round as a whole
        String round = clock.instant().toString();
        for (InetSocketAddress target : targets) {
            String name = target.getHostString() + ":" + target.getPort();
            InetSocketAddress resolved = target.isUnresolved()
                    ? new InetSocketAddress(target.getHostString(), target.getPort()) : target;
            SntpClient.Answer answer = resolved.isUnresolved()
                    ? new SntpClient.Answer.NoAnswer("cannot resolve " + target.getHostString())
                    : sntp.query(resolved, TIMEOUT);
            AuditEvent event = AuditEvent.of(ACTION, Access.READ, "time-server", name).by("system");
            Reading reading;
            switch (answer) {
                case SntpClient.Answer.Answered a -> {
                    Map<String, Object> after = new LinkedHashMap<>();
                    after.put("round", round);
                    after.put("offsetMs", a.offset().toNanos() / 1_000_000.0);
                    after.put("delayMs", a.delay().toNanos() / 1_000_000.0);
                    after.put("stratum", a.stratum());
                    event = event.change(null, after);
                    boolean inSync = a.offset().abs().compareTo(maxOffset) <= 0;
                    String reason = String.format(Locale.ROOT, "offset %.3f s %s the %s s allowed", a.offset().toNanos() / 1e9,
                            inSync ? "within" : "exceeds", maxOffset.toMillis() / 1000.0);
                    reading = new Reading(name, inSync, reason);
                    if (!inSync) {
                        event = event.failed(reason);
                    }
                }
                case SntpClient.Answer.NoAnswer none -> {
                    reading = new Reading(name, false, "no answer: " + none.reason());
                    event = event.change(null, Map.of("round", round)).failed(reading.reason());
                }
            }
            if (!reading.inSync()) {
                log.warn("Clock check against {}: {} (ECOMP 12)", name, reading.reason());
            }
            trail.recordIndependently(event);
            readings.add(reading);
        }
        return readings;
    }

    @Override
    public synchronized void start() {
        if (servers.isEmpty()) {
            log.info("No NTP servers configured (opsledger.audit.ntp-servers): the clock is not checked (ECOMP 12)");
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("clock-check").daemon().factory());
        executor.scheduleWithFixedDelay(() -> {
            try {
                checkConfigured();
            } catch (RuntimeException e) {
                log.warn("Clock check failed to run: {}", e.toString());
            }
        }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }
}
