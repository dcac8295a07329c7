namespace RunnerHub.Orchestrator.Scheduling;

/// <summary>The Hangfire queues and who serves them.</summary>
internal static class SchedulingQueues
{
    /// <summary>Idempotent background work with retries; every node serves it.</summary>
    public const string Default = "default";

    /// <summary>Leader maintenance; only the current leader serves it.</summary>
    public const string Leader = "leader";

    /// <summary>The PostgreSQL schema Hangfire's tables live in.</summary>
    public const string Schema = "hangfire";
}
