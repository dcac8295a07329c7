namespace RunnerHub.Orchestrator.Dispatch;

/// <summary>A dispatch the leader gave up on: its job is queued again, or dead after its last attempt.</summary>
/// <param name="JobId">GitHub's workflow_job id.</param>
/// <param name="Attempt">The attempt given up.</param>
/// <param name="LabelKey">The job's queue (normalised labels).</param>
/// <param name="Dead">True when that was the last attempt.</param>
internal sealed record ReleasedDispatch(long JobId, int Attempt, string LabelKey, bool Dead);
