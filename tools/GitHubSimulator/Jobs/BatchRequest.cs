namespace RunnerHub.GitHubSimulator.Jobs;

/// <summary>
/// <c>POST /jobs</c>: create <see cref="Count"/> jobs at <see cref="Rate"/> per second; job i takes
/// label set i mod n and repository i mod m.
/// </summary>
internal sealed record BatchRequest
{
    public const int MaxCount = 100_000;

    public int Count { get; init; } = 1;

    /// <summary>Jobs (and their <c>queued</c> webhooks) per second; 0 = all at once.</summary>
    public double Rate { get; init; }

    /// <summary>How long a runner takes to run each job. Default 1000 ms.</summary>
    public int DurationMs { get; init; } = 1000;

    public IReadOnlyList<IReadOnlyList<string>>? LabelSets { get; init; }

    public IReadOnlyList<string>? Repositories { get; init; }

    /// <summary>Jobs start <c>waiting</c> (deployment protection) until <c>POST /jobs/{id}/approve</c>.</summary>
    public bool Waiting { get; init; }

    public string? WorkflowName { get; init; }

    public string? JobName { get; init; }

    public IReadOnlyList<IReadOnlyList<string>> EffectiveLabelSets => LabelSets ?? [["self-hosted", "linux", "x64"]];

    public IReadOnlyList<string> EffectiveRepositories => Repositories ?? ["octo-org/octo-repo"];

    /// <summary>Every problem, by field, for a 400 validation problem.</summary>
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (Count is < 1 or > MaxCount)
        {
            errors["count"] = [$"must be between 1 and {MaxCount}."];
        }

        if (double.IsNaN(Rate) || Rate is < 0 or > 100_000)
        {
            errors["rate"] = ["must be between 0 (all at once) and 100000 per second."];
        }

        if (DurationMs is < 0 or > 86_400_000)
        {
            errors["durationMs"] = ["must be between 0 and 86400000."];
        }

        var labelProblems = EffectiveLabelSets.Count == 0 ? ["give at least one label set."]
            : EffectiveLabelSets.Select((set, i) => LabelSetProblem(set, i)).OfType<string>().ToArray();
        if (labelProblems.Length > 0)
        {
            errors["labelSets"] = labelProblems;
        }

        var repositoryProblems = EffectiveRepositories.Count == 0 ? ["give at least one repository."]
            : EffectiveRepositories.Where(r => !RepositoryName.TryParse(r, out _)).Select(r => $"'{r}' is not owner/name.").ToArray();
        if (repositoryProblems.Length > 0)
        {
            errors["repositories"] = repositoryProblems;
        }

        if (WorkflowName is { Length: 0 or > 200 } || JobName is { Length: 0 or > 200 })
        {
            errors["workflowName"] = ["workflowName and jobName must be 1 to 200 characters when given."];
        }

        return errors;
    }

    private static string? LabelSetProblem(IReadOnlyList<string>? set, int index) =>
        set is null || set.Count is 0 or > 100 ? $"label set {index} must have 1 to 100 labels."
        : set.Any(l => string.IsNullOrWhiteSpace(l) || l.Length > 100 || l.Contains(',', StringComparison.Ordinal))
            ? $"label set {index} has an empty label, one over 100 characters or one with a comma."
        : null;
}
