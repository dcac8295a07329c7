using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace RunnerHub.HaTests;

/// <summary>
/// A short <c>scripts/chaos</c> run on the running stack: random kills of orchestrators (two down
/// at once allowed), the Redis master and proxy runners while jobs flow, then the loss audit. The
/// long run (<c>--duration 5m</c>) stays a script; this proves the harness and the audit in CI.
/// </summary>
[Collection(StackGroup.Name)]
public sealed class ChaosTests(StackFixture stack, ITestOutputHelper output)
{
    [Fact]
    public async Task AShortChaosRun_LosesNoJob_DispatchesNoneTwice_AndRestartsEveryPiece()
    {
        var report = Path.Combine(stack.Stack.StateDirectory, "chaos.json");

        var (exitCode, printed) = await stack.Stack.RunToolAsync(
            "scripts/chaos",
            ["--kill-instances", "2", "--duration", "30", "--seed", "20261130", "--rate", "20", "--timeout", "120", "--json-output", report],
            TimeSpan.FromMinutes(6));

        output.WriteLine(printed);
        Assert.True(File.Exists(report), $"no audit; chaos exited {exitCode}");
        var json = JsonNode.Parse(await File.ReadAllTextAsync(report))!;
        Assert.True(exitCode == 0, $"chaos exited {exitCode}: {json.ToJsonString()}");
        Assert.True((bool)json["passed"]!);
        Assert.Null((string?)json["error"]);
        Assert.Equal(20261130, (int)json["seed"]!);

        // The loss audit: every delivered job stored and run, none dispatched twice at once.
        Assert.Equal(0, (int)json["jobs_lost"]!);
        Assert.Equal(0, (int)json["dispatched_twice_at_once"]!);
        Assert.Equal((int)json["jobs_delivered"]!, (int)json["jobs_accepted"]!);
        Assert.Equal((int)json["jobs_accepted"]!, (int)json["jobs_completed_at_github"]!);
        Assert.True((double)json["webhooks_2xx_percent"]! >= 99.9, $"{json["webhooks_2xx_percent"]}% of webhooks answered 2xx");

        // Things were broken, and every killed piece came back.
        var events = json["events"]!.AsArray();
        var killed = events.Where(e => (string?)e!["action"] == "kill").Select(e => (string)e!["target"]!).ToList();
        var restarted = events.Where(e => (string?)e!["action"] == "restarted").Select(e => (string)e!["target"]!).ToList();
        Assert.True(killed.Count >= 3, $"only {killed.Count} kill(s) in 30 s: {events.ToJsonString()}");
        Assert.Equal(killed.Order(), restarted.Order());
        var status = await stack.StatusAsync();
        Assert.All(status["processes"]!.AsArray(), p => Assert.True((bool)p!["healthy"]!, $"{p["name"]} is not healthy after the chaos run"));
    }
}
