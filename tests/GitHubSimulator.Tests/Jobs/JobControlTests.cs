using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace RunnerHub.GitHubSimulator.Tests.Jobs;

public sealed class JobControlTests
{
    [Fact]
    public async Task PostJobs_Answers400_ListingEveryProblem()
    {
        await using var host = await SimulatorHost.StartAsync();

        using var response = await host.Client.PostAsJsonAsync("/jobs", new { count = 0, rate = -1, labelSets = new[] { Array.Empty<string>() }, repositories = new[] { "no-slash" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.Equal(["count", "labelSets", "rate", "repositories"], errors.Select(e => e.Key).Order());
        Assert.Equal(0, (int)(await host.SummaryAsync())["created"]!);
    }

    [Fact]
    public async Task WaitingJob_IsNotRunnable_UntilApproved()
    {
        await using var host = await SimulatorHost.StartAsync();
        var jobId = (long)(await host.PostJobsAsync(new { count = 1, waiting = true, durationMs = 0 }))["jobIds"]![0]!;
        var waiting = (await Poll.UntilAsync("the waiting webhook", () => host.Receiver.Received, r => r.Count >= 1)).Single();
        Assert.Equal(("waiting", "waiting"), (waiting.Action, (string?)waiting.Json["workflow_job"]!["status"]));
        var summary = await host.SummaryAsync();
        Assert.Equal((1, 1), ((int)summary["waiting"]!, (int)summary["pending"]!));
        var (_, early) = await host.RegisterRunnerAsync("early", ["self-hosted", "linux", "x64"]);
        using var none = await host.RunRunnerAsync(early, waitMs: 200);
        Assert.Null((await none.Content.ReadFromJsonAsync<JsonObject>())!["jobId"]);

        using var approved = await host.Client.PostAsync($"/jobs/{jobId}/approve", null);

        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        await Poll.UntilAsync("the queued webhook", () => host.Receiver.Received, r => r.Any(w => w.Action == "queued"));
        summary = await host.SettledSummaryAsync(1);
        Assert.Equal((1, 1), ((int)summary["queued"]!, (int)summary["delivered"]!));
        using var twice = await host.Client.PostAsync($"/jobs/{jobId}/approve", null);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
    }

    [Fact]
    public async Task CancelledJob_SendsCompletedCancelled_AndIsNeverTaken()
    {
        await using var host = await SimulatorHost.StartAsync();
        var jobId = (long)(await host.PostJobsAsync(new { count = 1 }))["jobIds"]![0]!;
        await host.SettledSummaryAsync(1);

        using var cancelled = await host.Client.PostAsync($"/jobs/{jobId}/cancel", null);

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        var completed = await Poll.UntilAsync("the completed webhook", () => host.Receiver.Received, r => r.Any(w => w.Action == "completed"));
        Assert.Equal("cancelled", (string?)completed.Single(w => w.Action == "completed").Json["workflow_job"]!["conclusion"]);
        var (_, jit) = await host.RegisterRunnerAsync("late", ["self-hosted", "linux", "x64"]);
        using var none = await host.RunRunnerAsync(jit, waitMs: 100);
        Assert.Null((await none.Content.ReadFromJsonAsync<JsonObject>())!["jobId"]);
    }

    [Fact]
    public async Task Batch_ReportsItsProgress()
    {
        await using var host = await SimulatorHost.StartAsync();
        var batch = await host.PostJobsAsync(new { count = 3, rate = 100 });

        var view = await Poll.UntilAsync("the batch finished",
            async () => (await host.Client.GetFromJsonAsync<JsonObject>($"/batches/{(long)batch["batchId"]!}"))!,
            b => (string?)b["state"] == "finished");

        Assert.Equal(3, (int)view["created"]!);
        Assert.Equal((long)batch["lastJobId"]!, (long)view["lastJobId"]!);
    }
}
