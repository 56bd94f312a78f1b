package org.opsledger.change.internal;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The change module's settings ({@code opsledger.change.*}) and the notification retry loop. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ChangeProperties.class)
@EnableScheduling
class ChangeConfiguration {
}
