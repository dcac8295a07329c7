using RunnerHub.Contracts;

namespace RunnerHub.Orchestrator.Jobs;

/// <summary>
/// The Redis index of queued jobs: one queue per label set. Only an index: PostgreSQL decides
/// who runs a job, and the queues can always be rebuilt from it.
/// </summary>
internal interface IJobQueue
{
    /// <summary>Puts a pointer to the job in its label set's queue, once: true when it was not there yet.</summary>
    Task<bool> EnqueueAsync(LabelSet labels, long jobId);

    /// <summary>The label sets that have queues.</summary>
    Task<IReadOnlyList<LabelSet>> LabelSetsAsync();

    /// <summary>Moves the oldest pointer of a queue to this node's processing list; null when the queue is empty.</summary>
    Task<long?> TakeAsync(LabelSet labels, string nodeId);

    /// <summary>The taken job is dealt with (dispatched, or no longer queued): forget the pointer.</summary>
    Task CompleteAsync(LabelSet labels, string nodeId, long jobId);

    /// <summary>The taken job could not be dispatched: put the pointer back at the head of its queue.</summary>
    Task ReturnAsync(LabelSet labels, string nodeId, long jobId);

    /// <summary>
    /// Puts the pointer back when its queue lost it (a Redis failover, a push that failed while
    /// Redis was down): true when it was missing and is back.
    /// </summary>
    Task<bool> RepairAsync(LabelSet labels, long jobId);

    /// <summary>Forgets this node's processing list: after a restart nothing in it is being worked on.</summary>
    Task ResetProcessingAsync(string nodeId);
}
