namespace RunnerHub.GitHubSimulator.Webhooks;

/// <summary>A delivery as <c>GET /deliveries/{id}</c> and <c>GET /jobs/{id}</c> show it.</summary>
internal sealed record DeliveryView(
    Guid DeliveryId,
    string Event,
    string? Action,
    long? JobId,
    DateTimeOffset CreatedAt,
    string State,
    bool Dropped,
    bool Duplicated,
    double DelayMs,
    IReadOnlyList<DeliveryAttempt> Attempts);
