-- Jobs as GitHub reported them, and every webhook delivery we answered (for deduplication
-- across nodes on X-GitHub-Delivery: a repeated delivery gets the stored answer).
CREATE TABLE IF NOT EXISTS jobs (
    job_id          bigint      PRIMARY KEY,            -- GitHub's workflow_job id
    run_id          bigint      NOT NULL,
    run_attempt     integer     NOT NULL,
    repository      text        NOT NULL,               -- owner/name
    owner           text        NOT NULL,
    labels          text[]      NOT NULL,               -- normalised: lower-case, sorted
    label_key       text        NOT NULL,               -- labels joined by ',': the queue's key
    workflow_name   text        NULL,
    job_name        text        NULL,
    html_url        text        NULL,
    state           text        NOT NULL,
    conclusion      text        NULL,
    runner_name     text        NULL,
    attempt         integer     NOT NULL DEFAULT 0,     -- dispatch attempts (checked on every dispatch update)
    github_created_at timestamptz NULL,
    accepted_at     timestamptz NOT NULL DEFAULT now(), -- when a node committed the job
    started_at      timestamptz NULL,
    completed_at    timestamptz NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT jobs_state_known CHECK (state IN ('waiting', 'queued', 'dispatched', 'dead', 'in_progress', 'completed'))
);

-- The dispatcher and the reconciler look for queued jobs per label set, oldest first.
CREATE INDEX IF NOT EXISTS jobs_queued_by_labels ON jobs (label_key, accepted_at) WHERE state = 'queued';
CREATE INDEX IF NOT EXISTS jobs_runner_name ON jobs (runner_name) WHERE runner_name IS NOT NULL;

CREATE TABLE IF NOT EXISTS deliveries (
    delivery_id  text        PRIMARY KEY,               -- X-GitHub-Delivery
    event        text        NOT NULL,                  -- X-GitHub-Event
    action       text        NULL,
    job_id       bigint      NULL,
    status_code  integer     NOT NULL,                  -- what we answered, replayed for duplicates
    outcome      text        NOT NULL,
    node_id      text        NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS deliveries_received_at ON deliveries (received_at);
