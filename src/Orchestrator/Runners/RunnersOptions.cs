namespace RunnerHub.Orchestrator.Runners;

/// <summary>How proxy runners register and stay online. Section <c>Runners</c>.</summary>
public sealed class RunnersOptions
{
    /// <summary>Configuration section: <c>Runners</c>.</summary>
    public const string SectionName = "Runners";

    /// <summary>How often a connected runner sends a heartbeat. Default 5 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A runner silent this long is shown (and treated) as offline. Default 20 s, at least three heartbeats.</summary>
    public TimeSpan OfflineAfter { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Default lifetime of a registration token. Default 1 hour.</summary>
    public TimeSpan RegistrationTokenLifetime { get; set; } = TimeSpan.FromHours(1);
}
