using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RunnerHub.Orchestrator.Dispatch;

/// <summary>
/// <c>runnerhub_dispatch_step_seconds</c> by <c>step</c>: where one dispatch's time goes on the
/// node that makes it, so an operator can tell a slow PostgreSQL, a slow GitHub API and slow
/// runners apart. <c>claim</c>: the job claimed in PostgreSQL; <c>jit_config</c>: GitHub's
/// generate-jitconfig call (with its retries); <c>runner</c>: the dispatch sent over SignalR until
/// the runner's answer (it starts the runner process first); <c>record</c>: the pointer removed
/// from Redis and the acknowledgement stored in PostgreSQL. A step that failed is not recorded.
/// Timed on this node's monotonic clock; the steps of one dispatch add up to about
/// <c>dispatched_at</c> to <c>acknowledged_at</c> in PostgreSQL.
/// </summary>
internal sealed class DispatchMetrics
{
    public const string MeterName = "RunnerHub.Orchestrator.Dispatch";

    /// <summary>Bucket boundaries in seconds: 1 ms to 30 s (a step is milliseconds when all is well).</summary>
    internal static readonly IReadOnlyList<double> StepBuckets =
        [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    public static readonly KeyValuePair<string, object?> Claim = new("step", "claim");
    public static readonly KeyValuePair<string, object?> JitConfig = new("step", "jit_config");
    public static readonly KeyValuePair<string, object?> Runner = new("step", "runner");
    public static readonly KeyValuePair<string, object?> Record = new("step", "record");

    private readonly Histogram<double> _step;

    public DispatchMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _step = meter.CreateHistogram(
            "runnerhub.dispatch.step",
            "s",
            "One step of a dispatch on the node that made it: claim (PostgreSQL), jit_config (GitHub), runner (SignalR to the runner's answer), record (Redis and PostgreSQL).",
            null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = StepBuckets });
    }

    /// <summary>Records the time since <paramref name="since"/> (a <see cref="Stopwatch"/> timestamp) as <paramref name="step"/>; returns now, the next step's start.</summary>
    public long Step(KeyValuePair<string, object?> step, long since)
    {
        var now = Stopwatch.GetTimestamp();
        _step.Record(Stopwatch.GetElapsedTime(since, now).TotalSeconds, step);
        return now;
    }
}
