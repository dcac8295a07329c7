namespace RunnerHub.Orchestrator.Dispatch;

/// <summary>How queued jobs are handed to runner slots. Section <c>Dispatch</c>.</summary>
public sealed class DispatchOptions
{
    /// <summary>Configuration section: <c>Dispatch</c>.</summary>
    public const string SectionName = "Dispatch";

    /// <summary>How long a dispatch holds its job without a heartbeat from its runner. Default 30 s.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Failed dispatch attempts before a job goes to the dead state with the reason. Default 3.
    /// An attempt whose JIT runner GitHub gave to another job (a rebound) is not a failure.
    /// </summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>How long a runner has to confirm it started a dispatched job. Default 10 s.</summary>
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a job may sit queued in PostgreSQL before the repair pass checks that its queue
    /// still holds its pointer. Default 10 s.
    /// </summary>
    public TimeSpan RepairAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often the leader makes the Redis queues match PostgreSQL in full (it also does at the
    /// start of its term and whenever the Redis master changes). Default 30 s.
    /// </summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the dispatcher looks at the queues without being nudged. Default 1 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a dispatch may stay <c>dispatched</c> (its runner started, GitHub gave it no job,
    /// for example because GitHub ran the job on another idle runner) before the leader deletes
    /// its JIT runner at GitHub and puts the job back in its queue, or to dead after the last
    /// attempt. Default 10 minutes; at least 30 s and longer than <see cref="AckTimeout"/>.
    /// </summary>
    public TimeSpan UnusedRunnerTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long after GitHub completed a job its JIT runner may still run (a real runner uploads
    /// its logs, then exits by itself) before the orchestrator tells the proxy runner to cancel
    /// it. Default 2 minutes; at most 1 hour.
    /// </summary>
    public TimeSpan ExitGrace { get; set; } = TimeSpan.FromMinutes(2);
}
