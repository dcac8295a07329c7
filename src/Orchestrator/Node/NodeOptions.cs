namespace RunnerHub.Orchestrator.Node;

/// <summary>Who this orchestrator is within the cluster. Section <c>Node</c>.</summary>
public sealed class NodeOptions
{
    /// <summary>Configuration section: <c>Node</c>.</summary>
    public const string SectionName = "Node";

    /// <summary>
    /// Unique, stable id of this node, for example <c>orchestrator-1</c>: lower-case letters,
    /// digits and dashes, at most 63 characters. Required.
    /// </summary>
    public string Id { get; set; } = "";

    /// <summary>
    /// The URL other nodes and operators use to reach this node directly (not through HAProxy),
    /// for example <c>http://127.0.0.1:5001</c>. Optional.
    /// </summary>
    public string? AdvertisedUrl { get; set; }

    /// <summary>How often this node records in PostgreSQL that it is alive. Default 5 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);
}
