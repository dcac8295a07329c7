using RunnerHub.Contracts;

namespace RunnerHub.Orchestrator.Jobs;

/// <summary>
/// One label set as <c>GET /api/queues</c> shows it. <see cref="RedisLength"/> is null when Redis
/// did not answer; <see cref="Servable"/> is false when no registered runner has every label, so
/// those jobs wait until one registers (RunnerHub never falls back to "any runner").
/// </summary>
internal sealed record QueueView(
    IReadOnlyList<string> Labels,
    long Queued,
    long Dispatched,
    long InProgress,
    DateTimeOffset? OldestQueuedAt,
    long? RedisLength,
    bool Servable)
{
    public static QueueView From(QueueCounts counts, long? redisLength, IReadOnlyList<LabelSet> runnerLabelSets) =>
        new(
            counts.Labels.Labels,
            counts.Queued,
            counts.Dispatched,
            counts.InProgress,
            counts.OldestQueuedAt,
            redisLength,
            runnerLabelSets.Any(counts.Labels.IsSubsetOf));
}
