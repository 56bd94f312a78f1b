package org.opsledger.identity.internal;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import org.opsledger.audit.PrivilegedAccounts;
import org.opsledger.identity.Role;
import org.springframework.stereotype.Component;

/** The accounts holding a privileged role (ECOMP 6.1.8), for the audit trail's ECOMP 7.1 evaluator. */
@Component
class PrivilegedAccountHolders implements PrivilegedAccounts {

    private final AccountRepository accounts;

    PrivilegedAccountHolders(AccountRepository accounts) {
        this.accounts = accounts;
    }

    @Override
    public List<String> holders() {
        EnumSet<Role> privileged = EnumSet.noneOf(Role.class);
        Arrays.stream(Role.values()).filter(Role::privileged).forEach(privileged::add);
        return accounts.holdersOf(privileged);
    }
}
