using Npgsql;
using RunnerHub.Contracts.Hub;
using RunnerHub.Orchestrator.Dispatch;

namespace RunnerHub.Orchestrator.Storage.Postgres;

/// <summary>
/// Tearing down JIT runners that should no longer run: the processes a runner reports that no
/// live dispatch explains (the heartbeat cancels them), and dispatches GitHub never started a
/// job on (the leader deletes their runner at GitHub, then releases them here, fenced).
/// </summary>
internal sealed partial class PostgresDispatchStore
{
    // A runner has at most 64 slots; anything beyond is not a real report.
    private const int MaxReported = 256;

    public async Task<IReadOnlyList<OrphanedProcess>> FindOrphansAsync(Guid runnerId, IReadOnlyList<RunningJob> running, TimeSpan exitGrace, CancellationToken cancellationToken)
    {
        if (running.Count == 0)
        {
            return [];
        }

        var reported = running.Take(MaxReported).ToList();
        return await database.RunAsync(
            async (connection, ct) =>
            {
                // Live: this runner's dispatch under that name (dispatched or in progress); a job
                // GitHub runs on that JIT runner (in_progress, runner_name: after a swap it is not
                // the dispatch's own job, nor always this runner's row); a job it ran that completed
                // less than the grace ago (GREATEST: the later of GitHub's time and ours, so clock
                // skew errs on the side of not killing). Everything else is an orphan.
                await using var command = new NpgsqlCommand(
                    $"""
                    SELECT r.job_id, r.attempt, j.state, j.attempt, j.conclusion, j.dead_reason, j.repository
                    FROM (SELECT DISTINCT job_id, attempt, '{JitRunnerNames.Prefix}' || job_id || '-' || attempt AS name
                          FROM unnest(@jobs, @attempts) AS u(job_id, attempt)) r
                    LEFT JOIN jobs j ON j.job_id = r.job_id
                    WHERE NOT EXISTS (SELECT 1 FROM jobs d
                                      WHERE d.jit_runner_name = r.name AND d.runner_id = @runner
                                        AND d.state IN ('dispatched', 'in_progress'))
                      AND NOT EXISTS (SELECT 1 FROM jobs b
                                      WHERE b.runner_name = r.name
                                        AND (b.state = 'in_progress'
                                             OR (b.state = 'completed' AND GREATEST(b.completed_at, b.updated_at) > now() - @grace)))
                    ORDER BY r.job_id, r.attempt
                    """,
                    connection);
                command.Parameters.AddWithValue("jobs", reported.Select(r => r.JobId).ToArray());
                command.Parameters.AddWithValue("attempts", reported.Select(r => r.Attempt).ToArray());
                command.Parameters.AddWithValue("runner", runnerId);
                command.Parameters.AddWithValue("grace", exitGrace);
                await using var reader = await command.ExecuteReaderAsync(ct);
                var orphans = new List<OrphanedProcess>();
                while (await reader.ReadAsync(ct))
                {
                    orphans.Add(new OrphanedProcess(
                        reader.GetInt64(0),
                        reader.GetInt32(1),
                        reader.IsDBNull(2) ? null : reader.GetString(2),
                        reader.IsDBNull(3) ? null : reader.GetInt32(3),
                        reader.IsDBNull(4) ? null : reader.GetString(4),
                        reader.IsDBNull(5) ? null : reader.GetString(5),
                        reader.IsDBNull(6) ? null : reader.GetString(6)));
                }

                return (IReadOnlyList<OrphanedProcess>)orphans;
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<UnusedDispatch>> UnusedDispatchesAsync(TimeSpan olderThan, int limit, CancellationToken cancellationToken) =>
        await database.RunAsync(
            async (connection, ct) =>
            {
                // dispatched_at, not acknowledged_at: acknowledged_at keeps the first attempt's
                // acknowledgement (the dispatch latency), and an attempt is acknowledged within
                // Dispatch:AckTimeout of its dispatched_at or released at once.
                await using var command = new NpgsqlCommand(
                    """
                    SELECT job_id, attempt, repository, jit_runner_name, runner_id FROM jobs
                    WHERE state = 'dispatched' AND jit_runner_name IS NOT NULL AND dispatched_at < now() - @age
                    ORDER BY dispatched_at LIMIT @limit
                    """,
                    connection);
                command.Parameters.AddWithValue("age", olderThan);
                command.Parameters.AddWithValue("limit", limit);
                await using var reader = await command.ExecuteReaderAsync(ct);
                var unused = new List<UnusedDispatch>();
                while (await reader.ReadAsync(ct))
                {
                    unused.Add(new UnusedDispatch(reader.GetInt64(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetGuid(4)));
                }

                return (IReadOnlyList<UnusedDispatch>)unused;
            },
            cancellationToken);

    /// <summary>
    /// Releases dispatches whose JIT runner was deleted at GitHub: the attempt is used, the job
    /// goes back to queued, or to dead after <paramref name="maxAttempts"/> failed attempts
    /// (attempts whose runner GitHub gave to another job, <c>rebounds</c>, do not count). Only a dispatch that
    /// is still the same (same JIT runner name, still dispatched, still older than
    /// <paramref name="olderThan"/>) is released, so a job GitHub started meanwhile is left alone.
    /// Runs on the caller's transaction: the leader's fenced one.
    /// </summary>
    internal static async ValueTask<IReadOnlyList<ReleasedDispatch>> ReleaseUnusedAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<UnusedDispatch> deleted, TimeSpan olderThan, int maxAttempts, CancellationToken ct)
    {
        if (deleted.Count == 0)
        {
            return [];
        }

        await using var command = new NpgsqlCommand(
            """
            UPDATE jobs j SET
                state = CASE WHEN j.attempt - j.rebounds - j.attempts_forgiven >= @max THEN 'dead' ELSE 'queued' END,
                dead_reason = CASE WHEN j.attempt - j.rebounds - j.attempts_forgiven >= @max THEN 'GitHub started no job on its runner after ' || (j.attempt - j.rebounds - j.attempts_forgiven) || ' failed dispatch attempt(s)' END,
                runner_id = NULL, lease_until = NULL, updated_at = now()
            FROM unnest(@jobs, @names) AS u(job_id, name)
            WHERE j.job_id = u.job_id AND j.jit_runner_name = u.name AND j.state = 'dispatched' AND j.dispatched_at < now() - @age
            RETURNING j.job_id, j.attempt, j.label_key, j.state
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("max", maxAttempts);
        command.Parameters.AddWithValue("age", olderThan);
        command.Parameters.AddWithValue("jobs", deleted.Select(d => d.JobId).ToArray());
        command.Parameters.AddWithValue("names", deleted.Select(d => d.JitRunnerName).ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        var released = new List<ReleasedDispatch>();
        while (await reader.ReadAsync(ct))
        {
            released.Add(new ReleasedDispatch(reader.GetInt64(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3) == "dead"));
        }

        return released;
    }
}
