namespace RunnerHub.Orchestrator.Storage.Redis;

/// <summary>What the Sentinels and the master say about the Redis deployment right now.</summary>
internal sealed record RedisTopology(
    string ServiceName,
    bool Connected,
    string? Master,
    bool SentinelsAgree,
    IReadOnlyList<RedisReplica> Replicas,
    IReadOnlyList<RedisSentinel> Sentinels);

/// <summary>A replica as a Sentinel reports it.</summary>
internal sealed record RedisReplica(string Address, string Flags, string? MasterLinkStatus);

/// <summary>A Sentinel and the master it names (null when it did not answer).</summary>
internal sealed record RedisSentinel(string Address, bool Reachable, string? Master, string? Error);
