using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR.Client;
using RunnerHub.Contracts;
using RunnerHub.Contracts.Hub;
using RunnerHub.Orchestrator.IntegrationTests.GitHub;
using RunnerHub.Orchestrator.IntegrationTests.Runners;
using RunnerHub.Orchestrator.IntegrationTests.Webhooks;
using RunnerHub.Testing;
using Xunit.Abstractions;

namespace RunnerHub.Orchestrator.IntegrationTests.Monitoring;

/// <summary>
/// <c>/metrics</c> of a real node after a job went through it: the series the alert rules and the
/// dashboard are written against, with the label values they filter on.
/// </summary>
[Collection(InfrastructureGroup.Name)]
public sealed partial class MetricsEndpointTests(InfrastructureFixture infra, ITestOutputHelper output)
{
    private static readonly string[] DispatchSteps = ["claim", "jit_config", "runner", "record"];

    [Fact]
    public async Task Metrics_ShowTheJobFlow_ByLabelSet_ToAnOperatorToken()
    {
        await using var github = await SimulatorProcess.StartAsync();
        await using var node = await ReadyNode.StartAsync(infra, "metrics-node", new Dictionary<string, string?>
        {
            ["Redis:KeyPrefix"] = $"t{Guid.NewGuid():N}:",
            ["GitHub:ApiBaseUrl"] = github.Url.ToString(),
            // The test runner sends no heartbeats: it must not go offline (its job back to the queue) meanwhile.
            ["Runners:OfflineAfter"] = "00:05:00",
        });
        var label = $"metrics-{Guid.NewGuid():N}"[..20];
        var served = LabelSet.Parse($"self-hosted,{label}").ToString();
        var unserved = LabelSet.Parse($"self-hosted,{label},gpu").ToString();

        // A job a runner will take, the same delivery again, a job no runner can take, a ping.
        var jobId = WebhookClient.NewJobId();
        var delivery = Guid.NewGuid().ToString();
        var body = WebhookClient.Job("queued", jobId, $"""["self-hosted","{label}"]""");
        for (var i = 0; i < 2; i++)
        {
            using var answer = await WebhookClient.SendAsync(node.Client, infra.WebhookSecret, "workflow_job", body, delivery);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        using (var answer = await WebhookClient.SendAsync(node.Client, infra.WebhookSecret, "workflow_job", WebhookClient.Job("queued", WebhookClient.NewJobId(), $"""["self-hosted","{label}","gpu"]""")))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        using (var answer = await WebhookClient.SendAsync(node.Client, infra.WebhookSecret, "ping", """{"zen":"Keep it logically awesome."}"""u8.ToArray()))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        await using var runner = await TestRunner.ConnectAsync(node, infra.OperatorToken, $"metrics-{label}", ["self-hosted", label]);
        var dispatched = new TaskCompletionSource<JobDispatch>(TaskCreationOptions.RunContinuationsAsynchronously);
        runner.Hub.On<JobDispatch, DispatchAck>(nameof(IRunnerClient.Dispatch), d =>
        {
            dispatched.TrySetResult(d);
            return Task.FromResult(new DispatchAck(Started: true, Reason: null));
        });
        await runner.Hub.InvokeAsync<AnnounceAck>(nameof(IRunnerHub.Announce), new RunnerAnnouncement(1, 1, [], "test"));
        var dispatch = await dispatched.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(jobId, dispatch.JobId);

        // GitHub runs it on the JIT runner for two minutes (by its own clock) and reports success.
        var started = new DateTimeOffset(2026, 11, 23, 10, 0, 10, TimeSpan.Zero);
        foreach (var (action, conclusion, completedAt) in new[] { ("in_progress", (string?)null, (DateTimeOffset?)null), ("completed", "success", started.AddMinutes(2)) })
        {
            using var answer = await WebhookClient.SendAsync(
                node.Client,
                infra.WebhookSecret,
                "workflow_job",
                WebhookClient.Job(action, jobId, $"""["self-hosted","{label}"]""", runner: dispatch.RunnerName, conclusion: conclusion, startedAt: started, completedAt: completedAt));
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        // The queue gauges are read from PostgreSQL every 10 s: wait for a read after the job
        // completed, when its label set has no unfinished job left and drops out of them.
        var text = "";
        await Eventually.HoldsAsync(
            "the queue depths after the job completed on /metrics",
            async () =>
            {
                // As Prometheus scrapes: an operator token as bearer (prometheus.yml's credentials_file).
                using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", infra.OperatorToken);
                using var response = await node.Client.SendAsync(request);
                text = await response.Content.ReadAsStringAsync();
                return (
                    response.StatusCode == HttpStatusCode.OK
                        && Value(text, "runnerhub_queue_depth", ("labels", unserved)) == 1
                        && Value(text, "runnerhub_queue_depth", ("labels", served)) is null,
                    $"{(int)response.StatusCode}: {Excerpt(text)}");
            },
            TimeSpan.FromSeconds(30),
            TimeSpan.FromMilliseconds(500));
        output.WriteLine(Excerpt(text));

        Assert.True(Value(text, "runnerhub_jobs_received_total", ("labels", served)) == 1, Excerpt(text));
        Assert.True(Value(text, "runnerhub_jobs_received_total", ("labels", unserved)) == 1, Excerpt(text));
        Assert.True(Value(text, "runnerhub_jobs_dispatched_total", ("labels", served)) == 1, Excerpt(text));
        Assert.True(Value(text, "runnerhub_job_queued_to_dispatched_seconds_count", ("labels", served)) == 1, Excerpt(text));
        Assert.True(Value(text, "runnerhub_job_queued_to_dispatched_seconds_bucket", ("labels", served), ("le", "+Inf")) == 1, Excerpt(text));
        Assert.True(Value(text, "runnerhub_job_queued_to_dispatched_seconds_bucket", ("labels", served), ("le", "0.01")) is not null, Excerpt(text));
        Assert.True(Value(text, "runnerhub_job_dispatched_to_started_seconds_count", ("labels", served)) == 1, Excerpt(text));
        // The one dispatch, step by step, on the node that made it.
        foreach (var step in DispatchSteps)
        {
            Assert.True(Value(text, "runnerhub_dispatch_step_seconds_count", ("step", step)) == 1, $"step {step}: {Excerpt(text)}");
            Assert.True(Value(text, "runnerhub_dispatch_step_seconds_sum", ("step", step)) > 0, $"step {step}: {Excerpt(text)}");
        }

        Assert.True(Value(text, "runnerhub_jobs_completed_total", ("labels", served), ("conclusion", "success")) == 1, Excerpt(text));
        Assert.True(Value(text, "runnerhub_job_started_to_completed_seconds_sum", ("labels", served)) == 120, Excerpt(text));
        Assert.True(Value(text, "runnerhub_queue_oldest_wait_seconds", ("labels", unserved)) > 0, Excerpt(text));
        Assert.True(Value(text, "runnerhub_webhook_deliveries_total", ("event", "workflow_job"), ("result", "accepted")) >= 4, Excerpt(text));
        Assert.True(Value(text, "runnerhub_webhook_deliveries_total", ("event", "workflow_job"), ("result", "duplicate")) >= 1, Excerpt(text));
        Assert.True(Value(text, "runnerhub_webhook_deliveries_total", ("event", "ping"), ("result", "accepted")) >= 1, Excerpt(text));
        Assert.True(Value(text, "runnerhub_github_api_calls_total", ("operation", "generate_jitconfig"), ("status", "201")) >= 1, Excerpt(text));
        Assert.True(Value(text, "runnerhub_github_rate_limit_remaining") > 0, Excerpt(text));
        // The runner never reported its slot free again (no heartbeat, no exit): still busy here.
        Assert.True(Value(text, "runnerhub_runners", ("status", "busy")) == 1, Excerpt(text));
        Assert.True(Value(text, "runnerhub_runner_slots", ("state", "used")) == 1, Excerpt(text));
    }

    /// <summary>
    /// The value of the one sample of <paramref name="name"/> whose labels include all of
    /// <paramref name="labels"/> (others, such as the exporter's scope labels, may be there too).
    /// </summary>
    private static double? Value(string text, string name, params (string Name, string Value)[] labels)
    {
        foreach (var line in text.Split('\n'))
        {
            var sample = Sample().Match(line);
            if (!sample.Success || sample.Groups["name"].Value != name)
            {
                continue;
            }

            var found = Label().Matches(sample.Groups["labels"].Value).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
            if (labels.All(l => found.TryGetValue(l.Name, out var v) && v == l.Value))
            {
                return double.Parse(sample.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    private static string Excerpt(string text) =>
        string.Join('\n', text.Split('\n').Where(l => l.StartsWith("runnerhub_", StringComparison.Ordinal) && !l.StartsWith("runnerhub_ha_", StringComparison.Ordinal)));

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>.*)\})?\s+(?<value>\S+)""")]
    private static partial Regex Sample();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}
