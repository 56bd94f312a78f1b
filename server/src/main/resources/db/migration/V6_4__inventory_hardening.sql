-- Hardening (IS.012 6.3.4): OpenSCAP XCCDF results per item — score, rule counts, failed rules, date.
CREATE TABLE hardening_assessment (
    id             uuid PRIMARY KEY,
    item_id        uuid NOT NULL REFERENCES configuration_item (id),
    benchmark      text NOT NULL,
    profile        text,
    target         text,
    assessed_at    timestamptz NOT NULL,
    score          numeric,
    score_maximum  numeric,
    passed         integer NOT NULL,
    failed         integer NOT NULL,
    errors         integer NOT NULL,
    not_applicable integer NOT NULL,
    other          integer NOT NULL,
    failed_rules   jsonb NOT NULL,
    file_sha256    text NOT NULL,
    imported_at    timestamptz NOT NULL,
    imported_by    text NOT NULL,
    UNIQUE (item_id, file_sha256)
);
CREATE INDEX hardening_assessment_item ON hardening_assessment (item_id, assessed_at DESC);
