package org.opsledger.identity.internal;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

/** UI login: the form's user name and password go through {@link LoginService}. */
@Component
class PasswordAuthenticationProvider implements AuthenticationProvider {

    private final LoginService logins;

    PasswordAuthenticationProvider(LoginService logins) {
        this.logins = logins;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String password = authentication.getCredentials() == null ? null : authentication.getCredentials().toString();
        return switch (logins.login(authentication.getName(), password, LoginService.UI_LOGIN)) {
            case LoginService.LoginResult.Success s -> AccountPrincipal.authenticationOf(s.account());
            case LoginService.LoginResult.Failure f -> throw SecurityConfiguration.badCredentials();
            case LoginService.LoginResult.Throttled t -> throw SecurityConfiguration.badCredentials();
        };
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
