-- When the leader last asked GitHub about a job that sat unfinished: a job is re-checked at
-- most once per GitHubRecheck:After, oldest first.
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS rechecked_at timestamptz NULL;

CREATE INDEX IF NOT EXISTS jobs_unfinished_by_update ON jobs (updated_at)
    WHERE state IN ('waiting', 'queued', 'dispatched', 'in_progress');
