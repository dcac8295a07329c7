using System.Diagnostics;
using RunnerHub.ProxyRunner.Execution;

namespace RunnerHub.ProxyRunner.UnitTests.Execution;

public class JobExecutorCancelTests
{
    // The job's shell starts a child that would outlive it, then waits.
    private const string SpawnChild = "sleep 300 & echo $! > \"$TEST_ROOT/child.pid\"; wait";

    [Fact]
    public async Task CancelAsync_KillsTheWholeProcessTree_WithSigterm()
    {
        await using var harness = new ExecutorHarness(killTimeout: TimeSpan.FromSeconds(5));
        harness.WriteScript("run.sh", SpawnChild);
        var running = await harness.Executor.StartAsync(ExecutorHarness.Launch(11), CancellationToken.None);
        await ExecutorHarness.UntilAsync("the child's pid file", () => File.Exists(harness.InRoot("child.pid")) && File.ReadAllText(harness.InRoot("child.pid")).EndsWith('\n'));
        var child = ExecutorHarness.ReadPid(harness.InRoot("child.pid"));
        Assert.True(ExecutorHarness.IsAlive(child), "the child should run before the cancel");
        var clock = Stopwatch.StartNew();

        var exited = await harness.Executor.CancelAsync(11, 1, CancellationToken.None);

        Assert.NotNull(exited);
        Assert.True(exited.Cancelled, $"reported {exited}");
        Assert.Equal(143, exited.ExitCode); // 128 + SIGTERM: no SIGKILL was needed
        Assert.True(clock.Elapsed < harness.Options.KillTimeout, $"took {clock.Elapsed}, the kill timeout is {harness.Options.KillTimeout}");
        await ExecutorHarness.UntilAsync($"job pid {running.ProcessId} and child pid {child} to be gone", () => !ExecutorHarness.IsAlive(running.ProcessId) && !ExecutorHarness.IsAlive(child), TimeSpan.FromSeconds(2));
        Assert.Equal(exited, await harness.ExitOfAsync(11));
        Assert.Null(await harness.Executor.CancelAsync(11, 1, CancellationToken.None));
    }

    [Fact]
    public async Task CancelAsync_SigkillsTheGroup_WhenItIgnoresSigterm_AfterKillTimeout()
    {
        var killTimeout = TimeSpan.FromMilliseconds(400);
        await using var harness = new ExecutorHarness(killTimeout: killTimeout);
        // SIG_IGN is inherited: the sleep ignores SIGTERM too.
        harness.WriteScript("run.sh", "trap '' TERM; " + SpawnChild);
        var running = await harness.Executor.StartAsync(ExecutorHarness.Launch(12), CancellationToken.None);
        await ExecutorHarness.UntilAsync("the child's pid file", () => File.Exists(harness.InRoot("child.pid")) && File.ReadAllText(harness.InRoot("child.pid")).EndsWith('\n'));
        var child = ExecutorHarness.ReadPid(harness.InRoot("child.pid"));
        var clock = Stopwatch.StartNew();

        var exited = await harness.Executor.CancelAsync(12, 1, CancellationToken.None);

        Assert.NotNull(exited);
        Assert.Equal((JobExitKind.Cancelled, 137), (exited.Kind, exited.ExitCode)); // 128 + SIGKILL
        // Timers may fire a millisecond or two early (seen: 398.8 ms for 400): the bound says
        // "waited the kill timeout", not "to the microsecond".
        Assert.InRange(clock.Elapsed, killTimeout - TimeSpan.FromMilliseconds(50), killTimeout + TimeSpan.FromSeconds(3));
        await ExecutorHarness.UntilAsync($"job pid {running.ProcessId} and child pid {child} to be gone", () => !ExecutorHarness.IsAlive(running.ProcessId) && !ExecutorHarness.IsAlive(child), TimeSpan.FromSeconds(2));
        Assert.Contains(harness.Logger.Lines, l => l.StartsWith("2104 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Exit_KillsWhatTheJobLeftRunning_WhenItEndsByItself()
    {
        await using var harness = new ExecutorHarness();
        harness.WriteScript("run.sh", "sleep 300 > /dev/null 2>&1 & echo $! > \"$TEST_ROOT/child.pid\"; exit 0");

        await harness.Executor.StartAsync(ExecutorHarness.Launch(13), CancellationToken.None);
        var exited = await harness.ExitOfAsync(13);

        Assert.Equal((JobExitKind.Exited, 0), (exited.Kind, exited.ExitCode));
        var child = ExecutorHarness.ReadPid(harness.InRoot("child.pid"));
        await ExecutorHarness.UntilAsync($"the straggler {child} to be gone", () => !ExecutorHarness.IsAlive(child), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Exit_IsReportedWithinTheOutputGrace_WhenAProcessThatLeftTheGroupHoldsTheOutput()
    {
        await using var harness = new ExecutorHarness();
        // Its own session: out of the job's group, out of reach of the group kill, and it keeps stdout open.
        harness.WriteScript("run.sh", "setsid sh -c 'echo $$ > \"$TEST_ROOT/escaped.pid\"; exec sleep 300' & while [ ! -s \"$TEST_ROOT/escaped.pid\" ]; do sleep 0.02; done; echo done");
        try
        {
            await harness.Executor.StartAsync(ExecutorHarness.Launch(14), CancellationToken.None);
            var exited = await harness.ExitOfAsync(14, timeout: JobExecutor.OutputGrace + TimeSpan.FromSeconds(3));

            Assert.Equal((JobExitKind.Exited, 0), (exited.Kind, exited.ExitCode));
            Assert.Contains(harness.Logger.Lines, l => l.StartsWith("2106 ", StringComparison.Ordinal));
            Assert.Contains("done", File.ReadAllLines(Path.Combine(harness.Executor.LogDirectory, "14-1.log")));
        }
        finally
        {
            if (File.Exists(harness.InRoot("escaped.pid")))
            {
                ProcessSignals.SignalGroup(ExecutorHarness.ReadPid(harness.InRoot("escaped.pid")), ProcessSignals.SigKill);
            }
        }
    }

    [Fact]
    public async Task StopAsync_LetsRunningJobsFinish()
    {
        await using var harness = new ExecutorHarness();
        harness.WriteScript("run.sh", "sleep 0.3");
        await harness.Executor.StartAsync(ExecutorHarness.Launch(21), CancellationToken.None);

        await harness.Executor.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));

        var exited = await harness.ExitOfAsync(21);
        Assert.Equal((JobExitKind.Exited, 0), (exited.Kind, exited.ExitCode));
        var refused = await Assert.ThrowsAsync<JobStartException>(() => harness.Executor.StartAsync(ExecutorHarness.Launch(22), CancellationToken.None));
        Assert.Equal(JobStartFailure.Stopping, refused.Failure);
        Assert.Equal(0, harness.Executor.FreeSlots);
    }

    [Fact]
    public async Task StopAsync_KillsJobsStillRunning_WhenTheShutdownTimeoutFires_AndIsSafeTwice()
    {
        await using var harness = new ExecutorHarness(slots: 2, killTimeout: TimeSpan.FromSeconds(2));
        harness.WriteScript("run.sh", "sleep 300 & wait");
        var first = await harness.Executor.StartAsync(ExecutorHarness.Launch(31), CancellationToken.None);
        var second = await harness.Executor.StartAsync(ExecutorHarness.Launch(32), CancellationToken.None);
        using var shutdownTimeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var stopping = harness.Executor.StopAsync(shutdownTimeout.Token);
        var again = harness.Executor.StopAsync(shutdownTimeout.Token);
        await Task.WhenAll(stopping, again).WaitAsync(TimeSpan.FromSeconds(5));
        await harness.Executor.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(1));

        var exits = new[] { await harness.ExitOfAsync(31), await harness.ExitOfAsync(32) };
        Assert.All(exits, e => Assert.Equal(JobExitKind.KilledOnShutdown, e.Kind));
        Assert.False(ExecutorHarness.IsAlive(first.ProcessId) || ExecutorHarness.IsAlive(second.ProcessId), "a job outlived the stop");
        Assert.False(await harness.Executor.Events.WaitToReadAsync(), "the event stream should end after the stop");
    }
}
