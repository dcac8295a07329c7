namespace RunnerHub.Orchestrator.Jobs;

/// <summary>The system of record for jobs and webhook deliveries (PostgreSQL).</summary>
internal interface IJobStore
{
    /// <summary>
    /// Records the delivery and applies its event to the job in one transaction, so a job is
    /// never stored without its delivery or the other way round. A delivery id seen before
    /// (on any node) changes nothing and returns the answer stored the first time.
    /// </summary>
    Task<DeliveryOutcome> ApplyAsync(WorkflowJobEvent jobEvent, string nodeId, CancellationToken cancellationToken);

    /// <summary>
    /// Every label set with at least one job queued, dispatched or in progress, ordered by its
    /// key, with the label sets of the runners that are registered and not removed.
    /// </summary>
    Task<QueueSnapshot> QueuesAsync(CancellationToken cancellationToken);
}

/// <summary>
/// What a delivery did: the HTTP status it was answered with, and the job's state after it.
/// <see cref="Times"/> is the job's row after a delivery applied the first time (null for a duplicate).
/// </summary>
internal sealed record DeliveryOutcome(int StatusCode, string Outcome, long JobId, JobState State, bool Duplicate, JobTimes? Times = null);
