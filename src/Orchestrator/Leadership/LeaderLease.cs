using RunnerHub.Orchestrator.Storage.Redis;
using StackExchange.Redis;

namespace RunnerHub.Orchestrator.Leadership;

/// <summary>
/// The lease key in Redis, through Sentinel: taken with SET NX PX and an owner value unique to
/// this process (node id plus a random instance id, so a restarted node never mistakes its old
/// lease for its own), renewed by compare-and-extend, released by compare-and-delete. Each
/// operation is one atomic command or script, so a retried call is harmless.
/// </summary>
internal sealed class LeaderLease(IRedisConnection redis, string nodeId)
{
    // Extends the lease only while it is still ours.
    private const string ExtendScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('PEXPIRE', KEYS[1], ARGV[2])
        end
        return 0
        """;

    // Deletes the lease only while it is still ours, and tells the followers it is free.
    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('DEL', KEYS[1])
          redis.call('PUBLISH', KEYS[2], ARGV[1])
          return 1
        end
        return 0
        """;

    /// <summary>This process's owner value: <c>{nodeId}/{instance}</c>.</summary>
    public string Owner { get; } = $"{nodeId}/{Guid.NewGuid():N}";

    private RedisKey Key => redis.Options.KeyPrefix + "leader";

    /// <summary>The channel a released lease is announced on.</summary>
    public RedisChannel ReleasedChannel => RedisChannel.Literal(redis.Options.KeyPrefix + "leader:released");

    /// <summary>Takes the lease when nobody holds it.</summary>
    public Task<bool> TryAcquireAsync(TimeSpan lease) =>
        redis.GetDatabase().StringSetAsync(Key, Owner, lease, When.NotExists);

    /// <summary>Extends the lease; false when it is no longer ours (expired, or taken by another node).</summary>
    public async Task<bool> TryRenewAsync(TimeSpan lease) =>
        (long)await redis.GetDatabase().ScriptEvaluateAsync(ExtendScript, [Key], [Owner, (long)lease.TotalMilliseconds]) == 1;

    /// <summary>Gives the lease up if it is still ours and wakes the followers.</summary>
    public async Task<bool> ReleaseAsync() =>
        (long)await redis.GetDatabase().ScriptEvaluateAsync(ReleaseScript, [Key, redis.Options.KeyPrefix + "leader:released"], [Owner]) == 1;

    /// <summary>The node that holds the lease now, or null when nobody does.</summary>
    public async Task<string?> HolderAsync()
    {
        var value = (string?)await redis.GetDatabase().StringGetAsync(Key);
        return value is null ? null : NodeOf(value);
    }

    /// <summary>The node id part of an owner value.</summary>
    public static string NodeOf(string owner) => owner.Split('/', 2)[0];
}
