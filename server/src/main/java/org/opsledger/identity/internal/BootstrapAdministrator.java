package org.opsledger.identity.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.opsledger.platform.DatabaseProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * On an empty database, creates the first platform administrator. Its password is
 * {@code OPSLEDGER_BOOTSTRAP_ADMIN_PASSWORD} when set (automated installs); otherwise a random one,
 * printed once and written to {@code <data-dir>/initial-admin.txt} (mode 0600), that must be
 * changed at first login.
 */
@Component
class BootstrapAdministrator implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(BootstrapAdministrator.class);

    private final AccountService accounts;
    private final PasswordPolicy policy;
    private final DatabaseProperties data;
    private final String username;
    private final String password;

    BootstrapAdministrator(AccountService accounts, PasswordPolicy policy, DatabaseProperties data,
            @Value("${opsledger.bootstrap.admin-username:admin}") String username,
            @Value("${opsledger.bootstrap.admin-password:}") String password) {
        this.accounts = accounts;
        this.policy = policy;
        this.data = data;
        this.username = username.strip().toLowerCase(java.util.Locale.ROOT);
        this.password = password;
    }

    @Override
    public void run(ApplicationArguments args) throws IOException {
        if (!AccountService.USERNAME.matcher(username).matches()) {
            throw new IllegalStateException("OPSLEDGER_BOOTSTRAP_ADMIN_USERNAME is not a valid user name: " + username);
        }
        boolean given = !password.isEmpty();
        if (given) {
            policy.check("OPSLEDGER_BOOTSTRAP_ADMIN_PASSWORD", username, password);
        }
        String chosen = given ? password : AccountService.randomPassword();
        if (!accounts.createFirstAdministrator(username, chosen, !given)) {
            return;
        }
        if (given) {
            log.info("Created the first platform administrator '{}' with the password from OPSLEDGER_BOOTSTRAP_ADMIN_PASSWORD", username);
            return;
        }
        Path file = data.dataDir().toAbsolutePath().resolve("initial-admin.txt");
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, "user name: " + username + "\npassword:  " + chosen
                + "\n(one-time: you must change it at first login; delete this file afterwards)\n", StandardOpenOption.WRITE);
        // Printed once, on the console only (not through the logger, so it never reaches a log file).
        System.out.printf("%n  OpsLedger: first platform administrator created.%n  user name: %s%n  password:  %s%n"
                + "  (also in %s, mode 0600; change it at first login)%n%n", username, chosen, file);
    }
}
