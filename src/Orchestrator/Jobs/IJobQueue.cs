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

    /// <summary>How many pointers each queue holds now, in the order of <paramref name="labelSets"/> (0 for a queue that does not exist).</summary>
    Task<IReadOnlyList<long>> LengthsAsync(IReadOnlyList<LabelSet> labelSets);

    /// <summary>Every pointer a queue holds, oldest last (the list as Redis keeps it).</summary>
    Task<IReadOnlyList<long>> PointersAsync(LabelSet labels);

    /// <summary>
    /// Makes a queue's membership set exactly the ids its list holds (atomically), so pointers a
    /// failover or a crashed node lost are seen as missing and repaired. An id in a node's
    /// processing list may then be pushed again; a duplicate pointer is harmless (PostgreSQL
    /// decides the claim).
    /// </summary>
    Task ResyncMembersAsync(LabelSet labels);

    /// <summary>Removes every pointer to a job from its queue (the job is no longer queued).</summary>
    Task<bool> RemoveAsync(LabelSet labels, long jobId);

    /// <summary>The Redis master this node writes to and its replication id (a new id after every promotion); null when unknown.</summary>
    Task<RedisMasterIdentity?> MasterAsync();
}

/// <summary>Which Redis master the queues live on: its address and replication id.</summary>
internal sealed record RedisMasterIdentity(string Address, string ReplicationId);
