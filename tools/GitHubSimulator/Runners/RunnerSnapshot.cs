namespace RunnerHub.GitHubSimulator.Runners;

/// <summary>A registered runner at one moment.</summary>
internal sealed record RunnerSnapshot(
    long Id,
    string Name,
    IReadOnlyList<string> Labels,
    IReadOnlySet<string> LabelSet,
    RunnerScope Scope,
    string Status,
    bool Busy,
    bool Started,
    DateTimeOffset CreatedAt);
