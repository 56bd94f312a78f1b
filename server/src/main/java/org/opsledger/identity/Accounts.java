package org.opsledger.identity;

import java.util.Optional;
import org.springframework.security.core.Authentication;

/** What other modules may ask of accounts. */
public interface Accounts {

    /**
     * The authentication (user-ID and roles) of an enabled person whose credential another module has
     * verified — a calendar feed token that a calendar client presents instead of a password. Empty
     * when the account does not exist, is disabled or must change its password first.
     */
    Optional<Authentication> authenticationOf(String username);

    /** The e-mail address an account has on record, if any (where other modules' notifications went). */
    Optional<String> emailOf(String username);
}
