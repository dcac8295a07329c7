namespace RunnerHub.GitHubSimulator.GitHubApi;

/// <summary>The <c>x-ratelimit-*</c> values of one answer; <see cref="Exceeded"/> when this call was over the limit.</summary>
internal sealed record RateLimitSnapshot(int Limit, int Remaining, long ResetEpochSeconds, int Used, bool Exceeded);
