/**
 * Web: the layout and navigation every page shares, the dashboard, and how errors reach people
 * (HTML pages) and scripts (RFC 9457 problem+json). Each feature owns its own pages.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Web")
package org.opsledger.web;
