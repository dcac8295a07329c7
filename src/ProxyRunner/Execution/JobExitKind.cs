namespace RunnerHub.ProxyRunner.Execution;

/// <summary>Why a job's process ended.</summary>
internal enum JobExitKind
{
    /// <summary>It exited by itself; the exit code says whether the runner succeeded.</summary>
    Exited,

    /// <summary>It was cancelled (SIGTERM, then SIGKILL after <see cref="ExecutionOptions.KillTimeout"/>).</summary>
    Cancelled,

    /// <summary>The proxy runner was shutting down and the job did not finish within the host's shutdown timeout.</summary>
    KilledOnShutdown,

    /// <summary>
    /// A previous run of this proxy runner started it and died; it was still running at start-up
    /// and was killed (see <see cref="IJobExecutor.FindLeftoversAsync"/>).
    /// </summary>
    Orphaned,

    /// <summary>A previous run of this proxy runner started it; it had ended by start-up and how is not known.</summary>
    Unknown,
}
