namespace RunnerHub.Orchestrator.Jobs;

/// <summary>
/// A job's row as a delivery left it, for the job metrics: <paramref name="AppliedAt"/> is
/// PostgreSQL's clock at the delivery's transaction, <paramref name="DispatchedAt"/> its last
/// dispatch (PostgreSQL's clock), <paramref name="StartedAt"/> and <paramref name="CompletedAt"/>
/// GitHub's times, <paramref name="Conclusion"/> GitHub's conclusion.
/// </summary>
internal sealed record JobTimes(DateTimeOffset AppliedAt, DateTimeOffset? DispatchedAt, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, string? Conclusion);
