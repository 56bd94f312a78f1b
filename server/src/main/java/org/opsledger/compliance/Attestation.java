package org.opsledger.compliance;

import java.time.Instant;
import java.util.UUID;

/**
 * A security officer's statement that a control holds (or does not), with evidence and an expiry.
 *
 * @param evidenceSha256 hex SHA-256 of the evidence file, so an auditor can check the copy they hold
 */
public record Attestation(UUID id, String controlId, ControlStatus status, String statement, String attestedBy,
        Instant attestedAt, Instant expiresAt, String evidenceName, Long evidenceSize, String evidenceSha256) {

    public boolean expiredAt(Instant now) {
        return !expiresAt.isAfter(now);
    }
}
