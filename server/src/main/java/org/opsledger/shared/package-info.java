/** Small values every module shares: paging and the authority names that cross module lines. */
@org.springframework.modulith.ApplicationModule(displayName = "Shared", type = org.springframework.modulith.ApplicationModule.Type.OPEN)
package org.opsledger.shared;
