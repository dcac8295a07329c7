using RunnerHub.Bench.Measurement;

namespace RunnerHub.Bench.Anchors;

/// <summary>
/// The job Hangfire runs. Public because Hangfire only invokes public methods; static so no job
/// activator is involved (nothing but the queue is measured).
/// </summary>
public static class HangfireProbe
{
    internal static LatencyRecorder? Recorder { get; set; }

    /// <summary>Records the time from the enqueue (a <see cref="System.Diagnostics.Stopwatch"/> timestamp of this process) to now.</summary>
    public static void Run(long enqueuedTimestamp)
    {
        if (enqueuedTimestamp == 0)
        {
            Recorder?.RecordMs(0);
        }
        else
        {
            Recorder?.Record(enqueuedTimestamp);
        }
    }
}
