namespace RunnerHub.Orchestrator.Dispatch;

/// <summary>
/// A runner process (<c>rh-{job}-{attempt}</c>) a proxy runner reports running that PostgreSQL
/// has no live dispatch for, with what PostgreSQL knows of its job, to tell the runner why.
/// </summary>
/// <param name="JobId">The job the process was launched for.</param>
/// <param name="Attempt">The dispatch attempt the process was launched for.</param>
/// <param name="JobState">The job's state now; null when PostgreSQL does not know the job (any more).</param>
/// <param name="JobAttempt">The job's dispatch attempt now.</param>
/// <param name="Conclusion">GitHub's conclusion, once completed.</param>
/// <param name="DeadReason">Why RunnerHub gave the job up, once dead.</param>
/// <param name="Repository">The job's repository, where its JIT runner is registered; null when PostgreSQL does not know the job.</param>
internal sealed record OrphanedProcess(long JobId, int Attempt, string? JobState, int? JobAttempt, string? Conclusion, string? DeadReason, string? Repository = null)
{
    /// <summary>Why the process should not run, for the proxy runner's log and ours.</summary>
    public string Reason => JobState switch
    {
        null => "the job is not known (removed)",
        "completed" => $"the job completed ({Conclusion ?? "no conclusion"})",
        "dead" => $"the job is dead: {DeadReason ?? "no reason recorded"}",
        _ when JobAttempt is { } now && now != Attempt => $"the job moved on to dispatch attempt {now}",
        "queued" => "its dispatch was released and the job is queued again",
        "waiting" => "the job is waiting for approval",
        _ => "the job's dispatch belongs to another runner process",
    };
}
