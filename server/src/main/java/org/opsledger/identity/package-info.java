/**
 * Identity: individual accounts (IS.012 6.3.8, 6.7.1.15), roles (6.7.1.13), passwords and lockout,
 * sessions and API tokens, and the separation-of-duties rules every module calls
 * ({@link org.opsledger.identity.SeparationOfDuties}).
 */
@org.springframework.modulith.ApplicationModule(displayName = "Identity")
package org.opsledger.identity;
