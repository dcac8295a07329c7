-- Dispatch bookkeeping on the job: which runner slot holds it, under which JIT runner name, and
-- until when its lease runs (runner heartbeats extend it; an expired lease puts the job back).
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS runner_id uuid NULL;
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS jit_runner_name text NULL;
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS dispatched_at timestamptz NULL;
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS lease_until timestamptz NULL;
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS dead_reason text NULL;

CREATE INDEX IF NOT EXISTS jobs_dispatch_lease ON jobs (lease_until) WHERE state = 'dispatched';
CREATE INDEX IF NOT EXISTS jobs_jit_runner_name ON jobs (jit_runner_name) WHERE jit_runner_name IS NOT NULL;
