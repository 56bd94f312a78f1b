-- SIEM forwarding (IS.012 6.7.2.5; issue 3; docs/operations.md "Forwarding to a SIEM"). One row per
-- destination: how far its messages have been sent. Entries go in leaf order of the ledger (a
-- committed, gap-free order), so one number says what is done; the leaf index travels in every
-- message and is the receiver's dedupe key. The row is a position, not a record: it moves forward
-- after each flushed batch and back by a resend window after a broken connection (at-least-once).
CREATE TABLE siem_cursor (
    destination     text PRIMARY KEY,
    next_leaf       bigint NOT NULL DEFAULT 0 CHECK (next_leaf >= 0),
    -- checkpoints with id >= this are not yet sent (each follows the entries it covers)
    next_checkpoint bigint NOT NULL DEFAULT 0 CHECK (next_checkpoint >= 0),
    forwarded_at    timestamptz,
    -- set while the destination cannot be reached; the alarm entry is written when it is set and
    -- the recovery entry when it is cleared, so an outage is recorded once, not per message
    failing_since   timestamptz,
    last_failure    text,
    updated_at      timestamptz NOT NULL DEFAULT now()
);
