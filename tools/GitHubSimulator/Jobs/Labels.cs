namespace RunnerHub.GitHubSimulator.Jobs;

/// <summary>GitHub's label rules: compared case-insensitively; a runner may run a job whose labels are a subset of its own.</summary>
internal static class Labels
{
    /// <summary>The summary key of a label set: lower-case, distinct, sorted, comma-joined.</summary>
    public static string Key(IEnumerable<string> labels) =>
        string.Join(',', labels.Select(l => l.Trim().ToLowerInvariant()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    public static HashSet<string> Set(IEnumerable<string> labels) =>
        new(labels.Select(l => l.Trim()), StringComparer.OrdinalIgnoreCase);

    public static bool IsSubset(IReadOnlySet<string> jobLabels, IReadOnlySet<string> runnerLabels) =>
        jobLabels.All(runnerLabels.Contains);
}
