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

    internal static RedisKey QueueKey(string prefix, string labelKey) => $"{prefix}queue:{labelKey}";

    internal static RedisKey ProcessingKey(string prefix, string nodeId) => $"{prefix}processing:{nodeId}";

    internal static RedisKey MembersKey(string prefix, string labelKey) => $"{prefix}queued:{labelKey}";

    internal static RedisKey RegistryKey(string prefix) => $"{prefix}queues";
}
