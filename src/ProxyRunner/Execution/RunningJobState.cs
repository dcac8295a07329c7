namespace RunnerHub.ProxyRunner.Execution;

/// <summary>
/// What is written to <c>&lt;Runner:StateDirectory&gt;/running/&lt;jobId&gt;-&lt;attempt&gt;.json</c>
/// while a job runs, so a later run of the proxy runner can find it if this one dies. It holds
/// no secret: the JIT config is never written anywhere.
/// </summary>
/// <param name="JobId">GitHub's workflow job id.</param>
/// <param name="Attempt">The dispatch attempt.</param>
/// <param name="RunnerName">The ephemeral runner's name.</param>
/// <param name="ProcessId">The job's process id.</param>
/// <param name="ProcessGroupId">Its process group (and session) id: the job runs under <c>setsid</c>, so it equals the pid.</param>
/// <param name="StartTicks">Field 22 of <c>/proc/&lt;pid&gt;/stat</c>: tells the process from a later one with the same pid.</param>
/// <param name="BootId">The boot the start ticks count from.</param>
/// <param name="StartedAt">When it was started.</param>
/// <param name="LogPath">Its log file.</param>
internal sealed record RunningJobState(
    long JobId,
    int Attempt,
    string RunnerName,
    int ProcessId,
    int ProcessGroupId,
    long StartTicks,
    string? BootId,
    DateTimeOffset StartedAt,
    string LogPath);
