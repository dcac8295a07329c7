namespace RunnerHub.GitHubSimulator.GitHubApi;

/// <summary>An installation access token: <c>{"token": "ghs_…", "expires_at": "…Z", …}</c>.</summary>
internal sealed record AccessTokenView(string Token, string ExpiresAt, IReadOnlyDictionary<string, string> Permissions, string RepositorySelection);
