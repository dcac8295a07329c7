using RunnerHub.Contracts;
using RunnerHub.Orchestrator.Dispatch;
using RunnerHub.Orchestrator.Monitoring;

namespace RunnerHub.Orchestrator.UnitTests.Monitoring;

public sealed class RunnerMetricsTests : IDisposable
{
    private readonly TestMeters _meters = new();

    public void Dispose() => _meters.Dispose();

    [Fact]
    public void Gauges_CountThisNodesRunnersByStatus_AndTheirSlotsByState()
    {
        var runners = new ConnectedRunners();
        _ = new RunnerMetrics(_meters.Factory, runners);
        using var byStatus = _meters.Collect<int>(RunnerMetrics.MeterName, "runnerhub.runners");
        using var slots = _meters.Collect<int>(RunnerMetrics.MeterName, "runnerhub.runner.slots");
        var labels = LabelSet.Parse("self-hosted");
        runners.Update(new ConnectedRunner(Guid.NewGuid(), "idle", "c1", labels, 4, 4, Draining: false));
        runners.Update(new ConnectedRunner(Guid.NewGuid(), "busy", "c2", labels, 4, 1, Draining: false));
        runners.Update(new ConnectedRunner(Guid.NewGuid(), "full", "c3", labels, 2, 0, Draining: false));
        runners.Update(new ConnectedRunner(Guid.NewGuid(), "draining", "c4", labels, 4, 3, Draining: true));

        byStatus.RecordObservableInstruments();
        slots.RecordObservableInstruments();

        Assert.Equal(
            [("busy", 2), ("draining", 1), ("idle", 1)],
            byStatus.GetMeasurementSnapshot().Select(m => ((string)m.Tags["status"]!, m.Value)).Order());
        // Used: 0 + 3 + 2 + 1; free: 4 + 1 + 0, the draining runner's idle slots take no job.
        Assert.Equal(
            [("free", 5), ("used", 6)],
            slots.GetMeasurementSnapshot().Select(m => ((string)m.Tags["state"]!, m.Value)).Order());
    }

    [Fact]
    public void Gauges_ReadZero_WithNoRunnerConnected()
    {
        _ = new RunnerMetrics(_meters.Factory, new ConnectedRunners());
        using var byStatus = _meters.Collect<int>(RunnerMetrics.MeterName, "runnerhub.runners");

        byStatus.RecordObservableInstruments();

        Assert.Equal([0, 0, 0], byStatus.GetMeasurementSnapshot().Select(m => m.Value));
    }
}
