package org.opsledger.compliance;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads the controls' statuses: for the dashboard, the API and reports. */
public interface Compliance {

    List<ControlAssessment> assessAll();

    Optional<ControlAssessment> assess(String controlId);

    /** How many controls are in each status. */
    Map<ControlStatus, Long> summary();
}
