package org.opsledger.identity.internal;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.opsledger.shared.Authorities;
import org.opsledger.shared.ProblemJson;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/** A person whose password must change can do nothing else until it has. */

class PasswordChangeGate extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        boolean mustChange = auth != null && auth.getAuthorities().stream()
                .anyMatch(a -> Authorities.PASSWORD_CHANGE_REQUIRED.equals(a.getAuthority()));
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (mustChange && !allowed(path)) {
            if (SecurityConfiguration.API.matches(request)) {
                ProblemJson.write(response, 403, "Forbidden", "password change required", request.getRequestURI(), null);
            } else {
                response.sendRedirect(request.getContextPath() + "/password");
            }
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean allowed(String path) {
        return path.equals("/password") || path.equals("/logout") || path.startsWith("/css/") || path.startsWith("/js/")
                || path.startsWith("/webjars/") || path.equals("/api/v1/auth/password") || path.equals("/error");
    }
}
