namespace RunnerHub.Orchestrator.GitHub;

/// <summary>How the orchestrator talks to GitHub's REST API. Section <c>GitHub</c>.</summary>
public sealed class GitHubOptions
{
    /// <summary>Configuration section: <c>GitHub</c>.</summary>
    public const string SectionName = "GitHub";

    /// <summary>
    /// The REST API base URL: <c>https://api.github.com</c> (the default), <c>https://HOST/api/v3</c>
    /// for GitHub Enterprise Server, or the project's simulator for local runs.
    /// </summary>
    public string ApiBaseUrl { get; set; } = "https://api.github.com";

    /// <summary>A token with the <c>administration</c> (runners) permission. Give this, or <see cref="AppId"/> and <see cref="PrivateKeyPath"/>.</summary>
    public string? Token { get; set; }

    /// <summary>The GitHub App's id, when authenticating as an App.</summary>
    public long? AppId { get; set; }

    /// <summary>Path to the GitHub App's PEM private key, when authenticating as an App.</summary>
    public string? PrivateKeyPath { get; set; }

    /// <summary>The runner group JIT runners join. Default 1 (the default group).</summary>
    public long RunnerGroupId { get; set; } = 1;

    /// <summary>Timeout of one API call; retries come on top, within <see cref="TotalTimeout"/>. Default 10 s.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one call may take with its retries. Default 30 s.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
