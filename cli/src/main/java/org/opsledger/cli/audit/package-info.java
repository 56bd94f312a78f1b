/**
 * {@code opsledger audit}: check the tamper-evident audit log. {@code verify} runs offline on an
 * export and the checkpoints an auditor saved; {@code prove} and {@code key} ask a server.
 */
package org.opsledger.cli.audit;
