using Microsoft.Extensions.Options;
using RunnerHub.Contracts.Hub;
using RunnerHub.Orchestrator.Dispatch;
using RunnerHub.Orchestrator.Storage.Postgres;

namespace RunnerHub.Orchestrator.Runners;

/// <summary>
/// Compares what a runner says it runs with PostgreSQL and tells it to cancel every process no
/// live dispatch explains (its job completed or was cancelled before GitHub started it, its
/// lease expired and the job moved on to another attempt, it went dead, it was torn down as
/// unused, the job is gone), and has its JIT registration deleted at GitHub
/// (<see cref="OrphanRegistrations"/>). Driven by state on every announce and heartbeat, not by a
/// message that must arrive: a lost cancel is sent again next time.
/// </summary>
internal sealed partial class OrphanedProcesses(IDispatchStore store, OrphanRegistrations registrations, IOptions<DispatchOptions> options, ILogger<OrphanedProcesses> logger)
{
    public async Task CancelAsync(Guid runnerId, string runnerName, IReadOnlyList<RunningJob> running, IRunnerClient runner, CancellationToken cancellationToken)
    {
        if (running.Count == 0)
        {
            return;
        }

        IReadOnlyList<OrphanedProcess> orphans;
        try
        {
            orphans = await store.FindOrphansAsync(runnerId, running, options.Value.ExitGrace, cancellationToken);
        }
        catch (Exception ex) when (PostgresErrors.IsOutage(ex))
        {
            // Next heartbeat asks again; the heartbeat itself must not fail for this.
            LogCheckFailed(logger, runnerName, ex.Message);
            return;
        }

        foreach (var orphan in orphans)
        {
            var reason = orphan.Reason;
            LogCancelling(logger, runnerName, orphan.JobId, orphan.Attempt, reason);
            await runner.Cancel(new JobCancel(orphan.JobId, orphan.Attempt, reason));
            registrations.Delete(orphan);
        }
    }

    [LoggerMessage(EventId = 1630, Level = LogLevel.Information, Message = "Runner {Name}: cancelling job {JobId} attempt {Attempt}: {Reason}")]
    private static partial void LogCancelling(ILogger logger, string name, long jobId, int attempt, string reason);

    [LoggerMessage(EventId = 1631, Level = LogLevel.Warning, Message = "Runner {Name}: could not check its running jobs against PostgreSQL; next heartbeat tries again: {Reason}")]
    private static partial void LogCheckFailed(ILogger logger, string name, string reason);
}
