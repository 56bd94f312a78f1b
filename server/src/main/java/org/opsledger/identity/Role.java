package org.opsledger.identity;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The roles of the seeds. Wire names are kebab case ({@code change-manager}); Spring authorities are
 * {@code ROLE_CHANGE_MANAGER}.
 */
public enum Role {
    REQUESTER("Raises change requests", false),
    CHANGE_MANAGER("Runs the change process and the calendar (IS.012 6.2)", false),
    CAB_MEMBER("Sits on the Change Advisory Board (IS.012 6.2.2)", false),
    IMPLEMENTER("Carries out approved changes", false),
    DEVELOPER("Writes code; never promotes it to production (IS.012 6.5.4)", false),
    RELEASE_MANAGER("Promotes releases between environments (IS.012 6.5.5)", false),
    ASSET_MANAGER("Keeps the inventory of hardware and software (IS.012 6.3.1)", false),
    BACKUP_OPERATOR("Runs and tests backups (IS.012 6.6)", false),
    MEDIA_CUSTODIAN("Holds removable media and records their custody (ECOMP 1)", false),
    HELP_DESK("Logs and follows faults (ECOMP 9.1)", false),
    SYSTEM_ADMINISTRATOR("Administers systems; their actions are logged (ECOMP 7.1)", true),
    SECURITY_OFFICER("Owns compliance: attests controls, reviews the trail", false),
    AUDITOR("Reads everything, changes nothing; sees the audit trail", false),
    PLATFORM_ADMINISTRATOR("Administers OpsLedger's accounts; holds no other role (IS.012 6.7.1.14)", true);

    private final String description;
    private final boolean privileged;

    Role(String description, boolean privileged) {
        this.description = description;
        this.privileged = privileged;
    }

    /** {@code change-manager}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** {@code ROLE_CHANGE_MANAGER}. */
    public String authority() {
        return "ROLE_" + name();
    }

    public String description() {
        return description;
    }

    /** Administrative roles whose use is flagged in the audit record (ECOMP 6.1.8). */
    public boolean privileged() {
        return privileged;
    }

    public static Optional<Role> fromWireName(String name) {
        return Arrays.stream(values()).filter(r -> r.wireName().equals(name)).findFirst();
    }
}
