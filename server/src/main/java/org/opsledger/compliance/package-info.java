/**
 * Compliance: the control catalog (one entry per numbered requirement of the seeds), each
 * control's status computed from the records ({@link org.opsledger.compliance.ControlEvaluator}s
 * that the owning modules provide) or from a security officer's attestation with evidence.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Compliance")
package org.opsledger.compliance;
