-- The audit record (ECOMP 6.1, 6.4, 7). `body` is the canonical entry (docs/audit-format.md): the
-- bytes that are exported and hashed. The other columns are derived from it by PostgreSQL itself,
-- so what is searched can never disagree with what is hashed.

CREATE FUNCTION audit_body_time(body text) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT ((body::jsonb ->> 'time')::timestamp AT TIME ZONE 'UTC') $$;

CREATE TABLE audit_entry (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    body        text NOT NULL CHECK (length(body) <= 65536),
    occurred_at timestamptz GENERATED ALWAYS AS (audit_body_time(body)) STORED,
    actor       text GENERATED ALWAYS AS (body::jsonb ->> 'actor') STORED,
    action      text GENERATED ALWAYS AS (body::jsonb ->> 'action') STORED,
    outcome     text GENERATED ALWAYS AS (body::jsonb ->> 'outcome') STORED,
    object_type text GENERATED ALWAYS AS (body::jsonb ->> 'objectType') STORED,
    object_id   text GENERATED ALWAYS AS (body::jsonb ->> 'objectId') STORED
);

CREATE INDEX audit_entry_occurred_at ON audit_entry (occurred_at);
CREATE INDEX audit_entry_actor ON audit_entry (actor, id);
CREATE INDEX audit_entry_action ON audit_entry (action, id);
CREATE INDEX audit_entry_object ON audit_entry (object_type, object_id, id);

-- ECOMP 6.4: nobody, administrators included, edits or erases the record through the application's
-- connection. (Tamper-evidence against a database superuser is the ledger's job.)
CREATE FUNCTION refuse_change_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused (ECOMP 6.4)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_entry_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_entry
    FOR EACH ROW EXECUTE FUNCTION refuse_change_append_only();
CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_append_only();
