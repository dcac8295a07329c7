namespace RunnerHub.Orchestrator.Webhooks;

/// <summary>The body of a 2xx webhook answer; GitHub shows it in the delivery log.</summary>
internal sealed record WebhookAnswer(
    string DeliveryId,
    string Event,
    string? Action,
    long? JobId,
    string? State,
    string Outcome,
    bool Duplicate);
