using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace RunnerHub.GitHubSimulator.Tests.Faults;

public sealed class FaultTests
{
    [Fact]
    public async Task Duplicate_SendsTheSameDeliveryIdAndBodyTwice()
    {
        await using var host = await SimulatorHost.StartAsync();
        await host.PutFaultsAsync(new { duplicateRate = 1.0, seed = 1 });
        await host.PostJobsAsync(new { count = 2 });

        var received = await Poll.UntilAsync("four requests for two deliveries", () => host.Receiver.Received, r => r.Count >= 4);

        var groups = received.GroupBy(w => w.DeliveryId).ToArray();
        Assert.Equal(2, groups.Length);
        Assert.All(groups, g =>
        {
            var pair = g.ToArray();
            Assert.Equal(2, pair.Length);
            Assert.Equal(pair[0].Body, pair[1].Body);
            Assert.Equal(pair[0].Headers["X-Hub-Signature-256"], pair[1].Headers["X-Hub-Signature-256"]);
            Assert.True(Signatures.Verifies(pair[0]));
        });
        var summary = await host.SettledSummaryAsync(2);
        Assert.Equal(2, (int)summary["delivered"]!);
        Assert.Equal(2, (int)summary["deliveries"]!["created"]!);
        Assert.Equal(2, (int)summary["deliveries"]!["duplicated"]!);
        Assert.Equal(4, (int)summary["deliveries"]!["sent"]!);
    }

    [Fact]
    public async Task Drop_SendsNothing_ButCountsTheJobsAsCreated()
    {
        await using var host = await SimulatorHost.StartAsync();
        await host.PutFaultsAsync(new { dropRate = 1.0 });
        await host.PostJobsAsync(new { count = 5 });

        var summary = await host.SettledSummaryAsync(5);

        Assert.Equal(5, (int)summary["dropped"]!);
        Assert.Equal(5, (int)summary["queued"]!);
        Assert.Equal(0, (int)summary["delivered"]!);
        Assert.Equal(5, (int)summary["deliveries"]!["dropped"]!);
        Assert.Equal(0, (int)summary["deliveries"]!["sent"]!);
        Assert.Empty(host.Receiver.Received);
    }

    [Fact]
    public async Task Seed_MakesRandomDecisionsRepeatable()
    {
        await using var host = await SimulatorHost.StartAsync();

        async Task<long[]> DroppedPositionsAsync()
        {
            await host.Client.DeleteAsync("/_simulator/state");
            await host.PutFaultsAsync(new { dropRate = 0.5, seed = 42 });
            var first = (long)(await host.PostJobsAsync(new { count = 20 }))["firstJobId"]!;
            await host.SettledSummaryAsync(20);
            var positions = new List<long>();
            for (var id = first; id < first + 20; id++)
            {
                var job = await host.Client.GetFromJsonAsync<JsonObject>($"/jobs/{id}");
                if ((string?)job!["queuedDelivery"] == "dropped")
                {
                    positions.Add(id - first);
                }
            }

            return [.. positions];
        }

        var once = await DroppedPositionsAsync();
        var again = await DroppedPositionsAsync();

        Assert.InRange(once.Length, 1, 19);
        Assert.Equal(once, again);
    }

    [Fact]
    public async Task Delay_HoldsEachWebhookBack()
    {
        await using var host = await SimulatorHost.StartAsync();
        await host.PutFaultsAsync(new { delayMs = 400 });
        var posted = DateTimeOffset.UtcNow;
        await host.PostJobsAsync(new { count = 1 });

        var webhook = (await Poll.UntilAsync("the delayed webhook", () => host.Receiver.Received, r => r.Count >= 1)).Single();

        Assert.True(webhook.At - posted >= TimeSpan.FromMilliseconds(390), $"arrived {(webhook.At - posted).TotalMilliseconds:0} ms after the POST");
    }

    [Fact]
    public async Task Reorder_SendsABufferedGroupShuffled()
    {
        // One sender, so arrival order is the order the reorder stage chose.
        await using var host = await SimulatorHost.StartAsync(new Dictionary<string, string?> { ["Simulator:DeliveryConcurrency"] = "1" });
        await host.PutFaultsAsync(new { reorder = 6, seed = 7 });
        var batch = await host.PostJobsAsync(new { count = 6 });
        var created = batch["jobIds"]!.AsArray().Select(n => (long)n!).ToArray();

        var received = await Poll.UntilAsync("six webhooks", () => host.Receiver.Received, r => r.Count >= 6);

        var order = received.Select(w => w.JobId!.Value).ToArray();
        Assert.Equal(created.Order(), order.Order());
        Assert.NotEqual(created, order);
    }

    [Fact]
    public async Task ApiFailure_Answers502_AndDoesNothing()
    {
        await using var host = await SimulatorHost.StartAsync();
        await host.PutFaultsAsync(new { apiFailureRate = 1.0 });

        using var failed = await host.Api.PostAsJsonAsync("/repos/octo-org/octo-repo/actions/runners/generate-jitconfig", new { name = "r", runner_group_id = 1, labels = new[] { "self-hosted" } });
        Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);

        await host.Client.DeleteAsync("/_simulator/faults");
        await host.RegisterRunnerAsync("r", ["self-hosted"]);
    }

    [Fact]
    public async Task ApiLostReply_Answers502_ButTheWriteHappened()
    {
        await using var host = await SimulatorHost.StartAsync();
        await host.PutFaultsAsync(new { apiLostReplyRate = 1.0 });

        using var lost = await host.Api.PostAsJsonAsync("/repos/octo-org/octo-repo/actions/runners/generate-jitconfig", new { name = "r", runner_group_id = 1, labels = new[] { "self-hosted" } });
        Assert.Equal(HttpStatusCode.BadGateway, lost.StatusCode);

        await host.Client.DeleteAsync("/_simulator/faults");
        using var retry = await host.Api.PostAsJsonAsync("/repos/octo-org/octo-repo/actions/runners/generate-jitconfig", new { name = "r", runner_group_id = 1, labels = new[] { "self-hosted" } });
        Assert.Equal(HttpStatusCode.Conflict, retry.StatusCode);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(403)]
    public async Task RateLimited_AnswersWithRetryAfter(int status)
    {
        await using var host = await SimulatorHost.StartAsync();
        await host.PutFaultsAsync(new { rateLimited = true, rateLimitStatus = status, retryAfterSeconds = 7 });

        using var response = await host.Api.GetAsync("/repos/octo-org/octo-repo/installation");

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
        Assert.True(response.Headers.Contains("x-ratelimit-remaining"));
        Assert.Contains("secondary rate limit", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutFaults_Answers400_ListingEveryProblem_AndChangesNothing()
    {
        await using var host = await SimulatorHost.StartAsync();

        using var response = await host.Client.PutAsJsonAsync("/_simulator/faults", new { dropRate = 2.0, reorder = -1, rateLimitStatus = 500, runnerStartMs = -1, delayMs = 5 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.Equal(["dropRate", "rateLimitStatus", "reorder", "runnerStartMs"], errors.Select(e => e.Key).Order());
        var current = await host.Client.GetFromJsonAsync<JsonObject>("/_simulator/faults");
        Assert.Equal(0, (int)current!["delayMs"]!);
    }
}
