namespace RunnerHub.Orchestrator.Jobs;

/// <summary>Where a job is, as RunnerHub tracks it. Stored as the lower-case names in <c>jobs.state</c>.</summary>
internal enum JobState
{
    /// <summary>GitHub holds it back (environment protection): <c>waiting</c>.</summary>
    Waiting,

    /// <summary>Accepted and waiting for a runner: <c>queued</c>.</summary>
    Queued,

    /// <summary>Handed to a proxy runner, not yet reported started by GitHub: <c>dispatched</c>.</summary>
    Dispatched,

    /// <summary>RunnerHub gave up dispatching after the last attempt: <c>dead</c>.</summary>
    Dead,

    /// <summary>GitHub says a runner picked it up: <c>in_progress</c>.</summary>
    InProgress,

    /// <summary>GitHub says it finished: <c>completed</c>. Final.</summary>
    Completed,
}
