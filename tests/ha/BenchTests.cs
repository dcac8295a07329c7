using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace RunnerHub.HaTests;

/// <summary>
/// <c>scripts/bench --quick</c> on the running stack proves the harness works end to end: every
/// scenario and every anchor ratio lands in the JSON, and no anchor failed. No timing is asserted
/// (the figures depend on the machine and whatever else it runs).
/// </summary>
[Collection(BenchStackGroup.Name)]
public sealed class BenchTests(StackFixture stack, ITestOutputHelper output)
{
    private static readonly string[] Anchors = ["redis-list", "bullmq", "hangfire"];
    private static readonly string[] LatencyFigures = ["dispatch p50", "dispatch p99"];

    [Fact]
    public async Task QuickBench_WritesEveryScenarioAndEveryAnchorRatio()
    {
        var results = Path.Combine(stack.Stack.StateDirectory, "bench-quick.json");

        var (exitCode, printed) = await stack.Stack.RunToolAsync("scripts/bench", ["--quick", "--json-output", results], TimeSpan.FromMinutes(8));

        output.WriteLine(printed);
        Assert.True(exitCode == 0, $"scripts/bench --quick exited {exitCode}");
        Assert.True(File.Exists(results), "no JSON written");
        var json = JsonNode.Parse(await File.ReadAllTextAsync(results))!;
        Assert.True((bool)json["meta"]!["quick"]!);
        var rates = json["meta"]!["rates"]!.AsArray().Select(r => (double)r!).ToArray();
        Assert.NotEmpty(rates);

        var scenarios = json["scenarios"]!;
        var dispatch = scenarios["dispatch"]!.AsArray();
        Assert.Equal(rates, dispatch.Select(d => (double)d!["rate"]!));
        Assert.All(dispatch, d =>
        {
            Assert.True((int)d!["acknowledged"]! > 0, $"no job reached a runner at {d["rate"]}/s: {d.ToJsonString()}");
            Assert.NotNull(d["webhookToRunner"]!["p99Ms"]);
            Assert.NotNull(d["queuedToInProgress"]!["p99Ms"]);
            // Section 6 (where the time goes): every piece of the stack sampled, idle and busy, and
            // the pieces every job passes through did work while the jobs flowed.
            var busy = d["stackCpu"]!["busy"]!.AsArray().ToDictionary(p => (string)p!["name"]!, p => (long)p!["ticks"]!);
            Assert.Equal(15, busy.Count);
            Assert.Equal(15, d["stackCpu"]!["idle"]!.AsArray().Count);
            Assert.True(busy["orchestrator-1"] + busy["orchestrator-2"] + busy["orchestrator-3"] > 0, "the orchestrators used no CPU while jobs flowed");
            Assert.True(busy["pg-node-1"] + busy["pg-node-2"] > 0, "PostgreSQL used no CPU while jobs flowed");
        });
        Assert.NotNull(scenarios["intake"]!["best"]?["perSecond"]);
        var growth = scenarios["growth"]!;
        Assert.Equal([10, 100], growth["slots"]!.AsArray().Select(p => (int)p!["slots"]!));
        Assert.Equal([100, 1000], growth["backlog"]!.AsArray().Select(p => (int)p!["waiting"]!));
        Assert.All(
            growth["slots"]!.AsArray().Concat(growth["backlog"]!.AsArray()),
            p => Assert.NotNull(p!["dispatch"]!["webhookToRunner"]!["p99Ms"]));
        var processes = scenarios["resources"]!["processes"]!.AsArray().Select(p => (string)p!["name"]!).Order().ToArray();
        Assert.Equal(["orchestrator-1", "orchestrator-2", "orchestrator-3", "runner-1", "runner-2"], processes);

        Assert.Equal(Anchors, json["anchors"]!.AsArray().Select(a => (string)a!["name"]!));
        // scripts/bench goes on past a failed anchor and marks it failed in the JSON; the quick run must have none.
        Assert.All(json["anchors"]!.AsArray(), a => Assert.False((bool)a!["failed"]!, $"anchor {a["name"]} failed: {a["error"]}"));
        var ratios = json["ratios"]!.AsArray();
        foreach (var anchor in Anchors)
        {
            var mine = ratios.Where(r => (string)r!["anchor"]! == anchor).ToList();
            foreach (var rate in rates)
            {
                foreach (var figure in LatencyFigures)
                {
                    Assert.Contains(mine, r => (string)r!["figure"]! == figure && (double?)r["rate"] == rate && r["value"] is not null);
                }
            }

            Assert.Contains(mine, r => (string)r!["figure"]! == "throughput" && r["value"] is not null);
        }
    }
}

/// <summary>
/// The benchmark takes a stack for itself (it clears the GitHub simulator before each step and
/// restarts the proxy runners with other slot counts), so it gets its own, started after every
/// other collection has finished and never beside one.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BenchStackGroup : ICollectionFixture<StackFixture>
{
    public const string Name = "bench-stack";
}
