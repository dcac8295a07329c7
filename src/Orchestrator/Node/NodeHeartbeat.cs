using System.Reflection;
using Microsoft.Extensions.Options;
using RunnerHub.Orchestrator.Storage.Postgres;

namespace RunnerHub.Orchestrator.Node;

/// <summary>
/// Records this node in the <c>nodes</c> table and refreshes <c>last_seen_at</c> every
/// <see cref="NodeOptions.HeartbeatInterval"/>, so any node (and the operator) can tell which
/// orchestrators are alive from PostgreSQL alone.
/// </summary>
internal sealed partial class NodeHeartbeat(
    PostgresDatabase database,
    SchemaState schema,
    IOptions<NodeOptions> options,
    TimeProvider time,
    ILogger<NodeHeartbeat> logger) : BackgroundService
{
    private static readonly string Version =
        typeof(NodeHeartbeat).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private readonly DateTimeOffset _startedAt = time.GetUtcNow();
    private bool _healthy = true;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await schema.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval, time);
        do
        {
            await RunOnceAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Upserts this node's row once; a failure is logged (once per outage) and retried on the next tick.</summary>
    internal async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var node = options.Value;
        try
        {
            await database.ExecuteAsync(
                """
                INSERT INTO nodes (node_id, advertised_url, version, started_at, last_seen_at)
                VALUES (@id, @url, @version, @started, now())
                ON CONFLICT (node_id) DO UPDATE
                SET advertised_url = EXCLUDED.advertised_url,
                    version = EXCLUDED.version,
                    started_at = EXCLUDED.started_at,
                    last_seen_at = now()
                """,
                cmd =>
                {
                    cmd.Parameters.AddWithValue("id", node.Id);
                    cmd.Parameters.AddWithValue("url", (object?)node.AdvertisedUrl ?? DBNull.Value);
                    cmd.Parameters.AddWithValue("version", Version);
                    cmd.Parameters.AddWithValue("started", _startedAt);
                },
                cancellationToken);
            if (!_healthy)
            {
                LogHeartbeatRestored(logger, node.Id);
                _healthy = true;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException && PostgresErrors.IsOutage(ex))
        {
            if (_healthy)
            {
                LogHeartbeatFailed(logger, ex, node.Id);
                _healthy = false;
            }
        }
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "Node {NodeId} could not record its heartbeat in PostgreSQL; retrying every interval")]
    private static partial void LogHeartbeatFailed(ILogger logger, Exception exception, string nodeId);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Node {NodeId} records its heartbeat again")]
    private static partial void LogHeartbeatRestored(ILogger logger, string nodeId);
}
