using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RunnerHub.Orchestrator.Health;

/// <summary>
/// Remembers when this node last reached the PostgreSQL primary, so readiness can ride out a
/// failover: pg_auto_failover replaces a dead primary in about 6 s, and if every node left
/// HAProxy for that long, every webhook in between would get HAProxy's 503 instead of waiting
/// on the node's retries for the new primary. Shared by the per-request health check instances.
/// </summary>
internal sealed class DatabaseReachability(TimeProvider time)
{
    private long _lastSuccessTicks = long.MinValue;
    private long _firstFailureTicks = long.MinValue;

    public void RecordSuccess()
    {
        Interlocked.Exchange(ref _lastSuccessTicks, time.GetUtcNow().UtcTicks);
        Interlocked.Exchange(ref _firstFailureTicks, long.MinValue);
    }

    /// <summary>Records a failure and returns how long the primary has been unreachable, as far as this node saw.</summary>
    public TimeSpan RecordFailure()
    {
        var now = time.GetUtcNow().UtcTicks;
        Interlocked.CompareExchange(ref _firstFailureTicks, now, long.MinValue);
        var lastSuccess = Interlocked.Read(ref _lastSuccessTicks);
        return lastSuccess == long.MinValue
            ? TimeSpan.MaxValue // never reached it since start: no grace
            : TimeSpan.FromTicks(now - Interlocked.Read(ref _firstFailureTicks));
    }

    /// <summary>
    /// The readiness rule: unreachable for less than <paramref name="grace"/> after having been
    /// reachable is Degraded (HTTP 200, still in HAProxy); longer, or never reached, is Unhealthy.
    /// </summary>
    public static HealthStatus Evaluate(TimeSpan unreachableFor, TimeSpan grace) =>
        unreachableFor < grace ? HealthStatus.Degraded : HealthStatus.Unhealthy;
}
