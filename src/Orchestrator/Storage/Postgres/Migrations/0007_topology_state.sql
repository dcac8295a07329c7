-- What the leader last saw of each component's topology: the Redis master (address and
-- replication id) and the PostgreSQL primary. A change against this row is a failover, recorded
-- in failover_events; kept in PostgreSQL so a new leader compares with what the old one saw.
CREATE TABLE IF NOT EXISTS topology_state (
    component  text        PRIMARY KEY CHECK (component IN ('redis', 'postgres')),
    value      text        NOT NULL,   -- the master's / primary's address
    identity   text        NOT NULL,   -- what changes on a failover (Redis replication id, PostgreSQL primary address)
    seen_at    timestamptz NOT NULL    -- when a leader last saw it so
);
