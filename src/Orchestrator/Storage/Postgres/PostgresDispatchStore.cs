using Npgsql;
using RunnerHub.Contracts.Hub;
using RunnerHub.Orchestrator.Dispatch;

namespace RunnerHub.Orchestrator.Storage.Postgres;

/// <summary>
/// Dispatch state on the <c>jobs</c> row. Each statement is one atomic, conditional UPDATE, so
/// two nodes racing for a job, or a retry after a lost reply, cannot both win: PostgreSQL
/// decides, and every later update is checked against the attempt it belongs to.
/// </summary>
internal sealed partial class PostgresDispatchStore(PostgresDatabase database) : IDispatchStore
{
    public async Task<ClaimedJob?> ClaimAsync(long jobId, Guid runnerId, TimeSpan lease, CancellationToken cancellationToken) =>
        await database.RunAsync(
            async (connection, ct) =>
            {
                // q: the row as it was, for queued_since (updated_at is set whenever a job becomes
                // queued, and RETURNING only sees the new row).
                await using var command = new NpgsqlCommand(
                    $"""
                    UPDATE jobs SET state = 'dispatched', attempt = attempt + 1, runner_id = @runner,
                                    jit_runner_name = '{JitRunnerNames.Prefix}' || job_id || '-' || (attempt + 1),
                                    dispatched_at = now(), lease_until = now() + @lease, updated_at = now()
                    FROM (SELECT updated_at AS queued_since FROM jobs WHERE job_id = @job) q
                    WHERE job_id = @job AND state = 'queued'
                    RETURNING attempt, repository, jit_runner_name, labels, q.queued_since, dispatched_at
                    """,
                    connection);
                command.Parameters.AddWithValue("job", jobId);
                command.Parameters.AddWithValue("runner", runnerId);
                command.Parameters.AddWithValue("lease", lease);
                await using var reader = await command.ExecuteReaderAsync(ct);
                return await reader.ReadAsync(ct)
                    ? new ClaimedJob(
                        jobId,
                        reader.GetInt32(0),
                        reader.GetString(1),
                        reader.GetString(2),
                        reader.GetFieldValue<string[]>(3),
                        reader.GetFieldValue<DateTimeOffset>(4),
                        reader.GetFieldValue<DateTimeOffset>(5))
                    : null;
            },
            cancellationToken);

    public async Task AcknowledgedAsync(long jobId, int attempt, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            "UPDATE jobs SET acknowledged_at = COALESCE(acknowledged_at, now()) WHERE job_id = @job AND attempt = @attempt",
            c =>
            {
                c.Parameters.AddWithValue("job", jobId);
                c.Parameters.AddWithValue("attempt", attempt);
            },
            cancellationToken);

    public async Task<RequeuedJob?> ReleaseAsync(long jobId, int attempt, Guid runnerId, bool attemptUsed, CancellationToken cancellationToken) =>
        await database.RunAsync(
            async (connection, ct) =>
            {
                await using var command = new NpgsqlCommand(
                    $"""
                    UPDATE jobs SET state = 'queued', runner_id = NULL, lease_until = NULL, updated_at = now(),
                                    attempt = CASE WHEN @used THEN attempt ELSE attempt - 1 END
                    WHERE jit_runner_name = '{JitRunnerNames.Prefix}' || @job || '-' || @attempt AND runner_id = @runner AND state = 'dispatched'
                    RETURNING job_id, label_key
                    """,
                    connection);
                command.Parameters.AddWithValue("job", jobId);
                command.Parameters.AddWithValue("attempt", attempt);
                command.Parameters.AddWithValue("runner", runnerId);
                command.Parameters.AddWithValue("used", attemptUsed);
                await using var reader = await command.ExecuteReaderAsync(ct);
                return await reader.ReadAsync(ct) ? new RequeuedJob(reader.GetInt64(0), reader.GetString(1)) : null;
            },
            cancellationToken);

    public async Task<RequeuedJob?> RunnerExitedAsync(long jobId, int attempt, Guid runnerId, CancellationToken cancellationToken) =>
        await database.RunAsync(
            async (connection, ct) =>
            {
                // One statement, two kinds of row: the dispatch still waiting on this runner goes
                // back to queued (attempt used); a job that ran on it, or took it over in a swap and
                // is past dispatched, no longer has a live runner, so no later swap moves a job onto it.
                await using var command = new NpgsqlCommand(
                    $"""
                    WITH gone AS (
                        UPDATE jobs SET lease_until = NULL
                        WHERE jit_runner_name = '{JitRunnerNames.Prefix}' || @job || '-' || @attempt
                          AND state <> 'dispatched' AND lease_until IS NOT NULL
                    )
                    UPDATE jobs SET state = 'queued', runner_id = NULL, lease_until = NULL, updated_at = now()
                    WHERE jit_runner_name = '{JitRunnerNames.Prefix}' || @job || '-' || @attempt AND runner_id = @runner AND state = 'dispatched'
                    RETURNING job_id, label_key
                    """,
                    connection);
                command.Parameters.AddWithValue("job", jobId);
                command.Parameters.AddWithValue("attempt", attempt);
                command.Parameters.AddWithValue("runner", runnerId);
                await using var reader = await command.ExecuteReaderAsync(ct);
                return await reader.ReadAsync(ct) ? new RequeuedJob(reader.GetInt64(0), reader.GetString(1)) : null;
            },
            cancellationToken);

    public async Task ExtendLeasesAsync(Guid runnerId, IReadOnlyList<RunningJob> running, TimeSpan lease, CancellationToken cancellationToken)
    {
        if (running.Count == 0)
        {
            return;
        }

        await database.ExecuteAsync(
            $"""
            UPDATE jobs j SET lease_until = now() + @lease
            FROM unnest(@jobs, @attempts) AS r(job_id, attempt)
            WHERE j.jit_runner_name = '{JitRunnerNames.Prefix}' || r.job_id || '-' || r.attempt AND j.runner_id = @runner
              AND j.state IN ('dispatched', 'in_progress')
            """,
            c =>
            {
                c.Parameters.AddWithValue("lease", lease);
                c.Parameters.AddWithValue("jobs", running.Select(r => r.JobId).ToArray());
                c.Parameters.AddWithValue("attempts", running.Select(r => r.Attempt).ToArray());
                c.Parameters.AddWithValue("runner", runnerId);
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<RequeuedJob>> ExpireLeasesAsync(int maxAttempts, CancellationToken cancellationToken) =>
        [.. (await database.RunAsync((connection, ct) => ExpireLeasesAsync(connection, null, maxAttempts, ct), cancellationToken))
            .Where(d => !d.Dead).Select(d => new RequeuedJob(d.JobId, d.LabelKey))];

    /// <summary>
    /// Expired dispatches back to queued (or dead after <paramref name="maxAttempts"/> failed
    /// attempts), on the caller's connection and transaction: the leader runs it inside its
    /// fenced transaction.
    /// </summary>
    internal static async ValueTask<IReadOnlyList<ReleasedDispatch>> ExpireLeasesAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, int maxAttempts, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            UPDATE jobs SET
                state = CASE WHEN attempt - rebounds - attempts_forgiven >= @max THEN 'dead' ELSE 'queued' END,
                dead_reason = CASE WHEN attempt - rebounds - attempts_forgiven >= @max THEN 'no runner confirmed the job after ' || (attempt - rebounds - attempts_forgiven) || ' failed dispatch attempt(s)' END,
                runner_id = NULL, lease_until = NULL, updated_at = now()
            WHERE job_id IN (SELECT job_id FROM jobs WHERE state = 'dispatched' AND (lease_until < now() OR lease_until IS NULL) FOR UPDATE SKIP LOCKED)
            RETURNING job_id, label_key, state, attempt, repository, jit_runner_name
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("max", maxAttempts);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var expired = new List<ReleasedDispatch>();
        while (await reader.ReadAsync(ct))
        {
            expired.Add(new ReleasedDispatch(
                reader.GetInt64(0), reader.GetInt32(3), reader.GetString(1), reader.GetString(2) == "dead", reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return expired;
    }

    public async Task<RequeuedJob?> RequeueJobOfRunnerAsync(string jitRunnerName, long busyWithJobId, CancellationToken cancellationToken) =>
        await database.RunAsync(
            async (connection, ct) =>
            {
                await using var transaction = await connection.BeginTransactionAsync(ct);

                // B (busy) had its own JIT runner still waiting for work? Then A inherits it, with
                // B's runner slot and lease, and B is bound to the runner that really took it.
                // Waiting means: a dispatch not released and not expired (lease_until in the
                // future), whose process has not exited (RunnerExitedAsync clears lease_until), and
                // that no in_progress webhook has named yet (it took no job). An in_progress for it
                // that is still on its way makes a wrong swap, which that webhook undoes: A holds the
                // runner's name, so it is rebound again.
                await using (var swap = new NpgsqlCommand(
                    """
                    WITH b AS (
                        SELECT jit_runner_name, runner_id, lease_until FROM jobs
                        WHERE job_id = @busy AND jit_runner_name IS NOT NULL AND jit_runner_name <> @name
                          AND runner_id IS NOT NULL AND lease_until > now()
                          AND NOT EXISTS (SELECT 1 FROM jobs t WHERE t.runner_name = jobs.jit_runner_name)
                        FOR UPDATE
                    ), a AS (
                        UPDATE jobs SET jit_runner_name = b.jit_runner_name, runner_id = b.runner_id,
                                        lease_until = b.lease_until, rebounds = jobs.rebounds + 1, updated_at = now()
                        FROM b
                        WHERE jobs.jit_runner_name = @name AND jobs.job_id <> @busy AND jobs.state = 'dispatched'
                        RETURNING jobs.job_id
                    )
                    UPDATE jobs SET jit_runner_name = @name
                    WHERE job_id = @busy AND EXISTS (SELECT 1 FROM a)
                    """,
                    connection,
                    transaction))
                {
                    swap.Parameters.AddWithValue("name", jitRunnerName);
                    swap.Parameters.AddWithValue("busy", busyWithJobId);
                    if (await swap.ExecuteNonQueryAsync(ct) == 1)
                    {
                        await transaction.CommitAsync(ct);
                        return null;
                    }
                }

                await using var command = new NpgsqlCommand(
                    """
                    UPDATE jobs SET state = 'queued', runner_id = NULL, lease_until = NULL, rebounds = rebounds + 1, updated_at = now()
                    WHERE jit_runner_name = @name AND job_id <> @busy AND state = 'dispatched'
                    RETURNING job_id, label_key
                    """,
                    connection,
                    transaction);
                command.Parameters.AddWithValue("name", jitRunnerName);
                command.Parameters.AddWithValue("busy", busyWithJobId);
                RequeuedJob? requeued = null;
                await using (var reader = await command.ExecuteReaderAsync(ct))
                {
                    if (await reader.ReadAsync(ct))
                    {
                        requeued = new RequeuedJob(reader.GetInt64(0), reader.GetString(1));
                    }
                }

                await transaction.CommitAsync(ct);
                return requeued;
            },
            cancellationToken);

    public async Task<IReadOnlyList<RequeuedJob>> QueuedLongerThanAsync(TimeSpan olderThan, long afterJobId, int limit, CancellationToken cancellationToken) =>
        await database.RunAsync(
            async (connection, ct) =>
            {
                await using var command = new NpgsqlCommand(
                    """
                    SELECT job_id, label_key FROM jobs
                    WHERE state = 'queued' AND updated_at < now() - @age AND job_id > @after
                    ORDER BY job_id LIMIT @limit
                    """,
                    connection);
                command.Parameters.AddWithValue("after", afterJobId);
                command.Parameters.AddWithValue("age", olderThan);
                command.Parameters.AddWithValue("limit", limit);
                await using var reader = await command.ExecuteReaderAsync(ct);
                var jobs = new List<RequeuedJob>();
                while (await reader.ReadAsync(ct))
                {
                    jobs.Add(new RequeuedJob(reader.GetInt64(0), reader.GetString(1)));
                }

                return (IReadOnlyList<RequeuedJob>)jobs;
            },
            cancellationToken);

    public async Task<IReadOnlySet<long>> QueuedAmongAsync(IReadOnlyCollection<long> jobIds, CancellationToken cancellationToken) =>
        await database.RunAsync(
            async (connection, ct) =>
            {
                await using var command = new NpgsqlCommand("SELECT job_id FROM jobs WHERE job_id = ANY(@ids) AND state = 'queued'", connection);
                command.Parameters.AddWithValue("ids", jobIds.ToArray());
                await using var reader = await command.ExecuteReaderAsync(ct);
                var queued = new HashSet<long>();
                while (await reader.ReadAsync(ct))
                {
                    queued.Add(reader.GetInt64(0));
                }

                return (IReadOnlySet<long>)queued;
            },
            cancellationToken);
}
