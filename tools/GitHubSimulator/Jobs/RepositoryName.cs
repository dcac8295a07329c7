using System.Diagnostics.CodeAnalysis;

namespace RunnerHub.GitHubSimulator.Jobs;

/// <summary>An <c>owner/name</c> repository, compared case-insensitively as GitHub does.</summary>
internal sealed record RepositoryName(string Owner, string Name)
{
    public string FullName => $"{Owner}/{Name}";

    public static bool TryParse(string? value, [NotNullWhen(true)] out RepositoryName? repository)
    {
        repository = null;
        var parts = value?.Split('/') ?? [];
        if (parts.Length != 2 || !IsValidPart(parts[0]) || !IsValidPart(parts[1]))
        {
            return false;
        }

        repository = new RepositoryName(parts[0], parts[1]);
        return true;
    }

    public bool Is(string owner, string name) =>
        string.Equals(Owner, owner, StringComparison.OrdinalIgnoreCase) && string.Equals(Name, name, StringComparison.OrdinalIgnoreCase);

    public bool IsOwnedBy(string owner) => string.Equals(Owner, owner, StringComparison.OrdinalIgnoreCase);

    public override string ToString() => FullName;

    private static bool IsValidPart(string part) =>
        part.Length is > 0 and <= 100 && part.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
