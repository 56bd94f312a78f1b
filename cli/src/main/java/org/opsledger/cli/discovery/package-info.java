/** {@code opsledger discovery}: sends discovery scans ({@code nmap -oX}) to an OpsLedger server (IS.012 6.3.2). */
package org.opsledger.cli.discovery;
