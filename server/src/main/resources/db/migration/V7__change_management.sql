-- Change management (IS.012 6.2): the system of record for every change request (6.2.3).
-- Indexes are sized for 100,000 changes (list/search, conflict checks, the emergency report);
-- see bench/change-bench.sh and docs/performance.md.

CREATE SEQUENCE change_number_seq;

-- Standard changes (IS.012 6.2.1, 6.2.8): pre-approved templates, Low risk, no CAB.
CREATE TABLE change_template (
    id                  uuid PRIMARY KEY,
    name                text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    description         text NOT NULL,
    implementation_plan text NOT NULL,
    test_plan           text NOT NULL,
    fallback_plan       text NOT NULL,
    approved_by         text NOT NULL,
    approved_at         timestamptz NOT NULL,
    retired             boolean NOT NULL DEFAULT false
);

CREATE TABLE change_request (
    id                          uuid PRIMARY KEY,
    seq                         bigint NOT NULL UNIQUE,
    number                      text NOT NULL UNIQUE,
    title                       text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    type                        text NOT NULL CHECK (type IN ('standard', 'normal', 'emergency')),
    template_id                 uuid REFERENCES change_template (id),
    state                       text NOT NULL CHECK (state IN ('draft', 'submitted', 'assessed', 'cab-review', 'approved',
                                    'rejected', 'scheduled', 'implementing', 'implemented', 'failed', 'reviewed', 'closed', 'cancelled')),
    description                 text NOT NULL DEFAULT '',
    implementation_plan         text,
    test_plan                   text,
    test_evidence               text,
    test_environment            text CHECK (test_environment IN ('development', 'test', 'production')),
    fallback_plan               text,
    security_assessment         text,
    compliance_confirmed        boolean NOT NULL DEFAULT false,
    emergency_justification     text,
    planned_start               timestamptz,
    planned_end                 timestamptz,
    risk_answers                jsonb NOT NULL DEFAULT '{}',
    risk_questionnaire          text NOT NULL CHECK (risk_questionnaire IN ('low', 'medium', 'high')),
    risk_items                  text NOT NULL CHECK (risk_items IN ('low', 'medium', 'high')),
    risk                        text NOT NULL CHECK (risk IN ('low', 'medium', 'high')),
    risk_override_level         text CHECK (risk_override_level IN ('low', 'medium', 'high')),
    risk_override_justification text,
    risk_override_by            text,
    network_device              boolean NOT NULL DEFAULT false,
    requester                   text NOT NULL,
    implementer                 text,
    approved_by                 text,
    security_approved_by        text,
    created_at                  timestamptz NOT NULL,
    submitted_at                timestamptz,
    approved_at                 timestamptz,
    started_at                  timestamptz,
    finished_at                 timestamptz,
    review_due                  timestamptz,
    reviewed_at                 timestamptz,
    reviewed_by                 text,
    review_notes                text,
    closed_at                   timestamptz,
    outcome                     text CHECK (outcome IN ('implemented', 'failed')),
    outcome_notes               text,
    version                     integer NOT NULL DEFAULT 0,
    updated_at                  timestamptz NOT NULL,
    CONSTRAINT planned_window CHECK (planned_end IS NULL OR planned_start IS NULL OR planned_end > planned_start),
    -- IS.012 6.2.1: a manual override of the computed risk carries its justification
    CONSTRAINT override_justified CHECK (risk_override_level IS NULL OR length(risk_override_justification) >= 10),
    CONSTRAINT number_format CHECK (number ~ '^CHG-[0-9]{6,}$')
);
CREATE INDEX change_request_created ON change_request (created_at DESC, seq DESC);
CREATE INDEX change_request_state ON change_request (state, created_at DESC);
CREATE INDEX change_request_requester ON change_request (requester, created_at DESC);
CREATE INDEX change_request_type ON change_request (type, created_at DESC);
CREATE INDEX change_request_window ON change_request (planned_start, planned_end)
    WHERE state IN ('approved', 'scheduled', 'implementing');
CREATE INDEX change_request_emergency ON change_request (approved_at) WHERE type = 'emergency';
-- title search (ILIKE '%…%') by trigrams; the inventory's V6 creates the extension too
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX change_request_title ON change_request USING gin (title gin_trgm_ops);

-- Affected configuration items (ids in the inventory; never its tables).
CREATE TABLE change_item (
    change_id uuid NOT NULL REFERENCES change_request (id),
    item_id   uuid NOT NULL,
    PRIMARY KEY (change_id, item_id)
);
CREATE INDEX change_item_item ON change_item (item_id, change_id);

-- IS.012 6.2.6: stakeholders, a person (with an address) or a configured group.
CREATE TABLE change_stakeholder (
    change_id uuid NOT NULL REFERENCES change_request (id),
    kind      text NOT NULL CHECK (kind IN ('person', 'group')),
    name      text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email     text CHECK (length(email) <= 254),
    PRIMARY KEY (change_id, kind, name)
);
CREATE INDEX change_stakeholder_name ON change_stakeholder (kind, name);

-- The timeline: one row per state change (the audit trail holds the same, tamper-evident).
CREATE TABLE change_transition (
    id         bigserial PRIMARY KEY,
    change_id  uuid NOT NULL REFERENCES change_request (id),
    action     text NOT NULL,
    from_state text,
    to_state   text NOT NULL,
    actor      text NOT NULL,
    at         timestamptz NOT NULL,
    comment    text
);
CREATE INDEX change_transition_change ON change_transition (change_id, id);

-- IS.012 6.2.2: CAB votes; IS.012 6.3.6: a security officer's approval for network devices.
CREATE TABLE change_vote (
    change_id uuid NOT NULL REFERENCES change_request (id),
    voter     text NOT NULL,
    capacity  text NOT NULL CHECK (capacity IN ('cab', 'security')),
    decision  text NOT NULL CHECK (decision IN ('approve', 'reject')),
    comment   text,
    voted_at  timestamptz NOT NULL,
    PRIMARY KEY (change_id, voter, capacity)
);

CREATE TABLE cab_meeting (
    id         uuid PRIMARY KEY,
    title      text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    starts_at  timestamptz NOT NULL,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE TABLE cab_meeting_item (
    meeting_id uuid NOT NULL REFERENCES cab_meeting (id),
    change_id  uuid NOT NULL REFERENCES change_request (id),
    position   integer NOT NULL,
    PRIMARY KEY (meeting_id, change_id)
);

-- Blackout windows (no change; item_id null = everything) and maintenance windows per item.
CREATE TABLE change_window (
    id         uuid PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('blackout', 'maintenance')),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    item_id    uuid,
    starts_at  timestamptz NOT NULL,
    ends_at    timestamptz NOT NULL CHECK (ends_at > starts_at),
    created_by text NOT NULL,
    created_at timestamptz NOT NULL,
    CONSTRAINT maintenance_has_item CHECK (kind = 'blackout' OR item_id IS NOT NULL)
);
CREATE INDEX change_window_time ON change_window (kind, starts_at, ends_at);

-- IS.012 6.2.6: notifications, an outbox written with the state change and sent after commit.
CREATE TABLE change_notification (
    id         bigserial PRIMARY KEY,
    change_id  uuid NOT NULL REFERENCES change_request (id),
    event      text NOT NULL,
    recipient  text NOT NULL,
    subject    text NOT NULL,
    body       text NOT NULL,
    status     text NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts   integer NOT NULL DEFAULT 0,
    last_error text,
    created_at timestamptz NOT NULL,
    next_attempt_at timestamptz NOT NULL,
    sent_at    timestamptz
);
CREATE INDEX change_notification_pending ON change_notification (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX change_notification_change ON change_notification (change_id, id);

-- Calendar feed tokens (one per person); only the SHA-256 is kept.
CREATE TABLE change_calendar_feed (
    username   text PRIMARY KEY,
    token_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL
);

-- IS.012 6.2.9: the periodic reviews of the change process itself.
CREATE TABLE change_process_review (
    id          uuid PRIMARY KEY,
    reviewer    text NOT NULL,
    reviewed_at timestamptz NOT NULL,
    period_from timestamptz NOT NULL,
    period_to   timestamptz NOT NULL,
    notes       text NOT NULL
);
