package org.opsledger.audit.internal;

import java.nio.file.Path;
import org.opsledger.platform.DatabaseProperties;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The log's identity at start-up. The signing key lives outside the database:
 * {@code opsledger.audit.signing-key-file}, by default {@code <data-dir>/audit-signing.key},
 * created with mode 0600 on first start. With several nodes, give each the same key file.
 */
@Configuration(proxyBeanMethods = false)
class AuditLedgerConfiguration {

    @Bean
    LogIdentity logIdentity(JdbcClient jdbc, DatabaseProperties data, SystemIdentity system,
            @Value("${opsledger.audit.signing-key-file:}") String keyFile,
            @Value("${opsledger.audit.log-name:}") String logName) {
        Path key = keyFile.isBlank() ? data.dataDir().resolve("audit-signing.key") : Path.of(keyFile);
        return LogIdentity.resolve(jdbc, key, logName.isBlank() ? system.name() : logName);
    }
}
