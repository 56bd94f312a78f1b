package org.opsledger.change.internal;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which actions a change request allows in its state (IS.012 6.2.2, 6.2.4, 6.2.5, 6.2.7):
 * draft → submitted → assessed → CAB review (High and Medium) → approved / rejected → scheduled →
 * implementing → implemented or failed → reviewed → closed; cancellable until implementation starts.
 * Standard changes are approved by their template on submission; emergency changes are approved by
 * one authorised approver and may start before scheduling; their full review comes afterwards.
 */
final class Workflow {

    /** One endpoint each: {@code POST /api/v1/changes/{id}/submit} … */
    enum Action {
        SUBMIT, ASSESS, APPROVE, REJECT, SCHEDULE, START, COMPLETE, FAIL, REVIEW, CLOSE, CANCEL;

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private Workflow() {
    }

    static Set<Action> allowed(ChangeRequest c) {
        return switch (c.state()) {
            case DRAFT -> EnumSet.of(Action.SUBMIT, Action.CANCEL);
            case SUBMITTED -> c.type() == ChangeType.EMERGENCY
                    // IS.012 6.2.8: an emergency change needs one authorised approver to start
                    ? EnumSet.of(Action.APPROVE, Action.REJECT, Action.CANCEL)
                    : EnumSet.of(Action.ASSESS, Action.REJECT, Action.CANCEL);
            // IS.012 6.2.2: High and Medium risk are decided by the CAB's votes, never by one approver
            case ASSESSED -> c.needsCab() ? EnumSet.of(Action.REJECT, Action.CANCEL)
                    : EnumSet.of(Action.APPROVE, Action.REJECT, Action.CANCEL);
            case CAB_REVIEW -> EnumSet.of(Action.REJECT, Action.CANCEL);
            case APPROVED -> c.type() == ChangeType.EMERGENCY
                    ? EnumSet.of(Action.SCHEDULE, Action.START, Action.CANCEL)
                    : EnumSet.of(Action.SCHEDULE, Action.CANCEL);
            case SCHEDULED -> EnumSet.of(Action.START, Action.CANCEL);
            case IMPLEMENTING -> EnumSet.of(Action.COMPLETE, Action.FAIL);
            case IMPLEMENTED, FAILED -> EnumSet.of(Action.REVIEW);
            case REVIEWED -> EnumSet.of(Action.CLOSE);
            case REJECTED, CLOSED, CANCELLED -> EnumSet.noneOf(Action.class);
        };
    }

    static void check(ChangeRequest c, Action action) {
        Set<Action> allowed = allowed(c);
        if (!allowed.contains(action)) {
            throw new IllegalTransition(c.number(), action, c.state(), allowed);
        }
    }
}
