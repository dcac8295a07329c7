using Npgsql;
using RunnerHub.Orchestrator.Jobs;
using RunnerHub.Orchestrator.Leadership;
using RunnerHub.Orchestrator.Storage.Postgres;
using RunnerHub.Orchestrator.Storage.Redis;

namespace RunnerHub.Orchestrator.Monitoring;

/// <summary>
/// Leader task, every 2 s: looks at the Redis master (through Sentinel), the PostgreSQL primary
/// and its standbys, and the orchestrators' heartbeats; publishes them as cluster metrics
/// (<see cref="ClusterMetrics"/>); and when the Redis master or the PostgreSQL primary differs
/// from what a leader last recorded in <c>topology_state</c>, records the failover with how long
/// since the old one was last seen.
/// </summary>
internal sealed partial class TopologyWatchTask(
    IJobQueue queue,
    RedisTopologyProbe redisProbe,
    DatabaseTopologyProbe databaseProbe,
    PostgresDatabase database,
    FailoverTimeline timeline,
    ClusterMetrics metrics,
    ILogger<TopologyWatchTask> logger) : ILeaderTask
{
    public string Name => "topology-watch";

    public TimeSpan Interval => TimeSpan.FromSeconds(2);

    public async Task RunAsync(LeaderTaskContext context, CancellationToken cancellationToken)
    {
        var redis = await redisProbe.ProbeAsync(cancellationToken);
        var master = await TryAsync(queue.MasterAsync);
        var postgres = await databaseProbe.ProbeAsync(cancellationToken);
        var healthyNodes = await HealthyNodesAsync(cancellationToken);
        metrics.Update(new ClusterSnapshot(
            healthyNodes,
            redis.Sentinels.Where(s => s.Master is not null).Select(s => s.Master).Distinct().Count(),
            redis.Sentinels.Count(s => s.Reachable),
            redis.Replicas.Count,
            postgres.Replicas.Select(r => r.ReplayLagSeconds).Where(l => l is not null).Select(l => l!.Value).DefaultIfEmpty(0).Max(),
            postgres.Replicas.Count));

        if (master is not null)
        {
            await CompareAsync(context, "redis", master.Address, master.ReplicationId, $"replication id {master.ReplicationId}", cancellationToken);
        }

        if (postgres.Primary is { InRecovery: false } primary)
        {
            await CompareAsync(context, "postgres", primary.Address, primary.Address, null, cancellationToken);
        }
    }

    /// <summary>
    /// Updates the component's row; a different identity than recorded is a failover, recorded in
    /// the same fenced transaction (a retry after a lost reply finds nothing changed).
    /// </summary>
    private async Task CompareAsync(LeaderTaskContext context, string component, string value, string identity, string? detail, CancellationToken cancellationToken)
    {
        var recorded = await context.FencedAsync(
            async (connection, transaction, ct) =>
            {
                (string Value, string Identity, DateTime SeenAt, TimeSpan Since)? old = null;
                await using (var read = new NpgsqlCommand(
                    "SELECT value, identity, seen_at, EXTRACT(EPOCH FROM now() - seen_at)::float8 FROM topology_state WHERE component = @component FOR UPDATE",
                    connection,
                    transaction))
                {
                    read.Parameters.AddWithValue("component", component);
                    await using var reader = await read.ExecuteReaderAsync(ct);
                    if (await reader.ReadAsync(ct))
                    {
                        old = (reader.GetString(0), reader.GetString(1), reader.GetDateTime(2), TimeSpan.FromSeconds(reader.GetDouble(3)));
                    }
                }

                await using (var upsert = new NpgsqlCommand(
                    """
                    INSERT INTO topology_state (component, value, identity, seen_at) VALUES (@component, @value, @identity, now())
                    ON CONFLICT (component) DO UPDATE SET value = excluded.value, identity = excluded.identity, seen_at = excluded.seen_at
                    """,
                    connection,
                    transaction))
                {
                    upsert.Parameters.AddWithValue("component", component);
                    upsert.Parameters.AddWithValue("value", value);
                    upsert.Parameters.AddWithValue("identity", identity);
                    await upsert.ExecuteNonQueryAsync(ct);
                }

                if (old is not { } was || was.Identity == identity)
                {
                    return null;
                }

                // Keyed by the transition and when the old one was last seen: the same flip at
                // another time is another event.
                var failover = new FailoverEvent(
                    $"{component}:{was.Identity}->{identity}@{was.SeenAt.Ticks}", component, was.Value, value, was.Since, detail);
                return await FailoverTimeline.InsertAsync(connection, transaction, failover, ct) ? failover : null;
            },
            cancellationToken);

        if (recorded is not null)
        {
            timeline.Counted(component);
            LogFailover(logger, component, recorded.From ?? "?", value, recorded.Duration?.TotalSeconds ?? 0);
        }
    }

    private async Task<int> HealthyNodesAsync(CancellationToken cancellationToken) =>
        await database.RunAsync(
            async (connection, ct) =>
            {
                // Alive: heard from within three heartbeat intervals (5 s by default).
                await using var command = new NpgsqlCommand("SELECT count(*) FROM nodes WHERE last_seen_at > now() - interval '15 seconds'", connection);
                return (int)(long)(await command.ExecuteScalarAsync(ct))!;
            },
            cancellationToken);

    private static async Task<T?> TryAsync<T>(Func<Task<T?>> probe)
        where T : class
    {
        try
        {
            return await probe();
        }
        catch (Exception ex) when (RedisErrors.IsOutage(ex))
        {
            return null;
        }
    }

    [LoggerMessage(EventId = 2230, Level = LogLevel.Warning, Message = "Failover of {Component}: {From} -> {To} ({Seconds:0.0} s since the old one was last seen)")]
    private static partial void LogFailover(ILogger logger, string component, string from, string to, double seconds);
}
