namespace RunnerHub.Orchestrator.Jobs;

/// <summary>
/// The job state machine's one rule: a job only moves forward. GitHub may deliver
/// <c>completed</c> before <c>queued</c>, or twice; applying events by rank makes every order
/// end in the same state as the true order.
/// </summary>
internal static class JobStates
{
    /// <summary>
    /// The rank of each state; an event applies only when it ranks higher than the current state.
    /// <see cref="JobState.Dead"/> ranks with <see cref="JobState.Dispatched"/>: GitHub's own
    /// in_progress or completed still override our giving up.
    /// </summary>
    public static int Rank(JobState state) => state switch
    {
        JobState.Waiting => 0,
        JobState.Queued => 1,
        JobState.Dispatched or JobState.Dead => 2,
        JobState.InProgress => 3,
        JobState.Completed => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    /// <summary>The state after <paramref name="incoming"/> arrives for a job in <paramref name="current"/> (null: unknown job).</summary>
    public static JobState Apply(JobState? current, JobState incoming) =>
        current is { } c && Rank(c) >= Rank(incoming) ? c : incoming;

    /// <summary>The column value: <c>waiting</c>, <c>queued</c>, <c>dispatched</c>, <c>dead</c>, <c>in_progress</c>, <c>completed</c>.</summary>
    public static string ToColumn(JobState state) => state switch
    {
        JobState.Waiting => "waiting",
        JobState.Queued => "queued",
        JobState.Dispatched => "dispatched",
        JobState.Dead => "dead",
        JobState.InProgress => "in_progress",
        JobState.Completed => "completed",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static JobState FromColumn(string value) => value switch
    {
        "waiting" => JobState.Waiting,
        "queued" => JobState.Queued,
        "dispatched" => JobState.Dispatched,
        "dead" => JobState.Dead,
        "in_progress" => JobState.InProgress,
        "completed" => JobState.Completed,
        _ => throw new FormatException($"unknown job state '{value}'"),
    };

    /// <summary>The SQL expression of <see cref="Rank"/> over a state column, kept next to it so the two agree.</summary>
    public static string RankSql(string column) =>
        $"CASE {column} WHEN 'waiting' THEN 0 WHEN 'queued' THEN 1 WHEN 'dispatched' THEN 2 WHEN 'dead' THEN 2 WHEN 'in_progress' THEN 3 WHEN 'completed' THEN 4 END";
}
