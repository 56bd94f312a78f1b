-- Discovery (IS.012 6.3.2): what scans saw of inventory items, the queue of hosts found on the network
-- that the inventory does not know, and the scans imported.
CREATE TABLE item_observation (
    item_id     uuid PRIMARY KEY REFERENCES configuration_item (id),
    observed_at timestamptz NOT NULL,
    scan_sha256 text NOT NULL,
    rule        text NOT NULL CHECK (rule IN ('mac', 'hostname', 'ip')),
    mac_addresses text[] NOT NULL,
    ip_addresses  text[] NOT NULL,
    hostnames     text[] NOT NULL,
    open_ports  jsonb NOT NULL,
    os_guess    text
);
CREATE INDEX configuration_item_last_seen ON configuration_item (last_seen_at) WHERE last_seen_at IS NOT NULL;

-- A host seen on the network and not in the inventory: someone must disposition it (add it to the
-- inventory with an owner, plan its removal, or declare it a false positive).
CREATE TABLE unauthorized_asset (
    id            uuid PRIMARY KEY,
    mac_addresses text[] NOT NULL,
    ip_addresses  text[] NOT NULL,
    hostnames     text[] NOT NULL,
    open_ports    jsonb NOT NULL,
    os_guess      text,
    first_seen_at timestamptz NOT NULL,
    last_seen_at  timestamptz NOT NULL,
    first_scan    text NOT NULL,
    status        text NOT NULL CHECK (status IN ('open', 'added', 'removal-planned', 'false-positive')),
    note          text CHECK (length(note) <= 4000),
    due_date      date,
    item_id       uuid REFERENCES configuration_item (id),
    disposed_at   timestamptz,
    disposed_by   text,
    CHECK ((status = 'open') = (disposed_at IS NULL)),
    CHECK (status <> 'added' OR item_id IS NOT NULL),
    CHECK (status <> 'removal-planned' OR (due_date IS NOT NULL AND note IS NOT NULL)),
    CHECK (status <> 'false-positive' OR note IS NOT NULL)
);
CREATE INDEX unauthorized_asset_status ON unauthorized_asset (status, first_seen_at, id);
CREATE INDEX unauthorized_asset_macs ON unauthorized_asset USING gin (mac_addresses);
CREATE INDEX unauthorized_asset_hostnames ON unauthorized_asset USING gin (hostnames);
CREATE INDEX unauthorized_asset_ips ON unauthorized_asset USING gin (ip_addresses);

CREATE TABLE discovery_scan (
    sha256       text PRIMARY KEY,
    scanner      text NOT NULL,
    started_at   timestamptz,
    hosts_up     integer NOT NULL,
    matched      integer NOT NULL,
    queued       integer NOT NULL,
    ambiguous    integer NOT NULL,
    imported_at  timestamptz NOT NULL,
    imported_by  text NOT NULL
);
CREATE INDEX discovery_scan_imported ON discovery_scan (imported_at DESC);
