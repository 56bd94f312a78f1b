package org.opsledger.identity.internal;

import io.swagger.v3.oas.annotations.Operation;
import java.time.Instant;
import org.opsledger.audit.Access;
import org.opsledger.audit.AuditEvent;
import org.opsledger.audit.AuditTrail;
import org.opsledger.shared.ProblemException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/auth}: a bearer token for scripts, and the password change. */
@RestController
@RequestMapping("/api/v1/auth")
class AuthController {

    record TokenRequest(String username, String password) {
    }

    record TokenResponse(String token, Instant expiresAt) {
    }

    record PasswordChangeRequest(String username, String currentPassword, String newPassword) {
    }

    private final LoginService logins;
    private final TokenService tokens;
    private final PasswordChange passwordChange;
    private final AuditTrail audit;

    AuthController(LoginService logins, TokenService tokens, PasswordChange passwordChange, AuditTrail audit) {
        this.logins = logins;
        this.tokens = tokens;
        this.passwordChange = passwordChange;
        this.audit = audit;
    }

    @PostMapping("/token")
    @Operation(summary = "Exchange a user name and password for a short-lived bearer token")
    TokenResponse token(@RequestBody TokenRequest request) {
        return switch (logins.login(request.username(), request.password(), LoginService.TOKEN_LOGIN)) {
            case LoginService.LoginResult.Failure f ->
                    throw new ProblemException(401, "Unauthorized", "Wrong user name or password, or the account is locked", null)
                            .recorded(); // LoginService recorded the attempt and why it failed
            case LoginService.LoginResult.Throttled t -> throw LoginService.throttled();
            case LoginService.LoginResult.Success s when s.account().passwordChangeRequired() -> {
                audit.recordIndependently(AuditEvent.of("auth.token", Access.LOGIN, "account", s.account().username())
                        .by(s.account().username()).denied("password change required"));
                throw new ProblemException(403, "Forbidden", "password change required", "password").recorded();
            }
            case LoginService.LoginResult.Success s -> {
                TokenService.IssuedToken token = tokens.issueSessionToken(s.account());
                yield new TokenResponse(token.token(), token.expiresAt());
            }
        };
    }

    @PostMapping("/password")
    @Operation(summary = "Change your password, proving the current one")
    ResponseEntity<Void> password(@RequestBody PasswordChangeRequest change) {
        passwordChange.change(change.username(), change.currentPassword(), change.newPassword());
        return ResponseEntity.noContent().build();
    }
}
