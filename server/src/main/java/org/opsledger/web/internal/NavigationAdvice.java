package org.opsledger.web.internal;

import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** Every page's navigation shows only what exists and what the person's roles may open. */
@ControllerAdvice(annotations = org.springframework.stereotype.Controller.class)
class NavigationAdvice {

    /**
     * What the top bar shows beyond what everyone signed in sees (dashboard, controls, my tokens, API).
     * Each module's pages decide who may open them; a link shows only to those roles.
     */
    record Nav(String username, boolean audit, boolean accounts, boolean inventory, boolean changes, boolean trailHealth) {
    }

    @ModelAttribute("nav")
    Nav nav() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null || !auth.isAuthenticated() || auth instanceof AnonymousAuthenticationToken) {
            return null;
        }
        Set<String> a = auth.getAuthorities().stream().map(GrantedAuthority::getAuthority).collect(Collectors.toSet());
        boolean auditor = a.contains("ROLE_AUDITOR") || a.contains("ROLE_SECURITY_OFFICER");
        boolean administrator = a.contains("ROLE_PLATFORM_ADMINISTRATOR");
        boolean changes = a.contains("ROLE_REQUESTER") || a.contains("ROLE_CHANGE_MANAGER") || a.contains("ROLE_CAB_MEMBER")
                || a.contains("ROLE_IMPLEMENTER") || a.contains("ROLE_SECURITY_OFFICER") || a.contains("ROLE_AUDITOR");
        // the clock check and SIEM forwarding: those who review the trail and those who run systems
        boolean trailHealth = auditor || administrator || a.contains("ROLE_SYSTEM_ADMINISTRATOR");
        // the inventory: every role but the platform administrator (IS.012 6.7.1.14)
        boolean inventory = a.stream().anyMatch(r -> r.startsWith("ROLE_") && !r.equals("ROLE_PLATFORM_ADMINISTRATOR"));
        return new Nav(auth.getName(), auditor, auditor || administrator, inventory, changes, trailHealth);
    }
}
