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

    /// <summary>The node that holds the lease, as far as this node knows; null when unknown or nobody.</summary>
    string? LeaderId { get; }

    /// <summary>The fencing token of the current leadership; null when this node does not lead.</summary>
    long? FencingToken { get; }

    /// <summary>When this node's lease runs out unless renewed; null when it does not lead.</summary>
    DateTimeOffset? LeaseExpiresAt { get; }

    /// <summary>This node's term while it leads: its token and a cancellation token that fires the moment it stops leading.</summary>
    LeadershipTerm? Term { get; }

    /// <summary>Raised after this node gains or loses leadership.</summary>
    event EventHandler<LeadershipChangedEventArgs>? Changed;
}

/// <summary>One leadership term of this node.</summary>
/// <param name="Token">The fencing token every leader write carries.</param>
/// <param name="AcquiredAt">When the term began.</param>
/// <param name="Lost">Fires when the term ends (lease lost, deadline missed, step-down, shutdown): leader work stops mid-way.</param>
internal sealed record LeadershipTerm(long Token, DateTimeOffset AcquiredAt, CancellationToken Lost);

/// <summary>A change of this node's leadership.</summary>
internal sealed class LeadershipChangedEventArgs(bool isLeader, long? token, string reason) : EventArgs
{
    public bool IsLeader { get; } = isLeader;

    public long? Token { get; } = token;

    public string Reason { get; } = reason;
}
