using RunnerHub.Contracts.Hub;
using RunnerHub.ProxyRunner.Connection;
using RunnerHub.ProxyRunner.Execution;
using RunnerHub.ProxyRunner.UnitTests.Execution;

namespace RunnerHub.ProxyRunner.UnitTests.Connection;

/// <summary>The orchestrator's Cancel on real processes: the slot named is stopped and its exit reported, nothing else is touched.</summary>
public class JobCancellationsTests
{
    [Fact]
    public async Task Cancel_KillsThatSlotsProcess_AndItsExitIsReportedCancelled()
    {
        await using var harness = new ExecutorHarness(slots: 2);
        harness.WriteScript("run.sh", "sleep 300 & wait");
        var doomed = await harness.Executor.StartAsync(ExecutorHarness.Launch(41), CancellationToken.None);
        var other = await harness.Executor.StartAsync(ExecutorHarness.Launch(42), CancellationToken.None);
        var logger = new ListLogger<JobCancellations>();
        var cancellations = new JobCancellations(harness.Executor, logger);
        var cancel = new JobCancel(41, 1, "the job completed (cancelled)");

        // The orchestrator repeats the cancel on every heartbeat: a repeat joins the one under way.
        var first = cancellations.CancelAsync(cancel, CancellationToken.None);
        var repeated = cancellations.CancelAsync(cancel, CancellationToken.None);
        await first.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Same(first, repeated);
        var exited = await harness.ExitOfAsync(41);
        Assert.Equal((JobExitKind.Cancelled, 143), (exited.Kind, exited.ExitCode)); // 128 + SIGTERM
        Assert.Equal("cancelled", RunnerConnection.Outcome(exited.Kind)); // what JobExited tells the orchestrator
        Assert.False(ExecutorHarness.IsAlive(doomed.ProcessId), $"job 41's process {doomed.ProcessId} outlived the cancel");
        Assert.Equal([(42L, 1)], harness.Executor.Running.Select(r => (r.JobId, r.Attempt)));
        Assert.True(ExecutorHarness.IsAlive(other.ProcessId), "the other slot's process was killed too");
        Assert.Single(logger.Lines, l => l.StartsWith("2030 ", StringComparison.Ordinal) && l.Contains(cancel.Reason, StringComparison.Ordinal));

        // Once it is gone, the next heartbeat's cancel (sent before the runner stopped reporting it) does nothing.
        Assert.True(cancellations.CancelAsync(cancel, CancellationToken.None).IsCompletedSuccessfully);
        Assert.Single(logger.Lines, l => l.StartsWith("2030 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cancel_ForAJobThatDoesNotRunHere_IsAHarmlessNoOp()
    {
        await using var harness = new ExecutorHarness();
        harness.WriteScript("run.sh", "sleep 300 & wait");
        var running = await harness.Executor.StartAsync(ExecutorHarness.Launch(51), CancellationToken.None);
        var logger = new ListLogger<JobCancellations>();
        var cancellations = new JobCancellations(harness.Executor, logger);

        var unknown = cancellations.CancelAsync(new JobCancel(99, 1, "the job is not known (removed)"), CancellationToken.None);
        var otherAttempt = cancellations.CancelAsync(new JobCancel(51, 2, "the job moved on to dispatch attempt 2"), CancellationToken.None);

        Assert.True(unknown.IsCompletedSuccessfully && otherAttempt.IsCompletedSuccessfully, "a cancel of nothing should complete at once");
        Assert.Equal([(51L, 1)], harness.Executor.Running.Select(r => (r.JobId, r.Attempt)));
        Assert.True(ExecutorHarness.IsAlive(running.ProcessId), "job 51 attempt 1 was killed by a cancel of something else");
        Assert.IsType<JobStarted>(await harness.Executor.Events.ReadAsync());
        Assert.False(harness.Executor.Events.TryRead(out var extra), $"no exit should be reported, saw {extra}");
        Assert.DoesNotContain(logger.Lines, l => l.StartsWith("2030 ", StringComparison.Ordinal));
        Assert.Equal(2, logger.Lines.Count(l => l.StartsWith("2031 ", StringComparison.Ordinal)));
    }
}
