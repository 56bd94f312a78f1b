package org.opsledger.identity.internal;

import java.util.List;
import org.opsledger.identity.Role;
import org.opsledger.identity.SeparationOfDuties;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Who am I, and which separation-of-duties rules hold. */
@RestController
class MeController {

    record Me(String username, String displayName, String kind, List<String> roles, boolean privileged) {
    }

    record Rules(List<SeparationOfDuties.AccountRule> accountRules, List<SeparationOfDuties.ActionRule> actionRules) {
    }

    private final AccountService accounts;
    private final SeparationOfDuties duties;

    MeController(AccountService accounts, SeparationOfDuties duties) {
        this.accounts = accounts;
        this.duties = duties;
    }

    @GetMapping("/api/v1/me")
    Me me(@AuthenticationPrincipal AccountPrincipal principal) {
        Account a = accounts.get(principal.username());
        return new Me(a.username(), a.displayName(), a.kind().wireName(),
                a.roles().stream().map(Role::wireName).sorted().toList(), a.privileged());
    }

    @GetMapping("/api/v1/separation-of-duties")
    Rules rules() {
        return new Rules(duties.accountRules(), duties.actionRules());
    }
}
