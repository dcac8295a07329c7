namespace RunnerHub.ProxyRunner.Execution;

/// <summary>A job's process was started; <see cref="ExecutionEvent.At"/> is its start time.</summary>
internal sealed record JobStarted(long JobId, int Attempt, string RunnerName, int ProcessId, DateTimeOffset At)
    : ExecutionEvent(JobId, Attempt, RunnerName, ProcessId, At);
