using RunnerHub.Orchestrator.Jobs;

namespace RunnerHub.Orchestrator.UnitTests.Jobs;

public class JobStatesTests
{
    private static readonly JobState[] GitHubOrder = [JobState.Waiting, JobState.Queued, JobState.InProgress, JobState.Completed];

    public static TheoryData<int[]> EveryOrder()
    {
        var data = new TheoryData<int[]>();
        foreach (var order in Permutations([0, 1, 2, 3]))
        {
            data.Add(order);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryOrder))]
    public void Apply_EndsCompleted_WhateverOrderTheEventsArriveIn(int[] order)
    {
        JobState? state = null;
        foreach (var i in order)
        {
            state = JobStates.Apply(state, GitHubOrder[i]);
        }

        Assert.Equal(JobState.Completed, state);
    }

    [Fact]
    public void Apply_IgnoresDuplicatesAndOlderEvents()
    {
        Assert.Equal(JobState.InProgress, JobStates.Apply(JobState.InProgress, JobState.Queued));
        Assert.Equal(JobState.InProgress, JobStates.Apply(JobState.InProgress, JobState.InProgress));
        Assert.Equal(JobState.Queued, JobStates.Apply(null, JobState.Queued));
    }

    [Fact]
    public void Apply_LetsGitHubOverrideOurDeadOrDispatchedState()
    {
        Assert.Equal(JobState.InProgress, JobStates.Apply(JobState.Dead, JobState.InProgress));
        Assert.Equal(JobState.Completed, JobStates.Apply(JobState.Dispatched, JobState.Completed));
        Assert.Equal(JobState.Dispatched, JobStates.Apply(JobState.Dispatched, JobState.Queued));
    }

    [Fact]
    public void Columns_RoundTrip_AndRankSqlNamesEveryState()
    {
        foreach (var state in Enum.GetValues<JobState>())
        {
            var column = JobStates.ToColumn(state);
            Assert.Equal(state, JobStates.FromColumn(column));
            Assert.Contains($"'{column}' THEN {JobStates.Rank(state)}", JobStates.RankSql("s"), StringComparison.Ordinal);
        }
    }

    private static IEnumerable<int[]> Permutations(int[] items) =>
        items.Length <= 1
            ? [items]
            : items.SelectMany(x => Permutations([.. items.Where(y => y != x)]).Select(rest => (int[])[x, .. rest]));
}
