using Microsoft.Extensions.Diagnostics.HealthChecks;
using RunnerHub.Orchestrator.Storage.Redis;
using StackExchange.Redis;

namespace RunnerHub.Orchestrator.Health;

/// <summary>
/// Whether the Redis master answers through the Sentinel-aware connection. Deliberately not
/// tagged <c>ready</c>: all three nodes share one Redis, so a Redis failover must not take
/// every node out of HAProxy at once (webhooks are still stored in PostgreSQL meanwhile).
/// </summary>
internal sealed class RedisHealthCheck(IRedisConnection redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!redis.IsConnected)
        {
            return HealthCheckResult.Unhealthy("no connection to the Redis master");
        }

        try
        {
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy(
                "master answers",
                new Dictionary<string, object> { ["pingMs"] = Math.Round(latency.TotalMilliseconds, 2) });
        }
        catch (Exception ex) when (RedisErrors.IsOutage(ex) || ex is RedisException or TimeoutException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("Redis master does not answer", ex);
        }
    }
}
