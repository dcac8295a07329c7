using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace RunnerHub.GitHubSimulator.Tests.Summary;

public sealed class SummaryTests
{
    [Fact]
    public async Task Summary_CountsPerNormalisedLabelSet_AndPerRepository()
    {
        await using var host = await SimulatorHost.StartAsync();
        await host.PostJobsAsync(new
        {
            count = 5,
            labelSets = new[] { new[] { "Self-Hosted", "Linux", "X64" }, new[] { "gpu", "self-hosted" } },
            repositories = new[] { "octo-org/a", "octo-org/b" },
        });

        var summary = await host.SettledSummaryAsync(5);

        Assert.Equal((5, 5, 5), ((int)summary["created"]!, (int)summary["delivered"]!, (int)summary["queued"]!));
        var perLabelSet = summary["perLabelSet"]!.AsObject();
        Assert.Equal(["gpu,self-hosted", "linux,self-hosted,x64"], perLabelSet.Select(p => p.Key));
        Assert.Equal((3, 3), ((int)perLabelSet["linux,self-hosted,x64"]!["created"]!, (int)perLabelSet["linux,self-hosted,x64"]!["delivered"]!));
        Assert.Equal((2, 2), ((int)perLabelSet["gpu,self-hosted"]!["created"]!, (int)perLabelSet["gpu,self-hosted"]!["queued"]!));
        Assert.Equal(3, (int)summary["perRepository"]!["octo-org/a"]!["created"]!);
        Assert.Equal(5, (int)summary["deliveries"]!["byStatus"]!["202"]!);
        Assert.Equal(5, (int)summary["deliveries"]!["byEvent"]!["workflow_job.queued"]!["delivered"]!);
        Assert.Equal((5, 5), ((int)summary["deliveries"]!["sent"]!, (int)summary["deliveries"]!["answered2xx"]!));
    }

    [Fact]
    public async Task DeleteState_ForgetsEverything_ButNeverReusesAnId()
    {
        await using var host = await SimulatorHost.StartAsync();
        var before = (long)(await host.PostJobsAsync(new { count = 2 }))["lastJobId"]!;
        await host.SettledSummaryAsync(2);
        var (_, jit) = await host.RegisterRunnerAsync("r", ["self-hosted"]);
        await host.PutFaultsAsync(new { delayMs = 10 });

        using var reset = await host.Client.DeleteAsync("/_simulator/state");

        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        var summary = await host.SummaryAsync();
        Assert.Equal((0, 0, 0), ((int)summary["created"]!, (int)summary["deliveries"]!["created"]!, (int)summary["registeredRunners"]!));
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync($"/jobs/{before}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.RunRunnerAsync(jit, waitMs: 0)).StatusCode);
        Assert.Equal(0, (int)(await host.Client.GetFromJsonAsync<JsonObject>("/_simulator/faults"))!["delayMs"]!);
        Assert.True((long)(await host.PostJobsAsync(new { count = 1 }))["firstJobId"]! > before);
    }

    [Fact]
    public async Task Summary_CountsJobsWithTwoRunnersWaitingForThemAtOnce_NotARunnerThatTookAnotherJob()
    {
        await using var host = await SimulatorHost.StartAsync();
        string[] idle = ["self-hosted", "no-such-job"];
        var (_, firstOf42) = await host.RegisterRunnerAsync("rh-42-1", idle);
        var (_, secondOf42) = await host.RegisterRunnerAsync("rh-42-2", idle);
        var (_, onlyOf43) = await host.RegisterRunnerAsync("rh-43-1", idle);
        var (_, firstOf44) = await host.RegisterRunnerAsync("rh-44-1", ["self-hosted", "linux", "x64"]);
        var (_, secondOf44) = await host.RegisterRunnerAsync("rh-44-2", idle);
        await host.PostJobsAsync(new { count = 1, durationMs = 5_000 });
        await host.SettledSummaryAsync(1);

        // rh-44-1 takes the queued job (busy): rh-44-2 starting later is not a second dispatch of 44.
        var busy = host.RunRunnerAsync(firstOf44, waitMs: 5_000);
        await Poll.UntilAsync("the job in progress", host.SummaryAsync, s => (int)s["inProgress"]! == 1);
        var waiting = host.RunRunnerAsync(firstOf42, waitMs: 5_000);
        await Poll.UntilAsync("rh-42-1 online", () => host.Api.GetFromJsonAsync<JsonObject>("/repos/octo-org/octo-repo/actions/runners"),
            l => l!["runners"]!.AsArray().Any(r => (string?)r!["name"] == "rh-42-1" && (string?)r["status"] == "online"));
        using var second = await host.RunRunnerAsync(secondOf42, waitMs: 0);
        using var other = await host.RunRunnerAsync(onlyOf43, waitMs: 0);
        using var afterBusy = await host.RunRunnerAsync(secondOf44, waitMs: 0);

        var summary = await host.SummaryAsync();
        Assert.Equal(1, (int)summary["dispatchedTwiceAtOnce"]!);
        Assert.Equal(["rh-42"], summary["dispatchedTwiceAtOnceJobs"]!.AsArray().Select(n => (string?)n));
        (await waiting).Dispose();
        (await busy).Dispose();
    }
}
