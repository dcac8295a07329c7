-- The operator's dashboard: who did what (audit_log), each job's steps (job_events, written by a
-- trigger so every path that changes a job is recorded, in the same transaction), and node
-- deaths on the failover timeline.

CREATE TABLE IF NOT EXISTS audit_log (
    id        bigserial   PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    operator  text        NOT NULL,   -- the operator token's name
    action    text        NOT NULL,   -- drain-runner, resume-runner, remove-runner, retry-job, recheck-job, step-down
    target    text        NOT NULL,   -- runner name or job id
    detail    text        NULL,       -- what came of it
    node_id   text        NOT NULL    -- the orchestrator that carried it out
);

CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at);
CREATE INDEX IF NOT EXISTS audit_log_target ON audit_log (target, at);

CREATE TABLE IF NOT EXISTS job_events (
    id       bigserial   PRIMARY KEY,
    job_id   bigint      NOT NULL REFERENCES jobs (job_id) ON DELETE CASCADE,
    at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    state    text        NOT NULL,
    attempt  integer     NOT NULL,
    runner   text        NULL,        -- the JIT runner of the attempt, or the runner GitHub named
    detail   text        NULL         -- the dead reason or the conclusion
);

CREATE INDEX IF NOT EXISTS job_events_job ON job_events (job_id, id);

CREATE OR REPLACE FUNCTION record_job_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.state IS DISTINCT FROM OLD.state OR NEW.attempt IS DISTINCT FROM OLD.attempt THEN
        INSERT INTO job_events (job_id, state, attempt, runner, detail)
        VALUES (NEW.job_id, NEW.state, NEW.attempt,
                CASE WHEN NEW.state IN ('in_progress', 'completed') THEN COALESCE(NEW.runner_name, NEW.jit_runner_name)
                     ELSE NEW.jit_runner_name END,
                CASE NEW.state WHEN 'dead' THEN NEW.dead_reason WHEN 'completed' THEN NEW.conclusion END);
    END IF;
    RETURN NULL;
END;
$$;

DROP TRIGGER IF EXISTS jobs_record_event ON jobs;
CREATE TRIGGER jobs_record_event AFTER INSERT OR UPDATE OF state, attempt ON jobs
    FOR EACH ROW EXECUTE FUNCTION record_job_event();

-- Node deaths and returns, recorded by the leader's topology watch.
ALTER TABLE failover_events DROP CONSTRAINT IF EXISTS failover_events_component_check;
ALTER TABLE failover_events ADD CONSTRAINT failover_events_component_check
    CHECK (component IN ('leader', 'redis', 'postgres', 'node'));

-- A job's page lists its webhook deliveries.
CREATE INDEX IF NOT EXISTS deliveries_job_id ON deliveries (job_id) WHERE job_id IS NOT NULL;

-- An operator's retry of a dead job forgives the failed attempts so far: the job goes dead again
-- after attempt - rebounds - attempts_forgiven reaches Dispatch:MaxAttempts. The attempt number
-- itself keeps growing, so every attempt's JIT runner name stays unique.
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS attempts_forgiven integer NOT NULL DEFAULT 0;
