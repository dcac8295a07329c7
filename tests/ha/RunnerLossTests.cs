using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using RunnerHub.Testing;
using Xunit.Abstractions;

namespace RunnerHub.HaTests;

/// <summary>A proxy runner's machine dies while it holds dispatched jobs: the work goes back and completes elsewhere.</summary>
[Collection(StackGroup.Name)]
public sealed class RunnerLossTests(StackFixture stack, ITestOutputHelper output)
{
    private const int Jobs = 8;

    // Labels both runners can serve (runner-2's include runner-1's).
    private static readonly string[][] SharedLabels = [["self-hosted", "linux", "x64"]];

    private Uri Simulator => new($"http://127.0.0.1:{9000 + stack.Stack.PortOffset}");

    [Fact]
    public async Task KillingAProxyRunnerMidJob_GivesItsWorkBack_AndTheJobsCompleteOnTheOtherRunner()
    {
        using (var reset = await stack.Http.DeleteAsync(new Uri(Simulator, "/_simulator/state")))
        {
            reset.EnsureSuccessStatusCode();
        }

        await Eventually.HoldsAsync(
            "both proxy runners online",
            async () =>
            {
                var runners = await RunnersAsync();
                return (runners.Count(r => (string?)r["status"] == "online") == 2, string.Join(", ", runners.Select(r => $"{r["name"]}: {r["status"]}")));
            },
            TimeSpan.FromSeconds(60));

        // A real actions/runner takes seconds to boot before it asks GitHub for a job; while it
        // boots, the job is ours (dispatched) but not yet GitHub's (in progress) - the window in
        // which losing the machine must not lose the job.
        await PutFaultsAsync(new { runnerStartMs = 10_000 });
        try
        {
            using (var created = await stack.Http.PostAsJsonAsync(
                new Uri(Simulator, "/jobs"),
                new { count = Jobs, rate = 100, durationMs = 300, labelSets = SharedLabels }))
            {
                Assert.True(created.IsSuccessStatusCode, $"POST /jobs: {created.StatusCode}");
            }

            JsonObject[] holding = [];
            await Eventually.HoldsAsync(
                $"all {Jobs} jobs dispatched",
                async () =>
                {
                    holding = [.. (await RunnersAsync()).Where(r => r["runningJobs"]!.AsArray().Count > 0)];
                    var dispatched = holding.Sum(r => r["runningJobs"]!.AsArray().Count);
                    return (dispatched == Jobs, $"{dispatched} dispatched");
                },
                TimeSpan.FromSeconds(8),
                TimeSpan.FromMilliseconds(100));

            var victim = holding.OrderByDescending(r => r["runningJobs"]!.AsArray().Count).First();
            var victimName = (string)victim["name"]!;
            var survivorName = victimName == "runner-1" ? "runner-2" : "runner-1";
            var victimJobs = victim["runningJobs"]!.AsArray().Select(j => (long)j!).ToHashSet();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await stack.Stack.KillWithDescendantsAsync(victimName);
            output.WriteLine($"killed {victimName} and its runners holding jobs {string.Join(", ", victimJobs)}");
            await PutFaultsAsync(new { runnerStartMs = 0 });

            JsonNode summary = null!;
            await Eventually.HoldsAsync(
                $"all {Jobs} jobs completed",
                async () =>
                {
                    summary = JsonNode.Parse(await stack.Http.GetStringAsync(new Uri(Simulator, "/summary")))!;
                    return ((int?)summary["completed"] == Jobs, summary.ToJsonString());
                },
                TimeSpan.FromSeconds(90),
                TimeSpan.FromMilliseconds(500));
            output.WriteLine($"the victim's jobs completed {clock.Elapsed.TotalSeconds:0.0} s after the kill (a silent runner goes offline after Runners:OfflineAfter, 20 s; a dispatch lease lasts 30 s)");

            // Nothing lost, nothing failed: every job the victim held was dispatched again and
            // ran elsewhere; no JIT runner the victim had started ever took a job.
            Assert.Equal(Jobs, (int?)summary["created"]);
            var victimRunners = victimJobs.Select(j => $"rh-{j}-1").ToHashSet();
            foreach (var jobId in victimJobs)
            {
                var job = (await stack.Http.GetFromJsonAsync<JsonObject>(new Uri(Simulator, $"/jobs/{jobId}")))!;
                output.WriteLine($"job {jobId}: {job["status"]} {job["conclusion"]} on {job["runnerName"]}");
                Assert.Equal(("completed", "success"), ((string?)job["status"], (string?)job["conclusion"]));
                Assert.DoesNotContain((string)job["runnerName"]!, victimRunners);
            }

            var survivor = (await RunnersAsync()).Single(r => (string?)r["name"] == survivorName);
            Assert.Equal("online", (string?)survivor["status"]);
        }
        finally
        {
            await PutFaultsAsync(new { });
            await stack.Stack.UpAsync(TimeSpan.FromSeconds(120));
        }
    }

    private async Task PutFaultsAsync(object faults)
    {
        using var response = await stack.Http.PutAsJsonAsync(new Uri(Simulator, "/_simulator/faults"), faults);
        response.EnsureSuccessStatusCode();
    }

    private async Task<JsonObject[]> RunnersAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(stack.Api, "/api/runners"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", stack.Stack.Secret("operator-token"));
        using var response = await stack.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return [.. (await response.Content.ReadFromJsonAsync<JsonArray>())!.Select(r => r!.AsObject())];
    }
}
