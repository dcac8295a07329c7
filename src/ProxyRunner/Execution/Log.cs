namespace RunnerHub.ProxyRunner.Execution;

// Event ids 2100-2199. Never log the JIT config, nor a launch's argument list, which holds it.
internal static partial class Log
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Job {JobId} attempt {Attempt} started as pid {ProcessId} (runner {RunnerName}), log {LogPath}")]
    public static partial void JobStarted(ILogger logger, long jobId, int attempt, int processId, string runnerName, string logPath);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Job {JobId} attempt {Attempt} (pid {ProcessId}) exited with code {ExitCode} after {Seconds} s: {Kind}")]
    public static partial void JobExited(ILogger logger, long jobId, int attempt, int processId, int exitCode, double seconds, JobExitKind kind);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Error, Message = "Job {JobId} attempt {Attempt} could not be started: {Reason}")]
    public static partial void StartFailed(ILogger logger, Exception exception, long jobId, int attempt, string reason);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "Job {JobId} attempt {Attempt} (pid {ProcessId}): cancelling, SIGTERM to its process group")]
    public static partial void Cancelling(ILogger logger, long jobId, int attempt, int processId);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "Job {JobId} attempt {Attempt} (pid {ProcessId}) did not exit within {Seconds} s of SIGTERM: SIGKILL to its process group")]
    public static partial void KillEscalated(ILogger logger, long jobId, int attempt, int processId, double seconds);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Debug, Message = "Job {JobId} attempt {Attempt}: processes of its group outlived it and were killed")]
    public static partial void StragglersKilled(ILogger logger, long jobId, int attempt);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Warning, Message = "Job {JobId} attempt {Attempt}: a process that left its group still holds its output open; stopped reading it")]
    public static partial void OutputNotDrained(ILogger logger, long jobId, int attempt);

    [LoggerMessage(EventId = 2107, Level = LogLevel.Warning, Message = "Job {JobId} attempt {Attempt}: could not write its log {LogPath}; output since then is lost")]
    public static partial void LogWriteFailed(ILogger logger, Exception exception, long jobId, int attempt, string logPath);

    [LoggerMessage(EventId = 2108, Level = LogLevel.Warning, Message = "Job {JobId} attempt {Attempt}: could not write or delete its state file {Path}; a restart may not find it or report it twice")]
    public static partial void StateFileFailed(ILogger logger, Exception exception, long jobId, int attempt, string path);

    [LoggerMessage(EventId = 2109, Level = LogLevel.Information, Message = "Stopping: waiting for {Count} running job(s) to finish before the shutdown timeout")]
    public static partial void WaitingForJobs(ILogger logger, int count);

    [LoggerMessage(EventId = 2110, Level = LogLevel.Warning, Message = "Shutdown timeout reached: killing {Count} job(s) still running")]
    public static partial void KillingOnShutdown(ILogger logger, int count);

    [LoggerMessage(EventId = 2111, Level = LogLevel.Error, Message = "Shutdown: {Count} job(s) did not exit even after SIGKILL; giving up on them")]
    public static partial void NotDeadAfterKill(ILogger logger, int count);

    [LoggerMessage(EventId = 2120, Level = LogLevel.Warning, Message = "Leftover job {JobId} attempt {Attempt} of a previous run still runs as pid {ProcessId} (since {StartedAt}): killing its process group, reporting it orphaned")]
    public static partial void LeftoverKilling(ILogger logger, long jobId, int attempt, int processId, DateTimeOffset startedAt);

    [LoggerMessage(EventId = 2121, Level = LogLevel.Information, Message = "Leftover job {JobId} attempt {Attempt} of a previous run (pid {ProcessId}) is no longer running: {Why}")]
    public static partial void LeftoverGone(ILogger logger, long jobId, int attempt, int processId, string why);

    [LoggerMessage(EventId = 2122, Level = LogLevel.Warning, Message = "State file {Path} is not readable; deleted")]
    public static partial void LeftoverUnreadable(ILogger logger, string path);

    [LoggerMessage(EventId = 2123, Level = LogLevel.Error, Message = "Leftover job {JobId} attempt {Attempt} (process group {ProcessGroupId}) still has processes after SIGKILL")]
    public static partial void LeftoverNotDead(ILogger logger, long jobId, int attempt, int processGroupId);
}
