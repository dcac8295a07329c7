namespace RunnerHub.GitHubSimulator.Tests;

public sealed class SimulatorOptionsValidatorTests
{
    [Fact]
    public void Validate_Succeeds_ForTheDefaultsWithASecret()
    {
        var result = new SimulatorOptionsValidator().Validate(null, new SimulatorOptions { WebhookSecret = "s" });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_ReportsEveryProblemAtOnce()
    {
        var options = new SimulatorOptions
        {
            WebhookUrl = "ftp://nowhere",
            WebhookSecret = "",
            DeliveryTimeout = TimeSpan.Zero,
            DeliveryConcurrency = 0,
            ApiRateLimit = 0,
            RunnerJobWait = TimeSpan.FromSeconds(-1),
        };

        var failures = new SimulatorOptionsValidator().Validate(null, options).Failures!.ToArray();

        Assert.Equal(6, failures.Length);
        Assert.Contains(failures, f => f.Contains("WebhookSecret", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("RunnerJobWait", StringComparison.Ordinal));
    }
}
