-- Dispatches of a job whose JIT runner GitHub gave to another job (any idle runner with matching
-- labels may take any job, so under load this is routine): the runner worked, so these attempts
-- do not count toward Dispatch:MaxAttempts. A job goes dead after MaxAttempts failed attempts,
-- attempt - rebounds, not after MaxAttempts attempts.
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS rebounds integer NOT NULL DEFAULT 0;
