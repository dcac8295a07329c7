using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RunnerHub.Orchestrator.IntegrationTests.Webhooks;
using RunnerHub.Orchestrator.Storage.Postgres;
using RunnerHub.Orchestrator.Storage.Redis;
using RunnerHub.Testing;
using Xunit.Abstractions;

namespace RunnerHub.Orchestrator.IntegrationTests.Leadership;

/// <summary>A Redis master failover while two nodes take part in the election: one leader at a time, the queues and the timeline right after.</summary>
[Collection(InfrastructureGroup.Name)]
public sealed class RedisFailoverLeadershipTests(InfrastructureFixture infra, ITestOutputHelper output)
{
    [Fact]
    public async Task ARedisMasterFailover_NeverGivesTwoLeaders_AtMostOneChange_AndTheQueuesAndTimelineAreRightAfter()
    {
        var isolated = new Dictionary<string, string?> { ["Redis:KeyPrefix"] = $"t{Guid.NewGuid():N}:" };
        await using var a = await ReadyNode.StartAsync(infra, "rfail-a", isolated);
        await using var b = await ReadyNode.StartAsync(infra, "rfail-b", isolated);
        var nodes = new[] { a, b };
        var label = $"rfail-{Guid.NewGuid():N}"[..20];
        var jobs = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            var jobId = WebhookClient.NewJobId();
            using var response = await WebhookClient.SendAsync(a.Client, infra.WebhookSecret, "workflow_job", WebhookClient.Job("queued", jobId, $"""["self-hosted","{label}"]"""));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            jobs.Add(jobId);
        }

        await Eventually.HoldsAsync("a leader", async () => ((await ViewsAsync(nodes)).Any(v => v.IsLeader), "none"), TimeSpan.FromSeconds(15));
        // The leader has recorded today's master (an earlier test's failover may be on record before it).
        var master = await infra.RedisMasterAsync();
        await Eventually.HoldsAsync(
            $"the leader to record the Redis master {master}",
            async () => await ScalarAsync(a, "SELECT value FROM topology_state WHERE component = 'redis'") is string v && v == master ? (true, v) : (false, "not yet"),
            TimeSpan.FromSeconds(10));

        using var sampling = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var overlaps = 0;
        var leaders = new List<(string Node, long Token)>();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                var views = await ViewsAsync(nodes);
                var leading = views.Where(v => v.IsLeader).ToList();
                if (leading.Count > 1)
                {
                    Interlocked.Increment(ref overlaps);
                }

                if (leading.Count == 1 && (leaders.Count == 0 || leaders[^1] != (leading[0].Node, leading[0].Token)))
                {
                    leaders.Add((leading[0].Node, leading[0].Token));
                }

                await Task.Delay(50, CancellationToken.None);
            }
        });

        var oldMaster = await infra.RedisMasterAsync() ?? throw new InvalidOperationException("Sentinels disagree before the test");
        var victim = InfrastructureFixture.PieceOnPort(await infra.Stack.StatusAsync(), int.Parse(oldMaster.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture));
        await infra.KillAsync(victim);
        await Eventually.HoldsAsync(
            "the Sentinels to promote the replica",
            async () => await infra.RedisMasterAsync() is { } m && m != oldMaster ? (true, m) : (false, "not yet"),
            TimeSpan.FromSeconds(30));
        // With min-replicas-to-write 1 the new master takes writes once the old one is back as its replica.
        await infra.RestoreAsync(TimeSpan.FromSeconds(60));
        var newMaster = await infra.RedisMasterAsync();

        await Eventually.HoldsAsync(
            "a leader again, the failover on the timeline and every queued job in its queue",
            async () =>
            {
                var leading = (await ViewsAsync(nodes)).Count(v => v.IsLeader);
                var recorded = await ScalarAsync(a, $"SELECT count(*) FROM failover_events WHERE component = 'redis' AND from_value = '{oldMaster}' AND to_value = '{newMaster}'");
                var queue = await a.Factory.Services.GetRequiredService<IRedisConnection>().GetDatabase()
                    .ListRangeAsync($"{isolated["Redis:KeyPrefix"]}queue:{label},self-hosted");
                var inQueue = jobs.Count(j => queue.Contains(j));
                var timeline = await ScalarAsync(a, "SELECT string_agg(from_value || '->' || to_value || ' ' || coalesce(detail, ''), '; ') FROM failover_events WHERE component = 'redis'");
                var state = await ScalarAsync(a, "SELECT value || ' ' || identity FROM topology_state WHERE component = 'redis'");
                return (leading == 1 && (long?)recorded == 1 && inQueue == jobs.Count,
                    $"leaders {leading}, recorded {recorded} (redis timeline: {timeline}; last seen {state}), in queue {inQueue}/{jobs.Count}");
            },
            TimeSpan.FromSeconds(30));

        await sampling.CancelAsync();
        await sampler;
        output.WriteLine($"leaders over time: {string.Join(" -> ", leaders.Select(l => $"{l.Node} (token {l.Token})"))}; Redis {oldMaster} -> {newMaster}");
        Assert.Equal(0, overlaps);
        Assert.True(leaders.Select(l => l.Node).Distinct().Count() <= 2 && CountChanges(leaders) <= 1, $"more than one change of leader: {string.Join(" -> ", leaders)}");
        Assert.True(leaders.Zip(leaders.Skip(1)).All(p => p.Second.Token > p.First.Token), "tokens must only grow");
    }

    private static int CountChanges(List<(string Node, long Token)> leaders) =>
        leaders.Zip(leaders.Skip(1)).Count(p => p.First.Node != p.Second.Node);

    private static async Task<(string Node, bool IsLeader, long Token)[]> ViewsAsync(IEnumerable<ReadyNode> nodes) =>
        await Task.WhenAll(nodes.Select(async n =>
        {
            var view = (await n.Client.GetFromJsonAsync<JsonObject>("/health/leadership"))!;
            return ((string)view["nodeId"]!, (bool)view["isLeader"]!, (long?)view["fencingToken"] ?? 0);
        }));

    private static async Task<object?> ScalarAsync(ReadyNode node, string sql)
    {
        await using var connection = await node.Factory.Services.GetRequiredService<PostgresDatabase>().DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }
}
