-- Discovery matches a batch of scanned hosts against 100,000 items: an overlap test (&&) of three
-- arrays against a 500-host batch made the planner scan every row. Each identifier now also has a
-- row keyed 'mac:…', 'host:…' or 'ip:…' in a b-tree, kept by triggers from the arrays, so a batch is
-- one index lookup per identifier (key = ANY(…)).
CREATE FUNCTION inventory_identifier_keys(macs text[], hosts text[], ips text[]) RETURNS SETOF text
    LANGUAGE sql IMMUTABLE AS $$
    SELECT 'mac:' || m FROM unnest(macs) m
    UNION SELECT 'host:' || h FROM unnest(hosts) h
    UNION SELECT 'ip:' || i FROM unnest(ips) i
$$;

CREATE TABLE item_identifier (
    key     text NOT NULL,
    item_id uuid NOT NULL REFERENCES configuration_item (id) ON DELETE CASCADE,
    PRIMARY KEY (key, item_id)
);
CREATE INDEX item_identifier_item ON item_identifier (item_id);

CREATE FUNCTION configuration_item_identifier_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM item_identifier WHERE item_id = OLD.id;
    END IF;
    INSERT INTO item_identifier (key, item_id)
        SELECT k, NEW.id FROM inventory_identifier_keys(NEW.mac_addresses, NEW.hostnames, NEW.ip_addresses) k;
    RETURN NULL;
END
$$;
CREATE TRIGGER configuration_item_identifier_keys AFTER INSERT OR UPDATE OF mac_addresses, hostnames, ip_addresses
    ON configuration_item FOR EACH ROW EXECUTE FUNCTION configuration_item_identifier_keys();
INSERT INTO item_identifier (key, item_id)
    SELECT k, c.id FROM configuration_item c, inventory_identifier_keys(c.mac_addresses, c.hostnames, c.ip_addresses) k;

CREATE TABLE unauthorized_identifier (
    key      text NOT NULL,
    asset_id uuid NOT NULL REFERENCES unauthorized_asset (id) ON DELETE CASCADE,
    PRIMARY KEY (key, asset_id)
);
CREATE INDEX unauthorized_identifier_asset ON unauthorized_identifier (asset_id);

CREATE FUNCTION unauthorized_asset_identifier_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM unauthorized_identifier WHERE asset_id = OLD.id;
    END IF;
    INSERT INTO unauthorized_identifier (key, asset_id)
        SELECT k, NEW.id FROM inventory_identifier_keys(NEW.mac_addresses, NEW.hostnames, NEW.ip_addresses) k;
    RETURN NULL;
END
$$;
CREATE TRIGGER unauthorized_asset_identifier_keys AFTER INSERT OR UPDATE OF mac_addresses, hostnames, ip_addresses
    ON unauthorized_asset FOR EACH ROW EXECUTE FUNCTION unauthorized_asset_identifier_keys();
INSERT INTO unauthorized_identifier (key, asset_id)
    SELECT k, u.id FROM unauthorized_asset u, inventory_identifier_keys(u.mac_addresses, u.hostnames, u.ip_addresses) k;
