namespace RunnerHub.ProxyRunner.Execution;

/// <summary>Why a job could not be started.</summary>
internal enum JobStartFailure
{
    /// <summary>Every slot is busy.</summary>
    NoFreeSlot,

    /// <summary>The proxy runner is shutting down and takes no new work.</summary>
    Stopping,

    /// <summary>The process could not be started (program missing or not executable, log not writable, …).</summary>
    LaunchFailed,
}
