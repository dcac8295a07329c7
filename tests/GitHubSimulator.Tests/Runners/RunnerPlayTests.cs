using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace RunnerHub.GitHubSimulator.Tests.Runners;

public sealed class RunnerPlayTests
{
    [Fact]
    public async Task Runner_TakesAMatchingJob_CaseInsensitively_SendsInProgressThenCompleted()
    {
        await using var host = await SimulatorHost.StartAsync();
        var jobId = (long)(await host.PostJobsAsync(new { count = 1, durationMs = 800, labelSets = new[] { new[] { "self-hosted", "linux", "x64" } } }))["jobIds"]![0]!;
        await host.SettledSummaryAsync(1);
        var (runner, jit) = await host.RegisterRunnerAsync("runner-1", ["Self-Hosted", "LINUX", "x64", "gpu"]);

        var run = host.RunRunnerAsync(jit);
        var during = await Poll.UntilAsync("the job in progress", host.SummaryAsync, s => (int)s["inProgress"]! == 1, describe: s => s.ToJsonString());
        Assert.Equal(0, (int)during["queued"]!);
        using var response = await run;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(jobId, (long?)result["jobId"]);
        Assert.Equal("success", (string?)result["conclusion"]);

        var received = await Poll.UntilAsync("queued, in_progress, completed", () => host.Receiver.Received, r => r.Count >= 3);
        Assert.Equal(["queued", "in_progress", "completed"], received.Select(w => w.Action));
        Assert.All(received, w => Assert.Equal(jobId, w.JobId));
        var inProgress = received[1].Json["workflow_job"]!;
        Assert.Equal("runner-1", (string?)inProgress["runner_name"]);
        Assert.Equal((long)runner["id"]!, (long)inProgress["runner_id"]!);
        Assert.Equal("in_progress", (string?)inProgress["status"]);
        var completed = received[2].Json["workflow_job"]!;
        Assert.Equal("success", (string?)completed["conclusion"]);
        Assert.Equal("runner-1", (string?)completed["runner_name"]);
        Assert.NotNull(completed["completed_at"]);

        var after = await host.SummaryAsync();
        Assert.Equal((1, 0, 0), ((int)after["completed"]!, (int)after["inProgress"]!, (int)after["queued"]!));
        Assert.Equal(1, (int)after["perLabelSet"]!["linux,self-hosted,x64"]!["completed"]!);
        var job = await host.Api.GetFromJsonAsync<JsonObject>($"/repos/octo-org/octo-repo/actions/jobs/{jobId}");
        Assert.Equal(("completed", "runner-1"), ((string?)job!["status"], (string?)job["runner_name"]));
    }

    [Fact]
    public async Task Runner_NeverTakesAJobWithALabelItLacks()
    {
        await using var host = await SimulatorHost.StartAsync();
        await host.PostJobsAsync(new { count = 1, labelSets = new[] { new[] { "self-hosted", "gpu" } } });
        await host.SettledSummaryAsync(1);
        var (runner, jit) = await host.RegisterRunnerAsync("runner-1", ["self-hosted", "linux", "x64"]);

        using var response = await host.RunRunnerAsync(jit, waitMs: 300);

        var result = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Null(result["jobId"]);
        Assert.Equal(1, (int)(await host.SummaryAsync())["queued"]!);
        // A runner that got no job stays registered, offline, until deleted.
        var listed = await host.Api.GetFromJsonAsync<JsonObject>($"/repos/octo-org/octo-repo/actions/runners/{(long)runner["id"]!}");
        Assert.Equal("offline", (string?)listed!["status"]);
    }

    [Fact]
    public async Task Runner_TakesTheOldestJobItCanRun_NotTheOneItWasMadeFor()
    {
        await using var host = await SimulatorHost.StartAsync();
        var older = (long)(await host.PostJobsAsync(new { count = 1, durationMs = 0, labelSets = new[] { new[] { "self-hosted", "linux" } } }))["jobIds"]![0]!;
        await host.SettledSummaryAsync(1);
        var newer = (long)(await host.PostJobsAsync(new { count = 1, durationMs = 0, labelSets = new[] { new[] { "self-hosted", "linux", "x64" } } }))["jobIds"]![0]!;
        await host.SettledSummaryAsync(2);
        var (_, first) = await host.RegisterRunnerAsync("made-for-newer", ["self-hosted", "linux", "x64"]);
        var (_, second) = await host.RegisterRunnerAsync("second", ["self-hosted", "linux", "x64"]);

        Assert.Equal(older, await RanJobAsync(host, first));
        Assert.Equal(newer, await RanJobAsync(host, second));
    }

    [Fact]
    public async Task Runner_WaitingForAJob_TakesOneQueuedLater()
    {
        await using var host = await SimulatorHost.StartAsync();
        var (_, jit) = await host.RegisterRunnerAsync("early", ["self-hosted", "linux", "x64"]);
        var run = host.RunRunnerAsync(jit, waitMs: 10_000);
        await Poll.UntilAsync("the runner online", () => host.Api.GetFromJsonAsync<JsonObject>("/repos/octo-org/octo-repo/actions/runners"),
            l => (string?)l!["runners"]![0]!["status"] == "online");

        var jobId = (long)(await host.PostJobsAsync(new { count = 1, durationMs = 0 }))["jobIds"]![0]!;

        using var response = await run;
        Assert.Equal(jobId, (long?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["jobId"]);
    }

    [Fact]
    public async Task Runner_WaitingForAJob_EndsWithoutOne_WhenTheStateIsReset_AndTakesNoJobQueuedAfter()
    {
        await using var host = await SimulatorHost.StartAsync();
        var (_, jit) = await host.RegisterRunnerAsync("stale", ["self-hosted", "linux", "x64"]);
        var run = host.RunRunnerAsync(jit, waitMs: 60_000);
        await Poll.UntilAsync("the runner online", () => host.Api.GetFromJsonAsync<JsonObject>("/repos/octo-org/octo-repo/actions/runners"),
            l => (string?)l!["runners"]![0]!["status"] == "online");

        using (var reset = await host.Client.DeleteAsync("/_simulator/state"))
        {
            reset.EnsureSuccessStatusCode();
        }

        // Within seconds, not the minute it was told to wait.
        using var response = await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null((long?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["jobId"]);
        await host.PostJobsAsync(new { count = 1, durationMs = 0 });
        var summary = await host.SettledSummaryAsync(1);
        Assert.Equal(1, (int)summary["queued"]!);
    }

    [Fact]
    public async Task TwoRunners_OneJob_OnlyOneGetsIt()
    {
        await using var host = await SimulatorHost.StartAsync();
        await host.PostJobsAsync(new { count = 1, durationMs = 0 });
        await host.SettledSummaryAsync(1);
        var (_, a) = await host.RegisterRunnerAsync("a", ["self-hosted", "linux", "x64"]);
        var (_, b) = await host.RegisterRunnerAsync("b", ["self-hosted", "linux", "x64"]);

        var results = await Task.WhenAll(RanJobAsync(host, a, waitMs: 500), RanJobAsync(host, b, waitMs: 500));

        Assert.Single(results, r => r is not null);
    }

    [Fact]
    public async Task OrganizationRunner_TakesJobsOfItsOrganizationOnly_RepositoryRunnerOfItsRepositoryOnly()
    {
        await using var host = await SimulatorHost.StartAsync();
        var batch = await host.PostJobsAsync(new { count = 2, durationMs = 0, repositories = new[] { "other-org/app", "octo-org/app" } });
        await host.SettledSummaryAsync(2);
        var octoJob = (long)batch["jobIds"]![1]!;
        var (_, repositoryRunner) = await host.RegisterRunnerAsync("repo-runner", ["self-hosted", "linux", "x64"], "repos/octo-org/octo-repo");
        var (_, orgRunner) = await host.RegisterRunnerAsync("org-runner", ["self-hosted", "linux", "x64"], "orgs/octo-org");

        Assert.Null(await RanJobAsync(host, repositoryRunner, waitMs: 200));
        Assert.Equal(octoJob, await RanJobAsync(host, orgRunner));
    }

    [Fact]
    public async Task JitConfig_StartsOneRunnerOnce()
    {
        await using var host = await SimulatorHost.StartAsync();
        await host.PostJobsAsync(new { count = 1, durationMs = 0 });
        var (_, jit) = await host.RegisterRunnerAsync("once", ["self-hosted", "linux", "x64"]);
        Assert.NotNull(await RanJobAsync(host, jit));

        using var again = await host.RunRunnerAsync(jit, waitMs: 0);

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task UnknownOrMalformedJitConfig_IsRefused()
    {
        await using var host = await SimulatorHost.StartAsync();
        var (runner, jit) = await host.RegisterRunnerAsync("gone", ["self-hosted"]);
        using var deleted = await host.Api.DeleteAsync($"/repos/octo-org/octo-repo/actions/runners/{(long)runner["id"]!}");

        using var unknown = await host.RunRunnerAsync(jit, waitMs: 0);
        using var malformed = await host.RunRunnerAsync("bm90IGEgaml0IGNvbmZpZw==", waitMs: 0);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    [Fact]
    public async Task RunnerNeverGetsJobFault_LeavesMatchingJobsQueued()
    {
        await using var host = await SimulatorHost.StartAsync();
        await host.PostJobsAsync(new { count = 1 });
        await host.SettledSummaryAsync(1);
        await host.PutFaultsAsync(new { runnerNeverGetsJob = true });
        var (_, jit) = await host.RegisterRunnerAsync("starved", ["self-hosted", "linux", "x64"]);

        Assert.Null(await RanJobAsync(host, jit, waitMs: 300));
        Assert.Equal(1, (int)(await host.SummaryAsync())["queued"]!);
    }

    [Fact]
    public async Task RunnerKilledWhileBooting_TakesNoJob_AndTheJobStaysQueuedForAnother()
    {
        await using var host = await SimulatorHost.StartAsync();
        var jobId = (long)(await host.PostJobsAsync(new { count = 1 }))["jobIds"]![0]!;
        await host.SettledSummaryAsync(1);
        await host.PutFaultsAsync(new { runnerStartMs = 60_000 });
        var (_, doomed) = await host.RegisterRunnerAsync("doomed", ["self-hosted", "linux", "x64"]);
        using var kill = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.RunRunnerAsync(doomed, cancellationToken: kill.Token));
        Assert.Equal(1, (int)(await host.SummaryAsync())["queued"]!);

        await host.PutFaultsAsync(new { runnerStartMs = 100 });
        var (_, next) = await host.RegisterRunnerAsync("next", ["self-hosted", "linux", "x64"]);
        Assert.Equal(jobId, await RanJobAsync(host, next));
    }

    [Fact]
    public async Task RunnerGoneMidJob_FailsTheJob()
    {
        await using var host = await SimulatorHost.StartAsync();
        var jobId = (long)(await host.PostJobsAsync(new { count = 1, durationMs = 30_000 }))["jobIds"]![0]!;
        var (_, jit) = await host.RegisterRunnerAsync("doomed", ["self-hosted", "linux", "x64"]);
        using var kill = new CancellationTokenSource();

        var run = host.RunRunnerAsync(jit, cancellationToken: kill.Token);
        await Poll.UntilAsync("the job in progress", host.SummaryAsync, s => (int)s["inProgress"]! == 1);
        await kill.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        var completed = await Poll.UntilAsync("the completed webhook", () => host.Receiver.Received, r => r.Any(w => w.Action == "completed"));
        Assert.Equal("failure", (string?)completed.Single(w => w.Action == "completed").Json["workflow_job"]!["conclusion"]);
        var job = await host.Client.GetFromJsonAsync<JsonObject>($"/jobs/{jobId}");
        Assert.Equal(("completed", "failure"), ((string?)job!["status"], (string?)job["conclusion"]));
    }

    private static async Task<long?> RanJobAsync(SimulatorHost host, string jit, int waitMs = 5000)
    {
        using var response = await host.RunRunnerAsync(jit, waitMs);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (long?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["jobId"];
    }
}
