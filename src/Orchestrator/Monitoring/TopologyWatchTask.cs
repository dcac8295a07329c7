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

        await WatchNodesAsync(context, cancellationToken);
    }

    /// <summary>
    /// Node deaths and returns on the failover timeline (component <c>node</c>, from = the node,
    /// to = <c>down</c> or <c>up</c>): a node not heard from within three heartbeats is down; a
    /// node heard from again, or with a new start time, is up, with how long it was gone when
    /// known (from its last heartbeat to its new start). A node first seen is recorded as joined.
    /// One fenced transaction; each event keyed so a retry records it once.
    /// </summary>
    private async Task WatchNodesAsync(LeaderTaskContext context, CancellationToken cancellationToken)
    {
        var recorded = await context.FencedAsync(
            async (connection, transaction, ct) =>
            {
                var nodes = new List<(string Id, DateTime StartedAt, DateTime LastSeenAt, bool Healthy, string? LastTo, string? LastKey, string? LastDetail)>();
                await using (var read = new NpgsqlCommand(
                    """
                    SELECT n.node_id, n.started_at, n.last_seen_at, n.last_seen_at > now() - @healthy, f.to_value, f.event_key, f.detail
                    FROM nodes n
                    LEFT JOIN LATERAL (
                        SELECT to_value, event_key, detail FROM failover_events
                        WHERE component = 'node' AND from_value = n.node_id ORDER BY id DESC LIMIT 1) f ON true
                    WHERE n.last_seen_at > now() - interval '1 day'
                    """,
                    connection,
                    transaction))
                {
                    read.Parameters.AddWithValue("healthy", NodeHealthyWithin);
                    await using var reader = await read.ExecuteReaderAsync(ct);
                    while (await reader.ReadAsync(ct))
                    {
                        nodes.Add((
                            reader.GetString(0),
                            reader.GetDateTime(1),
                            reader.GetDateTime(2),
                            reader.GetBoolean(3),
                            reader.IsDBNull(4) ? null : reader.GetString(4),
                            reader.IsDBNull(5) ? null : reader.GetString(5),
                            reader.IsDBNull(6) ? null : reader.GetString(6)));
                    }
                }

                var events = new List<FailoverEvent>();
                foreach (var node in nodes)
                {
                    var upKey = $"node:{node.Id}:up@{node.StartedAt.Ticks}";
                    FailoverEvent? change = null;
                    if (!node.Healthy && node.LastTo != "down")
                    {
                        change = new FailoverEvent(
                            $"node:{node.Id}:down@{node.LastSeenAt.Ticks}", "node", node.Id, "down", null, $"no heartbeat since {node.LastSeenAt:O}");
                    }
                    else if (node.Healthy && node.LastKey != upKey)
                    {
                        // The down event's detail holds the last heartbeat: gone from then to the new start.
                        TimeSpan? gone = node.LastTo == "down" && node.LastDetail is { } detail
                            && DateTime.TryParse(detail["no heartbeat since ".Length..], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var lastSeen)
                            && node.StartedAt > lastSeen
                                ? node.StartedAt - lastSeen
                                : null;
                        var what = node.LastTo switch
                        {
                            null => "joined",
                            "down" => "back",
                            _ => "restarted (gone for less than three heartbeats)",
                        };
                        change = new FailoverEvent(upKey, "node", node.Id, "up", gone, $"{what}; started {node.StartedAt:O}");
                    }

                    if (change is not null && await FailoverTimeline.InsertAsync(connection, transaction, change, ct))
                    {
                        events.Add(change);
                    }
                }

                return events;
            },
            cancellationToken);

        foreach (var change in recorded)
        {
            timeline.Counted("node");
            if (change.To == "down")
            {
                LogNodeDown(logger, change.From!, change.Detail ?? "");
            }
            else
            {
                LogNodeUp(logger, change.From!, change.Detail ?? "");
            }
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

    /// <summary>A node not heard from within three heartbeats (5 s each by default) is down, as the alert rules count it.</summary>
    private static readonly TimeSpan NodeHealthyWithin = TimeSpan.FromSeconds(15);

    [LoggerMessage(EventId = 2231, Level = LogLevel.Warning, Message = "Node {NodeId} is down: {Detail}")]
    private static partial void LogNodeDown(ILogger logger, string nodeId, string detail);

    [LoggerMessage(EventId = 2232, Level = LogLevel.Information, Message = "Node {NodeId} is up: {Detail}")]
    private static partial void LogNodeUp(ILogger logger, string nodeId, string detail);

    [LoggerMessage(EventId = 2230, Level = LogLevel.Warning, Message = "Failover of {Component}: {From} -> {To} ({Seconds:0.0} s since the old one was last seen)")]
    private static partial void LogFailover(ILogger logger, string component, string from, string to, double seconds);
}
