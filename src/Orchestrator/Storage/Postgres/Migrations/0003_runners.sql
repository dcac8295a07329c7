-- Proxy runners and the one-time-use-until-expiry tokens they register with. Secrets are
-- stored as SHA-256 hashes only: they are 256-bit random values, so a fast hash is enough.
CREATE TABLE IF NOT EXISTS registration_tokens (
    token_hash   bytea       PRIMARY KEY,
    created_by   text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    used_count   integer     NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS runners (
    runner_id          uuid        PRIMARY KEY,
    name               text        NOT NULL UNIQUE,
    labels             text[]      NOT NULL,
    label_key          text        NOT NULL,
    slots              integer     NOT NULL CHECK (slots BETWEEN 1 AND 64),
    free_slots         integer     NOT NULL DEFAULT 0,
    credential_hash    bytea       NULL UNIQUE,         -- NULL once removed
    draining           boolean     NOT NULL DEFAULT false,
    removed            boolean     NOT NULL DEFAULT false,
    node_id            text        NULL,                -- orchestrator it is connected to, NULL when disconnected
    connection_id      text        NULL,
    version            text        NULL,
    registered_at      timestamptz NOT NULL DEFAULT now(),
    connected_at       timestamptz NULL,
    last_heartbeat_at  timestamptz NULL
);
