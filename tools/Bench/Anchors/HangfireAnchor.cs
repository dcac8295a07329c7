using System.Diagnostics;
using System.Globalization;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Npgsql;
using RunnerHub.Bench.Measurement;

namespace RunnerHub.Bench.Anchors;

/// <summary>
/// Hangfire with PostgreSQL storage, in its own schema of the stack's database, configured for
/// latency (LISTEN/NOTIFY long polling rather than the 15 s default poll): enqueue-to-start
/// latency at each rate, then the drain throughput of jobs enqueued while no server ran.
/// Unlike the other anchors it runs at most <see cref="MaxWorkers"/> consumers, on a pool of
/// <see cref="PoolSize"/> connections: every Hangfire worker costs PostgreSQL connections.
/// </summary>
internal sealed class HangfireAnchor(string connectionString, AnchorSettings settings)
{
    public const string Schema = "bench_hangfire";

    /// <summary>
    /// Most Hangfire workers the anchor runs, whatever <c>--consumers</c> asks (scripts/bench asks
    /// for as many as the stack has runner slots, up to 128). With long polling a waiting worker
    /// holds a LISTEN connection of its own and takes a second one to fetch, so 128 workers wanted
    /// about 256 connections and a full run died of PostgreSQL's "remaining connection slots are
    /// reserved". The budget on the stack's PostgreSQL (scripts/lib/postgres.sh): a node has
    /// max_connections = 300, 3 of them reserved for superusers. The three orchestrators set no
    /// Maximum Pool Size, so each may hold Npgsql's default of 100, and keeps idle ones for the
    /// Connection Idle Lifetime (300 s) after a burst such as the intake step just before the
    /// anchors; their own Hangfire servers (Scheduling:Workers 5, LeaderWorkers 2) draw from those
    /// pools. pg_auto_failover adds a few (keeper, replication). 32 workers on a pool of
    /// <see cref="PoolSize"/> leave the orchestrators about 70 connections each.
    /// </summary>
    public const int MaxWorkers = 32;

    /// <summary>
    /// The anchor's Maximum Pool Size: two connections per worker (LISTEN and fetch) and room for
    /// the server's own processes (heartbeat, expiration, counters, schedulers) and the client's
    /// enqueues, which wait for a free connection rather than open more.
    /// </summary>
    public const int PoolSize = (2 * MaxWorkers) + 16;

    private readonly string _connectionString = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = PoolSize }.ConnectionString;

    /// <summary>The workers it runs, and reports as its consumers: as many as asked, at most <see cref="MaxWorkers"/>.</summary>
    public int Workers { get; } = Math.Min(settings.Consumers, MaxWorkers);

    public async Task<AnchorResult> RunAsync(CancellationToken cancellationToken)
    {
        // Hangfire's client is synchronous: each enqueue blocks a pool thread for an INSERT. Without
        // enough threads from the start, the pool's slow growth (about one thread per 0.5 s) would
        // be measured as Hangfire's latency.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 256), io);
        if (Workers < settings.Consumers)
        {
            Progress.Line(string.Create(CultureInfo.InvariantCulture, $"hangfire: {Workers} workers, not the {settings.Consumers} consumers asked for (at most {MaxWorkers}, on a pool of {PoolSize} PostgreSQL connections)"));
        }

        await DropSchemaAsync(cancellationToken);
        var options = new PostgreSqlStorageOptions
        {
            SchemaName = Schema,
            PrepareSchemaIfNecessary = true,
            EnableLongPolling = true,
            QueuePollInterval = TimeSpan.FromSeconds(1),
            UseSlidingInvisibilityTimeout = true,
        };
        var storage = new PostgreSqlStorage(new NpgsqlConnectionFactory(_connectionString, options), options);
        var client = new BackgroundJobClient(storage);
        try
        {
            // One server for every rate, warmed up first: its start (server registration, its workers
            // opening connections) is not what a steady-state latency figure should show.
            var latency = new List<RateResult>();
            using (var server = StartServer(storage))
            {
                await WarmUpAsync(client, cancellationToken);
                foreach (var rate in settings.Rates)
                {
                    latency.Add(await LatencyAtAsync(client, rate, cancellationToken));
                }

                await StopAsync(server);
            }

            // A rate Hangfire could not keep up with leaves jobs queued; the drain must time its own.
            await PurgeQueueAsync(cancellationToken);
            var throughput = await DrainAsync(storage, client, cancellationToken);
            return new AnchorResult(
                "hangfire",
                "Hangfire " + typeof(BackgroundJob).Assembly.GetName().Version?.ToString(3) + " with Hangfire.PostgreSql (long polling)",
                Workers,
                latency,
                throughput);
        }
        finally
        {
            HangfireProbe.Recorder = null;
            await DropSchemaAsync(CancellationToken.None);
        }
    }

    private async Task WarmUpAsync(BackgroundJobClient client, CancellationToken cancellationToken)
    {
        var recorder = new LatencyRecorder();
        HangfireProbe.Recorder = recorder;
        var at = Stopwatch.GetTimestamp();
        client.Enqueue(() => HangfireProbe.Run(0));
        if (!await recorder.WaitForAsync(1, settings.SettleTimeout, cancellationToken))
        {
            throw new TimeoutException($"Hangfire ran no job within {settings.SettleTimeout.TotalSeconds} s of its server starting");
        }

        Progress.Line(string.Create(CultureInfo.InvariantCulture, $"hangfire: server warm, first job ran after {Stopwatch.GetElapsedTime(at).TotalMilliseconds:F0} ms"));
    }

    private async Task<RateResult> LatencyAtAsync(BackgroundJobClient client, double rate, CancellationToken cancellationToken)
    {
        var count = (int)Math.Max(1, rate * settings.StepDuration.TotalSeconds);
        var recorder = new LatencyRecorder();
        HangfireProbe.Recorder = recorder;
        // Enqueueing is a synchronous INSERT; each runs on the thread pool so a slow one does not hold up the schedule.
        // One that fails is counted and left out, and the step goes on: above what Hangfire sustains here,
        // enqueues queue for a pooled connection and fail after Npgsql's 15 s (a longer Timeout stalled
        // Hangfire.PostgreSql's workers: a drain of 2,000 jobs ran none).
        var enqueues = new List<Task<string?>>(count);
        var seconds = await OpenLoop.RunAsync(
            rate,
            count,
            _ =>
            {
                var at = Stopwatch.GetTimestamp();
                enqueues.Add(Task.Run(
                    () =>
                    {
                        try
                        {
                            client.Enqueue(() => HangfireProbe.Run(at));
                            return null;
                        }
                        catch (BackgroundJobClientException ex)
                        {
                            return ex.InnerException?.Message ?? ex.Message;
                        }
                    },
                    CancellationToken.None));
            },
            cancellationToken);
        var errors = (await Task.WhenAll(enqueues)).OfType<string>().ToList();
        var complete = await recorder.WaitForAsync(count - errors.Count, settings.SettleTimeout, cancellationToken);
        var summary = recorder.Summary();
        var failed = errors.Count == 0 ? "" : $", {errors.Count} enqueues failed (first: {errors[0]})";
        Progress.Line(string.Create(CultureInfo.InvariantCulture, $"hangfire {rate}/s: {summary.Count}/{count} started{(complete ? "" : " (timed out)")}{failed}, p50 {summary.P50Ms} ms, p99 {summary.P99Ms} ms"));
        return new RateResult(rate, Math.Round(seconds, 3), count, summary.Count, Math.Round(count / seconds, 1), summary);
    }

    private async Task<ThroughputResult> DrainAsync(JobStorage storage, BackgroundJobClient client, CancellationToken cancellationToken)
    {
        var jobs = settings.DrainJobs;
        var recorder = new LatencyRecorder();
        HangfireProbe.Recorder = recorder;
        await Parallel.ForAsync(
            0,
            jobs,
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            (_, _) =>
            {
                client.Enqueue(() => HangfireProbe.Run(0));
                return ValueTask.CompletedTask;
            });
        using var server = StartServer(storage);

        // Timed from the first job that starts, so the server's own start-up is left out.
        await recorder.WaitForAsync(1, settings.SettleTimeout, cancellationToken);
        var began = Stopwatch.GetTimestamp();
        await recorder.WaitForAsync(jobs, settings.SettleTimeout, cancellationToken);
        var seconds = Stopwatch.GetElapsedTime(began).TotalSeconds;
        await StopAsync(server);
        Progress.Line(string.Create(CultureInfo.InvariantCulture, $"hangfire drain: {recorder.Count}/{jobs} in {seconds:F2} s = {recorder.Count / seconds:F0}/s"));
        return new ThroughputResult(jobs, recorder.Count, Math.Round(seconds, 3), Math.Round(recorder.Count / seconds, 1));
    }

    private BackgroundJobServer StartServer(JobStorage storage) => new(
        new BackgroundJobServerOptions
        {
            WorkerCount = Workers,
            ServerName = "bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            ShutdownTimeout = TimeSpan.FromSeconds(5),
        },
        storage);

    private static async Task StopAsync(BackgroundJobServer server)
    {
        server.SendStop();
        await server.WaitForShutdownAsync(CancellationToken.None);
    }

    private async Task PurgeQueueAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var purge = new NpgsqlCommand($"DELETE FROM {Schema}.jobqueue", connection);
        var left = await purge.ExecuteNonQueryAsync(cancellationToken);
        if (left > 0)
        {
            Progress.Line(string.Create(CultureInfo.InvariantCulture, $"hangfire: {left} jobs of the rate steps were still queued; removed before the drain"));
        }
    }

    private async Task DropSchemaAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {Schema} CASCADE", connection);
        await drop.ExecuteNonQueryAsync(cancellationToken);
    }
}
