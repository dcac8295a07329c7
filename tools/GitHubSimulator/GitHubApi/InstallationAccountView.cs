namespace RunnerHub.GitHubSimulator.GitHubApi;

/// <summary>The account an installation belongs to.</summary>
internal sealed record InstallationAccountView(string Login, long Id, string Type);
