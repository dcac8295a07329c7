using System.Diagnostics.Metrics;
using RunnerHub.Orchestrator.Jobs;
using RunnerHub.Orchestrator.Storage.Postgres;

namespace RunnerHub.Orchestrator.Monitoring;

/// <summary>
/// <c>runnerhub_queue_depth</c> (jobs queued) and <c>runnerhub_queue_oldest_wait_seconds</c> (how
/// long ago RunnerHub accepted the oldest of them) per label set, cluster-wide: every node reads
/// them from PostgreSQL, the system of record, with the grouped query behind
/// <c>GET /api/queues</c> (<see cref="IJobStore.QueuesAsync"/>), once every
/// <see cref="RefreshInterval"/>, so every node shows the same figures. A label set appears while
/// it has unfinished jobs (0 when they are all dispatched or running). A scrape only reads the
/// last snapshot: it never waits on PostgreSQL and never fails. While PostgreSQL is out the last
/// snapshot stays for <see cref="MaxAge"/>, then the series go away rather than show stale figures.
/// </summary>
internal sealed partial class QueueMetrics : BackgroundService
{
    /// <summary>How often each node reads the queues.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(10);

    /// <summary>How long a snapshot is shown when no newer one could be read.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);

    private readonly IJobStore _jobs;
    private readonly SchemaState _schema;
    private readonly TimeProvider _time;
    private readonly ILogger<QueueMetrics> _logger;
    private Snapshot? _snapshot;

    public QueueMetrics(IMeterFactory meters, IJobStore jobs, SchemaState schema, TimeProvider time, ILogger<QueueMetrics> logger)
    {
        _jobs = jobs;
        _schema = schema;
        _time = time;
        _logger = logger;
        var meter = meters.Create(JobMetrics.MeterName);
        meter.CreateObservableGauge("runnerhub.queue.depth", ObserveDepth, "{job}", "Jobs queued in PostgreSQL (cluster-wide), per label set.");
        meter.CreateObservableGauge("runnerhub.queue.oldest_wait", ObserveOldestWait, "s", "Time since RunnerHub accepted the oldest job still queued (cluster-wide), per label set; 0 when none is queued.");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await _schema.WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            await RunOnceAsync(stoppingToken);
            await Task.Delay(RefreshInterval, _time, stoppingToken);
        }
    }

    /// <summary>Reads the queues once; on failure keeps the snapshot it has (and says so).</summary>
    internal async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var snapshot = await _jobs.QueuesAsync(cancellationToken);
            var queues = new Queue[snapshot.Queues.Count];
            for (var i = 0; i < queues.Length; i++)
            {
                var counts = snapshot.Queues[i];
                queues[i] = new Queue(new("labels", counts.Labels.ToString()), counts.Queued, counts.OldestQueuedAt);
            }

            Volatile.Write(ref _snapshot, new Snapshot(queues, _time.GetUtcNow()));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // Any failure, not only an outage: a metrics refresh must never stop the host.
            LogRefreshFailed(_logger, ex.Message);
        }
    }

    private IEnumerable<Measurement<long>> ObserveDepth() =>
        Current() is { } s ? s.Queues.Select(q => new Measurement<long>(q.Queued, q.Labels)) : [];

    private IEnumerable<Measurement<double>> ObserveOldestWait()
    {
        if (Current() is not { } s)
        {
            return [];
        }

        // The age grows between refreshes: taken now, against PostgreSQL's accepted_at.
        var now = _time.GetUtcNow();
        return s.Queues.Select(q => new Measurement<double>(q.OldestQueuedAt is { } oldest ? Math.Max(0, (now - oldest).TotalSeconds) : 0, q.Labels));
    }

    private Snapshot? Current() =>
        Volatile.Read(ref _snapshot) is { } s && _time.GetUtcNow() - s.ReadAt <= MaxAge ? s : null;

    [LoggerMessage(EventId = 2240, Level = LogLevel.Warning, Message = "Queue metrics not refreshed from PostgreSQL ({Reason}); the last figures stay for up to a minute")]
    private static partial void LogRefreshFailed(ILogger logger, string reason);

    private sealed record Queue(KeyValuePair<string, object?> Labels, long Queued, DateTimeOffset? OldestQueuedAt);

    private sealed record Snapshot(Queue[] Queues, DateTimeOffset ReadAt);
}
