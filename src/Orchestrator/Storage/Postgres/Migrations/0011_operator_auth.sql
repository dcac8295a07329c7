-- Operator login. Tokens are 256-bit random values (or, for the local stack, 32 random bytes
-- in hex), so SHA-256 is enough and the plaintext is never stored. A name may hold several
-- tokens (rotation: create the new one, switch, then revoke the name's old ones by name);
-- "revoke" revokes every active token of a name. A revoked token stays revoked: registering
-- the same token again is refused.
CREATE TABLE IF NOT EXISTS operator_tokens (
    token_hash    bytea       PRIMARY KEY,
    name          text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz NULL,      -- updated at most once a minute
    revoked_at    timestamptz NULL
);

CREATE INDEX IF NOT EXISTS operator_tokens_name ON operator_tokens (name);

-- ASP.NET Core Data Protection key ring (application name "RunnerHub"), shared by every node
-- so a session cookie one node issues is accepted by the others.
CREATE TABLE IF NOT EXISTS data_protection_keys (
    friendly_name  text        PRIMARY KEY,
    xml            text        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);
