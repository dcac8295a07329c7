namespace RunnerHub.Orchestrator.Health;

/// <summary>The body of <c>/health/leadership</c>.</summary>
internal sealed record LeadershipView(
    string NodeId,
    bool IsLeader,
    string? LeaderId,
    long? FencingToken,
    DateTimeOffset? LeaseExpiresAt);
