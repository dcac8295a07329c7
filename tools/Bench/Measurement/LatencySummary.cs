namespace RunnerHub.Bench.Measurement;

/// <summary>Percentiles of one set of latencies, in milliseconds; <c>null</c> figures when there were none.</summary>
internal sealed record LatencySummary(int Count, double? P50Ms, double? P90Ms, double? P99Ms, double? MaxMs)
{
    public static LatencySummary Empty { get; } = new(0, null, null, null, null);

    /// <summary>Nearest-rank percentiles (no interpolation: every figure is a latency that happened).</summary>
    public static LatencySummary Of(IEnumerable<double> latenciesMs)
    {
        var sorted = latenciesMs.Where(double.IsFinite).Order().ToArray();
        if (sorted.Length == 0)
        {
            return Empty;
        }

        return new LatencySummary(sorted.Length, Rank(sorted, 0.50), Rank(sorted, 0.90), Rank(sorted, 0.99), Math.Round(sorted[^1], 3));
    }

    internal static double Rank(double[] sorted, double quantile)
    {
        var rank = (int)Math.Ceiling(quantile * sorted.Length);
        return Math.Round(sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)], 3);
    }
}
