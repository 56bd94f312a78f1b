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

    /** Configuration snapshots come from the asset manager or from system administrators' tools (IS.012 6.3.5). */
    static final String SUBMIT_SNAPSHOT = "hasAnyRole('ASSET_MANAGER','SYSTEM_ADMINISTRATOR')";

    /** Approving a baseline and resolving drift alerts: the asset manager or a security officer (IS.012 6.3.3, 6.3.7). */
    static final String APPROVE = "hasAnyRole('ASSET_MANAGER','SECURITY_OFFICER')";

    /** Asking for an end-of-life exception: whoever keeps the system (IS.012 6.4.3). */
    static final String REQUEST_EXCEPTION = "hasAnyRole('ASSET_MANAGER','SYSTEM_ADMINISTRATOR','SECURITY_OFFICER')";

    /** Network architecture and configuration documents (ECOMP 8.2, 11.9): who keeps and who reads them. */
    static final String READ_DOCUMENTS = "hasAnyRole('ASSET_MANAGER','SYSTEM_ADMINISTRATOR','SECURITY_OFFICER','AUDITOR')";

    static final String WRITE_DOCUMENTS = "hasAnyRole('ASSET_MANAGER','SYSTEM_ADMINISTRATOR')";

    /** Security decisions: end-of-life exceptions (IS.012 6.4.3: the CISO or designee). */
    static final String SECURITY_OFFICER = "hasRole('SECURITY_OFFICER')";

    private InventoryAccess() {
    }
}
