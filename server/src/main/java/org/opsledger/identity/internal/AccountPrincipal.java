package org.opsledger.identity.internal;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.opsledger.identity.Role;
import org.opsledger.shared.Authorities;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** Who is acting: the account behind a UI session or a bearer token. */
record AccountPrincipal(UUID id, String username, Account.Kind kind) implements Serializable {

    /** The authentication every request carries once identity has checked who it is. */
    static final class AccountAuthentication extends AbstractAuthenticationToken {

        private final AccountPrincipal principal;

        AccountAuthentication(AccountPrincipal principal, List<GrantedAuthority> authorities) {
            super(authorities);
            this.principal = principal;
            setAuthenticated(true);
        }

        @Override
        public Object getCredentials() {
            return "";
        }

        @Override
        public AccountPrincipal getPrincipal() {
            return principal;
        }

        @Override
        public String getName() {
            return principal.username();
        }
    }

    static AccountAuthentication authenticationOf(Account account) {
        List<GrantedAuthority> authorities = new ArrayList<>();
        account.roles().forEach(r -> authorities.add(new SimpleGrantedAuthority(r.authority())));
        if (account.roles().stream().anyMatch(Role::privileged)) {
            authorities.add(new SimpleGrantedAuthority(Authorities.PRIVILEGED));
        }
        if (account.passwordChangeRequired()) {
            authorities.add(new SimpleGrantedAuthority(Authorities.PASSWORD_CHANGE_REQUIRED));
        }
        return new AccountAuthentication(new AccountPrincipal(account.id(), account.username(), account.kind()), authorities);
    }
}
