using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using RunnerHub.GitHubSimulator.Payloads;

namespace RunnerHub.GitHubSimulator.Tests.Webhooks;

public sealed class WebhookDeliveryTests
{
    [Fact]
    public async Task QueuedWebhook_IsSignedAndShapedLikeGitHub()
    {
        await using var host = await SimulatorHost.StartAsync();
        var batch = await host.PostJobsAsync(new { count = 1, labelSets = new[] { new[] { "self-hosted", "Linux", "X64" } }, repositories = new[] { "acme/widgets" } });
        var jobId = (long)batch["jobIds"]![0]!;

        var webhook = (await Poll.UntilAsync("one webhook", () => host.Receiver.Received, r => r.Count >= 1)).Single();

        Assert.True(Signatures.Verifies(webhook), "X-Hub-Signature-256 must be the HMAC-SHA256 of the exact body with the secret");
        Assert.False(Signatures.Verifies(webhook, "another secret"));
        Assert.StartsWith("sha1=", webhook.Headers["X-Hub-Signature"], StringComparison.Ordinal);
        Assert.Equal("workflow_job", webhook.Event);
        Assert.True(Guid.TryParse(webhook.DeliveryId, out _), $"X-GitHub-Delivery '{webhook.DeliveryId}' is not a GUID");
        Assert.StartsWith("GitHub-Hookshot/", webhook.Headers["User-Agent"], StringComparison.Ordinal);
        Assert.Equal("application/json", webhook.Headers["Content-Type"]);

        var job = webhook.Json["workflow_job"]!;
        Assert.Equal("queued", webhook.Action);
        Assert.Equal(jobId, webhook.JobId);
        Assert.Equal("queued", (string?)job["status"]);
        Assert.Null(job["conclusion"]);
        Assert.Null(job["runner_name"]);
        Assert.Null(job["runner_id"]);
        Assert.Equal(["self-hosted", "Linux", "X64"], webhook.Labels);
        Assert.Equal(1, (int)job["run_attempt"]!);
        Assert.Equal("acme/widgets", (string?)webhook.Json["repository"]!["full_name"]);
        Assert.Equal("acme", (string?)webhook.Json["repository"]!["owner"]!["login"]);
        Assert.Equal("acme", (string?)webhook.Json["organization"]!["login"]);
        Assert.Equal(1, (long)webhook.Json["installation"]!["id"]!);
        Assert.Equal($"https://api.github.com/repos/acme/widgets/actions/jobs/{jobId}", (string?)job["url"]);

        // Every field of the real octokit example is there, in its order.
        var templateKeys = new PayloadTemplates().Queued["workflow_job"]!.AsObject().Select(p => p.Key);
        Assert.Equal(templateKeys, job.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task PostJobs_AlternatesLabelSetsAndRepositories_WithUniqueIds()
    {
        await using var host = await SimulatorHost.StartAsync();
        string[][] labelSets = [["self-hosted", "linux", "x64"], ["self-hosted", "gpu"]];
        var batch = await host.PostJobsAsync(new { count = 6, labelSets, repositories = new[] { "octo-org/a", "octo-org/b", "octo-org/c" } });
        var jobIds = batch["jobIds"]!.AsArray().Select(n => (long)n!).ToArray();
        Assert.Equal(6, jobIds.Distinct().Count());

        var received = await Poll.UntilAsync("six queued webhooks", () => host.Receiver.Received, r => r.Count >= 6);

        var byJob = received.OrderBy(w => w.JobId).ToArray();
        Assert.Equal(jobIds, byJob.Select(w => w.JobId!.Value));
        for (var i = 0; i < byJob.Length; i++)
        {
            Assert.Equal("queued", byJob[i].Action);
            Assert.Equal(labelSets[i % 2], byJob[i].Labels);
            Assert.Equal($"octo-org/{"abc"[i % 3]}", (string?)byJob[i].Json["repository"]!["full_name"]);
        }

        Assert.Equal(6, received.Select(w => w.DeliveryId).Distinct().Count());
        Assert.Equal(6, received.Select(w => (long)w.Json["workflow_job"]!["run_id"]!).Distinct().Count());
        Assert.All(received, w => Assert.True(Signatures.Verifies(w)));
    }

    [Fact]
    public async Task FailedDelivery_IsRecordedWithItsStatus_AndNeverRetried()
    {
        await using var host = await SimulatorHost.StartAsync();
        host.Receiver.Respond = _ => 500;
        var batch = await host.PostJobsAsync(new { count = 2 });

        var summary = await host.SettledSummaryAsync(2);

        Assert.Equal(2, (int)summary["failed"]!);
        Assert.Equal(0, (int)summary["delivered"]!);
        Assert.Equal(2, (int)summary["deliveries"]!["sent"]!);
        Assert.Equal(2, (int)summary["deliveries"]!["failed"]!);
        Assert.Equal(2, (int)summary["deliveries"]!["byStatus"]!["500"]!);
        // Settled means every planned request is done: there is no retry to come.
        Assert.Equal(2, host.Receiver.Received.Count);

        var job = await host.Client.GetFromJsonAsync<JsonObject>($"/jobs/{(long)batch["jobIds"]![0]!}");
        Assert.Equal("failed", (string?)job!["queuedDelivery"]);
        var attempt = job["deliveries"]![0]!["attempts"]!.AsArray().Single()!;
        Assert.Equal(500, (int)attempt["statusCode"]!);
    }

    [Fact]
    public async Task UnreachableReceiver_CountsAsFailed_WithoutAStatus()
    {
        await using var host = await SimulatorHost.StartAsync(new Dictionary<string, string?> { ["Simulator:WebhookUrl"] = "http://127.0.0.1:1/hook" });
        await host.PostJobsAsync(new { count = 1 });

        var summary = await host.SettledSummaryAsync(1);

        Assert.Equal(1, (int)summary["failed"]!);
        Assert.Equal(1, (int)summary["deliveries"]!["byStatus"]!["error"]!);
    }

    [Fact]
    public async Task Ping_SendsASignedPingEvent()
    {
        await using var host = await SimulatorHost.StartAsync();
        using var response = await host.Client.PostAsync("/ping", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var deliveryId = (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["deliveryId"];

        var ping = (await Poll.UntilAsync("the ping", () => host.Receiver.Received, r => r.Count >= 1)).Single();

        Assert.Equal("ping", ping.Event);
        Assert.Equal(deliveryId, ping.DeliveryId);
        Assert.True(Signatures.Verifies(ping));
        Assert.Equal(host.Receiver.Url.ToString(), (string?)ping.Json["hook"]!["config"]!["url"]);
        Assert.False(string.IsNullOrEmpty((string?)ping.Json["zen"]));
        var delivery = await Poll.UntilAsync("the ping recorded as delivered",
            async () => (await host.Client.GetFromJsonAsync<JsonObject>($"/deliveries/{deliveryId}"))!,
            d => (string?)d["state"] == "delivered");
        Assert.Equal(202, (int)delivery["attempts"]![0]!["statusCode"]!);
    }
}
