package org.opsledger.platform;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Provides the one {@link DataSource}: embedded PostgreSQL by default, external when configured. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DatabaseProperties.class)
class DatabaseConfiguration {

    private static final Logger log = LoggerFactory.getLogger(DatabaseConfiguration.class);

    /** Holds the embedded server so it is stopped after the pool that uses it is closed. */
    record EmbeddedDatabase(EmbeddedPostgres postgres) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            postgres.close();
        }
    }

    @Bean(destroyMethod = "close")
    EmbeddedDatabase embeddedDatabase(DatabaseProperties properties) throws IOException {
        if (properties.database().configured()) {
            return null;
        }
        Path dir = properties.dataDir().toAbsolutePath().resolve("postgres");
        Files.createDirectories(dir.getParent());
        long started = System.nanoTime();
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(false) // keep the data across restarts
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("max_connections", "100")
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("timezone", "UTC")
                .start();
        log.info("Embedded PostgreSQL on 127.0.0.1:{} with data in {} (started in {} ms)",
                postgres.getPort(), dir, (System.nanoTime() - started) / 1_000_000);
        return new EmbeddedDatabase(postgres);
    }

    @Bean(destroyMethod = "close")
    HikariDataSource dataSource(DatabaseProperties properties, ObjectProvider<EmbeddedDatabase> embedded) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("opsledger");
        config.setMaximumPoolSize(properties.database().poolSize());
        DatabaseProperties.External external = properties.database();
        if (external.configured()) {
            config.setJdbcUrl(external.url());
            config.setUsername(external.user());
            config.setPassword(external.password());
            log.info("Using external PostgreSQL at {}", external.url().replaceAll("password=[^&]*", "password=***"));
        } else {
            EmbeddedPostgres postgres = embedded.getObject().postgres();
            config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres");
            config.setUsername("postgres");
        }
        config.addDataSourceProperty("ApplicationName", "opsledger");
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        return new HikariDataSource(config);
    }
}
