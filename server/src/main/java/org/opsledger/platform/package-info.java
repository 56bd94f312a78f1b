/**
 * Platform: where OpsLedger keeps its data. Without {@code opsledger.database.url} it runs a
 * private PostgreSQL from bundled binaries under {@code <data-dir>/postgres} (kept across
 * restarts); with it, it connects to the external PostgreSQL that production uses.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Platform")
package org.opsledger.platform;
