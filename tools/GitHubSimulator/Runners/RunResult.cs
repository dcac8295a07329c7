namespace RunnerHub.GitHubSimulator.Runners;

/// <summary>What the simulated runner did: the job it ran (null: it got none within the wait) and how that ended.</summary>
internal sealed record RunResult(long? JobId, long RunnerId, string RunnerName, string? Conclusion, double ElapsedMs);
