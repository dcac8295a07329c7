namespace RunnerHub.Bench.Report;

/// <summary>
/// One RunnerHub figure over the same figure of an anchor. For latency, above 1 means RunnerHub
/// is slower; for throughput, below 1 means RunnerHub takes less per second.
/// </summary>
internal sealed record Ratio(string Anchor, string Figure, double? Rate, double? RunnerHub, double? AnchorValue, double? Value)
{
    public static Ratio Of(string anchor, string figure, double? rate, double? runnerHub, double? anchorValue) =>
        new(anchor, figure, rate, runnerHub, anchorValue, runnerHub is { } r && anchorValue is > 0 and var a ? Math.Round(r / a, 2) : null);
}
