using Microsoft.Extensions.Options;
using RunnerHub.Contracts;
using RunnerHub.Orchestrator.Jobs;
using RunnerHub.Orchestrator.Leadership;

namespace RunnerHub.Orchestrator.Dispatch;

/// <summary>
/// Leader task: makes the Redis queues match PostgreSQL. A full pass (every queue's membership
/// set resynced with its list, every queued job's pointer put back, every pointer of a job no
/// longer queued removed) runs when a term begins, whenever the Redis master's replication id
/// changes (a failover: Redis may have lost acknowledged writes), and every
/// <see cref="DispatchOptions.ReconcileInterval"/>. (The failover timeline records master
/// changes: see <c>TopologyWatchTask</c>.)
/// </summary>
internal sealed partial class QueueReconcileTask(
    IJobQueue queue,
    IDispatchStore store,
    IOptions<DispatchOptions> options,
    TimeProvider time,
    ILogger<QueueReconcileTask> logger) : ILeaderTask
{
    private const int Page = 500;

    private long _term = -1;
    private RedisMasterIdentity? _master;
    private string? _pending;
    private long _lastFullAt;

    public string Name => "queue-reconcile";

    public TimeSpan Interval => TimeSpan.FromSeconds(1);

    public async Task RunAsync(LeaderTaskContext context, CancellationToken cancellationToken)
    {
        var master = await queue.MasterAsync();
        if (master is null)
        {
            return;
        }

        if (_term != context.Token)
        {
            _pending = $"term {context.Token} began";
            _term = context.Token;
        }
        else if (_master is { } previous && previous.ReplicationId != master.ReplicationId)
        {
            LogMasterChanged(logger, previous.Address, master.Address, master.ReplicationId);
            _pending = $"Redis master changed: {previous.Address} -> {master.Address}";
        }
        else if (_pending is null && time.GetElapsedTime(_lastFullAt) >= options.Value.ReconcileInterval)
        {
            _pending = "periodic";
        }

        _master = master;
        if (_pending is { } reason)
        {
            // Kept until a pass succeeds: right after a failover Redis may refuse writes for a while.
            await FullPassAsync(reason, cancellationToken);
            _pending = null;
            _lastFullAt = time.GetTimestamp();
        }
    }

    private async Task FullPassAsync(string reason, CancellationToken cancellationToken)
    {
        var clock = time.GetTimestamp();
        var labelSets = (await queue.LabelSetsAsync()).ToHashSet();

        // 1. Each queue's membership set = its list, so lost pointers read as missing.
        foreach (var labels in labelSets)
        {
            await queue.ResyncMembersAsync(labels);
        }

        // 2. Every job PostgreSQL has queued gets its pointer.
        var repaired = 0;
        var queued = 0;
        for (long cursor = 0; ;)
        {
            var page = await store.QueuedLongerThanAsync(TimeSpan.Zero, cursor, Page, cancellationToken);
            foreach (var job in page)
            {
                queued++;
                var labels = LabelSet.Parse(job.LabelKey);
                labelSets.Add(labels);
                if (await queue.RepairAsync(labels, job.JobId))
                {
                    repaired++;
                }
            }

            if (page.Count < Page)
            {
                break;
            }

            cursor = page[^1].JobId;
        }

        // 3. No pointer without a queued job.
        var removed = 0;
        foreach (var labels in labelSets)
        {
            foreach (var chunk in (await queue.PointersAsync(labels)).Distinct().Chunk(Page))
            {
                var stillQueued = await store.QueuedAmongAsync(chunk, cancellationToken);
                foreach (var jobId in chunk.Where(id => !stillQueued.Contains(id)))
                {
                    if (await queue.RemoveAsync(labels, jobId))
                    {
                        removed++;
                    }
                }
            }
        }

        var elapsed = time.GetElapsedTime(clock).TotalMilliseconds;
        if (repaired > 0 || removed > 0 || reason != "periodic")
        {
            LogPass(logger, reason, queued, repaired, removed, elapsed);
        }
        else
        {
            LogQuietPass(logger, queued, elapsed);
        }
    }

    [LoggerMessage(EventId = 1810, Level = LogLevel.Warning, Message = "Redis master changed from {From} to {To} (replication id {ReplicationId}): rebuilding the queues from PostgreSQL")]
    private static partial void LogMasterChanged(ILogger logger, string from, string to, string replicationId);

    [LoggerMessage(EventId = 1811, Level = LogLevel.Information, Message = "Queues reconciled ({Reason}): {Queued} queued job(s) in PostgreSQL, {Repaired} pointer(s) put back, {Removed} stale pointer(s) removed, in {Ms:0} ms")]
    private static partial void LogPass(ILogger logger, string reason, int queued, int repaired, int removed, double ms);

    [LoggerMessage(EventId = 1812, Level = LogLevel.Debug, Message = "Queues match PostgreSQL: {Queued} queued job(s), checked in {Ms:0} ms")]
    private static partial void LogQuietPass(ILogger logger, int queued, double ms);
}
