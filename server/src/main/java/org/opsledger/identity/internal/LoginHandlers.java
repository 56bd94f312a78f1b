package org.opsledger.identity.internal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.opsledger.shared.Authorities;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.logout.LogoutHandler;
import org.springframework.stereotype.Component;

/** What happens around a UI login and logout. */
@Component
class LoginHandlers implements AuthenticationSuccessHandler, AuthenticationFailureHandler, LogoutHandler {

    private final IdentityProperties properties;
    private final AuditTrail audit;

    LoginHandlers(IdentityProperties properties, AuditTrail audit) {
        this.properties = properties;
        this.audit = audit;
    }

    @Override
    public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response, Authentication auth)
            throws IOException {
        // ECOMP 1.8: the session ends after the configured inactivity.
        request.getSession().setMaxInactiveInterval((int) properties.sessionTimeout().toSeconds());
        boolean mustChange = auth.getAuthorities().stream()
                .anyMatch(a -> Authorities.PASSWORD_CHANGE_REQUIRED.equals(a.getAuthority()));
        response.sendRedirect(request.getContextPath() + (mustChange ? "/password" : "/"));
    }

    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        response.sendRedirect(request.getContextPath() + "/login?error");
    }

    @Override
    public void logout(HttpServletRequest request, HttpServletResponse response, Authentication auth) {
        if (auth != null) {
            audit.record(AuditEvent.of("auth.logout", Access.LOGOUT, "account", auth.getName()));
        }
    }
}
