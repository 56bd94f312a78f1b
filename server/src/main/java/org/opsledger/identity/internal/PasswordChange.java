package org.opsledger.identity.internal;

import org.opsledger.shared.ProblemException;
import org.springframework.stereotype.Service;

/**
 * A person changes their own password. The current password is checked exactly like a login —
 * counted towards the lockout and recorded, in a transaction of its own — so the password-change
 * endpoint, which needs no session, cannot be used to guess passwords without limit.
 */
@Service
class PasswordChange {

    static final String ATTEMPT = "auth.password-change";

    private final LoginService logins;
    private final AccountService accounts;

    PasswordChange(LoginService logins, AccountService accounts) {
        this.logins = logins;
        this.accounts = accounts;
    }

    void change(String username, String currentPassword, String newPassword) {
        Account account = switch (logins.login(username, currentPassword, ATTEMPT)) {
            case LoginService.LoginResult.Success s -> s.account();
            case LoginService.LoginResult.Throttled t -> throw LoginService.throttled();
            case LoginService.LoginResult.Failure f ->
                    throw new ProblemException(401, "Unauthorized", "Wrong user name or password, or the account is locked",
                            "currentPassword").recorded();
        };
        accounts.setOwnPassword(account.username(), currentPassword, newPassword);
    }
}
