using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using RunnerHub.Bench.Measurement;

namespace RunnerHub.Bench.RunnerHubScenarios;

/// <summary>
/// Scenario 1: the GitHub simulator creates jobs at a steady rate and sends their signed
/// <c>queued</c> webhooks through HAProxy; the stack's proxy runners take them. The figures come
/// from what the product and the simulator record anyway (no hook in the product): PostgreSQL's
/// job timestamps and the simulator's delivery log.
/// </summary>
internal sealed class DispatchScenario(
    HttpClient simulator,
    string postgres,
    IReadOnlyList<(string Name, int Pid)> watch,
    ProcessTreeSampler? stack = null,
    TimeSpan idle = default,
    DispatchSteps? steps = null)
{
    private static readonly string[] Repositories = ["octo-org/bench-dispatch"];

    public async Task<DispatchResult> RunAsync(
        double rate, TimeSpan duration, int jobMs, IReadOnlyList<string> labels, TimeSpan settleTimeout, CancellationToken cancellationToken)
    {
        var count = (int)Math.Max(1, rate * duration.TotalSeconds);

        // A clean simulator: no jobs of an earlier step, and a fresh API rate-limit window.
        (await simulator.DeleteAsync(new Uri("/_simulator/state", UriKind.Relative), cancellationToken)).EnsureSuccessStatusCode();
        var idleUsage = await IdleUsageAsync(cancellationToken);
        if (steps is not null)
        {
            await steps.StartAsync(cancellationToken);
        }

        stack?.Start();
        var stackBegan = Stopwatch.GetTimestamp();
        using var response = await simulator.PostAsJsonAsync(
            new Uri("/jobs", UriKind.Relative),
            new { count, rate, durationMs = jobMs, labelSets = new[] { labels }, repositories = Repositories },
            cancellationToken);
        response.EnsureSuccessStatusCode();
        using var batch = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var first = batch.RootElement.GetProperty("firstJobId").GetInt64();
        var last = batch.RootElement.GetProperty("lastJobId").GetInt64();

        var sampler = new ProcessSampler(watch);
        var waiting = WaitAsync(first, last, count, duration + settleTimeout, cancellationToken);
        var usage = await sampler.RunUntilAsync(waiting);
        var timedOut = !await waiting;
        var stackUsage = stack?.Stop();
        var stackSeconds = Stopwatch.GetElapsedTime(stackBegan).TotalSeconds;
        var stepFigures = steps is null ? null : await steps.StopAsync(cancellationToken);
        if (timedOut)
        {
            // Jobs left waiting would be dispatched during the next step and skew it: cancel them at
            // "GitHub", which sends their completed webhooks as it would for a cancelled run.
            await CancelLeftoversAsync(first, last, cancellationToken);
        }

        var (accepted, acknowledged, webhookToRunner, breakdown) = await FromPostgresAsync(first, last, cancellationToken);
        var (inProgress, failed, achieved, queuedToInProgress) = await FromSimulatorAsync(first, last, cancellationToken);
        Progress.Line(string.Create(
            CultureInfo.InvariantCulture,
            $"dispatch {rate}/s: webhook->runner p50 {webhookToRunner.P50Ms} p99 {webhookToRunner.P99Ms} ms; queued->in_progress p50 {queuedToInProgress.P50Ms} p99 {queuedToInProgress.P99Ms} ms"));
        var cpu = stackUsage is null || idleUsage is not { } quiet ? null : new StackCpu(Math.Round(quiet.Seconds, 3), quiet.Usage, Math.Round(stackSeconds, 2), stackUsage);
        return new DispatchResult(
            rate, duration.TotalSeconds, count, achieved, accepted, acknowledged, inProgress, failed, timedOut, webhookToRunner, queuedToInProgress, breakdown, usage, cpu, stepFigures);
    }

    /// <summary>
    /// The stack's CPU while no job flows (health checks, leader tasks, replication, Sentinels),
    /// so the report can take it off what the jobs cost: the quietest one-second window of the
    /// idle time. Right after a step the stack is still busy for a while (the last jobs' webhooks,
    /// .NET optimising what the step ran), which is neither idle nor the next step's cost.
    /// </summary>
    private async Task<(IReadOnlyList<TreeUsage> Usage, double Seconds)?> IdleUsageAsync(CancellationToken cancellationToken)
    {
        if (stack is null || idle <= TimeSpan.Zero)
        {
            return null;
        }

        Progress.Line(string.Create(CultureInfo.InvariantCulture, $"measuring the idle stack's CPU: the quietest second of {idle.TotalSeconds:F0}"));
        (IReadOnlyList<TreeUsage> Usage, double Seconds)? quietest = null;
        for (var window = 0; window < Math.Max(1, (int)idle.TotalSeconds); window++)
        {
            stack.Start();
            var began = Stopwatch.GetTimestamp();
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            var usage = stack.Stop();
            var seconds = Stopwatch.GetElapsedTime(began).TotalSeconds;
            if (quietest is not { } q || usage.Sum(u => u.Ticks) / seconds < q.Usage.Sum(u => u.Ticks) / q.Seconds)
            {
                quietest = (usage, seconds);
            }
        }

        return quietest;
    }

    /// <summary>
    /// Polls PostgreSQL once a second (printing progress) until GitHub started every job (or
    /// RunnerHub gave one up: dead). An acknowledged dispatch is not enough: GitHub hands a new
    /// runner the oldest matching job, so the runner made for a job may take another, and the job
    /// is queued again. Left so, it would still be queued in RunnerHub when the next step resets
    /// the simulator, which then no longer has it, and its dispatches would take that step's jobs.
    /// False at the deadline.
    /// </summary>
    private async Task<bool> WaitAsync(long first, long last, int count, TimeSpan budget, CancellationToken cancellationToken)
    {
        var began = Stopwatch.GetTimestamp();
        while (true)
        {
            var (accepted, acknowledged, settled, completed) = await CountsAsync(first, last, cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(began);
            Progress.Line(string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds,5:F0}s  accepted {accepted}/{count}  own JIT config at a runner {acknowledged}  started {settled}  completed {completed}"));
            if (settled >= count)
            {
                return true;
            }

            if (elapsed > budget)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
    }

    private async Task CancelLeftoversAsync(long first, long last, CancellationToken cancellationToken)
    {
        var cancelled = 0;
        await Parallel.ForAsync(
            first,
            last + 1,
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (id, ct) =>
            {
                // 409 for a job a runner already took: that one finishes by itself.
                using var response = await simulator.PostAsync(new Uri($"/jobs/{id}/cancel", UriKind.Relative), null, ct);
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref cancelled);
                }
            });
        Progress.Line(string.Create(CultureInfo.InvariantCulture, $"timed out: cancelled {cancelled} jobs no runner had taken, so they do not spill into the next step"));

        // The next step clears the simulator, which drops webhooks not yet sent: wait for these to land.
        var deadline = Stopwatch.GetTimestamp() + (30 * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline && await StillQueuedAsync(first, last, cancellationToken) > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }

    private async Task<long> StillQueuedAsync(long first, long last, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync(cancellationToken);
        await using var query = new NpgsqlCommand("SELECT count(*) FROM jobs WHERE job_id BETWEEN @first AND @last AND state = 'queued'", connection);
        query.Parameters.AddWithValue("first", first);
        query.Parameters.AddWithValue("last", last);
        return (long)(await query.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task<(int Accepted, int Acknowledged, int Settled, int Completed)> CountsAsync(long first, long last, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync(cancellationToken);
        await using var query = new NpgsqlCommand(
            """
            SELECT count(*), count(acknowledged_at),
                   count(*) FILTER (WHERE state IN ('in_progress', 'completed', 'dead')),
                   count(*) FILTER (WHERE state = 'completed')
            FROM jobs WHERE job_id BETWEEN @first AND @last
            """,
            connection);
        query.Parameters.AddWithValue("first", first);
        query.Parameters.AddWithValue("last", last);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return ((int)reader.GetInt64(0), (int)reader.GetInt64(1), (int)reader.GetInt64(2), (int)reader.GetInt64(3));
    }

    /// <summary>
    /// accepted_at -> acknowledged_at per job, and where that time goes: accepted_at ->
    /// dispatched_at (waiting in the queue until a free slot's node claims it in PostgreSQL) and
    /// dispatched_at -> acknowledged_at (JIT config from GitHub, SignalR to the runner, its process
    /// start, the ack back). All three are PostgreSQL's own clock.
    /// </summary>
    private async Task<(int Accepted, int Acknowledged, LatencySummary Latency, DispatchBreakdown Breakdown)> FromPostgresAsync(
        long first, long last, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync(cancellationToken);
        await using var query = new NpgsqlCommand(
            """
            SELECT extract(epoch FROM acknowledged_at - accepted_at)::float8 * 1000,
                   extract(epoch FROM dispatched_at - accepted_at)::float8 * 1000,
                   extract(epoch FROM acknowledged_at - dispatched_at)::float8 * 1000
            FROM jobs WHERE job_id BETWEEN @first AND @last
            """,
            connection);
        query.Parameters.AddWithValue("first", first);
        query.Parameters.AddWithValue("last", last);
        List<double> total = [], queued = [], handOver = [];
        var accepted = 0;
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            accepted++;
            if (!reader.IsDBNull(0))
            {
                total.Add(reader.GetDouble(0));
            }

            // dispatched_at is the latest attempt's; with a retry it no longer splits acknowledged_at (the first ack).
            if (!reader.IsDBNull(0) && !reader.IsDBNull(1) && !reader.IsDBNull(2) && reader.GetDouble(2) >= 0)
            {
                queued.Add(reader.GetDouble(1));
                handOver.Add(reader.GetDouble(2));
            }
        }

        return (accepted, total.Count, LatencySummary.Of(total), new DispatchBreakdown(LatencySummary.Of(queued), LatencySummary.Of(handOver)));
    }

    /// <summary>
    /// Reads every job's deliveries from the simulator (its only per-job record with full-precision
    /// times); the achieved rate is the jobs over the span of their queued webhooks.
    /// </summary>
    private async Task<(int InProgress, int FailedDeliveries, double AchievedRate, LatencySummary Latency)> FromSimulatorAsync(long first, long last, CancellationToken cancellationToken)
    {
        var latencies = new System.Collections.Concurrent.ConcurrentQueue<double>();
        var queuedAt = new System.Collections.Concurrent.ConcurrentQueue<DateTimeOffset>();
        var failed = 0;
        await Parallel.ForAsync(
            first,
            last + 1,
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (id, ct) =>
            {
                using var job = JsonDocument.Parse(await simulator.GetStringAsync(new Uri($"/jobs/{id}", UriKind.Relative), ct));
                DateTimeOffset? queued = null, started = null;
                foreach (var delivery in job.RootElement.GetProperty("deliveries").EnumerateArray())
                {
                    var action = delivery.GetProperty("action").GetString();
                    var at = delivery.GetProperty("createdAt").GetDateTimeOffset();
                    if (action == "queued")
                    {
                        queued ??= at;
                        if (delivery.GetProperty("state").GetString() != "delivered")
                        {
                            Interlocked.Increment(ref failed);
                        }
                    }
                    else if (action == "in_progress")
                    {
                        started ??= at;
                    }
                }

                if (queued is { } q)
                {
                    queuedAt.Enqueue(q);
                    if (started is { } s)
                    {
                        latencies.Enqueue((s - q).TotalMilliseconds);
                    }
                }
            });
        var span = queuedAt.IsEmpty ? 0 : (queuedAt.Max() - queuedAt.Min()).TotalSeconds;
        var achieved = span > 0 ? Math.Round((queuedAt.Count - 1) / span, 1) : 0;
        return (latencies.Count, failed, achieved, LatencySummary.Of(latencies));
    }
}
