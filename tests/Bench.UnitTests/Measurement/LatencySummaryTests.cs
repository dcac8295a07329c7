using RunnerHub.Bench.Measurement;

namespace RunnerHub.Bench.UnitTests.Measurement;

public sealed class LatencySummaryTests
{
    [Fact]
    public void Of_TakesNearestRank_SoEveryFigureIsALatencyThatHappened()
    {
        var summary = LatencySummary.Of(Enumerable.Range(1, 100).Select(i => (double)i).Reverse());

        Assert.Equal(100, summary.Count);
        Assert.Equal(50, summary.P50Ms);
        Assert.Equal(90, summary.P90Ms);
        Assert.Equal(99, summary.P99Ms);
        Assert.Equal(100, summary.MaxMs);
    }

    [Fact]
    public void Of_GivesTheOnlyValueForEveryPercentile_WhenThereIsOne()
    {
        var summary = LatencySummary.Of([12.3456]);

        Assert.Equal(new LatencySummary(1, 12.346, 12.346, 12.346, 12.346), summary);
    }

    [Fact]
    public void Of_IsEmptyWithNullFigures_WhenThereIsNothing()
    {
        Assert.Equal(LatencySummary.Empty, LatencySummary.Of([]));
        Assert.Null(LatencySummary.Of([double.NaN]).P99Ms);
    }
}
