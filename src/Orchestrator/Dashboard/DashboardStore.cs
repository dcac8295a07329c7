using Npgsql;
using RunnerHub.Orchestrator.Storage.Postgres;

namespace RunnerHub.Orchestrator.Dashboard;

/// <summary>
/// The dashboard's reads of PostgreSQL, the system of record, so every node shows the same
/// cluster-wide picture: nodes, the leader's term, recent and searched jobs, a job's steps, the
/// failover timeline, the audit log and the last hour's charts. Also writes the audit log.
/// </summary>
internal sealed class DashboardStore(PostgresDatabase database)
{
    /// <summary>Nodes heard from within this long are healthy: three heartbeats of 5 s, as the alert rules count them.</summary>
    public static readonly TimeSpan HealthyWithin = TimeSpan.FromSeconds(15);

    private const string JobColumns =
        """
        j.job_id, j.run_id, j.repository, j.workflow_name, j.job_name, j.labels, j.state, j.conclusion,
        CASE WHEN j.state IN ('in_progress', 'completed') THEN COALESCE(j.runner_name, j.jit_runner_name) ELSE j.jit_runner_name END,
        j.attempt, j.accepted_at, j.dispatched_at, j.started_at, j.completed_at, j.dead_reason, j.html_url
        """;

    /// <summary>Orchestrators seen within the last day (older rows are nodes that are gone for good).</summary>
    public Task<List<NodeRow>> NodesAsync(string? leaderId, CancellationToken ct) =>
        QueryAsync(
            """
            SELECT node_id, advertised_url, version, started_at, last_seen_at,
                   EXTRACT(EPOCH FROM now() - started_at)::float8, last_seen_at > now() - @healthy
            FROM nodes WHERE last_seen_at > now() - interval '1 day' ORDER BY node_id
            """,
            c => c.Parameters.AddWithValue("healthy", HealthyWithin),
            r => new NodeRow(
                r.GetString(0),
                r.IsDBNull(1) ? null : r.GetString(1),
                r.GetString(2),
                r.GetFieldValue<DateTimeOffset>(3),
                r.GetFieldValue<DateTimeOffset>(4),
                Math.Max(0, r.GetDouble(5)),
                r.GetBoolean(6),
                r.GetString(0) == leaderId),
            ct);

    /// <summary>The last takeover PostgreSQL recorded: its token, node and time; null before the first.</summary>
    public async Task<LeaderTerm?> LeaderTermAsync(CancellationToken ct) =>
        (await QueryAsync(
            "SELECT token, node_id, acquired_at FROM leader_term WHERE id = 1",
            null,
            r => new LeaderTerm(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetFieldValue<DateTimeOffset>(2)),
            ct)).FirstOrDefault();

    /// <summary>The jobs whose state changed most recently (from the newest <c>job_events</c>, which has an index on its id).</summary>
    public Task<List<JobRow>> RecentJobsAsync(int count, CancellationToken ct) =>
        QueryAsync(
            $"""
            WITH recent AS (
                SELECT job_id, max(id) AS last FROM (SELECT job_id, id FROM job_events ORDER BY id DESC LIMIT @scan) e
                GROUP BY job_id ORDER BY last DESC LIMIT @count)
            SELECT {JobColumns} FROM recent JOIN jobs j USING (job_id) ORDER BY recent.last DESC
            """,
            c =>
            {
                c.Parameters.AddWithValue("scan", count * 10);
                c.Parameters.AddWithValue("count", count);
            },
            ReadJob,
            ct);

    /// <summary>
    /// Digits: the job (or the run) with that id. Otherwise jobs whose repository contains the
    /// text (case-insensitive). Empty: the most recent. Newest first, at most <paramref name="count"/>.
    /// </summary>
    public Task<List<JobRow>> SearchJobsAsync(string? query, int count, CancellationToken ct)
    {
        query = query?.Trim() ?? "";
        if (query.Length == 0)
        {
            return RecentJobsAsync(count, ct);
        }

        if (long.TryParse(query, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
        {
            return QueryAsync(
                $"SELECT {JobColumns} FROM jobs j WHERE j.job_id = @id OR j.run_id = @id ORDER BY j.accepted_at DESC LIMIT @count",
                c =>
                {
                    c.Parameters.AddWithValue("id", id);
                    c.Parameters.AddWithValue("count", count);
                },
                ReadJob,
                ct);
        }

        return QueryAsync(
            $"SELECT {JobColumns} FROM jobs j WHERE j.repository ILIKE @pattern ESCAPE '\\' ORDER BY j.accepted_at DESC LIMIT @count",
            c =>
            {
                c.Parameters.AddWithValue("pattern", "%" + EscapeLike(query) + "%");
                c.Parameters.AddWithValue("count", count);
            },
            ReadJob,
            ct);
    }

    /// <summary>A job with its steps, deliveries and operator actions; null when RunnerHub has no such job.</summary>
    public async Task<JobDetail?> JobAsync(long jobId, CancellationToken ct)
    {
        var job = (await QueryAsync($"SELECT {JobColumns} FROM jobs j WHERE j.job_id = @id", c => c.Parameters.AddWithValue("id", jobId), ReadJob, ct)).FirstOrDefault();
        if (job is null)
        {
            return null;
        }

        var events = await QueryAsync(
            "SELECT at, state, attempt, runner, detail FROM job_events WHERE job_id = @id ORDER BY id",
            c => c.Parameters.AddWithValue("id", jobId),
            r => new JobEventRow(r.GetFieldValue<DateTimeOffset>(0), r.GetString(1), r.GetInt32(2), r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4)),
            ct);
        var deliveries = await QueryAsync(
            "SELECT received_at, event, action, node_id, status_code, outcome FROM deliveries WHERE job_id = @id ORDER BY received_at",
            c => c.Parameters.AddWithValue("id", jobId),
            r => new DeliveryRow(r.GetFieldValue<DateTimeOffset>(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3), r.GetInt32(4), r.GetString(5)),
            ct);
        var audit = await AuditAsync(jobId.ToString(System.Globalization.CultureInfo.InvariantCulture), 100, ct);
        return new JobDetail(job, events, deliveries, audit);
    }

    public Task<List<FailoverRow>> FailoversAsync(int count, CancellationToken ct) =>
        QueryAsync(
            "SELECT detected_at, component, from_value, to_value, duration_ms, detail FROM failover_events ORDER BY id DESC LIMIT @count",
            c => c.Parameters.AddWithValue("count", count),
            r => new FailoverRow(
                r.GetFieldValue<DateTimeOffset>(0),
                r.GetString(1),
                r.IsDBNull(2) ? null : r.GetString(2),
                r.IsDBNull(3) ? null : r.GetString(3),
                r.IsDBNull(4) ? null : r.GetInt32(4),
                r.IsDBNull(5) ? null : r.GetString(5)),
            ct);

    /// <summary>The newest audit entries, all of them or those about one target (a runner name or a job id).</summary>
    public Task<List<AuditRow>> AuditAsync(string? target, int count, CancellationToken ct) =>
        QueryAsync(
            "SELECT at, operator, action, target, detail, node_id FROM audit_log WHERE @target::text IS NULL OR target = @target ORDER BY id DESC LIMIT @count",
            c =>
            {
                c.Parameters.AddWithValue("target", NpgsqlTypes.NpgsqlDbType.Text, (object?)target ?? DBNull.Value);
                c.Parameters.AddWithValue("count", count);
            },
            r => new AuditRow(r.GetFieldValue<DateTimeOffset>(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), r.GetString(5)),
            ct);

    /// <summary>Records what an operator did (after it was done, with what came of it).</summary>
    public async Task AuditAsync(string @operator, string action, string target, string? detail, string nodeId, CancellationToken ct) =>
        await database.ExecuteAsync(
            "INSERT INTO audit_log (operator, action, target, detail, node_id) VALUES (@operator, @action, @target, @detail, @node)",
            c =>
            {
                c.Parameters.AddWithValue("operator", @operator);
                c.Parameters.AddWithValue("action", action);
                c.Parameters.AddWithValue("target", target);
                c.Parameters.AddWithValue("detail", (object?)detail ?? DBNull.Value);
                c.Parameters.AddWithValue("node", nodeId);
            },
            ct);

    /// <summary>
    /// The last hour per minute, oldest first: jobs accepted, jobs completed, and the median and
    /// 95th percentile of queued-to-dispatched (a job's latest dispatch) of the jobs dispatched.
    /// </summary>
    public async Task<ChartSeries> ChartsAsync(CancellationToken ct)
    {
        var rows = await QueryAsync(
            """
            WITH minutes AS (
                SELECT generate_series(date_trunc('minute', now()) - interval '59 minutes', date_trunc('minute', now()), interval '1 minute') AS m),
            received AS (
                SELECT date_trunc('minute', accepted_at) AS m, count(*) AS n FROM jobs
                WHERE accepted_at >= date_trunc('minute', now()) - interval '59 minutes' GROUP BY 1),
            completed AS (
                SELECT date_trunc('minute', completed_at) AS m, count(*) AS n FROM jobs
                WHERE completed_at >= date_trunc('minute', now()) - interval '59 minutes' GROUP BY 1),
            dispatch AS (
                SELECT date_trunc('minute', dispatched_at) AS m,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM dispatched_at - accepted_at)) * 1000 AS p50,
                       percentile_cont(0.95) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM dispatched_at - accepted_at)) * 1000 AS p95
                FROM jobs WHERE dispatched_at >= date_trunc('minute', now()) - interval '59 minutes' GROUP BY 1)
            SELECT minutes.m, COALESCE(received.n, 0), COALESCE(completed.n, 0), dispatch.p50, dispatch.p95
            FROM minutes
            LEFT JOIN received USING (m) LEFT JOIN completed USING (m) LEFT JOIN dispatch USING (m)
            ORDER BY minutes.m
            """,
            null,
            r => (
                At: r.GetFieldValue<DateTimeOffset>(0),
                Received: r.GetInt64(1),
                Completed: r.GetInt64(2),
                P50: r.IsDBNull(3) ? (double?)null : Math.Round(r.GetDouble(3), 1),
                P95: r.IsDBNull(4) ? (double?)null : Math.Round(r.GetDouble(4), 1)),
            ct);
        return new ChartSeries(
            [.. rows.Select(r => r.At)],
            [.. rows.Select(r => r.Received)],
            [.. rows.Select(r => r.Completed)],
            [.. rows.Select(r => r.P50)],
            [.. rows.Select(r => r.P95)]);
    }

    private static JobRow ReadJob(NpgsqlDataReader r) =>
        new(
            r.GetInt64(0),
            r.GetInt64(1),
            r.GetString(2),
            r.IsDBNull(3) ? null : r.GetString(3),
            r.IsDBNull(4) ? null : r.GetString(4),
            r.GetFieldValue<string[]>(5),
            r.GetString(6),
            r.IsDBNull(7) ? null : r.GetString(7),
            r.IsDBNull(8) ? null : r.GetString(8),
            r.GetInt32(9),
            r.GetFieldValue<DateTimeOffset>(10),
            r.IsDBNull(11) ? null : r.GetFieldValue<DateTimeOffset>(11),
            r.IsDBNull(12) ? null : r.GetFieldValue<DateTimeOffset>(12),
            r.IsDBNull(13) ? null : r.GetFieldValue<DateTimeOffset>(13),
            r.IsDBNull(14) ? null : r.GetString(14),
            r.IsDBNull(15) ? null : r.GetString(15));

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    private async Task<List<T>> QueryAsync<T>(string sql, Action<NpgsqlCommand>? parameters, Func<NpgsqlDataReader, T> read, CancellationToken ct) =>
        await database.RunAsync(
            async (connection, token) =>
            {
                await using var command = new NpgsqlCommand(sql, connection);
                parameters?.Invoke(command);
                await using var reader = await command.ExecuteReaderAsync(token);
                var rows = new List<T>();
                while (await reader.ReadAsync(token))
                {
                    rows.Add(read(reader));
                }

                return rows;
            },
            ct);
}

/// <summary>The row of <c>leader_term</c>: the last takeover's token, node and time.</summary>
internal sealed record LeaderTerm(long Token, string? NodeId, DateTimeOffset? AcquiredAt);
