package org.opsledger.identity.internal;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.opsledger.shared.ProblemJson;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer olt_…} requests. A token that is unknown, expired or
 * revoked gets 401 problem+json and an audit entry; the request goes no further.
 */

class BearerTokenFilter extends OncePerRequestFilter {

    private final TokenService tokens;
    private final AuditTrail audit;

    BearerTokenFilter(TokenService tokens, AuditTrail audit) {
        this.tokens = tokens;
        this.audit = audit;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!SecurityConfiguration.BEARER.matches(request)) {
            chain.doFilter(request, response);
            return;
        }
        String presented = request.getHeader("Authorization").substring(7).strip();
        Optional<Account> account = tokens.authenticate(presented);
        if (account.isEmpty()) {
            audit.recordIndependently(AuditEvent.of("auth.bearer", Access.LOGIN, "endpoint", SecurityConfiguration.endpoint(request))
                    .failed("unknown, expired or revoked token"));
            response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            ProblemJson.write(response, 401, "Unauthorized", "The bearer token is unknown, expired or revoked",
                    request.getRequestURI(), null);
            return;
        }
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(AccountPrincipal.authenticationOf(account.get()));
        SecurityContextHolder.setContext(context);
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }
}
