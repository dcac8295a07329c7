using Microsoft.Extensions.Options;
using RunnerHub.Contracts;
using RunnerHub.Orchestrator.Jobs;
using RunnerHub.Orchestrator.Leadership;
using RunnerHub.Orchestrator.Storage.Postgres;

namespace RunnerHub.Orchestrator.Dispatch;

/// <summary>
/// Leader task: gives the dispatches of runners that went silent back to the queue (or to dead
/// after the last attempt), fenced, and puts back queue pointers Redis lost (PostgreSQL is the
/// system of record: a job queued there for a while must have its pointer; pushes are idempotent).
/// </summary>
internal sealed class LeaseExpiryTask(IDispatchStore store, IJobQueue queue, IOptions<DispatchOptions> options, ILogger<LeaseExpiryTask> logger) : ILeaderTask
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
                Log.LeaseExpiredDead(logger, job.JobId, job.Attempt);
                continue;
            }

            Log.LeaseExpired(logger, job.JobId);
            await queue.EnqueueAsync(LabelSet.Parse(job.LabelKey), job.JobId);
        }

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
}
