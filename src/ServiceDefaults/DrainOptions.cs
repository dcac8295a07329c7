namespace RunnerHub.ServiceDefaults;

/// <summary>How a process leaves the load balancer when it is asked to stop.</summary>
public sealed class DrainOptions
{
    /// <summary>Configuration section: <c>Drain</c>.</summary>
    public const string SectionName = "Drain";

    /// <summary>
    /// How long the process keeps serving with <c>/health/ready</c> at 503 before it stops
    /// accepting requests, so the load balancer's health checks notice first. Default 3 s,
    /// which covers HAProxy's <c>inter 1s fall 2</c>.
    /// </summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(3);
}
