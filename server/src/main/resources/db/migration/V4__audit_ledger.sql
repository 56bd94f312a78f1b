-- The tamper-evident ledger over the audit record (ECOMP 6.3, 6.4, 7; issue 3; docs/audit-ledger.md,
-- docs/audit-format.md). The integrator appends committed audit entries to an RFC 9162 Merkle tree
-- whose complete subtrees, leaves and signed checkpoints live here. Everything is insert-only.

-- Which transaction inserted each entry, as a 64-bit id (no wraparound) that an index can order.
-- Identity ids are handed out at INSERT but transactions commit out of order; the integrator uses
-- this column and the snapshot's xmin to know which entries can no longer appear below it. Rows
-- that existed before this migration get the migration's own transaction id (all older than any
-- later transaction). The trigger overrides whatever a client supplies.
ALTER TABLE audit_entry ADD COLUMN txid xid8 NOT NULL DEFAULT pg_current_xact_id();

CREATE FUNCTION audit_entry_stamp_txid() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    NEW.txid := pg_current_xact_id();
    RETURN NEW;
END
$$;

CREATE TRIGGER audit_entry_txid BEFORE INSERT ON audit_entry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_stamp_txid();

CREATE INDEX audit_entry_txid_id ON audit_entry (txid, id);

-- The log's identity: its origin (= the key name of its checkpoints) and the verifier key that
-- signs them. One row, written by the first integrator; a node whose key file holds another key
-- refuses to sign (two keys would make two logs).
CREATE TABLE audit_log (
    singleton    boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    origin       text NOT NULL,
    verifier_key text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- Complete subtrees of the tree (docs/audit-ledger.md 1, "Storage"): written once, when their last
-- leaf arrives; level 0 holds the leaf hashes. A tree of n leaves holds 2n - 1 rows.
CREATE TABLE audit_subtree (
    level    smallint NOT NULL CHECK (level BETWEEN 0 AND 63),
    position bigint   NOT NULL CHECK (position >= 0),
    hash     bytea    NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (level, position)
);

-- Leaf index -> audit entry, in integration order, with the leaf hash computed from the body as it
-- was integrated: an altered row no longer hashes to it, which names the entry.
CREATE TABLE audit_leaf (
    leaf_index bigint PRIMARY KEY CHECK (leaf_index >= 0),
    entry_id   bigint NOT NULL UNIQUE,
    entry_txid xid8   NOT NULL,
    leaf_hash  bytea  NOT NULL CHECK (length(leaf_hash) = 32)
);

-- Signed checkpoints (C2SP tlog-checkpoint). A new one within about a second of new entries, and a
-- heartbeat row when idle (Ed25519 is deterministic: a heartbeat at an unchanged size repeats the
-- note; its row says when the log last vouched for it). integrated_below: every audit entry whose
-- transaction id is below it was in the tree when this checkpoint was signed.
CREATE TABLE audit_checkpoint (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tree_size        bigint NOT NULL CHECK (tree_size >= 0),
    root_hash        bytea  NOT NULL CHECK (length(root_hash) = 32),
    note             text   NOT NULL,
    integrated_below xid8   NOT NULL,
    signed_by        text   NOT NULL,
    signed_at        timestamptz NOT NULL
);

CREATE INDEX audit_checkpoint_size ON audit_checkpoint (tree_size, id);

-- ECOMP 6.4: the ledger is as append-only as the record it protects.
CREATE TRIGGER audit_subtree_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_subtree
    FOR EACH ROW EXECUTE FUNCTION refuse_change_append_only();
CREATE TRIGGER audit_subtree_no_truncate BEFORE TRUNCATE ON audit_subtree
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_append_only();
CREATE TRIGGER audit_leaf_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_leaf
    FOR EACH ROW EXECUTE FUNCTION refuse_change_append_only();
CREATE TRIGGER audit_leaf_no_truncate BEFORE TRUNCATE ON audit_leaf
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_append_only();
CREATE TRIGGER audit_checkpoint_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_checkpoint
    FOR EACH ROW EXECUTE FUNCTION refuse_change_append_only();
CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_append_only();
CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refuse_change_append_only();
