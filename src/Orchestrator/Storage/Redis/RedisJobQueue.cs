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

    internal static RedisKey QueueKey(string prefix, string labelKey) => $"{prefix}queue:{labelKey}";

    internal static RedisKey MembersKey(string prefix, string labelKey) => $"{prefix}queued:{labelKey}";

    internal static RedisKey RegistryKey(string prefix) => $"{prefix}queues";
}
