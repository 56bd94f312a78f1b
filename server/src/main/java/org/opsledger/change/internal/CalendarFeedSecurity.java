package org.opsledger.change.internal;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.opsledger.identity.Accounts;
import org.opsledger.shared.ProblemJson;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The calendar feed with a feed token ({@code GET /api/v1/changes/calendar.ics?feed=olc_…}): a filter
 * chain of its own, ahead of the application's, that matches only that request. The token stands for
 * its person only while their account is enabled; it opens nothing but the feed. Without {@code feed}
 * the feed is an ordinary API call (bearer token or UI session).
 */
@Configuration(proxyBeanMethods = false)
class CalendarFeedSecurity {

    static final String PATH = "/api/v1/changes/calendar.ics";

    @Bean
    @Order(10)
    SecurityFilterChain calendarFeedChain(HttpSecurity http, CalendarFeed feeds, Accounts accounts, AuditTrail audit) throws Exception {
        http.securityMatcher(request -> "GET".equals(request.getMethod())
                        && (request.getContextPath() + PATH).equals(request.getRequestURI()) && request.getParameter("feed") != null)
                .authorizeHttpRequests(a -> a.anyRequest().authenticated())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(c -> c.disable())
                .addFilterBefore(new FeedTokenFilter(feeds, accounts, audit), AuthorizationFilter.class);
        return http.build();
    }

    /** Authenticates the feed token, or answers 401 (and records the attempt). */
    static final class FeedTokenFilter extends OncePerRequestFilter {

        private final CalendarFeed feeds;
        private final Accounts accounts;
        private final AuditTrail audit;

        FeedTokenFilter(CalendarFeed feeds, Accounts accounts, AuditTrail audit) {
            this.feeds = feeds;
            this.accounts = accounts;
            this.audit = audit;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            Optional<Authentication> auth = feeds.owner(request.getParameter("feed")).flatMap(accounts::authenticationOf);
            if (auth.isEmpty()) {
                audit.recordIndependently(AuditEvent.of("auth.calendar-feed", Access.LOGIN, "endpoint", "GET " + PATH)
                        .failed("unknown or revoked feed token, or disabled account"));
                ProblemJson.write(response, 401, "Unauthorized", "The calendar feed token is unknown or revoked", PATH, null);
                return;
            }
            SecurityContext context = SecurityContextHolder.createEmptyContext();
            context.setAuthentication(auth.get());
            SecurityContextHolder.setContext(context);
            try {
                chain.doFilter(request, response);
            } finally {
                SecurityContextHolder.clearContext();
            }
        }
    }
}
