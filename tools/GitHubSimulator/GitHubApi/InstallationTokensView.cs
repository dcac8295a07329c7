namespace RunnerHub.GitHubSimulator.GitHubApi;

/// <summary><c>GET /_simulator/installation-tokens</c>: how many tokens were issued, and each one's use.</summary>
internal sealed record InstallationTokensView(int Issued, bool JwtVerified, IReadOnlyList<InstallationTokenView> Tokens);
