-- Individual accounts (IS.012 6.3.8, 6.7.1.15) and their tokens.
CREATE TABLE account (
    id                       uuid PRIMARY KEY,
    username                 text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
    display_name             text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    email                    text CHECK (length(email) <= 254),
    kind                     text NOT NULL CHECK (kind IN ('person', 'service')),
    roles                    text[] NOT NULL DEFAULT '{}',
    password_hash            text,
    password_change_required boolean NOT NULL DEFAULT false,
    enabled                  boolean NOT NULL DEFAULT true,
    failed_logins            integer NOT NULL DEFAULT 0,
    locked_until             timestamptz,
    created_at               timestamptz NOT NULL,
    last_login_at            timestamptz,
    -- a service account never has a password: it cannot log in to the UI
    CONSTRAINT service_has_no_password CHECK (kind = 'person' OR password_hash IS NULL),
    -- IS.012 6.7.1.14: a platform administrator holds no other role (also checked in the application)
    CONSTRAINT administrator_holds_no_other_role
        CHECK (NOT ('platform-administrator' = ANY (roles)) OR cardinality(roles) = 1)
);

-- Bearer tokens: short-lived session tokens from POST /api/v1/auth/token and long-lived API tokens.
-- Only the SHA-256 of a token is stored; the token itself is shown once.
CREATE TABLE api_token (
    id           uuid PRIMARY KEY,
    account_id   uuid NOT NULL REFERENCES account (id),
    kind         text NOT NULL CHECK (kind IN ('session', 'api')),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_hash   bytea NOT NULL UNIQUE,
    prefix       text NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz,
    revoked_at   timestamptz,
    last_used_at timestamptz
);
CREATE INDEX api_token_account ON api_token (account_id, created_at DESC);
