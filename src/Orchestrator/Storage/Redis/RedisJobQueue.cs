using RunnerHub.Contracts;
using RunnerHub.Orchestrator.Jobs;
using StackExchange.Redis;

namespace RunnerHub.Orchestrator.Storage.Redis;

/// <summary>
/// Queues as Redis lists, <c>{prefix}queue:{labels}</c>, with a set <c>{prefix}queued:{labels}</c>
/// of the ids they hold, so a push that is retried (its reply lost) or repeated (a webhook
/// delivered twice, the reconciler) never puts a job in twice. <c>{prefix}queues</c> lists the
/// label sets that have queues; <c>{prefix}nudge</c> tells dispatchers there is work.
/// </summary>
internal sealed class RedisJobQueue(IRedisConnection redis) : IJobQueue
{
    // KEYS: queue list, members set, registry of label sets. ARGV: job id, label key.
    private const string EnqueueScript =
        """
        if redis.call('SADD', KEYS[2], ARGV[1]) == 1 then
            redis.call('LPUSH', KEYS[1], ARGV[1])
            redis.call('SADD', KEYS[3], ARGV[2])
            return 1
        end
        return 0
        """;

    public async Task<bool> EnqueueAsync(LabelSet labels, long jobId)
    {
        var prefix = redis.Options.KeyPrefix;
        var key = labels.ToString();
        var database = redis.GetDatabase();
        var added = (long)await database.ScriptEvaluateAsync(
            EnqueueScript,
            [QueueKey(prefix, key), MembersKey(prefix, key), RegistryKey(prefix)],
            [jobId, key]);
        if (added == 1)
        {
            await database.PublishAsync(RedisChannel.Literal(prefix + "nudge"), key, CommandFlags.FireAndForget);
        }

        return added == 1;
    }

    // KEYS: processing list, members set. ARGV: job id.
    private const string CompleteScript =
        """
        redis.call('LREM', KEYS[1], 1, ARGV[1])
        redis.call('SREM', KEYS[2], ARGV[1])
        return 1
        """;

    // KEYS: processing list, queue list. ARGV: job id. Pushed on the right: the next one taken.
    private const string ReturnScript =
        """
        if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 1 then
            redis.call('RPUSH', KEYS[2], ARGV[1])
            return 1
        end
        return 0
        """;

    public async Task<IReadOnlyList<LabelSet>> LabelSetsAsync()
    {
        var members = await redis.GetDatabase().SetMembersAsync(RegistryKey(redis.Options.KeyPrefix));
        return [.. members.Select(m => LabelSet.TryParse(m.ToString(), out var set, out _) ? set : null).OfType<LabelSet>()];
    }

    public async Task<long?> TakeAsync(LabelSet labels, string nodeId)
    {
        var prefix = redis.Options.KeyPrefix;
        var value = await redis.GetDatabase().ListMoveAsync(QueueKey(prefix, labels.ToString()), ProcessingKey(prefix, nodeId), ListSide.Right, ListSide.Left);
        return value.IsNull ? null : (long)value;
    }

    public async Task CompleteAsync(LabelSet labels, string nodeId, long jobId)
    {
        var prefix = redis.Options.KeyPrefix;
        await redis.GetDatabase().ScriptEvaluateAsync(CompleteScript, [ProcessingKey(prefix, nodeId), MembersKey(prefix, labels.ToString())], [jobId]);
    }

    public async Task ReturnAsync(LabelSet labels, string nodeId, long jobId)
    {
        var prefix = redis.Options.KeyPrefix;
        await redis.GetDatabase().ScriptEvaluateAsync(ReturnScript, [ProcessingKey(prefix, nodeId), QueueKey(prefix, labels.ToString())], [jobId]);
    }

    // KEYS: queue list, members set, registry. ARGV: job id, label key. The members set answers
    // in O(1); the list and the set are written together by one script, so a failover loses both.
    private const string RepairScript =
        """
        if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then
            return 0
        end
        redis.call('LPUSH', KEYS[1], ARGV[1])
        redis.call('SADD', KEYS[2], ARGV[1])
        redis.call('SADD', KEYS[3], ARGV[2])
        return 1
        """;

    public async Task<bool> RepairAsync(LabelSet labels, long jobId)
    {
        var prefix = redis.Options.KeyPrefix;
        var key = labels.ToString();
        var repaired = (long)await redis.GetDatabase().ScriptEvaluateAsync(
            RepairScript, [QueueKey(prefix, key), MembersKey(prefix, key), RegistryKey(prefix)], [jobId, key]);
        if (repaired == 1)
        {
            await redis.GetDatabase().PublishAsync(RedisChannel.Literal(prefix + "nudge"), key, CommandFlags.FireAndForget);
        }

        return repaired == 1;
    }

    public Task ResetProcessingAsync(string nodeId) =>
        redis.GetDatabase().KeyDeleteAsync(ProcessingKey(redis.Options.KeyPrefix, nodeId));

    public async Task<IReadOnlyList<long>> LengthsAsync(IReadOnlyList<LabelSet> labelSets)
    {
        var prefix = redis.Options.KeyPrefix;
        var database = redis.GetDatabase();
        // Sent together: the multiplexer pipelines them, one round trip for all queues.
        return await Task.WhenAll(labelSets.Select(l => database.ListLengthAsync(QueueKey(prefix, l.ToString()))));
    }

    public async Task<IReadOnlyList<long>> PointersAsync(LabelSet labels)
    {
        var values = await redis.GetDatabase().ListRangeAsync(QueueKey(redis.Options.KeyPrefix, labels.ToString()));
        return [.. values.Select(v => long.TryParse(v.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : -1).Where(id => id >= 0)];
    }

    // KEYS: queue list, members set. The set becomes exactly the list's ids.
    private const string ResyncScript =
        """
        redis.call('DEL', KEYS[2])
        local ids = redis.call('LRANGE', KEYS[1], 0, -1)
        for i = 1, #ids, 1000 do
            redis.call('SADD', KEYS[2], unpack(ids, i, math.min(i + 999, #ids)))
        end
        return #ids
        """;

    public Task ResyncMembersAsync(LabelSet labels)
    {
        var prefix = redis.Options.KeyPrefix;
        var key = labels.ToString();
        return redis.GetDatabase().ScriptEvaluateAsync(ResyncScript, [QueueKey(prefix, key), MembersKey(prefix, key)]);
    }

    // KEYS: queue list, members set. ARGV: job id.
    private const string RemoveScript =
        """
        local removed = redis.call('LREM', KEYS[1], 0, ARGV[1])
        redis.call('SREM', KEYS[2], ARGV[1])
        return removed
        """;

    public async Task<bool> RemoveAsync(LabelSet labels, long jobId)
    {
        var prefix = redis.Options.KeyPrefix;
        var key = labels.ToString();
        return (long)await redis.GetDatabase().ScriptEvaluateAsync(RemoveScript, [QueueKey(prefix, key), MembersKey(prefix, key)], [jobId]) > 0;
    }

    // INFO through a script: StackExchange.Redis refuses INFO outside admin mode, and admin mode
    // would also allow FLUSHALL and friends. Role, replication id and port come from one call on
    // one server, so they always describe the same server (the client's idea of which endpoint
    // it talks to may lag behind a failover); flagged no-writes so a master refusing writes
    // (NOREPLICAS right after a failover) still answers.
    private const string ReplicationInfoScript = "#!lua flags=no-writes\nreturn redis.call('INFO', 'replication') .. redis.call('INFO', 'server')";

    public async Task<RedisMasterIdentity?> MasterAsync()
    {
        var database = redis.GetDatabase();
        var info = ((string?)await database.ScriptEvaluateAsync(ReplicationInfoScript) ?? "")
            .Split('\n')
            .Select(l => l.Trim().Split(':', 2))
            .Where(kv => kv.Length == 2)
            .GroupBy(kv => kv[0])
            .ToDictionary(g => g.Key, g => g.First()[1]);
        if (info.GetValueOrDefault("role") != "master" || info.GetValueOrDefault("master_replid") is not { } replid || info.GetValueOrDefault("tcp_port") is not { } port)
        {
            return null;
        }

        var host = database.IdentifyEndpoint() switch
        {
            System.Net.IPEndPoint ip => ip.Address.ToString(),
            System.Net.DnsEndPoint dns => dns.Host,
            _ => "?",
        };
        return new RedisMasterIdentity($"{host}:{port}", replid);
    }

    internal static RedisKey QueueKey(string prefix, string labelKey) => $"{prefix}queue:{labelKey}";

    internal static RedisKey ProcessingKey(string prefix, string nodeId) => $"{prefix}processing:{nodeId}";

    internal static RedisKey MembersKey(string prefix, string labelKey) => $"{prefix}queued:{labelKey}";

    internal static RedisKey RegistryKey(string prefix) => $"{prefix}queues";
}
