using RunnerHub.Orchestrator.Dispatch;

namespace RunnerHub.Orchestrator.UnitTests.Dispatch;

public class JitRunnerNamesTests
{
    [Theory]
    [InlineData("rh-42-1", 7, true)] // our runner for job 42 took job 7
    [InlineData("rh-7-2", 7, false)] // the runner launched for this very job
    [InlineData("rh-70-1", 7, true)] // a prefix of the id is not the id
    [InlineData("GitHub Actions 5", 7, false)] // not one of ours
    public void IsLaunchedForAnotherJob_OnlyForOurRunnersOfOtherJobs(string runnerName, long jobId, bool expected)
    {
        Assert.Equal(expected, JitRunnerNames.IsLaunchedForAnotherJob(runnerName, jobId));
    }
}
