using RunnerHub.Orchestrator.Scheduling;

namespace RunnerHub.Orchestrator.UnitTests.Scheduling;

public sealed class RetentionOptionsValidatorTests
{
    [Fact]
    public void TheDefaults_AreValid()
    {
        var options = new RetentionOptions();

        Assert.True(new RetentionOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(TimeSpan.FromDays(7), options.Deliveries);
        Assert.Equal(TimeSpan.FromDays(30), options.FinishedJobs);
        Assert.Equal("0 * * * *", options.Cron);
        Assert.Equal(5000, options.BatchSize);
    }

    [Theory]
    [InlineData("*/15 * * * *")]
    [InlineData("0 3 * * 1-5")]
    [InlineData("30 */10 * * * *")]
    public void CronExpressionsHangfireAccepts_AreValid(string cron)
    {
        Assert.True(new RetentionOptionsValidator().Validate(null, new RetentionOptions { Cron = cron }).Succeeded);
    }

    [Theory]
    [InlineData("hourly")]
    [InlineData("61 * * * *")]
    [InlineData("* * *")]
    [InlineData("")]
    public void ACronExpressionHangfireRefuses_IsRefused_WithTheReason(string cron)
    {
        var result = new RetentionOptionsValidator().Validate(null, new RetentionOptions { Cron = cron });

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith($"Retention:Cron '{cron}' is not a cron expression Hangfire accepts: ", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void DeliveriesKeptShorterThanGitHubsRedeliveryWindow_AreRefused()
    {
        var result = new RetentionOptionsValidator().Validate(null, new RetentionOptions { Deliveries = TimeSpan.FromDays(2) });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("Retention:Deliveries", StringComparison.Ordinal) && f.Contains("redeliver", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryProblem_IsListed()
    {
        var result = new RetentionOptionsValidator().Validate(null, new RetentionOptions
        {
            Deliveries = TimeSpan.FromHours(1),
            FinishedJobs = TimeSpan.Zero,
            Cron = "not cron",
            BatchSize = 0,
        });

        Assert.Equal(
            ["Retention:Deliveries", "Retention:FinishedJobs", "Retention:Cron", "Retention:BatchSize"],
            result.Failures!.Select(f => f[..f.IndexOf(' ', StringComparison.Ordinal)]));
    }
}
