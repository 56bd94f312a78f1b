package org.opsledger.platform;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the data lives.
 *
 * @param dataDir  folder for the embedded database and key files ({@code --data-dir})
 * @param database an external PostgreSQL; when its url is blank the embedded one runs
 */
@ConfigurationProperties("opsledger")
public record DatabaseProperties(Path dataDir, External database) {

    public DatabaseProperties {
        dataDir = dataDir == null ? Path.of("data") : dataDir;
        database = database == null ? new External(null, null, null, 20) : database;
    }

    /** {@code opsledger.database.url/user/password/pool-size}. */
    public record External(String url, String user, String password, Integer poolSize) {
        public External {
            poolSize = poolSize == null ? 20 : poolSize;
        }

        boolean configured() {
            return url != null && !url.isBlank();
        }
    }
}
