namespace RunnerHub.Orchestrator.Leadership;

/// <summary>
/// What this node knows about leadership. Features ask this, never the election's internals.
/// </summary>
internal interface ILeadershipState
{
    /// <summary>This node's id.</summary>
    string NodeId { get; }

    /// <summary>True while this node holds the lease and may run leader work.</summary>
    bool IsLeader { get; }

    /// <summary>The node that holds the lease, as far as this node knows; null when unknown.</summary>
    string? LeaderId { get; }

    /// <summary>The fencing token of the current leadership; null when this node does not lead.</summary>
    long? FencingToken { get; }

    /// <summary>When this node's lease runs out unless renewed; null when it does not lead.</summary>
    DateTimeOffset? LeaseExpiresAt { get; }
}
