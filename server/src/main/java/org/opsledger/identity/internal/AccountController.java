package org.opsledger.identity.internal;

import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.opsledger.shared.PageResult;
import org.opsledger.shared.ProblemException;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/accounts}: account and role administration (platform administrators). */
@RestController
@RequestMapping("/api/v1/accounts")
class AccountController {

    record RolesRequest(List<String> roles) {
    }

    record NewToken(String name, Instant expiresAt) {
    }

    record TemporaryPassword(String username, String temporaryPassword) {
    }

    private final AccountService accounts;
    private final TokenService tokens;
    private final Clock clock;

    AccountController(AccountService accounts, TokenService tokens, Clock clock) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.clock = clock;
    }

    @GetMapping
    @PreAuthorize("hasAnyRole('PLATFORM_ADMINISTRATOR','SECURITY_OFFICER','AUDITOR')")
    @Operation(summary = "List accounts")
    PageResult<AccountView> list(@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
        Instant now = clock.instant();
        return accounts.list(Math.max(0, page), PageResult.clampSize(size)).map(a -> AccountView.of(a, now));
    }

    @PostMapping
    @PreAuthorize("hasRole('PLATFORM_ADMINISTRATOR')")
    @Operation(summary = "Create an individual account (person or service)")
    ResponseEntity<AccountView> create(@RequestBody AccountService.NewAccount request) {
        Account account = accounts.create(request);
        return ResponseEntity.created(URI.create("/api/v1/accounts/" + account.username()))
                .body(AccountView.of(account, clock.instant()));
    }

    @GetMapping("/{username}")
    @PreAuthorize("hasAnyRole('PLATFORM_ADMINISTRATOR','SECURITY_OFFICER','AUDITOR')")
    AccountView get(@PathVariable String username) {
        return AccountView.of(accounts.get(username), clock.instant());
    }

    @PutMapping("/{username}/roles")
    @PreAuthorize("hasRole('PLATFORM_ADMINISTRATOR')")
    @Operation(summary = "Replace an account's roles; separation-of-duties rules apply")
    AccountView setRoles(@PathVariable String username, @RequestBody RolesRequest request) {
        if (request.roles() == null) {
            throw ProblemException.invalid("roles", "roles is required (an empty list removes every role)");
        }
        return AccountView.of(accounts.setRoles(username, request.roles()), clock.instant());
    }

    @PostMapping("/{username}/disable")
    @PreAuthorize("hasRole('PLATFORM_ADMINISTRATOR')")
    AccountView disable(@PathVariable String username) {
        return AccountView.of(accounts.setEnabled(username, false), clock.instant());
    }

    @PostMapping("/{username}/enable")
    @PreAuthorize("hasRole('PLATFORM_ADMINISTRATOR')")
    AccountView enable(@PathVariable String username) {
        return AccountView.of(accounts.setEnabled(username, true), clock.instant());
    }

    @PostMapping("/{username}/unlock")
    @PreAuthorize("hasRole('PLATFORM_ADMINISTRATOR')")
    AccountView unlock(@PathVariable String username) {
        return AccountView.of(accounts.unlock(username), clock.instant());
    }

    @PostMapping("/{username}/password-reset")
    @PreAuthorize("hasRole('PLATFORM_ADMINISTRATOR')")
    @Operation(summary = "Issue a one-time password the person must change at next login")
    TemporaryPassword resetPassword(@PathVariable String username) {
        return new TemporaryPassword(username, accounts.resetPassword(username));
    }

    @PostMapping("/{username}/tokens")
    @PreAuthorize("hasRole('PLATFORM_ADMINISTRATOR')")
    @Operation(summary = "Create an API token for a service account; the token is shown once")
    ResponseEntity<TokenService.IssuedToken> serviceToken(@PathVariable String username, @RequestBody NewToken request) {
        if (accounts.get(username).kind() != Account.Kind.SERVICE) {
            throw ProblemException.invalid("username", "People create their own tokens at /api/v1/tokens");
        }
        return ResponseEntity.status(201).body(tokens.createApiToken(username, request.name(), request.expiresAt()));
    }
}
