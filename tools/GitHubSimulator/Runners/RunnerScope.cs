using RunnerHub.GitHubSimulator.Jobs;

namespace RunnerHub.GitHubSimulator.Runners;

/// <summary>Where a runner is registered: a repository (runs only its jobs) or an organization (runs any of its repositories' jobs).</summary>
internal sealed record RunnerScope(string Owner, string? Repository)
{
    public static RunnerScope ForRepository(string owner, string repository) => new(owner, repository);

    public static RunnerScope ForOrganization(string org) => new(org, null);

    /// <summary>Case-insensitive identity of the scope: runner names are unique within it.</summary>
    public string Key => (Repository is null ? $"org:{Owner}" : $"repo:{Owner}/{Repository}").ToLowerInvariant();

    /// <summary>The github.com URL the runner's config names.</summary>
    public string GitHubUrl => Repository is null ? $"https://github.com/{Owner}" : $"https://github.com/{Owner}/{Repository}";

    public bool Covers(RepositoryName repository) =>
        Repository is null ? repository.IsOwnedBy(Owner) : repository.Is(Owner, Repository);

    public override string ToString() => Repository is null ? Owner : $"{Owner}/{Repository}";
}
