namespace RunnerHub.Orchestrator.Dispatch;

/// <summary>How queued jobs are handed to runner slots. Section <c>Dispatch</c>.</summary>
public sealed class DispatchOptions
{
    /// <summary>Configuration section: <c>Dispatch</c>.</summary>
    public const string SectionName = "Dispatch";

    /// <summary>How long a dispatch holds its job without a heartbeat from its runner. Default 30 s.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Dispatch attempts before a job goes to the dead state with the reason. Default 3.</summary>
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
}
