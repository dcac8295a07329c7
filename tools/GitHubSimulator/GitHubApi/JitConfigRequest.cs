namespace RunnerHub.GitHubSimulator.GitHubApi;

/// <summary>The body of generate-jitconfig: <c>{"name", "runner_group_id", "labels", "work_folder"}</c>; all but <c>work_folder</c> required, as on GitHub.</summary>
internal sealed record JitConfigRequest(string? Name, long? RunnerGroupId, IReadOnlyList<string?>? Labels, string? WorkFolder)
{
    /// <summary>GitHub's 422 message, listing every problem; null when the request is valid.</summary>
    public string? Problem()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Name))
        {
            problems.Add("\"name\" wasn't supplied.");
        }
        else if (Name.Length > 256)
        {
            problems.Add("\"name\" is longer than 256 characters.");
        }

        if (RunnerGroupId is null)
        {
            problems.Add("\"runner_group_id\" wasn't supplied.");
        }
        else if (RunnerGroupId < 1)
        {
            problems.Add("\"runner_group_id\" must be a positive integer.");
        }

        if (Labels is null)
        {
            problems.Add("\"labels\" wasn't supplied.");
        }
        else if (Labels.Count is 0 or > 100)
        {
            problems.Add("\"labels\" must have between 1 and 100 items.");
        }
        else if (Labels.Any(l => string.IsNullOrWhiteSpace(l) || l.Length > 256))
        {
            problems.Add("\"labels\" items must be non-empty strings of at most 256 characters.");
        }

        return problems.Count == 0 ? null : "Invalid request.\n\n" + string.Join('\n', problems);
    }
}
