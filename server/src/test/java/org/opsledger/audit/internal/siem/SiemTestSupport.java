package org.opsledger.audit.internal.siem;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.context.ApplicationContext;

/** Settings and a forwarder for tests outside this package. */
public final class SiemTestSupport {

    private SiemTestSupport() {
    }

    /** Forwarding to 127.0.0.1 with short retries; {@code trustFile} for TLS only. */
    public static SiemSettings settings(SiemSettings.Transport transport, SiemSettings.Format format, int port, Path trustFile) {
        return settings(transport, format, port, trustFile, 100);
    }

    public static SiemSettings settings(SiemSettings.Transport transport, SiemSettings.Format format, int port, Path trustFile,
            int batchSize) {
        return new SiemSettings(true, "127.0.0.1", port, transport, format, trustFile, null, null, null, true, batchSize,
                Duration.ofMinutes(5), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(400), 1000,
                Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    /** The same settings with another trust file and (optionally) a client certificate. */
    public static SiemSettings withCertificates(SiemSettings s, Path trustFile, Path clientCertificate, Path clientKey,
            String keyPassword) {
        return new SiemSettings(s.enabled(), s.host(), s.port(), s.transport(), s.format(), trustFile, clientCertificate,
                clientKey, keyPassword, s.verifyHostname(), s.batchSize(), s.lagThreshold(), s.pollEvery(), s.retryMin(),
                s.retryMax(), s.resendOnReconnect(), s.connectTimeout(), s.writeTimeout());
    }

    /** The same settings with another write timeout. */
    public static SiemSettings withWriteTimeout(SiemSettings s, Duration writeTimeout) {
        return new SiemSettings(s.enabled(), s.host(), s.port(), s.transport(), s.format(), s.trustFile(),
                s.clientCertificateFile(), s.clientKeyFile(), s.clientKeyPassword(), s.verifyHostname(), s.batchSize(),
                s.lagThreshold(), s.pollEvery(), s.retryMin(), s.retryMax(), s.resendOnReconnect(), s.connectTimeout(),
                writeTimeout);
    }

    public static SiemSettings tcp(int port) {
        return settings(SiemSettings.Transport.TCP, SiemSettings.Format.ECS, port, null);
    }

    /** Sends everything the ledger holds now, as this context's node would. */
    public static void forwardAll(ApplicationContext context, SiemSettings settings) {
        try (SiemForwarder forwarder = context.getBean(SiemForwarding.class).newForwarder(settings)) {
            for (int i = 0; i < 10_000; i++) {
                switch (forwarder.step()) {
                    case SiemForwarder.Step.Idle idle -> {
                        return;
                    }
                    case SiemForwarder.Step.Failing failing -> throw new AssertionError("forwarding fails: " + failing.reason());
                    default -> {
                        // next batch
                    }
                }
            }
            throw new AssertionError("forwarding did not catch up");
        }
    }
}
