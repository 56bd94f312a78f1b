package org.opsledger.change.internal;

import java.util.List;
import java.util.Set;

/** An action the change's state does not allow: 409 problem+json listing the ones it does. */
class IllegalTransition extends RuntimeException {

    private final String number;
    private final String action;
    private final ChangeState state;
    private final List<String> allowed;

    IllegalTransition(String number, Workflow.Action action, ChangeState state, Set<Workflow.Action> allowed) {
        this(number, action.wireName(), state, allowed);
    }

    IllegalTransition(String number, String action, ChangeState state, Set<Workflow.Action> allowed) {
        super("A change in state '" + state.wireName() + "' cannot " + action + "; allowed: "
                + (allowed.isEmpty() ? "nothing (the change is finished)" : String.join(", ", names(allowed))));
        this.number = number;
        this.action = action;
        this.state = state;
        this.allowed = names(allowed);
    }

    private static List<String> names(Set<Workflow.Action> allowed) {
        return allowed.stream().sorted().map(Workflow.Action::wireName).toList();
    }

    String number() {
        return number;
    }

    String action() {
        return action;
    }

    ChangeState state() {
        return state;
    }

    List<String> allowed() {
        return allowed;
    }
}
