using RunnerHub.Orchestrator.Leadership;

namespace RunnerHub.Orchestrator.UnitTests.Leadership;

public sealed class LeadershipOptionsValidatorTests
{
    [Fact]
    public void TheDefaults_AreValid()
    {
        Assert.True(new LeadershipOptionsValidator().Validate(null, new LeadershipOptions()).Succeeded);
    }

    [Fact]
    public void ADeadlineNotShorterThanTheLease_IsRefused_WithTheReason()
    {
        var result = new LeadershipOptionsValidator().Validate(null, new LeadershipOptions { LeaseDuration = TimeSpan.FromSeconds(2), RenewDeadline = TimeSpan.FromSeconds(2) });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("RenewDeadline", StringComparison.Ordinal) && f.Contains("shorter than Leadership:LeaseDuration", StringComparison.Ordinal));
    }

    [Fact]
    public void ARenewIntervalThatAllowsNoRetryBeforeTheDeadline_IsRefused()
    {
        var result = new LeadershipOptionsValidator().Validate(null, new LeadershipOptions { RenewInterval = TimeSpan.FromSeconds(1), RenewDeadline = TimeSpan.FromMilliseconds(1500) });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("RenewInterval", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryProblem_IsListed()
    {
        var result = new LeadershipOptionsValidator().Validate(null, new LeadershipOptions
        {
            LeaseDuration = TimeSpan.FromMilliseconds(100),
            RenewDeadline = TimeSpan.Zero,
            RenewInterval = TimeSpan.Zero,
            RetryInterval = TimeSpan.Zero,
            StepDownBackoff = TimeSpan.FromHours(1),
        });

        Assert.Equal(5, result.Failures!.Count());
    }
}
