package org.opsledger.web.internal;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI description at /api/v1/openapi.json, browsable at /api/v1/docs. */
@Configuration(proxyBeanMethods = false)
class ApiDocumentation {

    @Bean
    OpenAPI openApi() {
        return new OpenAPI()
                .info(new Info().title("OpsLedger API").version("v1")
                        .description("Operations system of record for IS.012 and the ECOMP policy. Authenticate with "
                                + "POST /api/v1/auth/token (user name and password) or an API token, and send "
                                + "`Authorization: Bearer <token>`. Errors are application/problem+json (RFC 9457).")
                        .license(new License().name("Apache-2.0")))
                .components(new Components().addSecuritySchemes("bearer",
                        new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("olt_…")))
                .addSecurityItem(new SecurityRequirement().addList("bearer"));
    }
}
