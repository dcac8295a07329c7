namespace RunnerHub.ProxyRunner.Execution;

/// <summary>A job whose process is running, for heartbeats (the hub contract's <c>RunningJob</c> is its job id and attempt).</summary>
/// <param name="JobId">GitHub's workflow job id.</param>
/// <param name="Attempt">The dispatch attempt.</param>
/// <param name="RunnerName">The ephemeral runner's name.</param>
/// <param name="ProcessId">The job's process id, which is also its process group and session id.</param>
/// <param name="StartedAt">When the process was started.</param>
internal sealed record RunningProcess(long JobId, int Attempt, string RunnerName, int ProcessId, DateTimeOffset StartedAt);
