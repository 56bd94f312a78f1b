package org.opsledger.audit.internal.siem;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code opsledger.audit.siem.*}: where audit entries and checkpoints are forwarded (IS.012 6.7.2.5;
 * docs/operations.md). Public only for the trail's monitoring query in this module. The client key's password is a secret: {@link #toString()} leaves it out.
 *
 * @param trustFile             PEM file of the CA certificates that sign the receiver's certificate;
 *                              none: the JDK's default trust store
 * @param clientCertificateFile PEM certificate chain presented to the receiver (mutual TLS); optional
 * @param clientKeyFile         its PKCS#8 PEM private key, plain or encrypted
 * @param clientKeyPassword     the password of an encrypted key
 * @param resendOnReconnect     how many entries are sent again after a broken connection: what was
 *                              in flight when it broke (syslog has no acknowledgements)
 * @param writeTimeout          how long one batch may take to leave: a receiver that accepts and then
 *                              stops reading would otherwise stall forwarding for good
 */
@ConfigurationProperties("opsledger.audit.siem")
public record SiemSettings(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("localhost") String host,
        @DefaultValue("6514") int port,
        @DefaultValue("tls") Transport transport,
        @DefaultValue("ecs") Format format,
        Path trustFile,
        Path clientCertificateFile,
        Path clientKeyFile,
        String clientKeyPassword,
        @DefaultValue("true") boolean verifyHostname,
        @DefaultValue("500") int batchSize,
        @DefaultValue("5m") Duration lagThreshold,
        @DefaultValue("200ms") Duration pollEvery,
        @DefaultValue("1s") Duration retryMin,
        @DefaultValue("60s") Duration retryMax,
        @DefaultValue("1000") int resendOnReconnect,
        @DefaultValue("10s") Duration connectTimeout,
        @DefaultValue("30s") Duration writeTimeout) {

    /** RFC 5425 (syslog over TLS) or RFC 6587 (plain TCP); both with octet-counting framing. */
    public enum Transport {
        TCP, TLS
    }

    /** The message payload: ArcSight CEF or Elastic Common Schema JSON (docs/audit-format.md). */
    public enum Format {
        CEF, ECS
    }

    public SiemSettings {
        if (batchSize < 1) {
            throw new IllegalArgumentException("opsledger.audit.siem.batch-size must be at least 1");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("opsledger.audit.siem.port must be between 1 and 65535");
        }
    }

    /** The cursor's key: {@code tls://siem.example.org:6514}. */
    public String destination() {
        return transport.name().toLowerCase(Locale.ROOT) + "://" + host + ":" + port;
    }

    @Override
    public String toString() {
        return "SiemSettings[" + destination() + ", format " + format + ", trust " + trustFile + ", client certificate "
                + clientCertificateFile + ", client key " + clientKeyFile
                + (clientKeyPassword == null ? "" : " (password set)") + ", verify hostname " + verifyHostname + "]";
    }
}
