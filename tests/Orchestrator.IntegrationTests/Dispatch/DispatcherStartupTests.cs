using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RunnerHub.Contracts.Hub;
using RunnerHub.Orchestrator.IntegrationTests.GitHub;
using RunnerHub.Orchestrator.IntegrationTests.Runners;
using RunnerHub.Orchestrator.IntegrationTests.Webhooks;
using RunnerHub.Testing;
using StackExchange.Redis;

namespace RunnerHub.Orchestrator.IntegrationTests.Dispatch;

/// <summary>
/// A node that starts while the Redis master refuses writes, as a promoted master does until its
/// replica is back (NOREPLICAS, min-replicas-to-write): found by scripts/chaos, where every node
/// restarted during a Redis failover stopped its host, until none was left.
/// </summary>
[Collection(InfrastructureGroup.Name)]
public sealed class DispatcherStartupTests(InfrastructureFixture infra)
{
    [Fact]
    public async Task ANodeStartingWhileRedisRefusesWrites_KeepsRunning_AndDispatchesOnceWritesReturn()
    {
        await using var github = await SimulatorProcess.StartAsync();
        var master = await infra.RedisMasterAsync() ?? throw new InvalidOperationException("the Sentinels disagree on the master");
        await using var admin = await ConnectionMultiplexer.ConnectAsync($"{master},password={infra.RedisPassword},allowAdmin=true");
        var server = admin.GetServer(master);
        var label = $"startup-{Guid.NewGuid():N}"[..18];
        ReadyNode? node = null;
        try
        {
            // Two replicas required, one there: every write is refused with NOREPLICAS.
            server.ConfigSet("min-replicas-to-write", "2");
            node = await ReadyNode.StartAsync(infra, "startup-node", new Dictionary<string, string?>
            {
                ["Redis:KeyPrefix"] = $"t{Guid.NewGuid():N}:",
                ["GitHub:ApiBaseUrl"] = github.Url.ToString(),
                ["Dispatch:PollInterval"] = "00:00:00.200",
            });
            var lifetime = node.Factory.Services.GetRequiredService<IHostApplicationLifetime>();

            // The dispatcher has tried to start, and been refused, several times by now.
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.False(lifetime.ApplicationStopping.IsCancellationRequested, "the node stopped itself while Redis refused writes");
            using var live = await node.Client.GetAsync("/health/live");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        finally
        {
            server.ConfigSet("min-replicas-to-write", "1");
        }

        await using (node)
        {
            // Writes are back: a job is queued and dispatched to a runner of this node.
            var jobId = WebhookClient.NewJobId();
            var labels = $"""["self-hosted","{label}"]""";
            await Eventually.HoldsAsync(
                "the webhook to be accepted",
                async () =>
                {
                    using var accepted = await WebhookClient.SendAsync(node.Client, infra.WebhookSecret, "workflow_job", WebhookClient.Job("queued", jobId, labels));
                    return (accepted.StatusCode == HttpStatusCode.OK, $"HTTP {(int)accepted.StatusCode}");
                },
                TimeSpan.FromSeconds(20));
            await using var runner = await TestRunner.ConnectAsync(node, infra.OperatorToken, $"r-{label}", ["self-hosted", label]);
            var dispatched = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            runner.Hub.On<JobDispatch, DispatchAck>(nameof(IRunnerClient.Dispatch), d =>
            {
                dispatched.TrySetResult(d.JobId);
                return Task.FromResult(new DispatchAck(Started: true, Reason: null));
            });
            await runner.Hub.InvokeAsync<AnnounceAck>(nameof(IRunnerHub.Announce), new RunnerAnnouncement(1, 1, [], "test"));

            Assert.Equal(jobId, await dispatched.Task.WaitAsync(TimeSpan.FromSeconds(20)));
        }
    }
}
