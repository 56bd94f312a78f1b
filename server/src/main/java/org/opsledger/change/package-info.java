/**
 * Change management (IS.012 6.2): change requests and their models (standard, normal, emergency),
 * risk, the workflow with its Change Advisory Board, stakeholders and their notifications, the
 * calendar with blackout and maintenance windows, emergency changes and their audit, and the
 * periodic review of the process. Other modules ask it "is there an approved change covering item X?"
 * through {@link org.opsledger.shared.ChangeCoverage}; it reads affected items through
 * {@link org.opsledger.inventory.ConfigurationItems}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Change management")
package org.opsledger.change;
