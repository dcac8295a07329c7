using System.Text.Json.Serialization;

namespace RunnerHub.Orchestrator.Webhooks;

// Only the fields RunnerHub uses; source-generated, so parsing a 15 KB payload costs no reflection.

internal sealed record WorkflowJobPayload(string? Action, WorkflowJobBody? WorkflowJob, RepositoryBody? Repository);

internal sealed record WorkflowJobBody(
    long? Id,
    long? RunId,
    int? RunAttempt,
    string? Status,
    string? Conclusion,
    string[]? Labels,
    string? RunnerName,
    string? Name,
    string? WorkflowName,
    string? HtmlUrl,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt);

internal sealed record RepositoryBody(string? FullName, OwnerBody? Owner);

internal sealed record OwnerBody(string? Login);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(WorkflowJobPayload))]
internal sealed partial class WebhookJsonContext : JsonSerializerContext;
