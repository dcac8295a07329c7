namespace RunnerHub.ProxyRunner.Execution;

/// <summary>Something that happened to a job's process, for the connection layer to forward to the orchestrator.</summary>
/// <param name="JobId">GitHub's workflow job id.</param>
/// <param name="Attempt">The dispatch attempt; the orchestrator checks it so a stale report cannot overwrite a retry.</param>
/// <param name="RunnerName">The ephemeral runner's name.</param>
/// <param name="ProcessId">The job's process id (0 when unknown).</param>
/// <param name="At">When it happened.</param>
internal abstract record ExecutionEvent(long JobId, int Attempt, string RunnerName, int ProcessId, DateTimeOffset At);
