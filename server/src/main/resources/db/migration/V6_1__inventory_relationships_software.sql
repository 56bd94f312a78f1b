-- Typed relationships between configuration items (IS.012 6.3.1) and the software installed on each
-- asset, entered by hand or imported from a CycloneDX SBOM.
CREATE TABLE item_relationship (
    id         uuid PRIMARY KEY,
    source_id  uuid NOT NULL REFERENCES configuration_item (id),
    kind       text NOT NULL CHECK (kind IN ('runs-on', 'depends-on', 'connects-to', 'backed-up-by')),
    target_id  uuid NOT NULL REFERENCES configuration_item (id),
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    CHECK (source_id <> target_id),
    UNIQUE (source_id, kind, target_id)
);
CREATE INDEX item_relationship_target ON item_relationship (target_id);

CREATE TABLE installed_software (
    id          uuid PRIMARY KEY,
    item_id     uuid NOT NULL REFERENCES configuration_item (id),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
    version     text CHECK (length(version) <= 200),
    purl        text CHECK (length(purl) <= 1000),
    supplier    text CHECK (length(supplier) <= 300),
    source      text NOT NULL CHECK (source IN ('manual', 'sbom')),
    recorded_at timestamptz NOT NULL,
    recorded_by text NOT NULL
);
CREATE INDEX installed_software_item ON installed_software (item_id, lower(name));
-- "which assets run this package?"
CREATE INDEX installed_software_name ON installed_software USING gin (lower(name) gin_trgm_ops);
