using RunnerHub.Orchestrator.Scheduling;

namespace RunnerHub.Orchestrator.UnitTests.Scheduling;

public sealed class SchedulingOptionsValidatorTests
{
    [Fact]
    public void TheDefaults_AreValid()
    {
        Assert.True(new SchedulingOptionsValidator().Validate(null, new SchedulingOptions()).Succeeded);
    }

    [Fact]
    public void EveryProblem_IsListed()
    {
        var result = new SchedulingOptionsValidator().Validate(null, new SchedulingOptions
        {
            PollInterval = TimeSpan.FromMilliseconds(10),
            Workers = 0,
            LeaderWorkers = 50,
        });

        Assert.Equal(
            ["Scheduling:PollInterval", "Scheduling:Workers", "Scheduling:LeaderWorkers"],
            result.Failures!.Select(f => f[..f.IndexOf(' ', StringComparison.Ordinal)]));
    }
}
