namespace RunnerHub.Orchestrator.Webhooks;

/// <summary>Which owners and repositories may send jobs; empty allows all.</summary>
internal sealed class RepositoryAllowList
{
    private readonly HashSet<string> _owners;
    private readonly HashSet<string> _repositories;

    private RepositoryAllowList(HashSet<string> owners, HashSet<string> repositories, IReadOnlyList<string> errors)
    {
        _owners = owners;
        _repositories = repositories;
        Errors = errors;
    }

    public IReadOnlyList<string> Errors { get; }

    public bool AllowsAll => _owners.Count == 0 && _repositories.Count == 0;

    /// <summary>Parses <c>owner,owner/repo,...</c>; malformed entries are listed in <see cref="Errors"/>.</summary>
    public static RepositoryAllowList Parse(string? value)
    {
        var owners = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var repositories = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var errors = new List<string>();
        foreach (var entry in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = entry.Split('/');
            if (parts.Length > 2 || parts.Any(p => p.Length == 0 || p.Any(char.IsWhiteSpace)))
            {
                errors.Add($"'{entry}' is neither owner nor owner/repository");
            }
            else if (parts.Length == 1)
            {
                owners.Add(entry);
            }
            else
            {
                repositories.Add(entry);
            }
        }

        return new RepositoryAllowList(owners, repositories, errors);
    }

    /// <summary>True when jobs of <paramref name="repository"/> (owner/name) owned by <paramref name="owner"/> are accepted.</summary>
    public bool Allows(string owner, string repository) =>
        AllowsAll || _owners.Contains(owner) || _repositories.Contains(repository);
}
