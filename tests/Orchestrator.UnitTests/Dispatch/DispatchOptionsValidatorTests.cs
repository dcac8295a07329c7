using RunnerHub.Orchestrator.Dispatch;

namespace RunnerHub.Orchestrator.UnitTests.Dispatch;

public class DispatchOptionsValidatorTests
{
    [Fact]
    public void Validate_AcceptsTheDefaults()
    {
        var options = new DispatchOptions();

        Assert.True(new DispatchOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal((TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(2)), (options.UnusedRunnerTimeout, options.ExitGrace));
    }

    [Theory]
    [InlineData("00:00:30", true)]
    [InlineData("1.00:00:00", true)]
    [InlineData("00:00:29", false)]
    [InlineData("1.00:00:01", false)]
    public void Validate_ChecksUnusedRunnerTimeout(string timeout, bool valid)
    {
        var result = new DispatchOptionsValidator().Validate(null, new DispatchOptions { UnusedRunnerTimeout = TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Equal(valid, result.Succeeded);
    }

    [Fact]
    public void Validate_RefusesAnUnusedRunnerTimeout_NotLongerThanTheAckTimeout()
    {
        var result = new DispatchOptionsValidator().Validate(null, new DispatchOptions
        {
            Lease = TimeSpan.FromMinutes(5),
            AckTimeout = TimeSpan.FromMinutes(1),
            UnusedRunnerTimeout = TimeSpan.FromMinutes(1),
        });

        Assert.Contains("Dispatch:UnusedRunnerTimeout", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ReportsEveryProblemAtOnce()
    {
        var result = new DispatchOptionsValidator().Validate(null, new DispatchOptions
        {
            UnusedRunnerTimeout = TimeSpan.Zero,
            ExitGrace = TimeSpan.FromSeconds(-1),
            MaxAttempts = 0,
        });

        Assert.Equal(3, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.StartsWith("Dispatch:ExitGrace", StringComparison.Ordinal));
    }
}
