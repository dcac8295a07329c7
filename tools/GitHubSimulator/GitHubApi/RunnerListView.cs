namespace RunnerHub.GitHubSimulator.GitHubApi;

/// <summary>List self-hosted runners: <c>{"total_count", "runners"}</c>.</summary>
internal sealed record RunnerListView(int TotalCount, IReadOnlyList<RunnerView> Runners);
