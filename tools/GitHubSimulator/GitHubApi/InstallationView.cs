namespace RunnerHub.GitHubSimulator.GitHubApi;

/// <summary>A GitHub App installation (the fields RunnerHub can use; GitHub returns more).</summary>
internal sealed record InstallationView(
    long Id,
    InstallationAccountView Account,
    long AppId,
    string AppSlug,
    long TargetId,
    string TargetType,
    IReadOnlyDictionary<string, string> Permissions,
    IReadOnlyList<string> Events,
    string RepositorySelection,
    string CreatedAt,
    string UpdatedAt);
