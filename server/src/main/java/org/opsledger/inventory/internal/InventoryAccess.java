package org.opsledger.inventory.internal;

/**
 * Who may do what with the inventory, as {@code @PreAuthorize} expressions. The asset manager keeps
 * the inventory (IS.012 6.3.1); every other role reads it (changes name their items, backups their
 * assets, auditors check it) except the platform administrator, who administers accounts and
 * nothing else (IS.012 6.7.1.14).
 */
final class InventoryAccess {

    static final String READ = "hasAnyRole('REQUESTER','CHANGE_MANAGER','CAB_MEMBER','IMPLEMENTER','DEVELOPER',"
            + "'RELEASE_MANAGER','ASSET_MANAGER','BACKUP_OPERATOR','MEDIA_CUSTODIAN','HELP_DESK','SYSTEM_ADMINISTRATOR',"
            + "'SECURITY_OFFICER','AUDITOR')";

    static final String WRITE = "hasRole('ASSET_MANAGER')";

    private InventoryAccess() {
    }
}
