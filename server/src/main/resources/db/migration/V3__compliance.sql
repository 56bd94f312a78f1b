-- Attestations: a security officer's statement about a control, with evidence and an expiry.
-- Kept as history: a newer attestation supersedes an older one, nothing is edited.
CREATE TABLE attestation (
    id              uuid PRIMARY KEY,
    control_id      text NOT NULL,
    status          text NOT NULL CHECK (status IN ('compliant', 'not-compliant')),
    statement       text NOT NULL CHECK (length(statement) BETWEEN 1 AND 4000),
    attested_by     text NOT NULL,
    attested_at     timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL CHECK (expires_at > attested_at),
    evidence_name   text CHECK (length(evidence_name) <= 255),
    evidence_size   bigint,
    evidence_sha256 text,
    evidence        bytea
);
CREATE INDEX attestation_control ON attestation (control_id, attested_at DESC);

CREATE TRIGGER attestation_no_update_or_delete BEFORE UPDATE OR DELETE ON attestation
    FOR EACH ROW EXECUTE FUNCTION refuse_change_append_only();
