using Microsoft.Extensions.Options;
using RunnerHub.Contracts;
using RunnerHub.Orchestrator.GitHub;
using RunnerHub.Orchestrator.Jobs;
using RunnerHub.Orchestrator.Leadership;
using RunnerHub.Orchestrator.Monitoring;
using RunnerHub.Orchestrator.Storage.Postgres;

namespace RunnerHub.Orchestrator.Dispatch;

/// <summary>
/// Leader task: gives the dispatches of runners that went silent back to the queue (or to dead
/// after the last attempt), fenced, and puts back queue pointers Redis lost (PostgreSQL is the
/// system of record: a job queued there for a while must have its pointer; pushes are idempotent).
/// </summary>
internal sealed class LeaseExpiryTask(
    IDispatchStore store,
    IJobQueue queue,
    IGitHubClient github,
    JobMetrics metrics,
    IOptions<DispatchOptions> options,
    ILogger<LeaseExpiryTask> logger) : ILeaderTask
{
    private const int RepairBatch = 200;

    // Where the repair pass goes on next time: each pass checks one page, so a big backlog is
    // covered a page per pass rather than all at once.
    private long _repairCursor;

    public string Name => "dispatch-lease-expiry";

    public TimeSpan Interval => TimeSpan.FromSeconds(2);

    public async Task RunAsync(LeaderTaskContext context, CancellationToken cancellationToken)
    {
        var expired = await context.FencedAsync(
            (connection, transaction, ct) => PostgresDispatchStore.ExpireLeasesAsync(connection, transaction, options.Value.MaxAttempts, ct),
            cancellationToken);
        foreach (var job in expired)
        {
            if (job.Dead)
            {
                metrics.Failed(job.LabelKey, JobFailure.AttemptsExhausted);
                Log.LeaseExpiredDead(logger, job.JobId, job.Attempt);
                continue;
            }

            Log.LeaseExpired(logger, job.JobId);
            await queue.EnqueueAsync(LabelSet.Parse(job.LabelKey), job.JobId);
        }

        await DeleteRegistrationsAsync(expired, cancellationToken);

        var page = await store.QueuedLongerThanAsync(options.Value.RepairAfter, _repairCursor, RepairBatch, cancellationToken);
        foreach (var job in page)
        {
            if (await queue.RepairAsync(LabelSet.Parse(job.LabelKey), job.JobId))
            {
                Log.PointerRepaired(logger, job.JobId, job.LabelKey);
            }
        }

        _repairCursor = page.Count < RepairBatch ? 0 : page[^1].JobId;
    }

    /// <summary>
    /// The expired attempts' JIT runners, registered at GitHub but confirmed by no heartbeat (their
    /// node died between registering and dispatching, or their runner went away): deleted, best
    /// effort, so they do not stay registered for ever. The attempt is spent, so its name is never
    /// used again. A runner GitHub says runs a job (422) is left alone.
    /// </summary>
    private async Task DeleteRegistrationsAsync(IReadOnlyList<ReleasedDispatch> expired, CancellationToken cancellationToken)
    {
        foreach (var job in expired.Where(j => j is { Repository: not null, JitRunnerName: not null }))
        {
            try
            {
                if (await github.DeleteRunnerAsync(job.Repository!, job.JitRunnerName!, cancellationToken))
                {
                    Log.ExpiredRunnerDeleted(logger, job.JitRunnerName!, job.Repository!);
                }
            }
            catch (Exception ex) when (GitHubErrors.IsCallFailure(ex))
            {
                Log.ExpiredRunnerNotDeleted(logger, job.JitRunnerName!, job.Repository!, ex.Message);
                if (ex is not GitHubApiException { StatusCode: 422 })
                {
                    return;
                }
            }
        }
    }
}
