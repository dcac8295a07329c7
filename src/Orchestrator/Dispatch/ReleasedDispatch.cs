namespace RunnerHub.Orchestrator.Dispatch;

/// <summary>A dispatch the leader gave up on: its job is queued again, or dead after its last attempt.</summary>
/// <param name="JobId">GitHub's workflow_job id.</param>
/// <param name="Attempt">The attempt given up.</param>
/// <param name="LabelKey">The job's queue (normalised labels).</param>
/// <param name="Dead">True when that was the last attempt.</param>
/// <param name="Repository">The job's repository, where its JIT runner was registered (when known).</param>
/// <param name="JitRunnerName">The JIT runner of the attempt given up (when known).</param>
internal sealed record ReleasedDispatch(long JobId, int Attempt, string LabelKey, bool Dead, string? Repository = null, string? JitRunnerName = null);
