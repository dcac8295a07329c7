namespace RunnerHub.Orchestrator.Scheduling;

/// <summary>What one retention run removed.</summary>
/// <param name="Deliveries">Webhook delivery rows deleted.</param>
/// <param name="Jobs">Completed or dead job rows deleted.</param>
/// <param name="Batches">Fenced transactions it took.</param>
internal sealed record RetentionResult(long Deliveries, long Jobs, int Batches);
