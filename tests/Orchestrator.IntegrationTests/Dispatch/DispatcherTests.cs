using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using RunnerHub.Contracts.Hub;
using RunnerHub.Orchestrator.IntegrationTests.GitHub;
using RunnerHub.Orchestrator.IntegrationTests.Runners;
using RunnerHub.Orchestrator.IntegrationTests.Webhooks;
using RunnerHub.Testing;

namespace RunnerHub.Orchestrator.IntegrationTests.Dispatch;

/// <summary>The dispatcher against test runners: late answers, and several queues one runner serves.</summary>
[Collection(InfrastructureGroup.Name)]
public sealed class DispatcherTests(InfrastructureFixture infra)
{
    [Fact]
    public async Task ARunnerServingSeveralQueues_TakesFromEachInTurn_NotOneQueueFirst()
    {
        await using var github = await SimulatorProcess.StartAsync();
        await using var node = await ReadyNode.StartAsync(infra, "turns-node", new Dictionary<string, string?>
        {
            ["Redis:KeyPrefix"] = $"t{Guid.NewGuid():N}:",
            ["GitHub:ApiBaseUrl"] = github.Url.ToString(),
        });
        var label = $"turns-{Guid.NewGuid():N}"[..16];
        var generic = $"""["self-hosted","{label}"]""";
        var gpu = $"""["self-hosted","{label}","gpu"]""";
        var jobs = new Dictionary<long, string>();
        foreach (var labels in new[] { generic, generic, generic, gpu, gpu, gpu })
        {
            var jobId = WebhookClient.NewJobId();
            jobs[jobId] = labels;
            using var accepted = await WebhookClient.SendAsync(node.Client, infra.WebhookSecret, "workflow_job", WebhookClient.Job("queued", jobId, labels));
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        // Two free slots, then none (no heartbeat ever frees them): one dispatch pass decides.
        await using var runner = await TestRunner.ConnectAsync(node, infra.OperatorToken, $"gpu-{label}", ["self-hosted", label, "gpu"]);
        var dispatched = new List<long>();
        runner.Hub.On<JobDispatch, DispatchAck>(nameof(IRunnerClient.Dispatch), d =>
        {
            lock (dispatched)
            {
                dispatched.Add(d.JobId);
            }

            return Task.FromResult(new DispatchAck(Started: true, Reason: null));
        });
        await runner.Hub.InvokeAsync<AnnounceAck>(nameof(IRunnerHub.Announce), new RunnerAnnouncement(2, 2, [], "test"));

        await Eventually.HoldsAsync(
            "two dispatches",
            () =>
            {
                lock (dispatched)
                {
                    return Task.FromResult((dispatched.Count >= 2, $"{dispatched.Count} dispatch(es)"));
                }
            },
            TimeSpan.FromSeconds(20));

        lock (dispatched)
        {
            Assert.Equal(2, dispatched.Count);
            Assert.Equal(new[] { generic, gpu }.Order(), dispatched.Select(id => jobs[id]).Order());
        }
    }

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
