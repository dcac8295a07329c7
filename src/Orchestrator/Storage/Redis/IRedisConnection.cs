using StackExchange.Redis;

namespace RunnerHub.Orchestrator.Storage.Redis;

/// <summary>The cluster's Redis, reached through the Sentinels; follows master changes by itself.</summary>
internal interface IRedisConnection
{
    /// <summary>True once the first connect succeeded and the master link is up now.</summary>
    bool IsConnected { get; }

    /// <summary>The options the connection was made with (prefix, service name).</summary>
    RedisOptions Options { get; }

    /// <summary>The master's database. Throws <see cref="RedisUnavailableException"/> before the first connect.</summary>
    IDatabase GetDatabase();

    /// <summary>A connection to the Sentinels themselves, for topology questions; null before the first connect.</summary>
    IConnectionMultiplexer? Sentinels { get; }

    /// <summary>Completes when the first connect has succeeded.</summary>
    Task WaitAsync(CancellationToken cancellationToken);
}
