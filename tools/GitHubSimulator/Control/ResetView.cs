namespace RunnerHub.GitHubSimulator.Control;

/// <summary>What a reset forgot.</summary>
internal sealed record ResetView(int Jobs, int Deliveries, int Runners);
