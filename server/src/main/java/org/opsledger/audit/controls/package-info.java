/**
 * The compliance controls the audit trail decides from its own records (ECOMP 6.1.8, 6.3, 6.4, 7.1,
 * 7.2, 12; IS.012 6.7.2.5). A module nested in audit because compliance records its own actions in
 * the audit trail: the evaluators live here so that neither module depends on the other in a circle.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Audit controls")
package org.opsledger.audit.controls;
