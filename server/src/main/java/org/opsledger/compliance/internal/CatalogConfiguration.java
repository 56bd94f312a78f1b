package org.opsledger.compliance.internal;

import org.opsledger.compliance.ControlCatalog;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The catalog shipped with the product ({@code catalog/controls.yaml}), read once at start-up. */
@Configuration(proxyBeanMethods = false)
class CatalogConfiguration {

    @Bean
    ControlCatalog controlCatalog() {
        return ControlCatalog.loadDefault();
    }
}
