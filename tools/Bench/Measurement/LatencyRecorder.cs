using System.Collections.Concurrent;
using System.Diagnostics;

namespace RunnerHub.Bench.Measurement;

/// <summary>
/// Collects enqueue-to-start latencies from many threads. Both ends are
/// <see cref="Stopwatch.GetTimestamp"/> values of this process, so no clock can drift between them.
/// </summary>
internal sealed class LatencyRecorder
{
    private readonly ConcurrentQueue<double> _latenciesMs = new();
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Record(long startedTimestamp) => RecordMs(Stopwatch.GetElapsedTime(startedTimestamp).TotalMilliseconds);

    public void RecordMs(double latencyMs)
    {
        _latenciesMs.Enqueue(latencyMs);
        Interlocked.Increment(ref _count);
    }

    /// <summary>
    /// True once <paramref name="target"/> latencies were recorded; false when the timeout passes first.
    /// Polls every millisecond (the timer's resolution), which is the precision a drain is timed to.
    /// </summary>
    public async Task<bool> WaitForAsync(int target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var began = Stopwatch.GetTimestamp();
        while (Count < target)
        {
            if (Stopwatch.GetElapsedTime(began) > timeout)
            {
                return false;
            }

            await Task.Delay(1, cancellationToken);
        }

        return true;
    }

    public LatencySummary Summary() => LatencySummary.Of(_latenciesMs);
}
