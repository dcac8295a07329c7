using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RunnerHub.Orchestrator.Leadership;
using RunnerHub.Orchestrator.Storage.Postgres;
using RunnerHub.Testing;
using Xunit.Abstractions;

namespace RunnerHub.Orchestrator.IntegrationTests.Leadership;

/// <summary>The lease election and the fence on real Redis (through Sentinel) and PostgreSQL, with in-process nodes.</summary>
[Collection(InfrastructureGroup.Name)]
public sealed class LeaderElectionTests(InfrastructureFixture infra, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<ReadyNode> _nodes = [];

    // Each test elects among its own nodes: a key prefix of its own keeps out leases of other tests.
    private readonly Dictionary<string, string?> _isolated = new() { ["Redis:KeyPrefix"] = $"t{Guid.NewGuid():N}:" };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }

    [Fact]
    public async Task ThreeNodes_ElectExactlyOneLeader_AndAGracefulStopHandsOverAtOnce_WithAHigherToken()
    {
        var nodes = await StartAsync("elect-a", "elect-b", "elect-c");
        var (leader, token) = await SingleLeaderAsync(nodes);
        output.WriteLine($"{leader} leads with token {token}");

        // Followers learn who leads; nobody else claims it while it renews.
        for (var i = 0; i < 20; i++)
        {
            var views = await ViewsAsync(nodes);
            Assert.Single(views, v => (bool)v["isLeader"]!);
            await Task.Delay(100);
        }

        var views2 = await ViewsAsync(nodes);
        Assert.All(views2, v => Assert.Equal(leader, (string?)v["leaderId"]));

        var stopping = nodes.Single(n => NodeId(n) == leader);
        var rest = nodes.Where(n => n != stopping).ToList();
        var clock = Stopwatch.StartNew();
        var stop = stopping.Factory.DisposeAsync().AsTask();
        var (next, nextToken) = await SingleLeaderAsync(rest, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(20));
        var handover = clock.Elapsed;
        await stop;
        _nodes.Remove(stopping);
        output.WriteLine($"graceful stop of {leader}: {next} leads {handover.TotalMilliseconds:0} ms later, token {nextToken}");

        Assert.NotEqual(leader, next);
        Assert.True(nextToken > token, $"token {nextToken} after {token}");
        // The lease was released, not left to expire (2 s).
        Assert.True(handover < TimeSpan.FromSeconds(1.5), $"hand-over took {handover}");
        Assert.Contains(await FailoverEventsAsync(), e => e.To == next && e.From == leader);
    }

    [Fact]
    public async Task AStaleToken_IsRefusedByTheFence_AndWritesNothing()
    {
        var nodes = await StartAsync("fence-a");
        var (_, token) = await SingleLeaderAsync(nodes);
        var fence = nodes[0].Factory.Services.GetRequiredService<LeaderFence>();
        var task = $"test-{Guid.NewGuid():N}";

        // The current token writes.
        Assert.Equal(1, await fence.RunAsync(task, token, "fence-a", Insert(task, "current"), CancellationToken.None));

        // A newer leader took over (as if this one froze past its lease): the old token is refused,
        // and its write is rolled back with the check.
        var newer = await fence.TakeOverAsync("another-node", Guid.NewGuid(), null, CancellationToken.None);
        Assert.True(newer > token);
        var refused = await Assert.ThrowsAsync<FencedOutException>(() => fence.RunAsync(task, token, "fence-a", Insert(task, "stale"), CancellationToken.None).AsTask());
        output.WriteLine(refused.Message);

        Assert.Equal(["current"], await MarksAsync(task));

        // The newer token writes.
        Assert.Equal(1, await fence.RunAsync(task, newer, "another-node", Insert(task, "newer"), CancellationToken.None));
        Assert.Equal(["current", "newer"], await MarksAsync(task));
    }

    [Fact]
    public async Task StepDown_OnAFollowerIs409WithTheLeader_OnTheLeaderHandsOver()
    {
        var nodes = await StartAsync("step-a", "step-b");
        var (leader, token) = await SingleLeaderAsync(nodes);
        var leaderNode = nodes.Single(n => NodeId(n) == leader);
        var follower = nodes.Single(n => n != leaderNode);

        using var refused = await StepDownAsync(follower);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var body = (await refused.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("not leader", (string?)body["error"]);
        Assert.Equal(leader, (string?)body["leaderId"]);

        using var unauthorized = await follower.Client.PostAsync("/api/leadership/step-down", null);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);

        using var stepped = await StepDownAsync(leaderNode);
        Assert.Equal(HttpStatusCode.OK, stepped.StatusCode);
        var (next, nextToken) = await SingleLeaderAsync(nodes, TimeSpan.FromSeconds(5));
        Assert.Equal(NodeId(follower), next);
        Assert.True(nextToken > token);
    }

    private async Task<List<ReadyNode>> StartAsync(params string[] ids)
    {
        var started = await Task.WhenAll(ids.Select(id => ReadyNode.StartAsync(infra, id, _isolated)));
        _nodes.AddRange(started);
        return [.. started];
    }

    private async Task<HttpResponseMessage> StepDownAsync(ReadyNode node)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/leadership/step-down");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", infra.OperatorToken);
        return await node.Client.SendAsync(request);
    }

    private static string NodeId(ReadyNode node) => node.Factory.Services.GetRequiredService<ILeadershipState>().NodeId;

    private static async Task<JsonObject[]> ViewsAsync(IEnumerable<ReadyNode> nodes) =>
        await Task.WhenAll(nodes.Select(async n => (await n.Client.GetFromJsonAsync<JsonObject>("/health/leadership"))!));

    private static async Task<(string Leader, long Token)> SingleLeaderAsync(IReadOnlyList<ReadyNode> nodes, TimeSpan? within = null, TimeSpan? every = null)
    {
        JsonObject[] views = [];
        await Eventually.HoldsAsync(
            "exactly one leader",
            async () =>
            {
                views = await ViewsAsync(nodes);
                var leaders = views.Count(v => (bool)v["isLeader"]!);
                Assert.True(leaders <= 1, $"two leaders: {string.Join("; ", views.Select(v => v.ToJsonString()))}");
                return (leaders == 1, string.Join("; ", views.Select(v => v.ToJsonString())));
            },
            within ?? TimeSpan.FromSeconds(15),
            every ?? TimeSpan.FromMilliseconds(50));
        var leader = views.Single(v => (bool)v["isLeader"]!);
        return ((string)leader["nodeId"]!, (long)leader["fencingToken"]!);
    }

    private static Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, ValueTask<int>> Insert(string task, string mark) =>
        async (connection, transaction, ct) =>
        {
            await using var command = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS test_fence_marks (task text, mark text); INSERT INTO test_fence_marks VALUES (@task, @mark)", connection, transaction);
            command.Parameters.AddWithValue("task", task);
            command.Parameters.AddWithValue("mark", mark);
            return await command.ExecuteNonQueryAsync(ct);
        };

    private async Task<List<string>> MarksAsync(string task)
    {
        await using var connection = await _nodes[0].Factory.Services.GetRequiredService<PostgresDatabase>().DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT mark FROM test_fence_marks WHERE task = @task ORDER BY mark", connection);
        command.Parameters.AddWithValue("task", task);
        var marks = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            marks.Add(reader.GetString(0));
        }

        return marks;
    }

    private async Task<List<(string? From, string? To)>> FailoverEventsAsync()
    {
        await using var connection = await _nodes[0].Factory.Services.GetRequiredService<PostgresDatabase>().DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT from_value, to_value FROM failover_events WHERE component = 'leader'", connection);
        var events = new List<(string?, string?)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            events.Add((reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        }

        return events;
    }
}
