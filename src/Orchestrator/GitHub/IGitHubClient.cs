namespace RunnerHub.Orchestrator.GitHub;

/// <summary>The GitHub API calls RunnerHub makes.</summary>
internal interface IGitHubClient
{
    /// <summary>
    /// Registers a just-in-time runner for <paramref name="repository"/> (owner/name) with exactly
    /// <paramref name="labels"/>; the encoded config is a secret the runner starts with once.
    /// </summary>
    Task<JitConfig> GenerateJitConfigAsync(string repository, string runnerName, IReadOnlyList<string> labels, CancellationToken cancellationToken);

    /// <summary>A workflow job's status as GitHub sees it; null when GitHub does not know it.</summary>
    Task<GitHubJob?> GetJobAsync(string repository, long jobId, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the self-hosted runner called <paramref name="runnerName"/> (case-insensitive, as
    /// GitHub compares names) from <paramref name="repository"/>. True when GitHub deleted it,
    /// false when there is none by that name (already gone: an ephemeral runner that ran its job
    /// removes itself). Throws <see cref="GitHubApiException"/> when GitHub refuses, for example
    /// 422 while the runner runs a job.
    /// </summary>
    Task<bool> DeleteRunnerAsync(string repository, string runnerName, CancellationToken cancellationToken);
}

/// <summary>A JIT runner registration. <see cref="EncodedJitConfig"/> is a secret: never log it.</summary>
internal sealed record JitConfig(long RunnerId, string RunnerName, string EncodedJitConfig)
{
    public override string ToString() => $"JitConfig {{ RunnerId = {RunnerId}, RunnerName = {RunnerName} }}";
}

/// <summary>What GitHub says about a job.</summary>
internal sealed record GitHubJob(long Id, string Status, string? Conclusion, string? RunnerName);

/// <summary>GitHub answered with an error that retrying will not fix (4xx other than rate limits).</summary>
public sealed class GitHubApiException : Exception
{
    public GitHubApiException()
    {
    }

    public GitHubApiException(string message)
        : base(message)
    {
    }

    public GitHubApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public GitHubApiException(int statusCode, string message)
        : base(message) => StatusCode = statusCode;

    /// <summary>The HTTP status GitHub answered with.</summary>
    public int StatusCode { get; }
}
