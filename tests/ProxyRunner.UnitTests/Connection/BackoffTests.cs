namespace RunnerHub.ProxyRunner.UnitTests.Connection;

public class BackoffTests
{
    [Fact]
    public void Delay_GrowsExponentially_WithinHalfToOneAndAHalfTimesTheBase()
    {
        var random = new Random(42);
        double[] bases = [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000];

        for (var attempt = 1; attempt <= bases.Length; attempt++)
        {
            var delay = Backoff.Delay(attempt, random).TotalMilliseconds;
            Assert.InRange(delay, bases[attempt - 1] * 0.5, bases[attempt - 1] * 1.5);
        }
    }

    [Fact]
    public void Delay_IsCappedAt45Seconds_ForAnyAttempt()
    {
        var random = new Random(7);

        Assert.All(new[] { 20, 1_000, int.MaxValue }, attempt => Assert.True(Backoff.Delay(attempt, random) <= TimeSpan.FromSeconds(45)));
    }

    [Fact]
    public void Delay_IsJittered_SoAFleetDoesNotReconnectInStep()
    {
        var random = new Random(1);

        var delays = Enumerable.Range(0, 20).Select(_ => Backoff.Delay(5, random)).Distinct().Count();

        Assert.True(delays > 15, $"only {delays} distinct delays out of 20");
    }
}
