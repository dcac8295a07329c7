namespace RunnerHub.GitHubSimulator.GitHubApi;

/// <summary>An installation token the simulator issued (never the token itself) and how many API calls it authenticated.</summary>
internal sealed record InstallationTokenView(long InstallationId, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, int Calls);
