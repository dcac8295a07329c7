using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using RunnerHub.Contracts.Hub;
using RunnerHub.Orchestrator.IntegrationTests.GitHub;
using RunnerHub.Orchestrator.IntegrationTests.Runners;
using RunnerHub.Orchestrator.IntegrationTests.Webhooks;
using RunnerHub.Testing;

namespace RunnerHub.Orchestrator.IntegrationTests.Dispatch;

/// <summary>The dispatcher against a runner that answers too late: the JIT runner name it may have started is never reused.</summary>
[Collection(InfrastructureGroup.Name)]
public sealed class DispatcherTests(InfrastructureFixture infra)
{
    [Fact]
    public async Task ADispatchNotAcknowledgedInTime_SpendsItsAttempt_SoTheNextOneHasANewRunnerName()
    {
        await using var github = await SimulatorProcess.StartAsync();
        await using var node = await ReadyNode.StartAsync(infra, "ack-node", new Dictionary<string, string?>
        {
            ["Redis:KeyPrefix"] = $"t{Guid.NewGuid():N}:",
            ["GitHub:ApiBaseUrl"] = github.Url.ToString(),
            ["Dispatch:AckTimeout"] = "00:00:00.500",
        });
        var label = $"ack-{Guid.NewGuid():N}"[..16];
        await using var runner = await TestRunner.ConnectAsync(node, infra.OperatorToken, $"late-{label}", ["self-hosted", label]);
        var dispatches = new List<JobDispatch>();
        // Answers every dispatch, but only after the orchestrator stopped waiting.
        runner.Hub.On<JobDispatch, DispatchAck>(nameof(IRunnerClient.Dispatch), async d =>
        {
            lock (dispatches)
            {
                dispatches.Add(d);
            }

            await Task.Delay(1500);
            return new DispatchAck(Started: true, Reason: null);
        });
        await runner.Hub.InvokeAsync<AnnounceAck>(nameof(IRunnerHub.Announce), new RunnerAnnouncement(1, 1, [], "test"));

        var jobId = WebhookClient.NewJobId();
        using (var accepted = await WebhookClient.SendAsync(node.Client, infra.WebhookSecret, "workflow_job", WebhookClient.Job("queued", jobId, $"""["self-hosted","{label}"]""")))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        await Eventually.HoldsAsync(
            "a second dispatch of the job",
            () =>
            {
                lock (dispatches)
                {
                    return Task.FromResult((dispatches.Count(d => d.JobId == jobId) >= 2, $"{dispatches.Count} dispatch(es)"));
                }
            },
            TimeSpan.FromSeconds(20));

        List<JobDispatch> seen;
        lock (dispatches)
        {
            seen = [.. dispatches.Where(d => d.JobId == jobId).Take(2)];
        }

        Assert.Equal([1, 2], seen.Select(d => d.Attempt));
        Assert.Equal([$"rh-{jobId}-1", $"rh-{jobId}-2"], seen.Select(d => d.RunnerName));
    }
}
