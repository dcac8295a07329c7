using StackExchange.Redis;

namespace RunnerHub.Orchestrator.Storage.Redis;

/// <summary>Which Redis errors mean "Redis is unavailable right now" rather than a bug.</summary>
internal static class RedisErrors
{
    /// <summary>
    /// True for connection failures and timeouts, no connection yet, and the server errors seen
    /// around a failover: <c>NOREPLICAS</c> (<c>min-replicas-to-write</c> not met, e.g. a promoted
    /// master whose old master is not back), <c>READONLY</c> (we reached a replica),
    /// <c>LOADING</c> and <c>MASTERDOWN</c>.
    /// </summary>
    public static bool IsOutage(Exception exception) => exception switch
    {
        RedisUnavailableException or RedisConnectionException or RedisTimeoutException => true,
        RedisServerException server => server.Kind is RedisErrorKind.NoReplicas or RedisErrorKind.ReadOnly
            or RedisErrorKind.Loading or RedisErrorKind.MasterDown or RedisErrorKind.TryAgain
            or RedisErrorKind.ConnectionFault or RedisErrorKind.Timeout,
        _ => false,
    };
}
