package org.opsledger.identity.internal;

import io.swagger.v3.oas.annotations.Operation;
import java.time.Instant;
import java.util.UUID;
import org.opsledger.shared.PageResult;
import org.opsledger.shared.ProblemException;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/tokens}: a person's own long-lived API tokens. */
@RestController
@RequestMapping("/api/v1/tokens")
class TokenController {

    record NewToken(String name, Instant expiresAt) {
    }

    private final TokenService tokens;

    TokenController(TokenService tokens) {
        this.tokens = tokens;
    }

    @GetMapping
    @Operation(summary = "List your API tokens (never their secrets)")
    PageResult<TokenService.TokenInfo> list(@AuthenticationPrincipal AccountPrincipal me,
            @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
        return tokens.list(me.id(), Math.max(0, page), PageResult.clampSize(size));
    }

    @PostMapping
    @Operation(summary = "Create an API token; the token is shown once")
    ResponseEntity<TokenService.IssuedToken> create(@AuthenticationPrincipal AccountPrincipal me, @RequestBody NewToken request) {
        if (me.kind() != Account.Kind.PERSON) {
            throw ProblemException.forbidden("A service account's tokens are created by a platform administrator");
        }
        return ResponseEntity.status(201).body(tokens.createApiToken(me.username(), request.name(), request.expiresAt()));
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Revoke one of your API tokens")
    ResponseEntity<Void> revoke(@AuthenticationPrincipal AccountPrincipal me, @PathVariable UUID id) {
        tokens.revoke(me.id(), id);
        return ResponseEntity.noContent().build();
    }
}
