using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using RunnerHub.Orchestrator.Node;

namespace RunnerHub.Orchestrator.Leadership;

/// <summary>
/// <c>runnerhub_ha_leader_status</c> (1 on the leader, 0 elsewhere, per node) and
/// <c>runnerhub_ha_leader_transitions_total</c> (per node and change: acquired, lost).
/// </summary>
internal sealed class LeadershipMetrics
{
    public const string MeterName = "RunnerHub.Orchestrator.Leadership";

    private readonly Counter<long> _transitions;
    private readonly KeyValuePair<string, object?> _node;

    public LeadershipMetrics(IMeterFactory meters, IOptions<NodeOptions> node, IServiceProvider services)
    {
        var meter = meters.Create(MeterName);
        _node = new("node", node.Value.Id);
        _transitions = meter.CreateCounter<long>("runnerhub.ha.leader_transitions", description: "Times this node gained or lost leadership.");
        // Resolved lazily: the state is created after the metrics in some graphs.
        meter.CreateObservableGauge(
            "runnerhub.ha.leader_status",
            () => new Measurement<int>(services.GetRequiredService<ILeadershipState>().IsLeader ? 1 : 0, _node),
            description: "1 while this node is the leader, else 0.");
    }

    public void Acquired() => _transitions.Add(1, _node, new("change", "acquired"));

    public void Lost() => _transitions.Add(1, _node, new("change", "lost"));
}
