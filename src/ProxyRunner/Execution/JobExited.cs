namespace RunnerHub.ProxyRunner.Execution;

/// <summary>A job's process is gone, and with it every process of its group that RunnerHub could reach.</summary>
/// <param name="JobId">GitHub's workflow job id.</param>
/// <param name="Attempt">The dispatch attempt.</param>
/// <param name="RunnerName">The ephemeral runner's name.</param>
/// <param name="ProcessId">The job's process id.</param>
/// <param name="At">When the exit was seen.</param>
/// <param name="Kind">Why it ended.</param>
/// <param name="ExitCode">The exit code (128 + signal when killed by a signal); null for a leftover of a previous run.</param>
/// <param name="Duration">How long it ran; null when unknown (<see cref="JobExitKind.Unknown"/>).</param>
internal sealed record JobExited(
    long JobId,
    int Attempt,
    string RunnerName,
    int ProcessId,
    DateTimeOffset At,
    JobExitKind Kind,
    int? ExitCode,
    TimeSpan? Duration)
    : ExecutionEvent(JobId, Attempt, RunnerName, ProcessId, At)
{
    /// <summary>True when the orchestrator asked for this job to be cancelled.</summary>
    public bool Cancelled => Kind == JobExitKind.Cancelled;
}
