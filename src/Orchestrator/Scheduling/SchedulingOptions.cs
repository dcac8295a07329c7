namespace RunnerHub.Orchestrator.Scheduling;

/// <summary>How this node runs Hangfire (on PostgreSQL, schema <c>hangfire</c>). Section <c>Scheduling</c>.</summary>
public sealed class SchedulingOptions
{
    /// <summary>Configuration section: <c>Scheduling</c>.</summary>
    public const string SectionName = "Scheduling";

    /// <summary>
    /// How often an idle Hangfire worker asks PostgreSQL for a job. Default 5 s (Hangfire.PostgreSql's
    /// own default is 15 s); each poll is one small query per server.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Workers of the server every node runs for the <c>default</c> queue. Default 5.</summary>
    public int Workers { get; set; } = 5;

    /// <summary>Workers of the server only the leader runs for the <c>leader</c> queue. Default 2.</summary>
    public int LeaderWorkers { get; set; } = 2;
}
