namespace RunnerHub.GitHubSimulator.Jobs;

/// <summary>One job at one moment; what webhooks, the API and the summary are built from.</summary>
internal sealed record JobSnapshot(
    long Id,
    long RunId,
    int RunAttempt,
    RepositoryName Repository,
    string Name,
    string WorkflowName,
    IReadOnlyList<string> Labels,
    string LabelSetKey,
    TimeSpan Duration,
    long? BatchId,
    string Status,
    string? Conclusion,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    long? RunnerId,
    string? RunnerName,
    Guid? QueuedDeliveryId,
    IReadOnlyList<Guid> Deliveries);
