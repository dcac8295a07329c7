using System.Text.Json.Nodes;
using RunnerHub.GitHubSimulator.Webhooks;

namespace RunnerHub.GitHubSimulator.Jobs;

/// <summary>
/// <c>GET /jobs/{id}</c>: the simulator's record of a job. <see cref="WorkflowJob"/> is the job
/// exactly as the GitHub API returns it (snake_case); <see cref="QueuedDelivery"/> says whether
/// its <c>queued</c> webhook was answered 2xx.
/// </summary>
internal sealed record JobRecordView(
    long Id,
    string Repository,
    string LabelSet,
    long? BatchId,
    double DurationMs,
    string Status,
    string? Conclusion,
    string? RunnerName,
    long? RunnerId,
    string QueuedDelivery,
    JsonObject WorkflowJob,
    IReadOnlyList<DeliveryView> Deliveries);
