package org.opsledger;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/** The module boundaries are checked, not only described; the diagrams land in target/spring-modulith-docs. */
class ModularityTests {

    /** The ledger and vault libraries share the root package but are plain libraries, not modules. */
    private final ApplicationModules modules = ApplicationModules.of(OpsLedgerApplication.class,
            resideInAnyPackage("org.opsledger.ledger..", "org.opsledger.vault.."));

    @Test
    void modulesRespectTheirBoundaries() {
        modules.verify();
    }

    @Test
    void writeModuleDocumentation() {
        new Documenter(modules).writeDocumentation();
    }
}
