using Microsoft.Extensions.Options;
using RunnerHub.Contracts;
using RunnerHub.Orchestrator.Jobs;
using RunnerHub.Orchestrator.Storage.Postgres;
using RunnerHub.Orchestrator.Storage.Redis;

namespace RunnerHub.Orchestrator.Dispatch;

/// <summary>
/// Gives the dispatches of runners that went silent back to the queue (or to dead after the last
/// attempt). Safe on every node at once: the expiry is one conditional UPDATE with SKIP LOCKED,
/// and queue pushes are idempotent. (The leader's maintenance will take this over.)
/// </summary>
internal sealed class LeaseSweeper(IDispatchStore store, IJobQueue queue, SchemaState schema, TimeProvider time, IOptions<DispatchOptions> options, ILogger<LeaseSweeper> logger) : BackgroundService
{
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
    }
}
