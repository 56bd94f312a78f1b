package org.opsledger.compliance;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Decides automatic controls from a module's own records. A module that enforces a control
 * provides a bean of this type; its result wins over any attestation of the same control.
 */
public interface ControlEvaluator {

    /** The catalog ids this evaluator decides, e.g. {@code ECOMP-1.8}. */
    Set<String> controls();

    /** Evaluates one of {@link #controls()} as of {@code now}. */
    Result evaluate(String controlId, Instant now);

    /**
     * @param status  compliant or not compliant (or not assessed when the records cannot tell yet)
     * @param reasons plain sentences an auditor can check, each naming the records behind it
     */
    record Result(ControlStatus status, List<String> reasons) {

        public static Result compliant(String... reasons) {
            return new Result(ControlStatus.COMPLIANT, List.of(reasons));
        }

        public static Result notCompliant(List<String> reasons) {
            return new Result(ControlStatus.NOT_COMPLIANT, List.copyOf(reasons));
        }

        public static Result notAssessed(String reason) {
            return new Result(ControlStatus.NOT_ASSESSED, List.of(reason));
        }
    }
}
