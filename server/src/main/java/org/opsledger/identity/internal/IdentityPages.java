package org.opsledger.identity.internal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.opsledger.identity.Role;
import org.opsledger.identity.SeparationOfDutiesViolation;
import org.opsledger.shared.PageResult;
import org.opsledger.shared.ProblemException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The identity pages: login, password change, accounts and roles, my tokens. */
@Controller
class IdentityPages {

    private final AccountService accounts;
    private final TokenService tokens;
    private final PasswordPolicy policy;
    private final Clock clock;
    private final AuditTrail audit;
    private final PasswordChange passwordChange;
    private final HttpSessionSecurityContextRepository contexts = new HttpSessionSecurityContextRepository();

    IdentityPages(AccountService accounts, TokenService tokens, PasswordPolicy policy, Clock clock, AuditTrail audit,
            PasswordChange passwordChange) {
        this.audit = audit;
        this.passwordChange = passwordChange;
        this.accounts = accounts;
        this.tokens = tokens;
        this.policy = policy;
        this.clock = clock;
    }

    @GetMapping("/login")
    String login() {
        return "identity/login";
    }

    @GetMapping("/password")
    String password(@AuthenticationPrincipal AccountPrincipal me, Model model) {
        model.addAttribute("required", accounts.get(me.username()).passwordChangeRequired());
        model.addAttribute("minLength", policy.minLength());
        return "identity/password";
    }

    @PostMapping("/password")
    String changePassword(@AuthenticationPrincipal AccountPrincipal me, @RequestParam String currentPassword,
            @RequestParam String newPassword, @RequestParam String confirmPassword, HttpServletRequest request,
            HttpServletResponse response, RedirectAttributes flash) {
        if (!newPassword.equals(confirmPassword)) {
            flash.addFlashAttribute("error", "The two new passwords differ");
            return "redirect:/password";
        }
        try {
            passwordChange.change(me.username(), currentPassword, newPassword);
        } catch (ProblemException e) {
            flash.addFlashAttribute("error", e.getMessage());
            return "redirect:/password";
        }
        // The session now carries the account without the "must change password" mark.
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(AccountPrincipal.authenticationOf(accounts.get(me.username())));
        SecurityContextHolder.setContext(context);
        contexts.saveContext(context, request, response);
        flash.addFlashAttribute("message", "Your password has been changed.");
        return "redirect:/";
    }

    @GetMapping("/accounts")
    @PreAuthorize("hasAnyRole('PLATFORM_ADMINISTRATOR','SECURITY_OFFICER','AUDITOR')")
    String accounts(@RequestParam(defaultValue = "0") int page, Model model) {
        PageResult<Account> result = accounts.list(Math.max(0, page), 50);
        Instant now = clock.instant();
        model.addAttribute("section", "accounts");
        model.addAttribute("page", result.map(a -> AccountView.of(a, now)));
        model.addAttribute("canAdminister", canAdminister());
        model.addAttribute("roles", Arrays.asList(Role.values()));
        return "identity/accounts";
    }

    @GetMapping("/accounts/{username}")
    @PreAuthorize("hasAnyRole('PLATFORM_ADMINISTRATOR','SECURITY_OFFICER','AUDITOR')")
    String account(@PathVariable String username, Model model) {
        model.addAttribute("section", "accounts");
        model.addAttribute("account", AccountView.of(accounts.get(username), clock.instant()));
        model.addAttribute("canAdminister", canAdminister());
        model.addAttribute("roles", Arrays.asList(Role.values()));
        return "identity/account";
    }

    @PostMapping("/accounts")
    @PreAuthorize("hasRole('PLATFORM_ADMINISTRATOR')")
    String create(@RequestParam String username, @RequestParam String displayName, @RequestParam(required = false) String email,
            @RequestParam String kind, @RequestParam(required = false) List<String> roles, RedirectAttributes flash) {
        return act(flash, "/accounts", () -> {
            // a person gets a one-time password, shown once, to change at first login
            String oneTime = "service".equals(kind) ? null : AccountService.randomPassword();
            Account created = accounts.create(new AccountService.NewAccount(username, displayName, email, kind, roles, oneTime));
            if (oneTime != null) {
                flash.addFlashAttribute("secret", oneTime);
                flash.addFlashAttribute("secretFor", created.username());
            }
            return "Account " + created.username() + " created.";
        });
    }

    @PostMapping("/accounts/{username}/roles")
    @PreAuthorize("hasRole('PLATFORM_ADMINISTRATOR')")
    String roles(@PathVariable String username, @RequestParam(required = false) List<String> roles, RedirectAttributes flash) {
        return act(flash, "/accounts/" + username, () -> {
            accounts.setRoles(username, roles == null ? List.of() : roles);
            return "Roles of " + username + " updated.";
        });
    }

    @PostMapping("/accounts/{username}/{action:disable|enable|unlock|password-reset}")
    @PreAuthorize("hasRole('PLATFORM_ADMINISTRATOR')")
    String administer(@PathVariable String username, @PathVariable String action, RedirectAttributes flash) {
        return act(flash, "/accounts/" + username, () -> switch (action) {
            case "disable" -> {
                accounts.setEnabled(username, false);
                yield username + " disabled; their tokens are revoked.";
            }
            case "enable" -> {
                accounts.setEnabled(username, true);
                yield username + " enabled.";
            }
            case "unlock" -> {
                accounts.unlock(username);
                yield username + " unlocked.";
            }
            default -> {
                flash.addFlashAttribute("secret", accounts.resetPassword(username));
                flash.addFlashAttribute("secretFor", username);
                yield "One-time password issued for " + username + ".";
            }
        });
    }

    @GetMapping("/tokens")
    String tokens(@AuthenticationPrincipal AccountPrincipal me, Model model) {
        model.addAttribute("section", "tokens");
        model.addAttribute("tokens", tokens.list(me.id()));
        return "identity/tokens";
    }

    @PostMapping("/tokens")
    String createToken(@AuthenticationPrincipal AccountPrincipal me, @RequestParam String name,
            @RequestParam(required = false) LocalDate expires, RedirectAttributes flash) {
        return act(flash, "/tokens", () -> {
            Instant expiresAt = expires == null ? null : expires.atStartOfDay(ZoneOffset.UTC).toInstant();
            TokenService.IssuedToken t = tokens.createApiToken(me.username(), name, expiresAt);
            flash.addFlashAttribute("secret", t.token());
            flash.addFlashAttribute("secretFor", t.name());
            return "Token " + t.name() + " created. Copy it now: it is not shown again.";
        });
    }

    @PostMapping("/tokens/{id}/revoke")
    String revokeToken(@AuthenticationPrincipal AccountPrincipal me, @PathVariable UUID id, RedirectAttributes flash) {
        return act(flash, "/tokens", () -> {
            tokens.revoke(me.id(), id);
            return "Token revoked.";
        });
    }

    private static boolean canAdminister() {
        return SecurityContextHolder.getContext().getAuthentication().getAuthorities().stream()
                .anyMatch(a -> Role.PLATFORM_ADMINISTRATOR.authority().equals(a.getAuthority()));
    }

    /**
     * Runs a form action; a refusal goes back to the page as a message. Rejected input is recorded
     * here; separation-of-duties refusals are recorded by the rules themselves.
     */
    private String act(RedirectAttributes flash, String back, java.util.function.Supplier<String> action) {
        try {
            flash.addFlashAttribute("message", action.get());
        } catch (ProblemException e) {
            audit.recordIndependently(AuditEvent.of("request.rejected", Access.EXECUTE, "page", back).failed(e.getMessage()));
            flash.addFlashAttribute("error", e.getMessage());
        } catch (SeparationOfDutiesViolation e) {
            flash.addFlashAttribute("error", "Refused by separation of duties (" + e.rule() + ", " + e.source() + "): " + e.getMessage());
        }
        return "redirect:" + back;
    }
}
