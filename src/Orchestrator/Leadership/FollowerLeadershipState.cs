using Microsoft.Extensions.Options;
using RunnerHub.Orchestrator.Node;

namespace RunnerHub.Orchestrator.Leadership;

/// <summary>
/// The state of a node that takes part in no election: it never leads. This is what every node
/// reports until the lease election (the leadership issue) replaces this registration; it is
/// also what a node runs with if the election is switched off.
/// </summary>
internal sealed class FollowerLeadershipState(IOptions<NodeOptions> node) : ILeadershipState
{
    public string NodeId => node.Value.Id;

    public bool IsLeader => false;

    public string? LeaderId => null;

    public long? FencingToken => null;

    public DateTimeOffset? LeaseExpiresAt => null;
}
