using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace RunnerHub.HaTests;

/// <summary><c>scripts/ha-gate</c> on the running stack: kill -9 of the leader while webhooks flow, and its JSON report.</summary>
[Collection(StackGroup.Name)]
public sealed class GateTests(StackFixture stack, ITestOutputHelper output)
{
    [Fact]
    public async Task TheGate_Passes_AndItsReportAccountsForEveryJob()
    {
        var report = Path.Combine(stack.Stack.StateDirectory, "gate-report.json");

        var (exitCode, printed) = await stack.Stack.RunToolAsync("scripts/ha-gate", ["--json-output", report, "--timeout", "60", "--rate", "25"], TimeSpan.FromMinutes(6));

        output.WriteLine(printed);
        var json = JsonNode.Parse(await File.ReadAllTextAsync(report))!;
        Assert.True(exitCode == 0, $"ha-gate exited {exitCode}: {json.ToJsonString()}");
        Assert.True((bool)json["passed"]!);
        Assert.Null((string?)json["error"]);
        Assert.False((bool)json["split_brain_detected"]!);
        Assert.InRange((double)json["failover_time_seconds"]!, 0.01, 3.0);
        Assert.NotEqual((string?)json["initial_leader"], (string?)json["new_leader"]);
        Assert.True((bool)json["haproxy_available_during_failover"]!);
        Assert.True((bool)json["haproxy_available_after_failover"]!);
        Assert.Equal(0, (int)json["webhooks_failed"]!);
        Assert.Equal(0, (int)json["jobs_lost"]!);
        // 25/s for 8 s during the failover and 3 s after it.
        Assert.Equal(275, (int)json["jobs_accepted"]!);
        Assert.Equal(275, (int)json["jobs_completed"]!);
        Assert.True((int)json["webhooks_sent"]! >= 3 * 275, "queued, in_progress and completed for every job");
    }
}
