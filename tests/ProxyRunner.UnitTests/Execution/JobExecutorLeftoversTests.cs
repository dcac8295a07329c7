using System.Diagnostics;
using RunnerHub.ProxyRunner.Execution;

namespace RunnerHub.ProxyRunner.UnitTests.Execution;

public class JobExecutorLeftoversTests
{
    [Fact]
    public async Task FindLeftoversAsync_KillsAndReportsOrphaned_AJobThatStillRuns()
    {
        await using var harness = new ExecutorHarness(killTimeout: TimeSpan.FromSeconds(2));
        using var leftover = StartInOwnSession("sleep", "60");
        harness.KillGroupAtEnd(leftover.Id);
        var state = await WriteStateAsync(harness, jobId: 100, leftover.Id, TicksOf(leftover.Id));

        var reports = await harness.Executor.FindLeftoversAsync(CancellationToken.None);

        var report = Assert.Single(reports);
        Assert.Equal((100L, 1, JobExitKind.Orphaned, leftover.Id), (report.JobId, report.Attempt, report.Kind, report.ProcessId));
        Assert.NotNull(report.Duration);
        await ExecutorHarness.UntilAsync($"leftover pid {leftover.Id} to be gone", () => leftover.HasExited, TimeSpan.FromSeconds(1));
        Assert.False(File.Exists(state), "the state file should be gone once reported");
        Assert.Equal(report, Assert.IsType<JobExited>(await harness.Executor.Events.ReadAsync()));
        Assert.Contains("was left by a previous run of the proxy runner", File.ReadAllText(harness.InRoot("100-1.log")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindLeftoversAsync_KillsTheGroup_WhenTheJobDiedButItsChildrenRun()
    {
        await using var harness = new ExecutorHarness(killTimeout: TimeSpan.FromSeconds(2));
        var childPidFile = harness.InRoot("child.pid");
        var go = harness.InRoot("go");
        using var leader = StartInOwnSession("sh", "-c", $"sleep 60 > /dev/null 2>&1 & echo $! > {childPidFile}; while [ ! -f {go} ]; do sleep 0.02; done");
        harness.KillGroupAtEnd(leader.Id);
        var ticks = TicksOf(leader.Id);
        await File.WriteAllTextAsync(go, "");
        await leader.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
        var child = ExecutorHarness.ReadPid(childPidFile);
        Assert.True(ExecutorHarness.IsAlive(child), "the leader's child should outlive it");
        await WriteStateAsync(harness, jobId: 101, leader.Id, ticks);

        var report = Assert.Single(await harness.Executor.FindLeftoversAsync(CancellationToken.None));

        Assert.Equal(JobExitKind.Orphaned, report.Kind);
        await ExecutorHarness.UntilAsync($"the leftover's child {child} to be gone", () => !ExecutorHarness.IsAlive(child), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task FindLeftoversAsync_ReportsUnknown_WhenTheProcessIsGone()
    {
        await using var harness = new ExecutorHarness();
        using var gone = StartInOwnSession("true");
        await gone.WaitForExitAsync();
        var state = await WriteStateAsync(harness, jobId: 102, gone.Id, startTicks: 1);

        var report = Assert.Single(await harness.Executor.FindLeftoversAsync(CancellationToken.None));

        Assert.Equal((JobExitKind.Unknown, (int?)null, (TimeSpan?)null), (report.Kind, report.ExitCode, report.Duration));
        Assert.False(File.Exists(state));
    }

    [Fact]
    public async Task FindLeftoversAsync_NeverSignalsAReusedPid()
    {
        await using var harness = new ExecutorHarness(killTimeout: TimeSpan.FromMilliseconds(300));
        using var stranger = StartInOwnSession("sleep", "60");
        harness.KillGroupAtEnd(stranger.Id);
        // Same pid, another start time: the job's process died and the number went to someone else.
        await WriteStateAsync(harness, jobId: 103, stranger.Id, TicksOf(stranger.Id) - 1);

        var report = Assert.Single(await harness.Executor.FindLeftoversAsync(CancellationToken.None));

        Assert.Equal(JobExitKind.Unknown, report.Kind);
        Assert.True(ExecutorHarness.IsAlive(stranger.Id), "a process that only shares the pid was killed");
    }

    [Fact]
    public async Task FindLeftoversAsync_DeletesUnreadableStateFiles_AndFindsNothingWithoutADirectory()
    {
        await using var harness = new ExecutorHarness();
        Assert.Empty(await harness.Executor.FindLeftoversAsync(CancellationToken.None));
        Directory.CreateDirectory(harness.Executor.StateFileDirectory);
        var broken = Path.Combine(harness.Executor.StateFileDirectory, "5-1.json");
        await File.WriteAllTextAsync(broken, "{ not json");
        var halfWritten = Path.Combine(harness.Executor.StateFileDirectory, "6-1.json.tmp");
        await File.WriteAllTextAsync(halfWritten, "{");

        Assert.Empty(await harness.Executor.FindLeftoversAsync(CancellationToken.None));

        Assert.False(File.Exists(broken) || File.Exists(halfWritten));
        Assert.Contains(harness.Logger.Lines, l => l.StartsWith("2122 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StateFile_OfARealJob_IsFoundAsALeftover_ByTheNextRun()
    {
        await using var first = new ExecutorHarness(killTimeout: TimeSpan.FromSeconds(2));
        first.WriteScript("run.sh", "sleep 300");
        var running = await first.Executor.StartAsync(ExecutorHarness.Launch(104, "jit-104"), CancellationToken.None);
        // A second executor over the same state directory stands in for the next life of the proxy runner.
        await using var next = new JobExecutor(
            Microsoft.Extensions.Options.Options.Create(first.Options),
            Microsoft.Extensions.Options.Options.Create(first.Runner),
            TimeProvider.System,
            new ListLogger<JobExecutor>());

        var report = Assert.Single(await next.FindLeftoversAsync(CancellationToken.None));

        Assert.Equal((104L, JobExitKind.Orphaned, running.ProcessId), (report.JobId, report.Kind, report.ProcessId));
        var exited = await first.ExitOfAsync(104);
        Assert.Equal(128 + 15, exited.ExitCode);
    }

    private static Process StartInOwnSession(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false };
        start.ArgumentList.Add(program);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }

    private static long TicksOf(int pid) => ProcStat.Read(pid)?.StartTicks ?? throw new InvalidOperationException($"pid {pid} has no /proc entry");

    private static async Task<string> WriteStateAsync(ExecutorHarness harness, long jobId, int pid, long startTicks)
    {
        var log = harness.InRoot($"{jobId}-1.log");
        await File.WriteAllTextAsync(log, "=== header ===\n");
        var store = new RunningJobStore(harness.Executor.StateFileDirectory);
        await store.WriteAsync(
            new RunningJobState(jobId, 1, $"rh-{jobId}-1", pid, pid, startTicks, ProcStat.BootId(), DateTimeOffset.UtcNow.AddMinutes(-1), log),
            CancellationToken.None);
        return store.PathFor(jobId, 1);
    }
}
