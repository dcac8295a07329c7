using RunnerHub.Contracts;

namespace RunnerHub.Orchestrator.Jobs;

/// <summary>
/// One label set's unfinished jobs as PostgreSQL has them: how many are queued, dispatched and in
/// progress, and when RunnerHub accepted the oldest one still queued.
/// </summary>
internal sealed record QueueCounts(LabelSet Labels, long Queued, long Dispatched, long InProgress, DateTimeOffset? OldestQueuedAt);
