using Npgsql;
using NpgsqlTypes;
using RunnerHub.Orchestrator.Jobs;

namespace RunnerHub.Orchestrator.Storage.Postgres;

/// <summary>
/// Jobs and deliveries in PostgreSQL. One transaction per delivery: claim the delivery id
/// (the unique key makes a concurrent duplicate on another node wait, then find it taken),
/// move the job forward by rank, store the answer. Safe to retry: a retry after a lost commit
/// finds its own delivery and replays the stored answer.
/// </summary>
internal sealed partial class PostgresJobStore(PostgresDatabase database) : IJobStore
{
    private const int Applied = 200;

    private static readonly string UpsertJobSql =
        $"""
        INSERT INTO jobs (job_id, run_id, run_attempt, repository, owner, labels, label_key, workflow_name, job_name,
                          html_url, state, conclusion, runner_name, github_created_at, started_at, completed_at)
        VALUES (@job_id, @run_id, @run_attempt, @repository, @owner, @labels, @label_key, @workflow_name, @job_name,
                @html_url, @state, @conclusion, @runner_name, @created_at, @started_at, @completed_at)
        ON CONFLICT (job_id) DO UPDATE SET
            state = EXCLUDED.state,
            conclusion = COALESCE(EXCLUDED.conclusion, jobs.conclusion),
            runner_name = COALESCE(EXCLUDED.runner_name, jobs.runner_name),
            started_at = COALESCE(jobs.started_at, EXCLUDED.started_at),
            completed_at = COALESCE(EXCLUDED.completed_at, jobs.completed_at),
            updated_at = now()
        WHERE {JobStates.RankSql("jobs.state")} < {JobStates.RankSql("EXCLUDED.state")}
        RETURNING state, (xmax = 0) AS inserted, now(), dispatched_at, started_at, completed_at, conclusion
        """;

    public async Task<DeliveryOutcome> ApplyAsync(WorkflowJobEvent jobEvent, string nodeId, CancellationToken cancellationToken) =>
        await database.RunAsync(
            async (connection, ct) =>
            {
                await using var transaction = await connection.BeginTransactionAsync(ct);
                var stored = await ClaimDeliveryAsync(connection, jobEvent, nodeId, ct);
                if (stored is not null)
                {
                    await transaction.RollbackAsync(ct);
                    return stored;
                }

                var (state, outcome, times) = await UpsertJobAsync(connection, jobEvent, ct);
                await using (var update = new NpgsqlCommand("UPDATE deliveries SET outcome = @outcome WHERE delivery_id = @id", connection))
                {
                    update.Parameters.AddWithValue("outcome", outcome);
                    update.Parameters.AddWithValue("id", jobEvent.DeliveryId);
                    await update.ExecuteNonQueryAsync(ct);
                }

                await transaction.CommitAsync(ct);
                return new DeliveryOutcome(Applied, outcome, jobEvent.JobId, state, Duplicate: false, times);
            },
            cancellationToken);

    /// <summary>Inserts the delivery row; when it exists already, returns the answer it got then.</summary>
    private static async Task<DeliveryOutcome?> ClaimDeliveryAsync(NpgsqlConnection connection, WorkflowJobEvent jobEvent, string nodeId, CancellationToken ct)
    {
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO deliveries (delivery_id, event, action, job_id, status_code, outcome, node_id)
            VALUES (@id, 'workflow_job', @action, @job_id, @status, 'pending', @node)
            ON CONFLICT (delivery_id) DO NOTHING
            """,
            connection))
        {
            insert.Parameters.AddWithValue("id", jobEvent.DeliveryId);
            insert.Parameters.AddWithValue("action", jobEvent.Action);
            insert.Parameters.AddWithValue("job_id", jobEvent.JobId);
            insert.Parameters.AddWithValue("status", Applied);
            insert.Parameters.AddWithValue("node", nodeId);
            if (await insert.ExecuteNonQueryAsync(ct) == 1)
            {
                return null;
            }
        }

        await using var select = new NpgsqlCommand(
            """
            SELECT d.status_code, d.outcome, j.state
            FROM deliveries d LEFT JOIN jobs j ON j.job_id = d.job_id
            WHERE d.delivery_id = @id
            """,
            connection);
        select.Parameters.AddWithValue("id", jobEvent.DeliveryId);
        await using var reader = await select.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var state = reader.IsDBNull(2) ? jobEvent.State : JobStates.FromColumn(reader.GetString(2));
        return new DeliveryOutcome(reader.GetInt32(0), reader.GetString(1), jobEvent.JobId, state, Duplicate: true);
    }

    /// <summary>
    /// Creates the job or moves it forward; an event that would move it back changes nothing.
    /// The row's times come back only when it changed.
    /// </summary>
    private static async Task<(JobState State, string Outcome, JobTimes? Times)> UpsertJobAsync(NpgsqlConnection connection, WorkflowJobEvent e, CancellationToken ct)
    {
        await using (var upsert = new NpgsqlCommand(UpsertJobSql, connection))
        {
            var p = upsert.Parameters;
            p.AddWithValue("job_id", e.JobId);
            p.AddWithValue("run_id", e.RunId);
            p.AddWithValue("run_attempt", e.RunAttempt);
            p.AddWithValue("repository", e.Repository);
            p.AddWithValue("owner", e.Owner);
            p.AddWithValue("labels", e.Labels.Labels.ToArray());
            p.AddWithValue("label_key", e.Labels.ToString());
            p.AddWithValue("workflow_name", (object?)e.WorkflowName ?? DBNull.Value);
            p.AddWithValue("job_name", (object?)e.JobName ?? DBNull.Value);
            p.AddWithValue("html_url", (object?)e.HtmlUrl ?? DBNull.Value);
            p.AddWithValue("state", JobStates.ToColumn(e.State));
            p.AddWithValue("conclusion", (object?)e.Conclusion ?? DBNull.Value);
            p.AddWithValue("runner_name", (object?)e.RunnerName ?? DBNull.Value);
            p.Add(new NpgsqlParameter("created_at", NpgsqlDbType.TimestampTz) { Value = (object?)e.CreatedAt ?? DBNull.Value });
            p.Add(new NpgsqlParameter("started_at", NpgsqlDbType.TimestampTz) { Value = e.State >= JobState.InProgress ? (object?)e.StartedAt ?? DBNull.Value : DBNull.Value });
            p.Add(new NpgsqlParameter("completed_at", NpgsqlDbType.TimestampTz) { Value = (object?)e.CompletedAt ?? DBNull.Value });
            await using var reader = await upsert.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                var times = new JobTimes(
                    reader.GetFieldValue<DateTimeOffset>(2),
                    reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
                    reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
                    reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6));
                return (JobStates.FromColumn(reader.GetString(0)), reader.GetBoolean(1) ? JobOutcomes.Created : JobOutcomes.Advanced, times);
            }
        }

        await using var current = new NpgsqlCommand("SELECT state FROM jobs WHERE job_id = @job_id", connection);
        current.Parameters.AddWithValue("job_id", e.JobId);
        var state = (string?)await current.ExecuteScalarAsync(ct) ?? throw new InvalidOperationException($"job {e.JobId} vanished inside its transaction");
        return (JobStates.FromColumn(state), JobOutcomes.Unchanged, null);
    }
}
