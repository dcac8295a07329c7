using RunnerHub.Orchestrator.Jobs;

namespace RunnerHub.Orchestrator.UnitTests.Leadership;

public sealed class GitHubRecheckOptionsValidatorTests
{
    [Fact]
    public void TheDefaults_AreValid() =>
        Assert.True(new GitHubRecheckOptionsValidator().Validate(null, new GitHubRecheckOptions()).Succeeded);

    [Fact]
    public void EveryProblem_IsListed_ByItsSetting()
    {
        var result = new GitHubRecheckOptionsValidator().Validate(null, new GitHubRecheckOptions { After = TimeSpan.Zero, Interval = TimeSpan.FromDays(1), Batch = 0 });

        Assert.Equal(["GitHubRecheck:After", "GitHubRecheck:Batch", "GitHubRecheck:Interval"], result.Failures!.Select(f => f.Split(' ')[0]).Order());
    }
}
