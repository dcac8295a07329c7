-- When the runner confirmed it holds the JIT config and started its process: the end of the
-- dispatch latency (webhook accepted -> JIT config in the runner's hands).
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS acknowledged_at timestamptz NULL;
