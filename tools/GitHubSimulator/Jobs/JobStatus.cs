namespace RunnerHub.GitHubSimulator.Jobs;

/// <summary>A workflow job's <c>status</c> and <c>conclusion</c> values, as GitHub spells them.</summary>
internal static class JobStatus
{
    public const string Waiting = "waiting";
    public const string Queued = "queued";
    public const string InProgress = "in_progress";
    public const string Completed = "completed";

    public const string Success = "success";
    public const string Failure = "failure";
    public const string Cancelled = "cancelled";
}
