package org.opsledger;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.modulith.Modulithic;

/**
 * OpsLedger: the operations system of record for IS.012 and the ECOMP policy.
 *
 * <p>Each top-level package below this one is a module (Spring Modulith): its public API sits at
 * the top of the package, its implementation in {@code internal}. Modules talk through public
 * services and domain events, never through another module's tables.
 */
@SpringBootApplication
@Modulithic(systemName = "OpsLedger", sharedModules = "shared")
public class OpsLedgerApplication {

    public static void main(String[] args) {
        SpringApplication.run(OpsLedgerApplication.class, args);
    }
}
