using RunnerHub.Contracts.Hub;
using RunnerHub.ProxyRunner.Execution;

namespace RunnerHub.ProxyRunner.Connection;

/// <summary>
/// Carries out the orchestrator's <see cref="IRunnerClient.Cancel"/>: stops that slot's process
/// (SIGTERM, SIGKILL after the kill timeout, <see cref="IJobExecutor.CancelAsync"/>), whose exit
/// is then reported like any other. The orchestrator repeats a cancel on every heartbeat until
/// the job is no longer reported, so a cancel already under way is joined, and one for a job
/// that does not run here is ignored.
/// </summary>
internal sealed partial class JobCancellations(IJobExecutor executor, ILogger<JobCancellations> logger)
{
    private readonly Dictionary<(long JobId, int Attempt), Task> _underWay = [];

    /// <summary>
    /// Starts cancelling the job and returns at once with a task that completes once its process
    /// has exited (or at once when the job does not run here). Never throws: a hub handler must
    /// not block the connection's receive loop nor fail it.
    /// </summary>
    public Task CancelAsync(JobCancel cancel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cancel);
        if (!executor.Running.Any(r => r.JobId == cancel.JobId && r.Attempt == cancel.Attempt))
        {
            LogNotRunning(logger, cancel.JobId, cancel.Attempt, cancel.Reason);
            return Task.CompletedTask;
        }

        var key = (cancel.JobId, cancel.Attempt);
        lock (_underWay)
        {
            if (_underWay.TryGetValue(key, out var underWay))
            {
                return underWay;
            }

            LogCancelling(logger, cancel.JobId, cancel.Attempt, cancel.Reason);
            var cancelling = RunAsync(key, cancellationToken);
            _underWay[key] = cancelling;
            return cancelling;
        }
    }

    private async Task RunAsync((long JobId, int Attempt) key, CancellationToken cancellationToken)
    {
        // Off the caller's thread: the caller holds the lock this removes the entry under.
        await Task.Yield();
        try
        {
            await executor.CancelAsync(key.JobId, key.Attempt, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the kill runs to its end anyway, and the exit is still reported.
        }
        finally
        {
            lock (_underWay)
            {
                _underWay.Remove(key);
            }
        }
    }

    [LoggerMessage(EventId = 2030, Level = LogLevel.Warning, Message = "Orchestrator cancels job {JobId} attempt {Attempt}: {Reason}")]
    private static partial void LogCancelling(ILogger logger, long jobId, int attempt, string reason);

    [LoggerMessage(EventId = 2031, Level = LogLevel.Debug, Message = "Orchestrator cancels job {JobId} attempt {Attempt}, which does not run here; ignored ({Reason})")]
    private static partial void LogNotRunning(ILogger logger, long jobId, int attempt, string reason);
}
