package org.opsledger.identity;

import java.util.List;
import java.util.Set;

/**
 * The separation-of-duties rules (ECOMP 3; IS.012 6.5.4, 6.5.5, 6.7.1.13, 6.7.1.14), kept as data
 * in one place ({@code identity/separation-of-duties.yaml}) and called by every module.
 */
public interface SeparationOfDuties {

    /** A rule about which roles one account may hold together. */
    record AccountRule(String id, String source, String description, String exclusiveRole, List<String> incompatibleRoles) {
    }

    /** A rule that two duties on one object are done by two different people. */
    record ActionRule(String id, String source, String description, String firstDuty, String secondDuty) {
    }

    List<AccountRule> accountRules();

    List<ActionRule> actionRules();

    /**
     * Refuses a role set that breaks an account rule.
     *
     * @throws SeparationOfDutiesViolation naming the first rule broken
     */
    void checkRoles(String username, Set<Role> roles);

    /**
     * Refuses the second duty of an action rule when the authenticated actor did the first one:
     * "the actor who requested X may not approve X". Call it before doing the second duty.
     *
     * @param ruleId          an action rule's id, e.g. {@code requester-not-approver}
     * @param firstDutyActor  the user-ID who did the first duty on this object
     * @throws SeparationOfDutiesViolation when the current actor is {@code firstDutyActor}
     * @throws IllegalArgumentException    when no such rule exists (a programming error)
     */
    void checkActor(String ruleId, String objectType, String objectId, String firstDutyActor);
}
