package org.opsledger.identity.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Password spraying: one address trying a few passwords on many accounts never trips an account's
 * lockout. After {@code addressFailureLimit} failed logins from one client address within
 * {@code addressFailureWindow}, further attempts from it are refused without checking a password until
 * the oldest failure leaves the window. Kept in this node's memory: behind a load balancer each node
 * counts on its own, which at worst multiplies the limit by the number of nodes.
 */
@Component
class LoginThrottle {

    /** Above this many tracked addresses, addresses with no failure left in the window are forgotten. */
    private static final int PRUNE_ABOVE = 10_000;

    private final IdentityProperties properties;
    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

    LoginThrottle(IdentityProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
    }

    /** Whether attempts from {@code address} are refused now. */
    boolean refuses(String address) {
        Deque<Instant> times = failures.get(address);
        if (times == null) {
            return false;
        }
        synchronized (times) {
            dropExpired(times);
            return times.size() >= properties.addressFailureLimit();
        }
    }

    void failed(String address) {
        if (failures.size() > PRUNE_ABOVE) {
            failures.values().removeIf(times -> {
                synchronized (times) {
                    dropExpired(times);
                    return times.isEmpty();
                }
            });
        }
        Deque<Instant> times = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
        synchronized (times) {
            dropExpired(times);
            times.addLast(clock.instant());
        }
    }

    private void dropExpired(Deque<Instant> times) {
        Instant horizon = clock.instant().minus(properties.addressFailureWindow());
        while (!times.isEmpty() && !times.peekFirst().isAfter(horizon)) {
            times.removeFirst();
        }
    }
}
