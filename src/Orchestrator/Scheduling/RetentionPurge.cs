using Microsoft.Extensions.Options;
using Npgsql;
using RunnerHub.Orchestrator.Leadership;
using RunnerHub.Orchestrator.Storage.Postgres;

namespace RunnerHub.Orchestrator.Scheduling;

/// <summary>
/// Deletes webhook deliveries older than <see cref="RetentionOptions.Deliveries"/> and finished
/// jobs older than <see cref="RetentionOptions.FinishedJobs"/>, <see cref="RetentionOptions.BatchSize"/>
/// rows per transaction, each fenced with the caller's token, until a batch comes back short. A
/// stale token writes nothing (<see cref="FencedOutException"/>); batches already committed stay
/// deleted, and deleting again is harmless, so an interrupted run is simply continued by the next.
/// </summary>
internal sealed class RetentionPurge(LeaderFence fence, ILeadershipState leadership, IOptions<RetentionOptions> options, ILogger<RetentionPurge> logger)
{
    /// <summary>The fence row retention writes under.</summary>
    public const string TaskName = "retention";

    public async Task<RetentionResult> PurgeAsync(long token, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var (deliveries, deliveryBatches) = await DeleteAllAsync(
            token,
            settings.BatchSize,
            (connection, transaction, ct) => PostgresRetentionStore.DeleteDeliveriesAsync(connection, transaction, settings.Deliveries, settings.BatchSize, ct),
            cancellationToken);
        var (jobs, jobBatches) = await DeleteAllAsync(
            token,
            settings.BatchSize,
            (connection, transaction, ct) => PostgresRetentionStore.DeleteFinishedJobsAsync(connection, transaction, settings.FinishedJobs, settings.BatchSize, ct),
            cancellationToken);

        var result = new RetentionResult(deliveries, jobs, deliveryBatches + jobBatches);
        Log.RetentionDone(logger, leadership.NodeId, token, deliveries, settings.Deliveries, jobs, settings.FinishedJobs, result.Batches);
        return result;
    }

    private async Task<(long Deleted, int Batches)> DeleteAllAsync(
        long token,
        int batchSize,
        Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, ValueTask<int>> batch,
        CancellationToken cancellationToken)
    {
        long deleted = 0;
        for (var batches = 1; ; batches++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rows = await fence.RunAsync(TaskName, token, leadership.NodeId, batch, cancellationToken);
            deleted += rows;
            if (rows < batchSize)
            {
                return (deleted, batches);
            }
        }
    }
}
