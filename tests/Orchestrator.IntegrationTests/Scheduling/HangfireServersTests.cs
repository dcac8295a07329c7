using System.Net;
using System.Net.Http.Headers;
using RunnerHub.Testing;
using Xunit.Abstractions;

namespace RunnerHub.Orchestrator.IntegrationTests.Scheduling;

/// <summary>Which node serves which Hangfire queue, as Hangfire's own monitoring API lists its servers.</summary>
[Collection(InfrastructureGroup.Name)]
public sealed class HangfireServersTests(InfrastructureFixture infra, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly SchedulingNodes _cluster = new(infra);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _cluster.StopAllAsync();

    [Fact]
    public async Task OnlyTheLeader_ServesTheLeaderQueue_AndAfterAStepDownTheNewLeaderDoes()
    {
        var nodes = await _cluster.StartAsync(2);
        var (leader, _) = await SchedulingNodes.LeaderAsync(nodes);
        var follower = nodes.Single(n => n != leader);
        var leaderId = SchedulingNodes.NodeId(leader);
        var followerId = SchedulingNodes.NodeId(follower);

        await ServedAsync(nodes, "the leader to serve default and leader, the follower default only", leaderId, followerId);

        // It stays that way while leadership does not move.
        for (var i = 0; i < 10; i++)
        {
            var queues = await SchedulingNodes.QueuesByNodeAsync(nodes);
            Assert.True(queues[leaderId].SequenceEqual(["default", "leader"]) && queues[followerId].SequenceEqual(["default"]), SchedulingNodes.Describe(queues));
            await Task.Delay(100);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/leadership/step-down");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", infra.OperatorToken);
        using var stepped = await leader.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, stepped.StatusCode);

        var (next, _) = await SchedulingNodes.LeaderAsync(nodes, TimeSpan.FromSeconds(10));
        Assert.Equal(followerId, SchedulingNodes.NodeId(next));
        var took = await ServedAsync(nodes, "the new leader to take the leader queue and the old one to let it go", followerId, leaderId);
        output.WriteLine($"leader queue moved from {leaderId} to {followerId} within {took.TotalMilliseconds:0} ms of the new leader being seen");
    }

    private static Task<TimeSpan> ServedAsync(IReadOnlyList<ReadyNode> nodes, string what, string leaderId, string followerId) =>
        Eventually.HoldsAsync(
            what,
            async () =>
            {
                var queues = await SchedulingNodes.QueuesByNodeAsync(nodes);
                return (queues[leaderId].SequenceEqual(["default", "leader"]) && queues[followerId].SequenceEqual(["default"]), SchedulingNodes.Describe(queues));
            },
            TimeSpan.FromSeconds(30),
            TimeSpan.FromMilliseconds(200));
}
