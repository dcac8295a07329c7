-- Leadership fencing. The term row holds the fencing token: every takeover raises it, nothing
-- lowers it, and a leader's writes check it in the same transaction (FOR SHARE), so a takeover
-- waits for the old leader's in-flight write and no old-token write commits after it.
CREATE TABLE IF NOT EXISTS leader_term (
    id          smallint    PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    token       bigint      NOT NULL,
    node_id     text        NULL,           -- the node that took the lease last
    term_id     uuid        NULL,           -- that takeover's id: a retried takeover raises the token once
    acquired_at timestamptz NULL
);
INSERT INTO leader_term (id, token) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;

-- The token each leader task last ran under: a task of an older leader is refused even when
-- the newer leader has not got to the global check's row yet.
CREATE TABLE IF NOT EXISTS leader_fences (
    task    text        PRIMARY KEY,
    token   bigint      NOT NULL,
    node_id text        NOT NULL,
    ran_at  timestamptz NOT NULL DEFAULT now()
);

-- The failover timeline: leader changes, Redis master changes, PostgreSQL primary changes.
CREATE TABLE IF NOT EXISTS failover_events (
    id          bigserial   PRIMARY KEY,
    event_key   text        NOT NULL UNIQUE, -- what makes a retried record idempotent
    component   text        NOT NULL CHECK (component IN ('leader', 'redis', 'postgres')),
    from_value  text        NULL,
    to_value    text        NULL,
    detected_at timestamptz NOT NULL DEFAULT now(),
    duration_ms integer     NULL,            -- how long the component had no leader/master/primary, when known
    detail      text        NULL
);

CREATE INDEX IF NOT EXISTS failover_events_detected_at ON failover_events (detected_at);
