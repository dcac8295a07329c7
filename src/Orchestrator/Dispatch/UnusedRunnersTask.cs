using Microsoft.Extensions.Options;
using RunnerHub.Contracts;
using RunnerHub.Orchestrator.GitHub;
using RunnerHub.Orchestrator.Jobs;
using RunnerHub.Orchestrator.Leadership;
using RunnerHub.Orchestrator.Monitoring;
using RunnerHub.Orchestrator.Storage.Postgres;

namespace RunnerHub.Orchestrator.Dispatch;

/// <summary>
/// Leader task: a dispatch still <c>dispatched</c> <see cref="DispatchOptions.UnusedRunnerTimeout"/>
/// after it was made got no job from GitHub (GitHub may give a job to any idle runner with its
/// labels, so the job this JIT runner was launched for may have run elsewhere, or GitHub has not
/// started it at all). Its JIT runner is deleted at GitHub first, so GitHub cannot hand it a job
/// any more; only once that succeeded (or the runner was gone already) is the dispatch released,
/// fenced: the attempt is used, the job goes back to its queue (or to dead after the last attempt).
/// The proxy runner's process is cancelled by the heartbeat comparison, which now finds no live
/// dispatch for it.
/// </summary>
internal sealed partial class UnusedRunnersTask(
    IDispatchStore store,
    IGitHubClient github,
    IJobQueue queue,
    JobMetrics metrics,
    IOptions<DispatchOptions> options,
    ILogger<UnusedRunnersTask> logger) : ILeaderTask
{
    // GitHub calls per run: the rest waits for the next run.
    private const int Batch = 20;

    public string Name => "unused-runners";

    public TimeSpan Interval => TimeSpan.FromSeconds(5);

    public async Task RunAsync(LeaderTaskContext context, CancellationToken cancellationToken)
    {
        var timeout = options.Value.UnusedRunnerTimeout;
        var unused = await store.UnusedDispatchesAsync(timeout, Batch, cancellationToken);
        if (unused.Count == 0)
        {
            return;
        }

        var deleted = new List<UnusedDispatch>();
        foreach (var dispatch in unused)
        {
            try
            {
                var found = await github.DeleteRunnerAsync(dispatch.Repository, dispatch.JitRunnerName, cancellationToken);
                LogRunnerDeleted(logger, dispatch.JitRunnerName, dispatch.Repository, found ? "deleted" : "already gone");
                deleted.Add(dispatch);
            }
            catch (GitHubApiException ex)
            {
                // 422: it runs a job after all (its in_progress webhook may still come, or was
                // lost). Tried again next run; nothing is released. Any other refusal (rate limit,
                // credentials) would refuse the rest too.
                LogDeleteRefused(logger, dispatch.JitRunnerName, dispatch.Repository, dispatch.JobId, ex.Message);
                if (ex.StatusCode != 422)
                {
                    break;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException)
            {
                LogGitHubUnreachable(logger, dispatch.JitRunnerName, ex.Message);
                break;
            }
        }

        if (deleted.Count == 0)
        {
            return;
        }

        var released = await context.FencedAsync(
            (connection, transaction, ct) => PostgresDispatchStore.ReleaseUnusedAsync(connection, transaction, deleted, timeout, options.Value.MaxAttempts, ct),
            cancellationToken);
        foreach (var job in released)
        {
            if (job.Dead)
            {
                metrics.Failed(job.LabelKey, JobFailure.AttemptsExhausted);
                LogDead(logger, job.JobId, job.Attempt, timeout.TotalMinutes);
            }
            else
            {
                LogRequeued(logger, job.JobId, job.Attempt, timeout.TotalMinutes);
                await queue.EnqueueAsync(LabelSet.Parse(job.LabelKey), job.JobId);
            }
        }
    }

    [LoggerMessage(EventId = 1820, Level = LogLevel.Information, Message = "JIT runner {JitRunner} of {Repository} got no job: {Outcome} at GitHub")]
    private static partial void LogRunnerDeleted(ILogger logger, string jitRunner, string repository, string outcome);

    [LoggerMessage(EventId = 1821, Level = LogLevel.Warning, Message = "GitHub refused to delete unused JIT runner {JitRunner} of {Repository} (job {JobId}); its dispatch stays until the next try: {Reason}")]
    private static partial void LogDeleteRefused(ILogger logger, string jitRunner, string repository, long jobId, string reason);

    [LoggerMessage(EventId = 1822, Level = LogLevel.Warning, Message = "GitHub unreachable while deleting unused JIT runner {JitRunner}; trying again next run: {Reason}")]
    private static partial void LogGitHubUnreachable(ILogger logger, string jitRunner, string reason);

    [LoggerMessage(EventId = 1823, Level = LogLevel.Information, Message = "Job {JobId}: GitHub started no job on the runner of attempt {Attempt} within {Minutes:0.#} min; runner torn down, job back to its queue")]
    private static partial void LogRequeued(ILogger logger, long jobId, int attempt, double minutes);

    [LoggerMessage(EventId = 1824, Level = LogLevel.Warning, Message = "Job {JobId}: GitHub started no job on the runner of attempt {Attempt} within {Minutes:0.#} min, its last attempt; runner torn down, job dead")]
    private static partial void LogDead(ILogger logger, long jobId, int attempt, double minutes);
}
