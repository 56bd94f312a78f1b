package org.opsledger.audit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import org.opsledger.ledger.note.SignerKey;
import org.opsledger.ledger.note.SignerKeyFile;
import org.opsledger.ledger.note.VerifierKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Who the audit log is: its origin (the key name on every checkpoint, docs/audit-ledger.md 3) and
 * the verifier key auditors pin, recorded once in {@code audit_log}; and, on a node whose key file
 * holds that key, the signer. The signing key stays outside the database, in a 0600 file.
 *
 * @param origin    the log's name, e.g. {@code opsledger/ops1}
 * @param published the verifier key recorded for the log (what {@code GET /api/v1/audit/key} serves)
 * @param signer    this node's signing key, present only if it is the published one: a node with
 *                  another key never signs, because two keys would make two logs
 */
record LogIdentity(String origin, VerifierKey published, Optional<SignerKey> signer) {

    private static final Logger log = LoggerFactory.getLogger(LogIdentity.class);

    /**
     * Reads the log's identity from the database, or founds it: the first node to start names the
     * log ({@code configuredName}, else its system identity) and records its key.
     */
    static LogIdentity resolve(JdbcClient jdbc, Path keyFile, String configuredName) {
        String origin = jdbc.sql("SELECT origin FROM audit_log").query(String.class).optional().orElse(configuredName);
        SignerKey key;
        try {
            key = SignerKeyFile.loadOrCreate(keyFile, origin);
        } catch (IOException e) {
            throw new UncheckedIOException("audit signing key " + keyFile + ": " + e.getMessage(), e);
        }
        jdbc.sql("INSERT INTO audit_log (origin, verifier_key) VALUES (?, ?) ON CONFLICT DO NOTHING")
                .param(origin).param(key.verifierKey().encoded()).update();
        VerifierKey published = VerifierKey.parse(
                jdbc.sql("SELECT verifier_key FROM audit_log").query(String.class).single());
        if (!published.equals(key.verifierKey())) {
            log.error("The audit signing key in {} ({}) is not the log's key ({}): this node will not sign checkpoints."
                    + " Give every node the same key file (opsledger.audit.signing-key-file).",
                    keyFile, key.verifierKey(), published);
            return new LogIdentity(origin, published, Optional.empty());
        }
        log.info("Audit log {}: checkpoints signed with the key in {}; verifier key {}", origin, keyFile, published);
        return new LogIdentity(origin, published, Optional.of(key));
    }
}
