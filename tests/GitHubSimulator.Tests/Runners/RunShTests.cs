using System.Diagnostics;
using System.Text.Json.Nodes;

namespace RunnerHub.GitHubSimulator.Tests.Runners;

/// <summary>The real <c>run.sh</c>, run with bash against a simulator on real Kestrel, as the local stack runs it.</summary>
public sealed class RunShTests
{
    // Copied next to the tests from the simulator project (CopyToOutputDirectory), as it is to its publish output.
    private static readonly string RunSh = Path.Combine(AppContext.BaseDirectory, "run.sh");

    [Fact]
    public void RunSh_IsCopiedToTheOutput_Executable()
    {
        Assert.True(File.Exists(RunSh), $"{RunSh} is missing");
        Assert.True(File.GetUnixFileMode(RunSh).HasFlag(UnixFileMode.UserExecute), "run.sh lost its executable bit on the way to the output");
    }

    [Fact]
    public async Task RunSh_RunsAMatchingJob_ThenExits0_AndASecondUseExitsNonZero()
    {
        await using var host = await SimulatorHost.StartAsync();
        var jobId = (long)(await host.PostJobsAsync(new { count = 1, durationMs = 200 }))["jobIds"]![0]!;
        var (_, jit) = await host.RegisterRunnerAsync("bash-runner", ["self-hosted", "linux", "x64"]);

        var (exit, stdout, stderr) = await RunAsync(host, "--jitconfig", jit);

        Assert.True(exit == 0, $"run.sh exited {exit}: {stderr}");
        var result = JsonNode.Parse(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last())!;
        Assert.Equal(jobId, (long?)result["jobId"]);
        Assert.Equal("success", (string?)result["conclusion"]);
        Assert.DoesNotContain(jit, stdout + stderr, StringComparison.Ordinal);
        var actions = await Poll.UntilAsync("three webhooks", () => host.Receiver.Received, r => r.Count >= 3);
        Assert.Equal(["queued", "in_progress", "completed"], actions.Select(w => w.Action));

        var (again, _, againErr) = await RunAsync(host, "--jitconfig", jit);
        Assert.NotEqual(0, again);
        Assert.Contains("used already", againErr + "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunSh_ExitsNonZero_WhenTheConfigIsMissingOrNotBase64()
    {
        await using var host = await SimulatorHost.StartAsync();

        Assert.Equal(2, (await RunAsync(host)).Exit);
        Assert.Equal(2, (await RunAsync(host, "--jitconfig", "not base64!")).Exit);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(SimulatorHost host, params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(RunSh);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["GITHUB_SIMULATOR_URL"] = host.BaseAddress.ToString();
        start.Environment["GITHUB_SIMULATOR_JOB_WAIT_MS"] = "5000";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"run.sh did not exit within 30 s; stdout so far: {await stdout}");
        }

        // curl puts its own error line on stderr; the problem body (with fail-with-body) on stdout.
        return (process.ExitCode, await stdout, await stderr + await stdout);
    }
}
