package org.opsledger.audit;

import java.util.List;

/**
 * Who holds a privileged role now (ECOMP 6.1.8, 7.1), provided by the module that keeps accounts,
 * so that the trail can show that their actions are in it without reading that module's tables.
 */
public interface PrivilegedAccounts {

    /** User names of accounts holding at least one privileged role, sorted. */
    List<String> holders();
}
