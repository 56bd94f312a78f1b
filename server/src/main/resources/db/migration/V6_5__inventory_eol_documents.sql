-- End of life (IS.012 6.4.3): an item kept in use past its vendor's support needs an exception
-- approved by a security officer (the CISO's designee), with an expiry. The requester never approves.
CREATE TABLE eol_exception (
    id            uuid PRIMARY KEY,
    item_id       uuid NOT NULL REFERENCES configuration_item (id),
    justification text NOT NULL CHECK (length(justification) BETWEEN 1 AND 4000),
    expires_on    date NOT NULL,
    status        text NOT NULL CHECK (status IN ('requested', 'approved', 'rejected')),
    requested_by  text NOT NULL,
    requested_at  timestamptz NOT NULL,
    decided_by    text,
    decided_at    timestamptz,
    decision_note text CHECK (length(decision_note) <= 4000),
    CHECK ((status = 'requested') = (decided_at IS NULL)),
    -- separation of duties (requester-not-approver), also enforced in the application
    CHECK (decided_by IS NULL OR decided_by <> requested_by)
);
CREATE INDEX eol_exception_item ON eol_exception (item_id, status, expires_on);
CREATE INDEX eol_exception_status ON eol_exception (status, requested_at);

-- System documentation (ECOMP 8, 11.9): network architecture and configuration documents attached
-- to items, readable only by the roles allowed. Kept as history: a newer version is a new row.
CREATE TABLE item_document (
    id          uuid PRIMARY KEY,
    item_id     uuid NOT NULL REFERENCES configuration_item (id),
    kind        text NOT NULL CHECK (kind IN ('network-architecture', 'configuration', 'procedure', 'other')),
    title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    file_name   text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
    size        bigint NOT NULL,
    sha256      text NOT NULL,
    content     bytea NOT NULL,
    uploaded_by text NOT NULL,
    uploaded_at timestamptz NOT NULL
);
CREATE INDEX item_document_item ON item_document (item_id, uploaded_at DESC);
CREATE INDEX item_document_kind ON item_document (kind, item_id);
