using System.Diagnostics;
using RunnerHub.ProxyRunner.Execution;

namespace RunnerHub.ProxyRunner.UnitTests.Execution;

public class JobExecutorTests
{
    private const string WaitForGo = "while [ ! -f \"$TEST_ROOT/go\" ]; do sleep 0.02; done";

    [Fact]
    public async Task StartAsync_PassesTheJitConfigAsOneArgument_NeverThroughAShell()
    {
        await using var harness = new ExecutorHarness();
        harness.WriteScript("run.sh", "printf '%s\\0' \"$@\" > \"$TEST_ROOT/argv\"");
        var marker = Path.Combine(Path.GetTempPath(), "pwned-" + Guid.NewGuid().ToString("N"));
        var jitConfig = $"x; touch {marker}-1 && echo \"$(touch {marker}-2)\" `touch {marker}-3` 'q' {{jobId}} | cat > {marker}-4";

        await harness.Executor.StartAsync(ExecutorHarness.Launch(7, jitConfig), CancellationToken.None);
        var exited = await harness.ExitOfAsync(7);

        Assert.Equal(0, exited.ExitCode);
        var argv = File.ReadAllText(harness.InRoot("argv")).TrimEnd('\0').Split('\0');
        Assert.Equal(["--jitconfig", jitConfig], argv);
        Assert.All(Enumerable.Range(1, 4), i => Assert.False(File.Exists($"{marker}-{i}"), $"{marker}-{i} was created: the JIT config reached a shell"));
        Assert.DoesNotContain(jitConfig, harness.Logger.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_FillsEveryPlaceholder_InAWrappedCommand()
    {
        await using var harness = new ExecutorHarness(command: "{runnerDirectory}/wrapper.sh --job={jobId} --attempt {attempt} \"--name {runnerName}\" -- {runnerDirectory}/run.sh --jitconfig {jitConfig}");
        harness.WriteScript("wrapper.sh", "printf '%s\\0' \"$@\" > \"$TEST_ROOT/argv\"; pwd > \"$TEST_ROOT/cwd\"");

        await harness.Executor.StartAsync(ExecutorHarness.Launch(12, "a b", attempt: 3), CancellationToken.None);
        await harness.ExitOfAsync(12, 3);

        var argv = File.ReadAllText(harness.InRoot("argv")).TrimEnd('\0').Split('\0');
        Assert.Equal(["--job=12", "--attempt", "3", "--name rh-12-3", "--", harness.RunnerDirectory + "/run.sh", "--jitconfig", "a b"], argv);
        Assert.Equal(harness.RunnerDirectory, File.ReadAllText(harness.InRoot("cwd")).Trim());
    }

    [Fact]
    public async Task StartAsync_LogsHeaderAndOutput_WritesStateWithoutSecret_ReportsExitAndDuration()
    {
        await using var harness = new ExecutorHarness();
        harness.WriteScript("run.sh", $"echo to-stdout; echo to-stderr >&2; {WaitForGo}; sleep 0.2; exit 3");
        const string secret = "SECRET-jit-4f1c";

        var running = await harness.Executor.StartAsync(ExecutorHarness.Launch(42, secret), CancellationToken.None);

        var started = Assert.IsType<JobStarted>(await harness.Executor.Events.ReadAsync());
        Assert.Equal((42L, 1, running.ProcessId), (started.JobId, started.Attempt, started.ProcessId));
        Assert.Equal(running, Assert.Single(harness.Executor.Running));
        Assert.Equal(running.ProcessId, ProcStat.Read(running.ProcessId)?.ProcessGroupId);
        Assert.Equal(running.ProcessId, ProcStat.Read(running.ProcessId)?.SessionId);
        var stateFile = Path.Combine(harness.Executor.StateFileDirectory, "42-1.json");
        var state = File.ReadAllText(stateFile);
        Assert.Contains($"\"processId\": {running.ProcessId}", state, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, state, StringComparison.Ordinal);
        var clock = Stopwatch.StartNew();
        await File.WriteAllTextAsync(harness.InRoot("go"), "");

        var exited = await harness.ExitOfAsync(42);

        Assert.Equal((JobExitKind.Exited, 3, false), (exited.Kind, exited.ExitCode, exited.Cancelled));
        Assert.InRange(exited.Duration!.Value, TimeSpan.FromSeconds(0.2), clock.Elapsed + TimeSpan.FromSeconds(1));
        Assert.False(File.Exists(stateFile), "the state file outlived the job");
        Assert.Empty(harness.Executor.Running);
        Assert.Equal(1, harness.Executor.FreeSlots);
        var log = File.ReadAllText(Path.Combine(harness.Executor.LogDirectory, "42-1.log"));
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("=== runnerhub: job 42 attempt 1, runner rh-42-1, labels [self-hosted,linux], started ", lines[0], StringComparison.Ordinal);
        Assert.Contains("to-stdout", lines);
        Assert.Contains("to-stderr", lines);
        Assert.StartsWith("=== runnerhub: job 42 attempt 1 exited with code 3 after ", lines[^1], StringComparison.Ordinal);
        Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, harness.Logger.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_AppendsToTheLog_WhenTheSameAttemptRunsAgain()
    {
        await using var harness = new ExecutorHarness();
        harness.WriteScript("run.sh", "echo run");

        await harness.Executor.StartAsync(ExecutorHarness.Launch(5), CancellationToken.None);
        await harness.ExitOfAsync(5);
        await harness.Executor.StartAsync(ExecutorHarness.Launch(5), CancellationToken.None);
        await ExecutorHarness.UntilAsync("the second run to end", () => harness.Executor.FreeSlots == 1 && harness.Executor.Running.Count == 0);

        var log = File.ReadAllText(Path.Combine(harness.Executor.LogDirectory, "5-1.log"));
        Assert.Equal(2, log.Split('\n').Count(l => l == "run"));
    }

    [Fact]
    public async Task StartAsync_RefusesBeyondItsSlots_AndAnswersARepeatedDispatchWithTheSameProcess()
    {
        await using var harness = new ExecutorHarness(slots: 1);
        harness.WriteScript("run.sh", WaitForGo);
        var first = await harness.Executor.StartAsync(ExecutorHarness.Launch(1), CancellationToken.None);

        var again = await harness.Executor.StartAsync(ExecutorHarness.Launch(1), CancellationToken.None);
        var refused = await Assert.ThrowsAsync<JobStartException>(() => harness.Executor.StartAsync(ExecutorHarness.Launch(2), CancellationToken.None));

        Assert.Equal(first, again);
        Assert.Equal(JobStartFailure.NoFreeSlot, refused.Failure);
        Assert.Equal(0, harness.Executor.FreeSlots);
        Assert.Equal(1, harness.Executor.Accepted);
        await File.WriteAllTextAsync(harness.InRoot("go"), "");
        await harness.ExitOfAsync(1);
        Assert.Single(harness.Seen.OfType<JobStarted>());
    }

    [Fact]
    public async Task StartAsync_FailsClearly_AndFreesTheSlot_WhenRunShIsMissing()
    {
        await using var harness = new ExecutorHarness();

        var failed = await Assert.ThrowsAsync<JobStartException>(() => harness.Executor.StartAsync(ExecutorHarness.Launch(3, "the-secret"), CancellationToken.None));

        Assert.Equal(JobStartFailure.LaunchFailed, failed.Failure);
        Assert.Contains("run.sh does not exist or is not executable", failed.Message, StringComparison.Ordinal);
        Assert.Equal(1, harness.Executor.FreeSlots);
        Assert.Equal(0, harness.Executor.Accepted);
        Assert.False(harness.Executor.Events.TryRead(out var unexpected), $"an event for a job that never started: {unexpected}");
        Assert.DoesNotContain("the-secret", harness.Logger.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_HidesProxyRunnerSettingsFromTheJob_AndAddsConfiguredVariables()
    {
        await using var harness = new ExecutorHarness();
        harness.Options.Environment["EXTRA_ONE"] = "1";
        harness.WriteScript("run.sh", "env > \"$TEST_ROOT/env\"");
        Environment.SetEnvironmentVariable("Runner__TestOnlySetting", "hidden");
        try
        {
            await harness.Executor.StartAsync(ExecutorHarness.Launch(9), CancellationToken.None);
            await harness.ExitOfAsync(9);
        }
        finally
        {
            Environment.SetEnvironmentVariable("Runner__TestOnlySetting", null);
        }

        var environment = File.ReadAllLines(harness.InRoot("env"));
        Assert.Contains("EXTRA_ONE=1", environment);
        Assert.DoesNotContain(environment, l => l.StartsWith("Runner__", StringComparison.Ordinal));
        Assert.Contains(environment, l => l.StartsWith("PATH=", StringComparison.Ordinal));
    }

    [Fact]
    public void JobLaunch_ToString_RedactsTheJitConfig()
    {
        var text = ExecutorHarness.Launch(1, "very-secret").ToString();

        Assert.DoesNotContain("very-secret", text, StringComparison.Ordinal);
        Assert.Contains("(redacted)", text, StringComparison.Ordinal);
    }
}
