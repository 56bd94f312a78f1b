-- Configuration management (IS.012 6.3.1): the inventory of assets and configuration items.
-- Identifiers are arrays with GIN indexes so that discovery matches a whole batch of scanned hosts
-- in one query (MAC, then hostname, then IP); search_text (lower-case name and identifiers, written
-- by the application) has a trigram index for substring search over 100,000 items.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE configuration_item (
    id                  uuid PRIMARY KEY,
    name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind                text NOT NULL CHECK (kind IN ('server', 'workstation', 'network-device', 'application',
                                                      'database', 'service', 'cloud-service', 'software')),
    tier                text NOT NULL CHECK (tier IN ('critical', 'high', 'medium', 'low')),
    environment         text NOT NULL CHECK (environment IN ('development', 'test', 'production')),
    lifecycle           text NOT NULL CHECK (lifecycle IN ('planned', 'active', 'retiring', 'decommissioned')),
    owner               text NOT NULL CHECK (length(owner) BETWEEN 1 AND 200),
    custodian           text CHECK (length(custodian) <= 200),
    classification      text NOT NULL CHECK (classification IN ('public', 'internal', 'confidential', 'high-sensitivity')),
    hostnames           text[] NOT NULL DEFAULT '{}',
    ip_addresses        text[] NOT NULL DEFAULT '{}',
    mac_addresses       text[] NOT NULL DEFAULT '{}',
    serial              text CHECK (length(serial) <= 100),
    vendor_support_ends date,
    location            text CHECK (length(location) <= 200),
    search_text         text NOT NULL,
    last_seen_at        timestamptz,
    created_at          timestamptz NOT NULL,
    created_by          text NOT NULL,
    updated_at          timestamptz NOT NULL,
    updated_by          text NOT NULL,
    version             integer NOT NULL DEFAULT 1
);

CREATE INDEX configuration_item_search ON configuration_item USING gin (search_text gin_trgm_ops);
CREATE INDEX configuration_item_name ON configuration_item (lower(name), id);
CREATE INDEX configuration_item_hostnames ON configuration_item USING gin (hostnames);
CREATE INDEX configuration_item_ip_addresses ON configuration_item USING gin (ip_addresses);
CREATE INDEX configuration_item_mac_addresses ON configuration_item USING gin (mac_addresses);
CREATE INDEX configuration_item_kind ON configuration_item (kind, lower(name));
CREATE INDEX configuration_item_support_ends ON configuration_item (vendor_support_ends)
    WHERE vendor_support_ends IS NOT NULL;
-- one item per serial number (a serial names one physical device)
CREATE UNIQUE INDEX configuration_item_serial ON configuration_item (serial) WHERE serial IS NOT NULL;
