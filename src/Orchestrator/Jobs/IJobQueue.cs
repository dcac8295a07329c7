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
}
