using System.Diagnostics;

namespace RunnerHub.Bench.Measurement;

/// <summary>
/// Starts work at a fixed rate on an absolute schedule (item i is due at i / rate seconds), so a
/// late tick catches up instead of drifting, and a slow system under test cannot slow the
/// arrivals down (an open loop: the latency it shows includes queueing).
/// </summary>
internal static class OpenLoop
{
    /// <summary>Calls <paramref name="start"/> for items 0..count-1 on schedule; returns the seconds the schedule took.</summary>
    public static async Task<double> RunAsync(double rate, int count, Action<int> start, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rate);
        var began = Stopwatch.GetTimestamp();
        var next = 0;
        while (next < count)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var due = (int)Math.Min(count, Math.Floor(Stopwatch.GetElapsedTime(began).TotalSeconds * rate) + 1);
            while (next < due)
            {
                start(next++);
            }

            if (next < count)
            {
                await Task.Delay(1, cancellationToken);
            }
        }

        return Stopwatch.GetElapsedTime(began).TotalSeconds;
    }
}
