using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using RunnerHub.Contracts;
using RunnerHub.Orchestrator.Jobs;
using RunnerHub.Orchestrator.Monitoring;
using RunnerHub.Orchestrator.Storage.Postgres;

namespace RunnerHub.Orchestrator.UnitTests.Monitoring;

public sealed class QueueMetricsTests : IDisposable
{
    private readonly TestMeters _meters = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
    private readonly FakeJobStore _jobs = new();

    public void Dispose() => _meters.Dispose();

    [Fact]
    public async Task RunOnce_ShowsEachLabelSetsQueuedJobs_AndTheOldestOnesWait()
    {
        using var metrics = NewMetrics();
        using var depth = _meters.Collect<long>(JobMetrics.MeterName, "runnerhub.queue.depth");
        using var wait = _meters.Collect<double>(JobMetrics.MeterName, "runnerhub.queue.oldest_wait");
        _jobs.Next = Snapshot(
            new QueueCounts(LabelSet.Parse("linux,self-hosted"), 3, 1, 0, _time.GetUtcNow().AddSeconds(-40)),
            new QueueCounts(LabelSet.Parse("gpu,self-hosted"), 0, 2, 5, null));

        await metrics.RunOnceAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(5)); // the age is taken at the scrape
        depth.RecordObservableInstruments();
        wait.RecordObservableInstruments();

        Assert.Equal(
            [("gpu,self-hosted", 0L), ("linux,self-hosted", 3L)],
            depth.GetMeasurementSnapshot().Select(m => ((string)m.Tags["labels"]!, m.Value)).Order());
        Assert.Equal(
            [("gpu,self-hosted", 0.0), ("linux,self-hosted", 45.0)],
            wait.GetMeasurementSnapshot().Select(m => ((string)m.Tags["labels"]!, m.Value)).Order());
    }

    [Fact]
    public async Task APostgresOutage_LeavesTheLastFigures_ThenNoneOnceTheyAreAMinuteOld()
    {
        using var metrics = NewMetrics();
        using var depth = _meters.Collect<long>(JobMetrics.MeterName, "runnerhub.queue.depth");
        _jobs.Next = Snapshot(new QueueCounts(LabelSet.Parse("linux"), 7, 0, 0, _time.GetUtcNow()));
        await metrics.RunOnceAsync(CancellationToken.None);

        _jobs.Next = null; // PostgreSQL out from now on
        _time.Advance(TimeSpan.FromSeconds(50));
        await metrics.RunOnceAsync(CancellationToken.None); // must not throw
        depth.RecordObservableInstruments();
        Assert.Equal(7, Assert.Single(depth.GetMeasurementSnapshot(clear: true)).Value);

        _time.Advance(TimeSpan.FromSeconds(11));
        await metrics.RunOnceAsync(CancellationToken.None);
        depth.RecordObservableInstruments();
        Assert.Empty(depth.GetMeasurementSnapshot());
    }

    [Fact]
    public void AScrapeBeforeTheFirstRead_ShowsNothing_AndDoesNotFail()
    {
        using var metrics = NewMetrics();
        using var depth = _meters.Collect<long>(JobMetrics.MeterName, "runnerhub.queue.depth");

        depth.RecordObservableInstruments();

        Assert.Empty(depth.GetMeasurementSnapshot());
        Assert.Equal(0, _jobs.Calls);
    }

    private QueueMetrics NewMetrics() => new(_meters.Factory, _jobs, new SchemaState(), _time, NullLogger<QueueMetrics>.Instance);

    private static QueueSnapshot Snapshot(params QueueCounts[] queues) => new(queues, []);

    private sealed class FakeJobStore : IJobStore
    {
        public QueueSnapshot? Next { get; set; }

        public int Calls { get; private set; }

        public Task<DeliveryOutcome> ApplyAsync(WorkflowJobEvent jobEvent, string nodeId, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<QueueSnapshot> QueuesAsync(CancellationToken cancellationToken)
        {
            Calls++;
            return Next is { } snapshot ? Task.FromResult(snapshot) : Task.FromException<QueueSnapshot>(new NpgsqlException("connection refused"));
        }
    }
}
