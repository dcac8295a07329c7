using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Hangfire;
using Hangfire.Storage.Monitoring;
using Microsoft.Extensions.DependencyInjection;
using RunnerHub.Orchestrator.Leadership;
using RunnerHub.Orchestrator.Scheduling;
using RunnerHub.Testing;

namespace RunnerHub.Orchestrator.IntegrationTests.Scheduling;

/// <summary>
/// In-process nodes for the Hangfire tests: unique node ids (Hangfire's tables are shared by every
/// test of the run), their own Redis key prefix (their own election), and quick queue polling.
/// </summary>
internal sealed class SchedulingNodes(InfrastructureFixture infra, IDictionary<string, string?>? overrides = null)
{
    private readonly List<ReadyNode> _nodes = [];
    private readonly string _prefix = $"t{Guid.NewGuid():N}:";

    public IReadOnlyList<ReadyNode> Nodes => _nodes;

    public async Task<List<ReadyNode>> StartAsync(int count)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Redis:KeyPrefix"] = _prefix,
            ["Scheduling:PollInterval"] = "00:00:00.500",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var started = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => ReadyNode.StartAsync(infra, $"hf-{Guid.NewGuid():N}"[..15], settings)));
        _nodes.AddRange(started);
        return [.. started];
    }

    public static string NodeId(ReadyNode node) => node.Factory.Services.GetRequiredService<ILeadershipState>().NodeId;

    public static Task<JobStorage> StorageAsync(ReadyNode node) =>
        node.Factory.Services.GetRequiredService<SchedulingStorage>().WaitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>The one leader among <paramref name="nodes"/> and its token, once they agree.</summary>
    public static async Task<(ReadyNode Leader, long Token)> LeaderAsync(IReadOnlyList<ReadyNode> nodes, TimeSpan? within = null)
    {
        JsonObject[] views = [];
        await Eventually.HoldsAsync(
            "exactly one leader",
            async () =>
            {
                views = await Task.WhenAll(nodes.Select(async n => (await n.Client.GetFromJsonAsync<JsonObject>("/health/leadership"))!));
                return (views.Count(v => (bool)v["isLeader"]!) == 1, string.Join("; ", views.Select(v => v.ToJsonString())));
            },
            within ?? TimeSpan.FromSeconds(15),
            TimeSpan.FromMilliseconds(50));
        var leader = views.Single(v => (bool)v["isLeader"]!);
        return (nodes.Single(n => NodeId(n) == (string)leader["nodeId"]!), (long)leader["fencingToken"]!);
    }

    /// <summary>The live Hangfire servers of <paramref name="nodes"/>, by node id: the queues each serves.</summary>
    public static async Task<Dictionary<string, List<string>>> QueuesByNodeAsync(IReadOnlyList<ReadyNode> nodes)
    {
        var servers = (await StorageAsync(nodes[0])).GetMonitoringApi().Servers();
        return nodes.Select(NodeId).ToDictionary(
            id => id,
            id => servers.Where(s => OwnedBy(s, id)).SelectMany(s => s.Queues).Order(StringComparer.Ordinal).ToList());
    }

    public static string Describe(Dictionary<string, List<string>> queues) =>
        string.Join("; ", queues.Select(kv => $"{kv.Key}: [{string.Join(",", kv.Value)}]"));

    /// <summary>Stops every node started; the owning test calls it from its DisposeAsync.</summary>
    public async Task StopAllAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }

    // Server ids are "{nodeId}/{queue}:{pid}:{guid}".
    private static bool OwnedBy(ServerDto server, string nodeId) => server.Name.StartsWith(nodeId + "/", StringComparison.Ordinal);
}
