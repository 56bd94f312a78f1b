package org.opsledger.identity.internal;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.opsledger.shared.ProblemJson;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.crypto.password.Pbkdf2PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * One filter chain for the UI and the API. The UI uses a session cookie with CSRF protection; the
 * API takes bearer tokens (no cookie, so no CSRF) or, from the browser, the UI session.
 */
@Configuration(proxyBeanMethods = false)
@EnableMethodSecurity
@EnableConfigurationProperties(IdentityProperties.class)
class SecurityConfiguration {

    static final RequestMatcher API = PathPatternRequestMatcher.withDefaults().matcher("/api/**");
    static final RequestMatcher BEARER = request -> {
        String header = request.getHeader("Authorization");
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7);
    };

    /** PBKDF2-HMAC-SHA256, 310,000 iterations: adaptive and FIPS-approved (see docs/adr/0002). */
    @Bean
    PasswordEncoder passwordEncoder() {
        String id = "pbkdf2@SpringSecurity_v5_8";
        return new DelegatingPasswordEncoder(id, Map.of(id, Pbkdf2PasswordEncoder.defaultsForSpringSecurity_v5_8()));
    }

    @Bean
    SecurityFilterChain filterChain(HttpSecurity http, TokenService tokens, LoginHandlers loginHandlers,
            PasswordAuthenticationProvider passwords, AuditTrail audit) throws Exception {
        // Built here, not as beans, so the servlet container does not register them a second time.
        BearerTokenFilter bearer = new BearerTokenFilter(tokens, audit);
        PasswordChangeGate gate = new PasswordChangeGate();
        http.authenticationProvider(passwords)
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/login", "/css/**", "/js/**", "/webjars/**", "/favicon.ico", "/error").permitAll()
                        .requestMatchers(HttpMethod.POST, "/api/v1/auth/token", "/api/v1/auth/password").permitAll()
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .anyRequest().authenticated())
                .formLogin(f -> f.loginPage("/login")
                        .successHandler(loginHandlers)
                        .failureHandler(loginHandlers))
                .logout(l -> l.logoutUrl("/logout").logoutSuccessUrl("/login?logout").addLogoutHandler(loginHandlers))
                // CSRF protects cookie sessions; an API call with a bearer token, or with no session at all
                // (it will be refused with 401), carries no ambient credential to forge.
                .csrf(c -> c.ignoringRequestMatchers(BEARER, request -> API.matches(request) && request.getRequestedSessionId() == null,
                        PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, "/api/v1/auth/**")))
                .headers(h -> h
                        .contentSecurityPolicy(csp -> csp.policyDirectives("default-src 'self'; script-src 'self'; "
                                + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; "
                                + "form-action 'self'; base-uri 'self'; object-src 'none'"))
                        .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN))
                        .permissionsPolicyHeader(p -> p.policy("camera=(), microphone=(), geolocation=()")))
                .exceptionHandling(e -> e
                        .defaultAuthenticationEntryPointFor(apiEntryPoint(audit), API)
                        .defaultAuthenticationEntryPointFor(uiEntryPoint(), request -> true)
                        .accessDeniedHandler(accessDenied(audit)))
                .addFilterBefore(bearer, UsernamePasswordAuthenticationFilter.class)
                .addFilterBefore(gate, AuthorizationFilter.class);
        return http.build();
    }

    /** 401 problem+json for the API; the attempt is recorded (ECOMP 6.1.6). */
    private static AuthenticationEntryPoint apiEntryPoint(AuditTrail audit) {
        return (request, response, ex) -> {
            audit.recordIndependently(AuditEvent.of("request.unauthenticated", Access.READ, "endpoint", endpoint(request))
                    .failed("no valid credentials"));
            response.setHeader("WWW-Authenticate", "Bearer");
            ProblemJson.write(response, 401, "Unauthorized",
                    "Authenticate with a bearer token (POST /api/v1/auth/token) or an API token", request.getRequestURI(), null);
        };
    }

    /** The UI sends people to the login page, saying so when their session timed out (ECOMP 1.8). */
    private static AuthenticationEntryPoint uiEntryPoint() {
        return (request, response, ex) -> {
            boolean expired = request.getRequestedSessionId() != null && !request.isRequestedSessionIdValid();
            response.sendRedirect(request.getContextPath() + (expired ? "/login?expired" : "/login"));
        };
    }

    private static AccessDeniedHandler accessDenied(AuditTrail audit) {
        return (request, response, ex) -> {
            audit.recordIndependently(AuditEvent.of("request.denied", Access.EXECUTE, "endpoint", endpoint(request))
                    .denied(ex instanceof org.springframework.security.web.csrf.CsrfException ? "missing or invalid CSRF token"
                            : "not permitted for this account's roles"));
            if (API.matches(request)) {
                ProblemJson.write(response, 403, "Forbidden", "Your roles do not permit this request", request.getRequestURI(), null);
            } else {
                response.sendError(403);
            }
        };
    }

    static String endpoint(HttpServletRequest request) {
        return request.getMethod() + " " + request.getRequestURI();
    }

    /** Thrown by the provider; the message shown to people never says which part was wrong. */
    static BadCredentialsException badCredentials() {
        return new BadCredentialsException("Wrong user name or password, or the account is locked");
    }
}
