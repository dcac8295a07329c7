-- Orchestrator nodes and their heartbeats: which nodes are alive, as PostgreSQL sees it.
CREATE TABLE IF NOT EXISTS nodes (
    node_id        text        PRIMARY KEY,
    advertised_url text        NULL,
    version        text        NOT NULL,
    started_at     timestamptz NOT NULL,
    last_seen_at   timestamptz NOT NULL DEFAULT now()
);
