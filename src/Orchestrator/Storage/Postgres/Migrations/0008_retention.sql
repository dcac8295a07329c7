-- Retention (a recurring Hangfire job the leader runs) deletes finished jobs oldest first, in
-- batches. This partial index finds them without reading the live jobs; its expression and
-- predicate are the ones PostgresRetentionStore queries with. Deliveries already have
-- deliveries_received_at (0002).
CREATE INDEX IF NOT EXISTS jobs_finished_at ON jobs ((COALESCE(completed_at, updated_at))) WHERE state IN ('completed', 'dead');
