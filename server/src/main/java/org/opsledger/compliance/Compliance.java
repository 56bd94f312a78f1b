package org.opsledger.compliance;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads the controls' statuses: for the dashboard, the API and reports. */
public interface Compliance {

    List<ControlAssessment> assessAll();

    /**
     * The controls of one document ({@code IS.012}, {@code ECOMP}) and/or in one status (its wire
     * name, {@code not-compliant}); null or blank means any.
     */
    List<ControlAssessment> assessAll(String source, String status);

    Optional<ControlAssessment> assess(String controlId);

    /** How many controls are in each status. */
    Map<ControlStatus, Long> summary();
}
