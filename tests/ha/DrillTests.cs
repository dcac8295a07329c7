using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace RunnerHub.HaTests;

/// <summary>
/// Each <c>scripts/drill</c> on the running stack, short: one failure while jobs flow through
/// HAProxy, then the audit. The drill restores what it broke, so the next test finds a whole stack.
/// </summary>
[Collection(StackGroup.Name)]
public sealed class DrillTests(StackFixture stack, ITestOutputHelper output)
{
    [Theory]
    [InlineData("leader")]
    [InlineData("follower")]
    [InlineData("rolling-restart")]
    [InlineData("redis-failover")]
    [InlineData("postgres-failover")]
    [InlineData("postgres-standby")]
    [InlineData("runner-loss")]
    [InlineData("redis-outage")]
    [InlineData("postgres-outage")]
    [InlineData("partition")]
    public async Task TheDrill_Passes_AndAccountsForEveryJob(string drill)
    {
        var report = Path.Combine(stack.Stack.StateDirectory, $"drill-{drill}.json");

        var (exitCode, printed) = await stack.Stack.RunToolAsync(
            "scripts/drill", [drill, "--json-output", report, "--timeout", "60", "--rate", "20", "--seconds", "8", "--outage", "10"], TimeSpan.FromMinutes(6));

        output.WriteLine(printed);
        Assert.True(File.Exists(report), $"no report; drill exited {exitCode}");
        var json = JsonNode.Parse(await File.ReadAllTextAsync(report))!;
        output.WriteLine(json.ToJsonString());
        Assert.True(exitCode == 0, $"drill {drill} exited {exitCode}: {json.ToJsonString()}");
        Assert.True((bool)json["passed"]!);
        Assert.Null((string?)json["error"]);
        Assert.Equal(0, (int)json["jobs_lost"]!);
        var recovery = (double)json["recovery_seconds"]!;
        var details = json["details"]!;

        // Every job whose webhook was answered 2xx was stored, and every stored job ran. RunnerHub
        // may store more than were delivered: when PostgreSQL is back, GitHub gives a queued job
        // whose queued delivery failed to any idle runner, and its in_progress webhook creates it.
        var (delivered, accepted, ran) = ((int)json["jobs_delivered"]!, (int)json["jobs_accepted"]!, (int)json["jobs_completed_at_github"]!);
        Assert.True(accepted >= delivered, $"{delivered} jobs delivered, only {accepted} stored");
        Assert.True(ran >= accepted, $"{accepted} jobs stored, only {ran} completed at GitHub");
        if (drill == "postgres-outage")
        {
            // GitHub gets a 503 while there is nowhere to store the job, and records the failed
            // delivery; a completed webhook lost that way is caught up by the GitHub re-check later.
            Assert.Equal(503, (int)details["webhook_status_while_down"]!);
            Assert.True((int)json["webhooks_failed"]! > 0, "deliveries while PostgreSQL was down should have failed");
        }
        else
        {
            Assert.Equal(0, (int)json["webhooks_failed"]!);
            Assert.Equal((int)json["jobs_created"]!, (int)json["jobs_accepted"]!);
            Assert.Equal((int)json["jobs_accepted"]!, (int)json["jobs_completed"]!);
        }

        // JIT runners left registered without a job are reported, not asserted, here: a failure
        // mid-dispatch (a node stopped between registering and dispatching, a Redis failover, a
        // killed runner) can leave one until the leader's lease expiry or unused-runner teardown
        // deletes it (issue 5's note). JobPathTests asserts none on an undisturbed stack.
        output.WriteLine($"JIT runners left registered without a job: {(int)json["leftover_jit_runners"]!}");

        switch (drill)
        {
            case "leader":
                Assert.InRange(recovery, 0.01, 3.0);
                break;
            case "follower":
                Assert.True((bool)details["leader_unchanged"]!, "killing a follower moved leadership");
                break;
            case "redis-failover":
                Assert.InRange((double)details["promoted_after_seconds"]!, 0.01, 10.0);
                Assert.Equal("slave", (string?)details["old_master_role"]);
                break;
            case "postgres-failover":
                Assert.InRange(recovery, 0.01, 15.0);
                break;
            case "postgres-standby":
                Assert.InRange(recovery, 0.0, 10.0);
                break;
            case "redis-outage":
                Assert.Equal(0, (int)details["webhooks_failed_while_down"]!);
                break;
            case "partition":
                // The cut leader stops leading before its lease can pass on, the next leader has a
                // newer token, no write of an older one passes the fence, and one node leads after the heal.
                Assert.True((double)details["step_down_seconds"]! < (double)details["lease_seconds"]!, "the cut leader did not step down within its lease");
                Assert.True((long)details["new_token"]! > (long)details["old_token"]!, "the new leader's token is not newer");
                Assert.False((bool)details["overlap_observed"]!, "two nodes said they lead at once");
                Assert.Equal(0, (int)details["fence_violations"]!);
                Assert.Single(details["leaders_after_heal"]!.AsArray());
                break;
        }
    }
}
