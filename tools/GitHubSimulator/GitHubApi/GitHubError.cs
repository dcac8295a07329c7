namespace RunnerHub.GitHubSimulator.GitHubApi;

/// <summary>GitHub's error body: <c>{"message": …, "documentation_url": …, "status": "404"}</c>.</summary>
internal sealed record GitHubError(string Message, string DocumentationUrl, string Status);
