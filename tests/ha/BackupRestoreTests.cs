using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using RunnerHub.Testing;
using Xunit.Abstractions;

namespace RunnerHub.HaTests;

/// <summary>
/// The runbook's backup and restore, as <c>scripts/runnerhub backup</c> and <c>restore</c> do it on
/// the running stack: a job finished before the backup is there after the restore, one finished
/// after it is gone, and the stack runs on the restored database (one leader, new jobs complete).
/// </summary>
[Collection(StackGroup.Name)]
public sealed class BackupRestoreTests(StackFixture stack, ITestOutputHelper output)
{
    private static readonly string[] Orchestrators = ["orchestrator-1", "orchestrator-2", "orchestrator-3"];

    private Uri Simulator => new($"http://127.0.0.1:{9000 + stack.Stack.PortOffset}");

    [Fact]
    public async Task ARestore_BringsBackTheBackup_AndTheStackRunsOnIt()
    {
        var before = await RunOneJobAsync();
        var dump = Path.Combine(stack.Stack.StateDirectory, "backups", $"test-{Guid.NewGuid():N}.dump");

        var (backupExit, backupOutput) = await stack.Stack.RunToolAsync("scripts/runnerhub", ["backup", "--output", dump], TimeSpan.FromMinutes(2));
        output.WriteLine(backupOutput);
        Assert.True(backupExit == 0, $"backup exited {backupExit}");
        Assert.True(File.Exists(dump), "no dump written");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dump));

        var after = await RunOneJobAsync();
        var pidsBefore = await OrchestratorPidsAsync();

        // A file that is not a dump is refused before anything is stopped.
        var notADump = Path.Combine(stack.Stack.StateDirectory, "port-offset");
        var (refusedExit, refusedOutput) = await stack.Stack.RunToolAsync("scripts/runnerhub", ["restore", notADump, "--yes"], TimeSpan.FromMinutes(1));
        output.WriteLine(refusedOutput);
        Assert.Equal(1, refusedExit);
        Assert.Contains("not a pg_dump archive", refusedOutput, StringComparison.Ordinal);
        Assert.Equal(pidsBefore, await OrchestratorPidsAsync());

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (restoreExit, restoreOutput) = await stack.Stack.RunToolAsync("scripts/runnerhub", ["restore", dump, "--yes"], TimeSpan.FromMinutes(4));
        output.WriteLine(restoreOutput);
        Assert.True(restoreExit == 0, $"restore exited {restoreExit}");
        output.WriteLine($"restore, orchestrators and runners stopped to healthy again: {clock.Elapsed.TotalSeconds:0.0} s");
        // Every orchestrator was stopped for the restore and runs again as a new process.
        var pidsAfter = await OrchestratorPidsAsync();
        Assert.All(pidsAfter.Zip(pidsBefore), p => Assert.True(p.First is not null && p.First != p.Second, $"pid {p.Second} -> {p.First}"));

        // What the backup held is back; what came after it is gone.
        Assert.Equal("completed", (string?)(await JobAsync(before))?["job"]?["state"]);
        Assert.Null(await JobAsync(after));

        // The stack runs on the restored database: one leader, and a new job goes all the way.
        await Eventually.HoldsAsync(
            "exactly one leader after the restore",
            async () =>
            {
                var leaders = (await stack.StatusAsync())["leadership"]?.AsArray().Count(n => (bool?)n?["leadership"]?["isLeader"] == true) ?? 0;
                return (leaders == 1, $"{leaders} leader(s)");
            },
            TimeSpan.FromSeconds(30),
            TimeSpan.FromMilliseconds(500));
        await RunOneJobAsync();
    }

    /// <summary>One job through the simulator (signed webhooks via HAProxy); returns its id once RunnerHub has it completed.</summary>
    private async Task<long> RunOneJobAsync()
    {
        long jobId;
        using (var created = await stack.Http.PostAsJsonAsync(new Uri(Simulator, "/jobs"), new { count = 1, rate = 10, durationMs = 100 }))
        {
            Assert.True(created.IsSuccessStatusCode, $"POST /jobs: {created.StatusCode}");
            jobId = (long)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["firstJobId"]!;
        }

        await Eventually.HoldsAsync(
            $"job {jobId} completed in RunnerHub",
            async () =>
            {
                var state = (string?)(await JobAsync(jobId))?["job"]?["state"];
                return (state == "completed", $"state {state ?? "unknown"}");
            },
            TimeSpan.FromSeconds(60),
            TimeSpan.FromMilliseconds(250));
        return jobId;
    }

    /// <summary><c>GET /api/jobs/{id}</c> through HAProxy; null when RunnerHub does not know the job.</summary>
    private async Task<JsonNode?> JobAsync(long jobId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(stack.Api, $"/api/jobs/{jobId}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", stack.Stack.Secret("operator-token"));
        using var response = await stack.Http.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync());
    }

    private async Task<int?[]> OrchestratorPidsAsync() =>
        await Task.WhenAll(Orchestrators.Select(stack.Stack.PidOfAsync));
}
