package org.opsledger.identity.internal;

import java.util.Optional;
import org.opsledger.identity.Accounts;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** {@link Accounts} for other modules: only enabled people who need no password change. */
@Component
class AccountDirectory implements Accounts {

    private final AccountRepository accounts;

    AccountDirectory(AccountRepository accounts) {
        this.accounts = accounts;
    }

    @Override
    @Transactional(readOnly = true)
    public Optional<Authentication> authenticationOf(String username) {
        return accounts.findByUsername(username)
                .filter(a -> a.enabled() && a.kind() == Account.Kind.PERSON && !a.passwordChangeRequired())
                .map(AccountPrincipal::authenticationOf);
    }

    @Override
    @Transactional(readOnly = true)
    public Optional<String> emailOf(String username) {
        return accounts.findByUsername(username).map(Account::email).filter(e -> !e.isBlank());
    }
}
