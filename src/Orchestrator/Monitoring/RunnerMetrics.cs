using System.Diagnostics.Metrics;
using RunnerHub.Orchestrator.Dispatch;

namespace RunnerHub.Orchestrator.Monitoring;

/// <summary>
/// The runners connected to this node (each node reports its own; sum over the nodes for the
/// cluster): <c>runnerhub_runners</c> by <c>status</c> (<c>draining</c>; else <c>busy</c> with a
/// slot in use; else <c>idle</c>) and <c>runnerhub_runner_slots</c> by <c>state</c> (<c>used</c>;
/// <c>free</c>: slots that can take a job now, so a draining runner's idle slots are in neither).
/// A hosted service only so that it is created at start: the gauges read 0 before the first
/// runner connects instead of being absent.
/// </summary>
internal sealed class RunnerMetrics : IHostedService
{
    public const string MeterName = "RunnerHub.Orchestrator.Runners";

    private static readonly KeyValuePair<string, object?> Idle = new("status", "idle");
    private static readonly KeyValuePair<string, object?> Busy = new("status", "busy");
    private static readonly KeyValuePair<string, object?> Draining = new("status", "draining");
    private static readonly KeyValuePair<string, object?> Used = new("state", "used");
    private static readonly KeyValuePair<string, object?> Free = new("state", "free");

    public RunnerMetrics(IMeterFactory meters, ConnectedRunners runners)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("runnerhub.runners", () => ByStatus(runners.All), "{runner}", "Runners connected to this node, by status (idle, busy, draining).");
        meter.CreateObservableGauge("runnerhub.runner.slots", () => BySlotState(runners.All), "{slot}", "Job slots of the runners connected to this node, by state (used, free).");
    }

    /// <summary>Every status, 0 included, so a dashboard sees a runner count drop to none.</summary>
    internal static Measurement<int>[] ByStatus(IEnumerable<ConnectedRunner> runners)
    {
        int idle = 0, busy = 0, draining = 0;
        foreach (var runner in runners)
        {
            if (runner.Draining)
            {
                draining++;
            }
            else if (runner.FreeSlots < runner.Slots)
            {
                busy++;
            }
            else
            {
                idle++;
            }
        }

        return [new(idle, Idle), new(busy, Busy), new(draining, Draining)];
    }

    internal static Measurement<int>[] BySlotState(IEnumerable<ConnectedRunner> runners)
    {
        int used = 0, free = 0;
        foreach (var runner in runners)
        {
            used += runner.Slots - runner.FreeSlots;
            free += runner.Draining ? 0 : runner.FreeSlots;
        }

        return [new(used, Used), new(free, Free)];
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
