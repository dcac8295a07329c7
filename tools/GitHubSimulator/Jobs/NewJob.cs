namespace RunnerHub.GitHubSimulator.Jobs;

/// <summary>What a job is made of when it is created.</summary>
internal sealed record NewJob(
    long Id,
    long RunId,
    RepositoryName Repository,
    string Name,
    string WorkflowName,
    IReadOnlyList<string> Labels,
    TimeSpan Duration,
    long? BatchId,
    bool Waiting);
