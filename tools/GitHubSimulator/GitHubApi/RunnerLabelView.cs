namespace RunnerHub.GitHubSimulator.GitHubApi;

/// <summary>A runner label: <c>{"id", "name", "type": "read-only" | "custom"}</c>.</summary>
internal sealed record RunnerLabelView(long Id, string Name, string Type);
