namespace RunnerHub.GitHubSimulator.Jobs;

/// <summary>A batch's progress as <c>GET /batches/{id}</c> shows it.</summary>
internal sealed record BatchView(long BatchId, int Count, int Created, string State, long FirstJobId, long LastJobId, double Rate, DateTimeOffset StartedAt, double ElapsedMs);
