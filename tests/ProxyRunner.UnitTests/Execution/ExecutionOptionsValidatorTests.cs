using RunnerHub.ProxyRunner.Execution;

namespace RunnerHub.ProxyRunner.UnitTests.Execution;

public class ExecutionOptionsValidatorTests
{
    [Fact]
    public void Validate_Succeeds_ForTheDefaults()
    {
        Assert.True(new ExecutionOptionsValidator().Validate(null, new ExecutionOptions()).Succeeded);
    }

    [Fact]
    public void Validate_ReportsEveryProblemAtOnce()
    {
        var options = new ExecutionOptions
        {
            RunnerDirectory = " ",
            Command = "run.sh {jobid}",
            KillTimeout = TimeSpan.Zero,
        };
        options.Environment["A=B"] = "x";

        var result = new ExecutionOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Equal(5, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Execution:RunnerDirectory", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("{jobid} is not a known placeholder", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("must pass {jitConfig}", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Execution:KillTimeout", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Execution:Environment", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_Fails_ForAnUnclosedQuote()
    {
        var result = new ExecutionOptionsValidator().Validate(null, new ExecutionOptions { Command = "run.sh --jitconfig '{jitConfig}" });

        Assert.Contains(result.Failures!, f => f.Contains("never closed", StringComparison.Ordinal));
    }
}
