using RunnerHub.Contracts;

namespace RunnerHub.Orchestrator.Jobs;

/// <summary>What RunnerHub keeps of a <c>workflow_job</c> webhook: validated, labels normalised.</summary>
internal sealed record WorkflowJobEvent(
    string DeliveryId,
    string Action,
    JobState State,
    long JobId,
    long RunId,
    int RunAttempt,
    string Repository,
    string Owner,
    LabelSet Labels,
    string? WorkflowName,
    string? JobName,
    string? HtmlUrl,
    string? Conclusion,
    string? RunnerName,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt);
