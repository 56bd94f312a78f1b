-- Baselines and drift (IS.012 6.3.3, 6.3.5, 6.3.7): configuration snapshots per item (settings and
-- file hashes); an approved snapshot is the item's baseline; each difference from it is a drift
-- item, reconciled against approved changes (authorised, with the change number) or an alert that
-- someone must resolve.
CREATE TABLE config_snapshot (
    id           uuid PRIMARY KEY,
    item_id      uuid NOT NULL REFERENCES configuration_item (id),
    observed_at  timestamptz NOT NULL,
    source       text NOT NULL CHECK (length(source) BETWEEN 1 AND 200),
    settings     jsonb NOT NULL,
    files        jsonb NOT NULL,
    received_at  timestamptz NOT NULL,
    received_by  text NOT NULL,
    approved_at  timestamptz,
    approved_by  text
);
CREATE INDEX config_snapshot_item ON config_snapshot (item_id, observed_at DESC);

-- The approved snapshot each item is compared with.
CREATE TABLE item_baseline (
    item_id     uuid PRIMARY KEY REFERENCES configuration_item (id),
    snapshot_id uuid NOT NULL REFERENCES config_snapshot (id)
);

CREATE TABLE drift_item (
    id            uuid PRIMARY KEY,
    item_id       uuid NOT NULL REFERENCES configuration_item (id),
    baseline_id   uuid NOT NULL REFERENCES config_snapshot (id),
    snapshot_id   uuid NOT NULL REFERENCES config_snapshot (id),
    kind          text NOT NULL CHECK (kind IN ('setting', 'file')),
    key           text NOT NULL,
    expected      text,
    observed      text,
    observed_at   timestamptz NOT NULL,
    status        text NOT NULL CHECK (status IN ('authorized', 'alert', 'resolved')),
    change_number text,
    resolution    text,
    resolved_by   text,
    resolved_at   timestamptz,
    CHECK (status <> 'authorized' OR change_number IS NOT NULL),
    CHECK (status <> 'resolved' OR (resolution IS NOT NULL AND resolved_by IS NOT NULL))
);
-- one drift item per difference from a baseline: a later snapshot showing the same difference adds nothing
CREATE UNIQUE INDEX drift_item_difference ON drift_item (item_id, baseline_id, kind, key, md5(coalesce(observed, '∅')));
CREATE INDEX drift_item_status ON drift_item (status, observed_at, id);
CREATE INDEX drift_item_item ON drift_item (item_id, observed_at DESC);
