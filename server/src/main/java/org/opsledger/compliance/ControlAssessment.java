package org.opsledger.compliance;

import java.util.List;

/** A control with its current status and the reasons for it. */
public record ControlAssessment(Control control, ControlStatus status, List<String> reasons, Attestation attestation) {
}
