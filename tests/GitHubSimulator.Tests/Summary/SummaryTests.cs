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
}
