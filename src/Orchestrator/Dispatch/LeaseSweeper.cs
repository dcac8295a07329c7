using Microsoft.Extensions.Options;
using RunnerHub.Contracts;
using RunnerHub.Orchestrator.Jobs;
using RunnerHub.Orchestrator.Storage.Postgres;
using RunnerHub.Orchestrator.Storage.Redis;

namespace RunnerHub.Orchestrator.Dispatch;

/// <summary>
/// Gives the dispatches of runners that went silent back to the queue (or to dead after the last
/// attempt), and puts back queue pointers Redis lost (PostgreSQL is the system of record: a
/// job queued there for a while must have its pointer). Safe on every node at once: the expiry
/// is one conditional UPDATE with SKIP LOCKED, and queue pushes are idempotent. (The leader's
/// reconciliation will take this over and rebuild whole queues.)
/// </summary>
internal sealed class LeaseSweeper(IDispatchStore store, IJobQueue queue, SchemaState schema, TimeProvider time, IOptions<DispatchOptions> options, ILogger<LeaseSweeper> logger) : BackgroundService
{
    private const int RepairBatch = 200;

    // Where the repair pass goes on next time: each pass checks one page, so a big backlog is
    // covered a page per pass rather than all at once.
    private long _repairCursor;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await schema.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (RedisErrors.IsOutage(ex) || PostgresErrors.IsOutage(ex))
            {
                Log.PassFailed(logger, ex.Message);
            }
        }
    }

    internal async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        foreach (var job in await store.ExpireLeasesAsync(options.Value.MaxAttempts, cancellationToken))
        {
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
